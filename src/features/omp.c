/* omp.c - OpenMP directives from their tokens: the directive name (the
 * words up to the first clause) and the clauses the features use
 * (schedule, collapse, num_threads, reduction, private, shared, depend,
 * if/final, nowait). The tokens come from libclang for #pragma lines and
 * from a small lexer for the string of a _Pragma. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct word {
	const char *name;
	uint32_t dir;
};

/* Words that make up directive names; "point" belongs to "cancellation
 * point", "data"/"enter"/"exit"/"update" to the target forms. */
static const struct word words[] = {
    {"parallel", FX_D_PARALLEL},
    {"for", FX_D_FOR},
    {"do", FX_D_FOR},
    {"loop", FX_D_FOR},
    {"simd", FX_D_SIMD},
    {"sections", FX_D_SECTIONS},
    {"section", FX_D_SECTION},
    {"single", FX_D_SINGLE},
    {"master", FX_D_SINGLE},
    {"masked", FX_D_SINGLE},
    {"critical", FX_D_CRITICAL},
    {"atomic", FX_D_ATOMIC},
    {"barrier", FX_D_BARRIER},
    {"taskwait", FX_D_TASKWAIT},
    {"taskgroup", FX_D_TASKGROUP},
    {"taskyield", FX_D_TASKYIELD},
    {"flush", FX_D_FLUSH},
    {"ordered", FX_D_ORDERED},
    {"task", FX_D_TASK},
    {"taskloop", FX_D_TASKLOOP},
    {"teams", FX_D_TEAMS},
    {"distribute", FX_D_DISTRIBUTE},
    {"target", FX_D_TARGET},
    {"declare", FX_D_DECLARE},
    {"threadprivate", FX_D_DECLARE},
    {"requires", FX_D_DECLARE},
    {"begin", FX_D_DECLARE},
    {"end", FX_D_DECLARE},
    {"cancel", FX_D_CANCEL},
    {"cancellation", FX_D_CANCEL},
    {"point", FX_D_CANCEL},
    {"data", FX_D_TARGET},
    {"enter", FX_D_TARGET},
    {"exit", FX_D_TARGET},
    {"update", FX_D_TARGET},
    {"scan", FX_D_OTHER},
    {"depobj", FX_D_OTHER},
    {"tile", FX_D_OTHER},
    {"unroll", FX_D_OTHER},
    {"metadirective", FX_D_OTHER},
    {"interop", FX_D_OTHER},
    {"dispatch", FX_D_OTHER},
};

static uint32_t word_dir(const struct fx_ptok *t)
{
	if (t->kind != 'i')
		return 0;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i].name, t->text) == 0)
			return words[i].dir;
	return 0;
}

static bool is(const struct fx_ptok *t, const char *text)
{
	return strcmp(t->text, text) == 0;
}

/* Index just past the parenthesis that closes the one at open. */
static int skip_parens(const struct fx_ptok *t, int n, int open)
{
	int depth = 0;
	for (int i = open; i < n; i++) {
		if (t[i].kind == 'p' && is(&t[i], "("))
			depth++;
		else if (t[i].kind == 'p' && is(&t[i], ")") && --depth == 0)
			return i + 1;
	}
	return n;
}

/* List items of a clause argument t[from..to): comma-separated at depth
 * 0, after a "modifier:" prefix if there is one. */
static int count_items(const struct fx_ptok *t, int from, int to)
{
	int depth = 0, items = 0;
	bool open = false;
	for (int i = from; i < to; i++) {
		if (t[i].kind == 'p' && (is(&t[i], "(") || is(&t[i], "[")))
			depth++;
		else if (t[i].kind == 'p' && (is(&t[i], ")") || is(&t[i], "]")))
			depth--;
		else if (depth == 0 && t[i].kind == 'p' && is(&t[i], ":")) {
			items = 0; /* what came before was a modifier */
			open = false;
		} else if (depth == 0 && t[i].kind == 'p' && is(&t[i], ","))
			open = false;
		else if (!open && t[i].kind == 'i') {
			items++;
			open = true;
		}
	}
	return items;
}

/* Append the list items' names to p->privs, space-separated, so that a
 * write to one of them is known private. */
static void add_names(const struct fx_ptok *t, int from, int to,
		      struct fx_pragma *p)
{
	int depth = 0, start = from;
	for (int i = from; i < to; i++)
		if (depth == 0 && t[i].kind == 'p' && is(&t[i], ":"))
			start = i + 1;
	bool open = false;
	for (int i = start; i < to; i++) {
		if (t[i].kind == 'p' && (is(&t[i], "(") || is(&t[i], "[")))
			depth++;
		else if (t[i].kind == 'p' && (is(&t[i], ")") || is(&t[i], "]")))
			depth--;
		else if (depth == 0 && t[i].kind == 'p' && is(&t[i], ","))
			open = false;
		else if (!open && t[i].kind == 'i') {
			open = true;
			size_t used = strlen(p->privs);
			if (used == 0 && sizeof(p->privs) > 1)
				p->privs[used++] = ' ';
			if (used + strlen(t[i].text) + 2 < sizeof(p->privs))
				snprintf(p->privs + used,
					 sizeof(p->privs) - used, "%s ",
					 t[i].text);
		}
	}
}

static long number_of(const struct fx_ptok *t, int from, int to)
{
	if (to - from != 1 || t[from].kind != 'n')
		return -1;
	char *end = NULL;
	long v = strtol(t[from].text, &end, 0);
	return v > 0 ? v : -1;
}

static void parse_schedule(const struct fx_ptok *t, int from, int to,
			   struct fx_pragma *p)
{
	static const char *const kinds[] = {"",       "static", "dynamic",
					    "guided", "auto",   "runtime"};
	p->sched = FX_SCHED_STATIC;
	for (int i = from; i < to; i++) {
		for (int k = 1; k <= FX_SCHED_RUNTIME; k++)
			if (t[i].kind == 'i' && is(&t[i], kinds[k]))
				p->sched = k;
		if (t[i].kind == 'p' && is(&t[i], ",")) {
			p->chunk = number_of(t, i + 1, to);
			break;
		}
	}
}

static void parse_clause(const struct fx_ptok *t, int name, int from, int to,
			 struct fx_pragma *p)
{
	const struct fx_ptok *c = &t[name];
	if (is(c, "schedule"))
		parse_schedule(t, from, to, p);
	else if (is(c, "collapse")) {
		long v = number_of(t, from, to);
		p->collapse = v > 1 && v < 64 ? (int)v : 1;
	} else if (is(c, "num_threads"))
		p->num_threads = number_of(t, from, to);
	else if (is(c, "reduction") || is(c, "in_reduction") ||
		 is(c, "task_reduction")) {
		p->nreduction += count_items(t, from, to);
		add_names(t, from, to, p);
	} else if (is(c, "private") || is(c, "firstprivate") ||
		   is(c, "lastprivate")) {
		p->nprivate += count_items(t, from, to);
		add_names(t, from, to, p);
	} else if (is(c, "linear"))
		add_names(t, from, to, p);
	else if (is(c, "shared"))
		p->nshared += count_items(t, from, to);
	else if (is(c, "depend")) {
		p->depend = true;
		p->ndepend++;
	} else if (is(c, "if") || is(c, "final"))
		p->cutoff_clause = true;
	else if (is(c, "nowait"))
		p->nowait = true;
	else if ((p->dir & FX_D_ATOMIC) && (is(c, "read") || is(c, "write")))
		p->atomic_rw = true;
}

int fx_pragma_parse(const struct fx_ptok *t, int n, struct fx_pragma *p)
{
	if (n < 1 || t[0].kind != 'i' || !is(&t[0], "omp"))
		return -1;
	p->collapse = 1;
	int i = 1;
	/* the directive name: known words, with critical(name) and
	 * flush(list) taking an argument before the clauses */
	while (i < n) {
		uint32_t d = word_dir(&t[i]);
		if (d == 0)
			break;
		/* "target update"/"update" aside, a clause named like a word
		 * only follows a complete name: atomic update, ordered(n) */
		if ((p->dir & FX_D_ATOMIC) != 0)
			break;
		p->dir |= d;
		i++;
		if (d == FX_D_DECLARE)
			break; /* the rest is a declaration, not clauses */
		if (i < n && t[i].kind == 'p' && is(&t[i], "(") &&
		    (d == FX_D_CRITICAL || d == FX_D_FLUSH ||
		     d == FX_D_ORDERED || d == FX_D_CANCEL))
			i = skip_parens(t, n, i);
	}
	if (p->dir == 0) {
		p->dir = FX_D_OTHER;
		return 0;
	}
	while (i < n) {
		if (t[i].kind != 'i') {
			i++;
			continue;
		}
		int name = i++;
		int from = i, to = i;
		if (i < n && t[i].kind == 'p' && is(&t[i], "(")) {
			int end = skip_parens(t, n, i);
			from = i + 1;
			to = end - 1 > from ? end - 1 : from;
			i = end;
		}
		parse_clause(t, name, from, to, p);
	}
	uint32_t alone = FX_D_BARRIER | FX_D_TASKWAIT | FX_D_TASKYIELD |
	    FX_D_FLUSH | FX_D_CANCEL;
	p->declarative = (p->dir & FX_D_DECLARE) != 0;
	p->standalone = (p->dir & alone) != 0 || p->declarative ||
	    ((p->dir & FX_D_ORDERED) && p->depend) ||
	    (p->dir & FX_D_OTHER && !(p->dir & ~FX_D_OTHER)) ||
	    ((p->dir & FX_D_TARGET) &&
	     !(p->dir & ~(FX_D_TARGET | FX_D_OTHER)) && n > 2 &&
	     (is(&t[2], "update") || is(&t[2], "enter") || is(&t[2], "exit")));
	return 0;
}

static void put(struct fx_ptok *t, int *n, int max, char kind, const char *text,
		size_t len)
{
	if (*n >= max)
		return;
	if (len >= sizeof(t->text))
		len = sizeof(t->text) - 1;
	t[*n].kind = kind;
	memcpy(t[*n].text, text, len);
	t[*n].text[len] = '\0';
	(*n)++;
}

int fx_pragma_lex(const char *lit, size_t len, struct fx_ptok *t, int max)
{
	/* unescape the literal: L"..." and u8"..." prefixes, \" and \\ */
	char buf[1024];
	size_t b = 0, i = 0;
	while (i < len && lit[i] != '"')
		i++;
	for (i++; i < len && lit[i] != '"' && b + 1 < sizeof(buf); i++) {
		if (lit[i] == '\\' && i + 1 < len)
			i++;
		buf[b++] = lit[i];
	}
	int n = 0;
	for (size_t k = 0; k < b;) {
		unsigned char ch = (unsigned char)buf[k];
		size_t start = k;
		if (isspace(ch)) {
			k++;
		} else if (isalpha(ch) || ch == '_') {
			while (
			    k < b &&
			    (isalnum((unsigned char)buf[k]) || buf[k] == '_'))
				k++;
			put(t, &n, max, 'i', buf + start, k - start);
		} else if (isdigit(ch)) {
			while (
			    k < b &&
			    (isalnum((unsigned char)buf[k]) || buf[k] == '.'))
				k++;
			put(t, &n, max, 'n', buf + start, k - start);
		} else {
			k++;
			put(t, &n, max, 'p', buf + start, 1);
		}
	}
	return n;
}
