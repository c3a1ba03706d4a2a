/* report_doc.h - one document written twice as it is made: Markdown
 * (report.md) and a self-contained HTML page (report.html), so the two
 * always say the same. Text may hold `code` spans; nothing else is markup. */
#ifndef ZDVFS_BENCH_REPORT_DOC_H
#define ZDVFS_BENCH_REPORT_DOC_H

#include <limits.h>
#include <stdio.h>

#include "zdvfs/err.h"

#define REP_DOC_MAX_COLS 16
#define REP_DOC_CELL 256

struct rep_doc {
	FILE *md, *html;
	char md_path[PATH_MAX + 16], html_path[PATH_MAX + 16];
	int in_list; /* an open bullet list */
	int ncols;   /* of the open table, 0 if none */
	int ntext;   /* its first columns that are text, left-aligned */
};

/* A table row being filled, cell by cell. */
struct rep_cells {
	int n;
	char c[REP_DOC_MAX_COLS][REP_DOC_CELL];
};

/* Create DIR/report.md and DIR/report.html and write their heads. */
int rep_doc_open(struct rep_doc *doc, const char *dir, const char *title,
		 struct zd_err *err);
/* Finish both files; a write that failed on the way is reported here. */
int rep_doc_close(struct rep_doc *doc, struct zd_err *err);

void rep_doc_heading(struct rep_doc *doc, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void rep_doc_para(struct rep_doc *doc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A bullet; consecutive bullets form one list. */
void rep_doc_item(struct rep_doc *doc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A table whose first NTEXT columns are text, the others numbers
 * (right-aligned). */
void rep_doc_table_begin(struct rep_doc *doc, const struct rep_cells *head,
			 int ntext);
void rep_doc_table_row(struct rep_doc *doc, const struct rep_cells *row);
void rep_doc_table_end(struct rep_doc *doc);

/* The plot plots/BASE.svg shown, plots/BASE.png linked, CAPTION below. */
void rep_doc_image(struct rep_doc *doc, const char *base, const char *caption);

void rep_cells_clear(struct rep_cells *row);
/* Append a cell (ignored past REP_DOC_MAX_COLS: tables here are fixed). */
void rep_cells_add(struct rep_cells *row, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
