/* tokens.c - cursors, files and tokens for the AST walk: children of a
 * cursor, positions as (file, offset), each project file's tokens (for
 * operators libclang 14 does not expose, and for the OpenMP pragmas of the
 * file: #pragma lines and _Pragma strings outside #if-skipped code). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walker.h"

/* ---- cursors ----------------------------------------------------------- */

static enum CXChildVisitResult kid_add(CXCursor c, CXCursor parent,
				       CXClientData data)
{
	(void)parent;
	struct kids *k = data;
	if (k->n == k->cap) {
		int cap = k->cap * 2;
		CXCursor *v = malloc((size_t)cap * sizeof(*v));
		if (v == NULL)
			return CXChildVisit_Break;
		memcpy(v, k->v, (size_t)k->n * sizeof(*v));
		if (k->v != k->small)
			free(k->v);
		k->v = v;
		k->cap = cap;
	}
	k->v[k->n++] = c;
	return CXChildVisit_Continue;
}

void fxw_kids(CXCursor c, struct kids *k)
{
	k->n = 0;
	k->cap = 8;
	k->v = k->small;
	clang_visitChildren(c, kid_add, k);
}

void fxw_kids_free(struct kids *k)
{
	if (k->v != k->small)
		free(k->v);
}

/* Through parentheses, implicit conversions and casts. */
CXCursor fxw_strip(CXCursor c)
{
	for (int i = 0; i < 64; i++) {
		enum CXCursorKind k = clang_getCursorKind(c);
		if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr &&
		    k != CXCursor_CStyleCastExpr)
			break;
		struct kids ks;
		fxw_kids(c, &ks);
		bool ok =
		    ks.n == 1 || (k == CXCursor_CStyleCastExpr && ks.n > 0);
		CXCursor next = ok ? ks.v[ks.n - 1] : c;
		fxw_kids_free(&ks);
		if (!ok || !clang_isExpression(clang_getCursorKind(next)))
			break;
		c = next;
	}
	return c;
}

char *fxw_name(CXCursor c)
{
	CXString s = clang_getCursorSpelling(c);
	char *out = fx_strdup(clang_getCString(s));
	clang_disposeString(s);
	return out;
}

bool fxw_name_is(CXCursor c, const char *name)
{
	CXString s = clang_getCursorSpelling(c);
	const char *t = clang_getCString(s);
	bool same = t != NULL && strcmp(t, name) == 0;
	clang_disposeString(s);
	return same;
}

/* ---- files, positions, tokens ------------------------------------------ */

int fxw_file(struct walker *w, CXFile f, CXSourceLocation loc)
{
	for (int i = 0; i < w->nfiles; i++)
		if (w->files[i].cx == f)
			return i;
	for (int i = 0; i < w->nfiles; i++)
		if (clang_File_isEqual(w->files[i].cx, f))
			return i;
	if (fx_grow(&w->files, &w->capfiles, w->nfiles + 1,
		    sizeof(struct wfile))) {
		w->err = -ENOMEM;
		return -1;
	}
	struct wfile *wf = &w->files[w->nfiles];
	memset(wf, 0, sizeof(*wf));
	wf->cx = f;
	wf->path = -1;
	wf->own = !clang_Location_isInSystemHeader(loc);
	if (wf->own) {
		CXString name = clang_getFileName(f);
		const char *n = clang_getCString(name);
		wf->path = fx_path_index(w->p, n != NULL ? n : "?");
		if (wf->path >= w->p->nmain)
			fx_add_dep(w->p, n != NULL ? n : "?");
		clang_disposeString(name);
		if (wf->path < 0)
			wf->own = false;
	}
	return w->nfiles++;
}

bool fxw_where(struct walker *w, CXSourceLocation l, int *fi, unsigned *off)
{
	CXFile f = NULL;
	unsigned line, col, o;
	clang_getExpansionLocation(l, &f, &line, &col, &o);
	if (f == NULL)
		return false;
	*fi = fxw_file(w, f, l);
	*off = o;
	return *fi >= 0;
}

bool fxw_extent(struct walker *w, CXCursor c, struct extent *e)
{
	CXSourceRange r = clang_getCursorExtent(c);
	int f2;
	return fxw_where(w, clang_getRangeStart(r), &e->file, &e->start) &&
	    fxw_where(w, clang_getRangeEnd(r), &f2, &e->end) && f2 == e->file;
}

struct fx_loc fxw_loc(struct walker *w, CXCursor c)
{
	struct fx_loc l = {-1, 0, 0};
	CXFile f = NULL;
	unsigned off;
	CXSourceLocation sl = clang_getCursorLocation(c);
	clang_getExpansionLocation(sl, &f, &l.line, &l.col, &off);
	if (f == NULL)
		return l;
	int fi = fxw_file(w, f, sl);
	if (fi >= 0 && w->files[fi].own)
		l.file = w->files[fi].path;
	return l;
}

bool fxw_tok_is(const struct wfile *f, const struct wtok *t, const char *text)
{
	size_t n = strlen(text);
	return t->end - t->off == n && memcmp(f->buf + t->off, text, n) == 0;
}

/* First token at or after off. */
int fxw_tok_at(const struct wfile *f, unsigned off)
{
	int lo = 0, hi = f->ntok;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (f->tok[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool newline_between(const char *buf, unsigned from, unsigned to)
{
	for (unsigned i = from; i < to; i++) {
		if (buf[i] != '\n')
			continue;
		unsigned j = i;
		while (j > from && buf[j - 1] == '\r')
			j--;
		if (j == from || buf[j - 1] != '\\')
			return true;
	}
	return false;
}

static bool in_skipped(const struct wfile *f, unsigned off)
{
	for (int i = 0; i < f->nskip; i++)
		if (off >= f->skip[2 * i] && off < f->skip[2 * i + 1])
			return true;
	return false;
}

static void to_ptok(const struct wfile *f, const struct wtok *t,
		    struct fx_ptok *out)
{
	size_t n = t->end - t->off;
	if (n >= sizeof(out->text))
		n = sizeof(out->text) - 1;
	memcpy(out->text, f->buf + t->off, n);
	out->text[n] = '\0';
	out->kind = t->kind == 'i' ? 'i'
	    : t->kind == 'n'       ? 'n'
	    : t->kind == 's'       ? 's'
				   : 'p';
}

void fxw_count_pragma(struct fx_prog *p, const struct fx_pragma *pr)
{
	struct zd_feat_counts *c = &p->counts;
	uint32_t d = pr->dir;
	c->pragmas++;
	if (d & FX_D_PARALLEL) {
		c->parallel_regions++;
		c->sync_points++; /* the join at its end */
	}
	if ((d & (FX_D_FOR | FX_D_TASKLOOP | FX_D_DISTRIBUTE)) &&
	    !pr->standalone) {
		c->worksharing_loops++;
		if (d & FX_D_FOR)
			p->sched_seen |= 1u
			    << (pr->sched ? pr->sched : FX_SCHED_STATIC);
	}
	if ((d & (FX_D_FOR | FX_D_SECTIONS | FX_D_SINGLE)) && !pr->nowait &&
	    !(d & FX_D_PARALLEL) && !pr->standalone)
		c->sync_points++; /* the implicit barrier at its end */
	if (d & FX_D_CRITICAL) {
		c->critical_sections++;
		c->sync_points++;
	}
	if (d & FX_D_ATOMIC) {
		c->atomics++;
		c->sync_points++;
	}
	if (d & FX_D_BARRIER) {
		c->barriers++;
		c->sync_points++;
	}
	if (d & (FX_D_TASK | FX_D_TASKLOOP))
		c->tasks++;
	if (d & FX_D_TASKLOOP)
		c->taskloops++;
	if (d & FX_D_TASKWAIT) {
		c->taskwaits++;
		c->sync_points++;
	}
	if (d & FX_D_TASKGROUP) {
		c->taskgroups++;
		c->sync_points++;
	}
	if (d & (FX_D_ORDERED | FX_D_FLUSH))
		c->sync_points++;
	if (d & FX_D_SINGLE)
		c->singles++;
	if (d & FX_D_SIMD)
		c->simd++;
	c->depends += pr->ndepend;
	if (pr->collapse > c->collapse_max)
		c->collapse_max = pr->collapse;
	if (pr->num_threads > c->thread_count)
		c->thread_count = (int)pr->num_threads;
	c->shared_vars += pr->nshared;
	c->private_vars += pr->nprivate;
	c->reduction_vars += pr->nreduction;
}

void fxw_add_pragma(struct walker *w, struct wfile *f, const struct fx_ptok *t,
		    int n, unsigned off)
{
	struct fx_pragma pr;
	memset(&pr, 0, sizeof(pr));
	if (fx_pragma_parse(t, n, &pr) != 0)
		return;
	if (fx_grow(&f->prag, &f->capprag, f->nprag + 1, sizeof(pr))) {
		w->err = -ENOMEM;
		return;
	}
	pr.offset = off;
	CXSourceLocation l = clang_getLocationForOffset(w->tu, f->cx, off);
	unsigned line = 0, col = 0;
	clang_getSpellingLocation(l, NULL, &line, &col, NULL);
	pr.loc = (struct fx_loc){f->path, line, col};
	f->prag[f->nprag++] = pr;
}

/* The OpenMP pragmas of a file: #pragma lines and _Pragma("...") in code
 * (those inside #define lines come in through their expansions). */
static void scan_pragmas(struct walker *w, struct wfile *f)
{
	struct fx_ptok t[96];
	for (int i = 0; i < f->ntok;) {
		const struct wtok *k = &f->tok[i];
		bool line_start = i == 0 ||
		    newline_between(f->buf, f->tok[i - 1].end, k->off);
		if (k->kind == 'p' && line_start && fxw_tok_is(f, k, "#")) {
			int j = i + 1;
			while (j < f->ntok &&
			       !newline_between(f->buf, f->tok[j - 1].end,
						f->tok[j].off))
				j++;
			if (j - i >= 3 &&
			    fxw_tok_is(f, &f->tok[i + 1], "pragma") &&
			    !in_skipped(f, k->off)) {
				int n = 0;
				for (int m = i + 2; m < j && n < 96; m++)
					if (f->tok[m].kind != 'c')
						to_ptok(f, &f->tok[m], &t[n++]);
				fxw_add_pragma(w, f, t, n, k->off);
			}
			i = j;
			continue;
		}
		if (k->kind == 'i' && fxw_tok_is(f, k, "_Pragma") &&
		    i + 3 < f->ntok && f->tok[i + 2].kind == 's' &&
		    !in_skipped(f, k->off)) {
			const struct wtok *s = &f->tok[i + 2];
			int n = fx_pragma_lex(f->buf + s->off, s->end - s->off,
					      t, 96);
			fxw_add_pragma(w, f, t, n, k->off);
			i += 4;
			continue;
		}
		i++;
	}
}

/* Whether a file holds line markers ("# 12 \"file\" 3", "#line 12"), as
 * preprocessor output does: only then can parts of it be system code. */
static bool has_line_markers(const char *buf, size_t size)
{
	for (size_t i = 0; i + 3 < size; i++) {
		if (buf[i] != '#' || (i > 0 && buf[i - 1] != '\n'))
			continue;
		if ((buf[i + 1] == ' ' && buf[i + 2] >= '0' &&
		     buf[i + 2] <= '9') ||
		    (i + 5 < size && strncmp(buf + i + 1, "line", 4) == 0))
			return true;
	}
	return false;
}

int fxw_tokenize(struct walker *w, int fi)
{
	struct wfile *f = &w->files[fi];
	if (f->tokenized || !f->own)
		return 0;
	f->tokenized = true;
	size_t size = 0;
	f->buf = clang_getFileContents(w->tu, f->cx, &size);
	f->size = size;
	if (f->buf == NULL || size == 0 || size > UINT_MAX / 2)
		return 0;
	CXSourceRange r = clang_getRange(
	    clang_getLocationForOffset(w->tu, f->cx, 0),
	    clang_getLocationForOffset(w->tu, f->cx, (unsigned)size));
	CXToken *t = NULL;
	unsigned n = 0;
	clang_tokenize(w->tu, r, &t, &n);
	bool marked = has_line_markers(f->buf, size);
	f->tok = calloc(n > 0 ? n : 1, sizeof(*f->tok));
	if (f->tok == NULL) {
		clang_disposeTokens(w->tu, t, n);
		return w->err = -ENOMEM;
	}
	for (unsigned i = 0; i < n; i++) {
		CXSourceRange e = clang_getTokenExtent(w->tu, t[i]);
		unsigned s = 0, end = 0;
		clang_getSpellingLocation(clang_getRangeStart(e), NULL, NULL,
					  NULL, &s);
		clang_getSpellingLocation(clang_getRangeEnd(e), NULL, NULL,
					  NULL, &end);
		if (end < s || end > size)
			continue;
		/* preprocessed input: code a line marker puts in a system
		 * header is not the program's (no lines, no pragmas) */
		if (marked &&
		    clang_Location_isInSystemHeader(clang_getRangeStart(e)))
			continue;
		char kind = 'p';
		switch (clang_getTokenKind(t[i])) {
		case CXToken_Keyword:
		case CXToken_Identifier: kind = 'i'; break;
		case CXToken_Literal:
			kind = (f->buf[s] >= '0' && f->buf[s] <= '9') ||
				f->buf[s] == '.'
			    ? 'n'
			    : 's';
			break;
		case CXToken_Comment: kind = 'c'; break;
		default: break;
		}
		f->tok[f->ntok++] = (struct wtok){s, end, kind};
	}
	clang_disposeTokens(w->tu, t, n);
	CXSourceRangeList *sk = clang_getSkippedRanges(w->tu, f->cx);
	if (sk != NULL && sk->count > 0) {
		f->skip = calloc(2 * sk->count, sizeof(unsigned));
		if (f->skip != NULL) {
			for (unsigned i = 0; i < sk->count; i++) {
				clang_getSpellingLocation(
				    clang_getRangeStart(sk->ranges[i]), NULL,
				    NULL, NULL, &f->skip[2 * i]);
				clang_getSpellingLocation(
				    clang_getRangeEnd(sk->ranges[i]), NULL,
				    NULL, NULL, &f->skip[2 * i + 1]);
			}
			f->nskip = (int)sk->count;
		}
	}
	if (sk != NULL)
		clang_disposeSourceRangeList(sk);
	scan_pragmas(w, f);
	return 0;
}

/* Text of the punctuation token at or after off, before limit. */
void fxw_punct_at(struct walker *w, int fi, unsigned off, unsigned limit,
		  char out[4])
{
	out[0] = '\0';
	struct wfile *f = &w->files[fi];
	if (!f->own || fxw_tokenize(w, fi) != 0 || f->ntok == 0)
		return;
	int i = fxw_tok_at(f, off);
	if (i >= f->ntok || f->tok[i].kind != 'p' || f->tok[i].off >= limit)
		return;
	size_t n = f->tok[i].end - f->tok[i].off;
	if (n > 3)
		return;
	memcpy(out, f->buf + f->tok[i].off, n);
	out[n] = '\0';
}

/* The operator of a binary or compound-assignment expression: the token
 * between its operands. Empty inside macro expansions (no position). */
void fxw_binop(struct walker *w, CXCursor lhs, CXCursor rhs, char op[4])
{
	struct extent l, r;
	op[0] = '\0';
	if (!fxw_extent(w, lhs, &l) || !fxw_extent(w, rhs, &r) ||
	    l.file != r.file || l.end > r.start)
		return;
	fxw_punct_at(w, l.file, l.end, r.start + 1, op);
}

/* The operator of a unary expression, prefix or postfix. */
void fxw_unop(struct walker *w, CXCursor c, CXCursor operand, char op[4])
{
	struct extent e, o;
	op[0] = '\0';
	if (!fxw_extent(w, c, &e) || !fxw_extent(w, operand, &o) ||
	    e.file != o.file)
		return;
	if (o.start > e.start) {
		fxw_punct_at(w, e.file, e.start, o.start, op);
		return;
	}
	struct wfile *f = &w->files[e.file];
	if (!f->own || fxw_tokenize(w, e.file) != 0)
		return;
	int i = fxw_tok_at(f, o.end);
	if (i < f->ntok && f->tok[i].end <= e.end)
		fxw_punct_at(w, e.file, f->tok[i].off, e.end, op);
}

bool fxw_int_value(CXCursor c, int64_t *v)
{
	CXEvalResult r = clang_Cursor_Evaluate(c);
	if (r == NULL)
		return false;
	bool ok = clang_EvalResult_getKind(r) == CXEval_Int;
	if (ok)
		*v = clang_EvalResult_getAsLongLong(r);
	clang_EvalResult_dispose(r);
	return ok;
}
