/* rows.h - the lines of one of the bench's CSV files in memory, keyed by
 * their first fields (results.csv: board, workload, policy, seed, run;
 * table.csv: board, workload), so that the runner can tell which rows are
 * done, merge the workers' part files and write the file sorted. */
#ifndef ZDVFS_BENCH_ROWS_H
#define ZDVFS_BENCH_ROWS_H

#include <stdbool.h>

#include "zdvfs/err.h"

#define BENCH_ROWS_MAX_KEY 5

struct bench_row_line {
	char *line;                    /* without the newline */
	char *key[BENCH_ROWS_MAX_KEY]; /* the first fields, in keybuf */
	char *keybuf;
	long order; /* when it was added: later wins */
};

struct bench_rows {
	int nkey;
	int nfields; /* fields every line must have */
	struct bench_row_line *rows;
	long n, cap, added;
};

/* An empty set of lines with `nfields` fields, keyed by the first nkey. */
void bench_rows_init(struct bench_rows *r, int nkey, int nfields);
void bench_rows_free(struct bench_rows *r);

/* Add one line (no newline); a line with another number of fields is a
 * usage error. */
int bench_rows_add(struct bench_rows *r, const char *line, struct zd_err *err);
/* Add every line of a file written with `header`. A missing file adds
 * nothing; another header is a usage error naming the file; a last line
 * without its newline (a writer killed mid-line) is left out. */
int bench_rows_read(struct bench_rows *r, const char *path, const char *header,
		    struct zd_err *err);
/* Sort by key (fields that are whole numbers compare as numbers) and keep
 * only the last added line of each key. */
void bench_rows_sort(struct bench_rows *r);
/* Whether a line has this key (after bench_rows_sort). */
bool bench_rows_has(const struct bench_rows *r, const char *const *key);
/* Drop the lines `drop` says so of, keeping the order. */
void bench_rows_filter(struct bench_rows *r,
		       bool (*drop)(void *ctx, const struct bench_row_line *l),
		       void *ctx);
/* Write header and lines to path through a temporary file and a rename, so
 * that the file is always whole. */
int bench_rows_write(const struct bench_rows *r, const char *path,
		     const char *header, struct zd_err *err);

#endif
