/* rows.c - keyed CSV lines: read, add, sort, look up, write whole. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rows.h"

void bench_rows_init(struct bench_rows *r, int nkey, int nfields)
{
	memset(r, 0, sizeof(*r));
	r->nkey = nkey;
	r->nfields = nfields;
}

void bench_rows_free(struct bench_rows *r)
{
	for (long i = 0; i < r->n; i++) {
		free(r->rows[i].line);
		free(r->rows[i].keybuf);
	}
	free(r->rows);
	memset(r, 0, sizeof(*r));
}

static int count_fields(const char *line)
{
	int n = 1;
	for (const char *p = line; *p; p++)
		n += *p == ',';
	return n;
}

/* The first nkey fields of line, split in a copy. */
static int split_key(struct bench_row_line *l, int nkey)
{
	l->keybuf = strdup(l->line);
	if (l->keybuf == NULL)
		return -1;
	char *p = l->keybuf;
	for (int k = 0; k < nkey; k++) {
		l->key[k] = p;
		char *comma = strchr(p, ',');
		if (comma == NULL)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	return 0;
}

int bench_rows_add(struct bench_rows *r, const char *line, struct zd_err *err)
{
	if (count_fields(line) != r->nfields)
		return zd_bad_input(err, "a line with %d fields, not %d: %.60s",
				    count_fields(line), r->nfields, line);
	if (r->n == r->cap) {
		long cap = r->cap ? r->cap * 2 : 256;
		struct bench_row_line *rows =
		    realloc(r->rows, (size_t)cap * sizeof(*rows));
		if (rows == NULL)
			return zd_fail(err, ENOMEM, "out of memory");
		r->rows = rows;
		r->cap = cap;
	}
	struct bench_row_line *l = &r->rows[r->n];
	memset(l, 0, sizeof(*l));
	l->line = strdup(line);
	if (l->line == NULL || split_key(l, r->nkey) != 0) {
		free(l->line);
		return zd_fail(err, ENOMEM, "out of memory");
	}
	l->order = r->added++;
	r->n++;
	return 0;
}

static int check_header(FILE *f, const char *path, const char *header,
			char **buf, size_t *cap, struct zd_err *err)
{
	ssize_t len = getline(buf, cap, f);
	if (len <= 0)
		return 0; /* empty: a writer killed before its header */
	if ((*buf)[len - 1] == '\n')
		(*buf)[len - 1] = '\0';
	if (strcmp(*buf, header) != 0)
		return zd_bad_input(err,
				    "%s: its header is not the one this zdvfs "
				    "writes (%.60s...); move the file away",
				    path, header);
	return 0;
}

int bench_rows_read(struct bench_rows *r, const char *path, const char *header,
		    struct zd_err *err)
{
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return errno == ENOENT
		    ? 0
		    : zd_fail(err, errno, "cannot read %s: %s", path,
			      strerror(errno));
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 1;
	int rc = check_header(f, path, header, &buf, &cap, err);
	while (rc == 0 && (len = getline(&buf, &cap, f)) > 0) {
		lineno++;
		if (buf[len - 1] != '\n')
			break; /* cut off mid-line */
		buf[len - 1] = '\0';
		if (count_fields(buf) != r->nfields)
			rc =
			    zd_bad_input(err, "%s:%ld: %d fields, not %d", path,
					 lineno, count_fields(buf), r->nfields);
		else
			rc = bench_rows_add(r, buf, err);
	}
	if (rc == 0 && ferror(f))
		rc = zd_fail(err, EIO, "cannot read %s", path);
	free(buf);
	fclose(f);
	return rc;
}

/* Fields that are whole numbers compare as numbers (run 10 after run 9). */
static int compare_field(const char *a, const char *b)
{
	char *ea, *eb;
	long x = strtol(a, &ea, 10), y = strtol(b, &eb, 10);
	if (*a && *b && *ea == '\0' && *eb == '\0')
		return (x > y) - (x < y);
	return strcmp(a, b);
}

static int compare_keys(const struct bench_row_line *a,
			const struct bench_row_line *b, int nkey)
{
	for (int k = 0; k < nkey; k++) {
		int c = compare_field(a->key[k], b->key[k]);
		if (c != 0)
			return c;
	}
	return 0;
}

static int sort_nkey; /* qsort has no context argument in C11 */

static int compare_lines(const void *pa, const void *pb)
{
	const struct bench_row_line *a = pa, *b = pb;
	int c = compare_keys(a, b, sort_nkey);
	if (c != 0)
		return c;
	return (a->order > b->order) - (a->order < b->order);
}

void bench_rows_sort(struct bench_rows *r)
{
	sort_nkey = r->nkey;
	if (r->n > 1)
		qsort(r->rows, (size_t)r->n, sizeof(*r->rows), compare_lines);
	/* of equal keys the last added comes last: keep it */
	long kept = 0;
	for (long i = 0; i < r->n; i++) {
		if (i + 1 < r->n &&
		    compare_keys(&r->rows[i], &r->rows[i + 1], r->nkey) == 0) {
			free(r->rows[i].line);
			free(r->rows[i].keybuf);
			continue;
		}
		r->rows[kept++] = r->rows[i];
	}
	r->n = kept;
}

bool bench_rows_has(const struct bench_rows *r, const char *const *key)
{
	struct bench_row_line probe;
	memset(&probe, 0, sizeof(probe));
	for (int k = 0; k < r->nkey; k++)
		probe.key[k] = (char *)key[k];
	long lo = 0, hi = r->n - 1;
	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		int c = compare_keys(&r->rows[mid], &probe, r->nkey);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return false;
}

void bench_rows_filter(struct bench_rows *r,
		       bool (*drop)(void *ctx, const struct bench_row_line *l),
		       void *ctx)
{
	long kept = 0;
	for (long i = 0; i < r->n; i++) {
		if (drop(ctx, &r->rows[i])) {
			free(r->rows[i].line);
			free(r->rows[i].keybuf);
			continue;
		}
		r->rows[kept++] = r->rows[i];
	}
	r->n = kept;
}

int bench_rows_write(const struct bench_rows *r, const char *path,
		     const char *header, struct zd_err *err)
{
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "we");
	if (f == NULL)
		return zd_fail(err, errno, "cannot write %s: %s", tmp,
			       strerror(errno));
	fprintf(f, "%s\n", header);
	for (long i = 0; i < r->n; i++)
		fprintf(f, "%s\n", r->rows[i].line);
	int bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		unlink(tmp);
		return zd_fail(err, EIO, "cannot write %s", tmp);
	}
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return zd_fail(err, e, "cannot rename %s to %s: %s", tmp, path,
			       strerror(e));
	}
	return 0;
}
