/* report_doc.c - the report as Markdown and HTML at once. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "report_doc.h"

static const char html_head[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\" />\n"
    "<title>";
static const char html_style[] =
    "</title>\n"
    "<style>\n"
    "body { font-family: system-ui, sans-serif; max-width: 76em; "
    "margin: 2em auto; padding: 0 1em; line-height: 1.45; color: #222; }\n"
    "h1, h2, h3 { line-height: 1.2; }\n"
    "h2 { border-bottom: 1px solid #ddd; padding-bottom: .2em; "
    "margin-top: 2em; }\n"
    "table { border-collapse: collapse; margin: 1em 0; font-size: 92%; }\n"
    "th, td { border: 1px solid #ccc; padding: .25em .6em; }\n"
    "th { background: #f0f0f0; }\n"
    "td.n { text-align: right; font-variant-numeric: tabular-nums; }\n"
    "tr:nth-child(even) td { background: #fafafa; }\n"
    "code { background: #f3f3f3; padding: 0 .2em; }\n"
    "figure { margin: 1em 0; }\n"
    "figure img { max-width: 100%; border: 1px solid #eee; }\n"
    "figcaption { color: #555; font-size: 92%; }\n"
    "</style>\n</head>\n<body>\n";

/* Text into HTML: escaped, `code` spans as <code>. */
static void html_text(FILE *f, const char *s)
{
	int code = 0;
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '`':
			fputs(code ? "</code>" : "<code>", f);
			code = !code;
			break;
		default: fputc(*s, f);
		}
	}
	if (code)
		fputs("</code>", f);
}

/* Text into a Markdown table cell: a '|' would end the cell. */
static void md_cell(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void end_list(struct rep_doc *doc)
{
	if (!doc->in_list)
		return;
	fputs("\n", doc->md);
	fputs("</ul>\n", doc->html);
	doc->in_list = 0;
}

int rep_doc_open(struct rep_doc *doc, const char *dir, const char *title,
		 struct zd_err *err)
{
	memset(doc, 0, sizeof(*doc));
	snprintf(doc->md_path, sizeof(doc->md_path), "%s/report.md", dir);
	snprintf(doc->html_path, sizeof(doc->html_path), "%s/report.html", dir);
	doc->md = fopen(doc->md_path, "w");
	if (doc->md == NULL)
		return zd_fail(err, errno, "%s: cannot create: %s",
			       doc->md_path, strerror(errno));
	doc->html = fopen(doc->html_path, "w");
	if (doc->html == NULL) {
		int rc = zd_fail(err, errno, "%s: cannot create: %s",
				 doc->html_path, strerror(errno));
		fclose(doc->md);
		doc->md = NULL;
		return rc;
	}
	fputs(html_head, doc->html);
	html_text(doc->html, title);
	fputs(html_style, doc->html);
	return 0;
}

/* Close F, reporting a write that failed at any point. */
static int close_checked(FILE *f, const char *path, int rc, struct zd_err *err)
{
	int bad = ferror(f);
	if (fclose(f) != 0 || bad)
		return rc
		    ? rc
		    : zd_fail(err, errno ? errno : EIO, "%s: write failed: %s",
			      path, strerror(errno ? errno : EIO));
	return rc;
}

int rep_doc_close(struct rep_doc *doc, struct zd_err *err)
{
	int rc = 0;
	if (doc->md == NULL)
		return 0;
	end_list(doc);
	fputs("</body>\n</html>\n", doc->html);
	errno = 0;
	rc = close_checked(doc->md, doc->md_path, rc, err);
	rc = close_checked(doc->html, doc->html_path, rc, err);
	doc->md = doc->html = NULL;
	return rc;
}

__attribute__((format(printf, 3, 0))) static void
vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	vsnprintf(buf, size, fmt, ap);
}

void rep_doc_heading(struct rep_doc *doc, int level, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vformat(text, sizeof(text), fmt, ap);
	va_end(ap);
	end_list(doc);
	fprintf(doc->md, "%.*s %s\n\n", level, "######", text);
	fprintf(doc->html, "<h%d>", level);
	html_text(doc->html, text);
	fprintf(doc->html, "</h%d>\n", level);
}

void rep_doc_para(struct rep_doc *doc, const char *fmt, ...)
{
	char text[4096];
	va_list ap;
	va_start(ap, fmt);
	vformat(text, sizeof(text), fmt, ap);
	va_end(ap);
	end_list(doc);
	fprintf(doc->md, "%s\n\n", text);
	fputs("<p>", doc->html);
	html_text(doc->html, text);
	fputs("</p>\n", doc->html);
}

void rep_doc_item(struct rep_doc *doc, const char *fmt, ...)
{
	char text[4096];
	va_list ap;
	va_start(ap, fmt);
	vformat(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!doc->in_list) {
		fputs("<ul>\n", doc->html);
		doc->in_list = 1;
	}
	fprintf(doc->md, "- %s\n", text);
	fputs("<li>", doc->html);
	html_text(doc->html, text);
	fputs("</li>\n", doc->html);
}

static void table_line(struct rep_doc *doc, const struct rep_cells *row,
		       int head)
{
	fputs("|", doc->md);
	fputs("<tr>", doc->html);
	for (int i = 0; i < doc->ncols; i++) {
		const char *s = i < row->n ? row->c[i] : "";
		fputs(" ", doc->md);
		md_cell(doc->md, s);
		fputs(" |", doc->md);
		fputs(head                 ? "<th>"
			  : i < doc->ntext ? "<td>"
					   : "<td class=\"n\">",
		      doc->html);
		html_text(doc->html, s);
		fputs(head ? "</th>" : "</td>", doc->html);
	}
	fputs("\n", doc->md);
	fputs("</tr>\n", doc->html);
}

void rep_doc_table_begin(struct rep_doc *doc, const struct rep_cells *head,
			 int ntext)
{
	end_list(doc);
	doc->ncols = head->n;
	doc->ntext = ntext;
	fputs("<table>\n<thead>\n", doc->html);
	table_line(doc, head, 1);
	fputs("</thead>\n<tbody>\n", doc->html);
	fputs("|", doc->md);
	for (int i = 0; i < doc->ncols; i++)
		fputs(i < doc->ntext ? " --- |" : " ---: |", doc->md);
	fputs("\n", doc->md);
}

void rep_doc_table_row(struct rep_doc *doc, const struct rep_cells *row)
{
	table_line(doc, row, 0);
}

void rep_doc_table_end(struct rep_doc *doc)
{
	fputs("\n", doc->md);
	fputs("</tbody>\n</table>\n", doc->html);
	doc->ncols = 0;
}

void rep_doc_image(struct rep_doc *doc, const char *base, const char *caption)
{
	end_list(doc);
	fprintf(doc->md, "![%s](plots/%s.svg)\n\n", caption, base);
	fprintf(doc->md, "*%s* ([PNG](plots/%s.png), [SVG](plots/%s.svg))\n\n",
		caption, base, base);
	fprintf(doc->html, "<figure><img src=\"plots/%s.svg\" alt=\"", base);
	html_text(doc->html, caption);
	fputs("\" /><figcaption>", doc->html);
	html_text(doc->html, caption);
	fprintf(doc->html,
		" (<a href=\"plots/%s.png\">PNG</a>, "
		"<a href=\"plots/%s.svg\">SVG</a>)</figcaption></figure>\n",
		base, base);
}

void rep_cells_clear(struct rep_cells *row)
{
	row->n = 0;
}

void rep_cells_add(struct rep_cells *row, const char *fmt, ...)
{
	if (row->n >= REP_DOC_MAX_COLS)
		return;
	va_list ap;
	va_start(ap, fmt);
	vformat(row->c[row->n], sizeof(row->c[row->n]), fmt, ap);
	va_end(ap);
	row->n++;
}
