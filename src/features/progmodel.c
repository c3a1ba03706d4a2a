/* progmodel.c - the program model's bookkeeping: growing arrays, the tables of
 * paths and functions, diagnostics, and freeing it all. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int fx_grow(void *ptr, int *cap, int need, size_t size)
{
	void **p = ptr;
	if (need <= *cap)
		return 0;
	int cap2 = *cap > 0 ? *cap : 8;
	while (cap2 < need)
		cap2 *= 2;
	void *q = realloc(*p, (size_t)cap2 * size);
	if (q == NULL)
		return -ENOMEM;
	memset((char *)q + (size_t)*cap * size, 0,
	       (size_t)(cap2 - *cap) * size);
	*p = q;
	*cap = cap2;
	return 0;
}

char *fx_strdup(const char *s)
{
	return strdup(s != NULL ? s : "");
}

/* Length of the valid UTF-8 sequence at s, 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0 && s[0] >= 0xC2)
		n = 2;
	else if ((s[0] & 0xF0) == 0xE0)
		n = 3;
	else if ((s[0] & 0xF8) == 0xF0 && s[0] <= 0xF4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

char *fx_utf8(const char *s)
{
	char *out = fx_strdup(s);
	if (out == NULL)
		return NULL;
	for (unsigned char *c = (unsigned char *)out; *c != '\0';) {
		size_t n = utf8_len(c);
		if (n == 0) {
			*c++ = '?';
			continue;
		}
		c += n;
	}
	return out;
}

int fx_path_index(struct fx_prog *p, const char *path)
{
	for (int i = 0; i < p->npaths; i++)
		if (strcmp(p->paths[i], path) == 0)
			return i;
	if (fx_grow(&p->paths, &p->cappaths, p->npaths + 1, sizeof(char *)))
		return -1;
	p->paths[p->npaths] = fx_strdup(path);
	return p->paths[p->npaths] != NULL ? p->npaths++ : -1;
}

static unsigned str_hash(const char *s)
{
	unsigned h = 2166136261u;
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Rebuild the usr map at twice the functions' capacity. */
static int fmap_rebuild(struct fx_prog *p, int cap)
{
	int *m = malloc((size_t)cap * sizeof(int));
	if (m == NULL)
		return -ENOMEM;
	for (int i = 0; i < cap; i++)
		m[i] = -1;
	for (int f = 0; f < p->nfuncs; f++) {
		unsigned h = str_hash(p->funcs[f].usr) & (unsigned)(cap - 1);
		while (m[h] >= 0)
			h = (h + 1) & (unsigned)(cap - 1);
		m[h] = f;
	}
	free(p->fmap);
	p->fmap = m;
	p->fmapcap = cap;
	return 0;
}

int fx_func_find(const struct fx_prog *p, const char *usr)
{
	if (p->fmapcap == 0)
		return -1;
	unsigned h = str_hash(usr) & (unsigned)(p->fmapcap - 1);
	while (p->fmap[h] >= 0) {
		if (strcmp(p->funcs[p->fmap[h]].usr, usr) == 0)
			return p->fmap[h];
		h = (h + 1) & (unsigned)(p->fmapcap - 1);
	}
	return -1;
}

int fx_func_index(struct fx_prog *p, const char *usr, const char *name)
{
	int found = fx_func_find(p, usr);
	if (found >= 0)
		return found;
	if (fx_grow(&p->funcs, &p->capfuncs, p->nfuncs + 1,
		    sizeof(struct fx_func)))
		return -1;
	struct fx_func *f = &p->funcs[p->nfuncs];
	memset(f, 0, sizeof(*f));
	f->usr = fx_strdup(usr);
	f->name = fx_strdup(name);
	f->loc.file = -1;
	f->body[0] = f->body[1] = -1;
	f->scc = -1;
	if (f->usr == NULL || f->name == NULL) {
		free(f->usr);
		free(f->name);
		return -1;
	}
	p->nfuncs++;
	if (2 * p->nfuncs > p->fmapcap) {
		int cap = p->fmapcap > 0 ? p->fmapcap : 64;
		while (2 * p->nfuncs > cap)
			cap *= 2;
		if (fmap_rebuild(p, cap) != 0)
			return -1;
	} else {
		unsigned h = str_hash(f->usr) & (unsigned)(p->fmapcap - 1);
		while (p->fmap[h] >= 0)
			h = (h + 1) & (unsigned)(p->fmapcap - 1);
		p->fmap[h] = p->nfuncs - 1;
	}
	return p->nfuncs - 1;
}

#define FX_MAX_DIAGS 60

int fx_diag(struct fx_prog *p, const char *fmt, ...)
{
	if (p->ndiags > FX_MAX_DIAGS)
		return 0;
	char buf[1024];
	if (p->ndiags == FX_MAX_DIAGS)
		snprintf(buf, sizeof(buf), "(further diagnostics left out)");
	else {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(buf, sizeof(buf), fmt, ap);
		va_end(ap);
	}
	if (fx_grow(&p->diags, &p->capdiags, p->ndiags + 1, sizeof(char *)))
		return -ENOMEM;
	p->diags[p->ndiags] = fx_utf8(buf);
	if (p->diags[p->ndiags] == NULL)
		return -ENOMEM;
	p->ndiags++;
	return 0;
}

int fx_add_dep(struct fx_prog *p, const char *path)
{
	for (int i = 0; i < p->ndeps; i++)
		if (strcmp(p->deps[i], path) == 0)
			return 0;
	if (fx_grow(&p->deps, &p->capdeps, p->ndeps + 1, sizeof(char *)))
		return -ENOMEM;
	p->deps[p->ndeps] = fx_strdup(path);
	if (p->deps[p->ndeps] == NULL)
		return -ENOMEM;
	p->ndeps++;
	return 0;
}

void fx_loc_format(const struct fx_prog *p, struct fx_loc l, char *buf,
		   size_t len)
{
	if (l.file < 0 || l.file >= p->npaths)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%s:%u:%u", p->paths[l.file], l.line, l.col);
}

void fx_prog_free(struct fx_prog *p)
{
	for (int i = 0; i < p->npaths; i++)
		free(p->paths[i]);
	free(p->paths);
	for (int i = 0; i < p->nfuncs; i++) {
		free(p->funcs[i].usr);
		free(p->funcs[i].name);
	}
	free(p->funcs);
	free(p->fmap);
	free(p->loops);
	for (int i = 0; i < p->ncalls; i++)
		free(p->calls[i].callee_usr);
	free(p->calls);
	for (int i = 0; i < p->ndiags; i++)
		free(p->diags[i]);
	free(p->diags);
	for (int i = 0; i < p->ndeps; i++)
		free(p->deps[i]);
	free(p->deps);
	free(p->counted);
	memset(p, 0, sizeof(*p));
}
