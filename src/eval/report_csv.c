/* report_csv.c - the bench's CSV files, line by line, with locations. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_csv.h"

/* Read one line into c->line without its line end. 1, 0 at EOF, <0. */
static int read_line(struct rep_csv *c, struct zd_err *err)
{
	errno = 0;
	ssize_t n = getline(&c->line, &c->cap, c->f);
	if (n < 0) {
		if (ferror(c->f))
			return zd_fail(err, errno ? errno : EIO,
				       "%s:%ld: cannot read: %s", c->path,
				       c->lineno + 1,
				       strerror(errno ? errno : EIO));
		return 0;
	}
	c->lineno++;
	while (n > 0 && (c->line[n - 1] == '\n' || c->line[n - 1] == '\r'))
		c->line[--n] = '\0';
	return 1;
}

/* Split c->line at commas into c->field; counts beyond the limit. */
static int split(struct rep_csv *c, struct zd_err *err)
{
	char *p = c->line;
	c->nfields = 0;
	for (;;) {
		if (c->nfields == REP_CSV_MAX_FIELDS)
			return zd_bad_input(
			    err, "%s:%ld:%d: more than %d fields", c->path,
			    c->lineno, (int)(p - c->line) + 1,
			    REP_CSV_MAX_FIELDS);
		c->field[c->nfields] = p;
		c->col[c->nfields] = (int)(p - c->line) + 1;
		c->nfields++;
		char *comma = strchr(p, ',');
		if (comma == NULL)
			return 0;
		*comma = '\0';
		p = comma + 1;
	}
}

int rep_csv_open(struct rep_csv *c, const char *path, struct zd_err *err)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s", path);
	c->f = fopen(path, "r");
	if (c->f == NULL)
		return zd_fail(err, errno, "%s: cannot open: %s", path,
			       strerror(errno));
	int rc = read_line(c, err);
	if (rc == 0)
		rc = zd_bad_input(err, "%s:1: empty file, expected a header",
				  path);
	if (rc > 0)
		rc = split(c, err);
	/* The header's names must outlive the next line read; split() cut
	 * the line in place, so copy all of it, NULs kept. */
	size_t span = 0;
	if (rc == 0) {
		span = (size_t)(c->field[c->nfields - 1] - c->line) +
		    strlen(c->field[c->nfields - 1]) + 1;
		c->header_buf = malloc(span);
		if (c->header_buf == NULL)
			rc = zd_fail(err, ENOMEM, "out of memory");
	}
	if (rc != 0) {
		rep_csv_close(c);
		return rc;
	}
	c->nheader = c->nfields;
	memcpy(c->header_buf, c->line, span);
	for (int i = 0; i < c->nheader; i++)
		c->header[i] = c->header_buf + (c->field[i] - c->line);
	return 0;
}

int rep_csv_next(struct rep_csv *c, struct zd_err *err)
{
	int rc = read_line(c, err);
	if (rc <= 0)
		return rc;
	if (c->line[0] == '\0')
		return zd_bad_input(err, "%s:%ld:1: empty line", c->path,
				    c->lineno);
	size_t len = strlen(c->line);
	rc = split(c, err);
	if (rc != 0)
		return rc;
	if (c->nfields < c->nheader)
		return zd_bad_input(err,
				    "%s:%ld:%zu: %d fields, the header has %d "
				    "(missing '%s' and after)",
				    c->path, c->lineno, len + 1, c->nfields,
				    c->nheader, c->header[c->nfields]);
	if (c->nfields > c->nheader)
		return zd_bad_input(
		    err, "%s:%ld:%d: %d fields, the header has %d", c->path,
		    c->lineno, c->col[c->nheader], c->nfields, c->nheader);
	return 1;
}

void rep_csv_close(struct rep_csv *c)
{
	if (c->f != NULL)
		fclose(c->f);
	free(c->line);
	free(c->header_buf);
	c->f = NULL;
	c->line = NULL;
	c->header_buf = NULL;
}

int rep_csv_column(const struct rep_csv *c, const char *name,
		   struct zd_err *err)
{
	for (int i = 0; i < c->nheader; i++)
		if (strcmp(c->header[i], name) == 0)
			return i;
	return zd_bad_input(err, "%s:1: no column '%s' in the header", c->path,
			    name);
}

int rep_csv_number(const struct rep_csv *c, int i, int optional, double *out,
		   struct zd_err *err)
{
	const char *s = c->field[i];
	if (s[0] == '\0') {
		*out = NAN;
		if (optional)
			return 0;
		return zd_bad_input(err,
				    "%s:%ld:%d: %s: empty, expected a "
				    "number",
				    c->path, c->lineno, c->col[i],
				    c->header[i]);
	}
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
		return zd_bad_input(err, "%s:%ld:%d: %s: '%s' is not a number",
				    c->path, c->lineno, c->col[i], c->header[i],
				    s);
	*out = v;
	return 0;
}

int rep_csv_int(const struct rep_csv *c, int i, long min, long max, long *out,
		struct zd_err *err)
{
	const char *s = c->field[i];
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (s[0] == '\0' || end == s || *end != '\0' || errno == ERANGE)
		return zd_bad_input(
		    err, "%s:%ld:%d: %s: '%s' is not a whole number", c->path,
		    c->lineno, c->col[i], c->header[i], s);
	if (v < min || v > max)
		return zd_bad_input(
		    err, "%s:%ld:%d: %s: %ld is not in %ld..%ld", c->path,
		    c->lineno, c->col[i], c->header[i], v, min, max);
	*out = v;
	return 0;
}

int rep_csv_text(const struct rep_csv *c, int i, char *out, size_t size,
		 struct zd_err *err)
{
	const char *s = c->field[i];
	if (s[0] == '\0')
		return zd_bad_input(err, "%s:%ld:%d: %s: empty", c->path,
				    c->lineno, c->col[i], c->header[i]);
	if (strlen(s) >= size)
		return zd_bad_input(err,
				    "%s:%ld:%d: %s: longer than %zu "
				    "characters",
				    c->path, c->lineno, c->col[i], c->header[i],
				    size - 1);
	snprintf(out, size, "%s", s);
	return 0;
}
