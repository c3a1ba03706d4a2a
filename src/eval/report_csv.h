/* report_csv.h - reading the bench's CSV files (docs/bench-format.md): a
 * header line, comma-separated fields, no quoting. Every error names the
 * file, the line and the column, so a broken file can be fixed by hand. */
#ifndef ZDVFS_BENCH_REPORT_CSV_H
#define ZDVFS_BENCH_REPORT_CSV_H

#include <stdio.h>

#include "zdvfs/err.h"

#define REP_CSV_MAX_FIELDS 32

struct rep_csv {
	FILE *f;
	char path[4096];
	char *line; /* the current line, split in place */
	size_t cap;
	long lineno;                      /* 1-based; the header is line 1 */
	int nheader;                      /* fields in the header */
	char *header[REP_CSV_MAX_FIELDS]; /* names, owned by header_buf */
	char *header_buf;
	int nfields; /* fields in the current line */
	char *field[REP_CSV_MAX_FIELDS];
	int col[REP_CSV_MAX_FIELDS]; /* 1-based column where each starts */
};

/* Open PATH and read its header. Returns -ENOENT (with err set) when the
 * file does not exist, so optional files can be told apart. */
int rep_csv_open(struct rep_csv *c, const char *path, struct zd_err *err);
/* Next line: 1 and the fields split, 0 at the end, negative on error (a
 * field count other than the header's among them). Blank lines are errors
 * too: the runner never writes one. */
int rep_csv_next(struct rep_csv *c, struct zd_err *err);
void rep_csv_close(struct rep_csv *c);

/* The index of the header's column NAME, or a negative error naming it. */
int rep_csv_column(const struct rep_csv *c, const char *name,
		   struct zd_err *err);
/* Field I of the current line as a number; an empty field is NAN when
 * OPTIONAL, an error otherwise. */
int rep_csv_number(const struct rep_csv *c, int i, int optional, double *out,
		   struct zd_err *err);
/* Field I as a whole number in [MIN, MAX]. */
int rep_csv_int(const struct rep_csv *c, int i, long min, long max, long *out,
		struct zd_err *err);
/* Field I as text of at most SIZE-1 characters, not empty. */
int rep_csv_text(const struct rep_csv *c, int i, char *out, size_t size,
		 struct zd_err *err);

#endif
