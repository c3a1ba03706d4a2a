/* population.c - the programs' average response to each decision of a
 * board (population.h): fitted from a dataset's runs, written into and read
 * from the model file. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "population.h"
#include "base/jsonread.h"

/* Decisions measured by fewer programs than this share of them are filled
 * in from their neighbours: a mean of two programs is one of their two
 * responses, not the population's. */
#define MEASURED_SHARE 0.5
#define MIN_PROGRAMS 3
/* Neighbours an unmeasured decision is interpolated from. */
#define NEIGHBOURS 8

/* One board's sums while fitting. */
struct pop_fit {
	const struct zd_action_space *space;
	int top;
	double *st, *sp; /* one program's sums of ln T, ln P per decision */
	int *sn;
	int *touched, ntouched;
	double *at, *ap; /* over programs: sums of the relative responses */
	int *an;
	int programs;
};

static void program_into(struct pop_fit *pf)
{
	int top = pf->top;
	if (pf->sn[top] > 0) {
		double rt = pf->st[top] / pf->sn[top];
		double rp = pf->sp[top] / pf->sn[top];
		for (int k = 0; k < pf->ntouched; k++) {
			int i = pf->touched[k];
			pf->at[i] += pf->st[i] / pf->sn[i] - rt;
			pf->ap[i] += pf->sp[i] / pf->sn[i] - rp;
			pf->an[i]++;
		}
		pf->programs++;
	}
	for (int k = 0; k < pf->ntouched; k++) {
		int i = pf->touched[k];
		pf->st[i] = pf->sp[i] = 0;
		pf->sn[i] = 0;
	}
	pf->ntouched = 0;
}

static void sample_into(struct pop_fit *pf, const struct zd_ds_sample *s)
{
	int i = zd_action_index(pf->space, &s->action);
	if (i < 0 || !(s->makespan_s > 0) || !(s->avg_power_w > 0))
		return;
	if (pf->sn[i] == 0)
		pf->touched[pf->ntouched++] = i;
	pf->st[i] += log(s->makespan_s);
	pf->sp[i] += log(s->avg_power_w);
	pf->sn[i]++;
}

/* Where decision i lies in the space: per cluster its share of the cores
 * and its clock relative to the top (0 for an idle cluster). */
static void position(const struct zd_action_space *sp, int i, float *x)
{
	struct zd_action a;
	zd_action_at(sp, i, &a);
	for (int c = 0; c < sp->nclusters; c++) {
		int top = sp->nlevels[c] - 1;
		x[2 * c] = sp->max_cores[c]
		    ? (float)a.cores[c] / (float)sp->max_cores[c]
		    : 0.0f;
		x[2 * c + 1] = a.cores[c]
		    ? (float)((double)sp->khz[c][a.level[c]] / sp->khz[c][top])
		    : 0.0f;
	}
}

static int16_t quantise(double v)
{
	double q = nearbyint(v * ZD_POP_UNIT);
	return (int16_t)fmax(-32767.0, fmin(32767.0, q));
}

/* Unmeasured decisions: inverse-square-distance mean of the nearest
 * measured ones. A convex mix, so no filled-in decision looks better than
 * the measured ones around it. kpos: each measured decision's position. */
static void interpolate(const struct zd_action_space *sp, const int *known,
			const float *kpos, int nknown, const double *vt,
			const double *vp, int16_t *t, int16_t *p)
{
	int dim = 2 * sp->nclusters;
	float x[2 * ZD_MAX_CLUSTERS];
	for (int i = 0; i < sp->count; i++) {
		if (t[i] != INT16_MIN)
			continue;
		int near[NEIGHBOURS];
		double d2[NEIGHBOURS];
		int n = 0;
		position(sp, i, x);
		for (int k = 0; k < nknown; k++) {
			const float *y = kpos + (size_t)k * (size_t)dim;
			double d = 0;
			for (int j = 0; j < dim; j++)
				d += (double)(x[j] - y[j]) * (x[j] - y[j]);
			int at = n < NEIGHBOURS ? n++ : NEIGHBOURS;
			if (at == NEIGHBOURS && d >= d2[NEIGHBOURS - 1])
				continue;
			if (at == NEIGHBOURS)
				at = NEIGHBOURS - 1;
			while (at > 0 && d2[at - 1] > d) {
				d2[at] = d2[at - 1];
				near[at] = near[at - 1];
				at--;
			}
			d2[at] = d;
			near[at] = known[k];
		}
		double w = 0, st = 0, spw = 0;
		for (int k = 0; k < n; k++) {
			double wk = 1.0 / fmax(d2[k], 1e-12);
			w += wk;
			st += wk * vt[near[k]];
			spw += wk * vp[near[k]];
		}
		t[i] = quantise(st / w);
		p[i] = quantise(spw / w);
	}
}

/* The board's averages into t and p (count each); false if too few
 * programs had their all-cores-top run. known, kpos: scratch for the
 * measured decisions and their positions. */
static bool board_values(struct pop_fit *pf, struct zd_pop_board *pb,
			 int16_t *t, int16_t *p, int *known, float *kpos)
{
	const struct zd_action_space *sp = pf->space;
	int need = (int)ceil(MEASURED_SHARE * pf->programs), nknown = 0;
	if (need < 2)
		need = 2;
	if (pf->programs < MIN_PROGRAMS)
		return false;
	for (int i = 0; i < sp->count; i++) {
		t[i] = p[i] = INT16_MIN;
		if (pf->an[i] >= need) {
			pf->at[i] /= pf->an[i];
			pf->ap[i] /= pf->an[i];
			t[i] = quantise(pf->at[i]);
			p[i] = quantise(pf->ap[i]);
			position(
			    sp, i,
			    kpos + (size_t)nknown * 2 * (size_t)sp->nclusters);
			known[nknown++] = i;
		}
	}
	if (nknown < 1)
		return false;
	interpolate(sp, known, kpos, nknown, pf->at, pf->ap, t, p);
	pb->count = (uint32_t)sp->count;
	pb->programs = (uint32_t)pf->programs;
	pb->measured = (uint32_t)nknown;
	return true;
}

static void fit_free(struct pop_fit *pf)
{
	free(pf->st);
	free(pf->sp);
	free(pf->sn);
	free(pf->touched);
	free(pf->at);
	free(pf->ap);
	free(pf->an);
}

static int fit_alloc(struct pop_fit *pf, const struct zd_board_prior *bp,
		     struct zd_err *err)
{
	size_t n = (size_t)bp->space.count;
	memset(pf, 0, sizeof(*pf));
	pf->space = &bp->space;
	struct zd_action top;
	zd_action_max(&bp->space, &top);
	pf->top = zd_action_index(&bp->space, &top);
	pf->st = calloc(n, sizeof(double));
	pf->sp = calloc(n, sizeof(double));
	pf->sn = calloc(n, sizeof(int));
	pf->touched = calloc(n, sizeof(int));
	pf->at = calloc(n, sizeof(double));
	pf->ap = calloc(n, sizeof(double));
	pf->an = calloc(n, sizeof(int));
	if (!pf->st || !pf->sp || !pf->sn || !pf->touched || !pf->at ||
	    !pf->ap || !pf->an || pf->top < 0) {
		fit_free(pf);
		return zd_fail(err, ENOMEM, "out of memory");
	}
	return 0;
}

/* Samples of each program in turn: indices sorted by program (counting
 * sort), so one program's sums are complete before the next begins. */
static long *by_program(const struct zd_dataset *ds,
			const struct zd_ds_filter *f, int board, long *n)
{
	long *start = calloc((size_t)ds->nprograms + 1, sizeof(long));
	long *order = malloc(sizeof(long) * (size_t)(ds->nsamples + 1));
	*n = 0;
	if (!start || !order) {
		free(start);
		free(order);
		return NULL;
	}
	for (long i = 0; i < ds->nsamples; i++) {
		const struct zd_ds_sample *s = &ds->samples[i];
		if (s->board == board && zd_ds_sample_ok(ds, f, s))
			start[s->program + 1]++;
	}
	for (int p = 0; p < ds->nprograms; p++)
		start[p + 1] += start[p];
	for (long i = 0; i < ds->nsamples; i++) {
		const struct zd_ds_sample *s = &ds->samples[i];
		if (s->board == board && zd_ds_sample_ok(ds, f, s))
			order[start[s->program]++] = i;
	}
	*n = start[ds->nprograms];
	free(start);
	return order;
}

/* The board's population response into values (2 x its decisions);
 * *made false when it gets none. */
static int fit_board(const struct zd_dataset *ds, const struct zd_ds_filter *f,
		     int b, struct zd_pop_board *pb, int16_t *values,
		     bool *made, struct zd_err *err)
{
	struct pop_fit pf;
	const struct zd_board_prior *bp = &ds->boards[b].prior;
	size_t count = (size_t)bp->space.count;
	*made = false;
	int rc = fit_alloc(&pf, bp, err);
	if (rc != 0)
		return rc;
	long n = 0;
	long *order = by_program(ds, f, b, &n);
	int *known = malloc(sizeof(int) * count);
	float *kpos =
	    malloc(sizeof(float) * count * 2 * (size_t)bp->space.nclusters);
	if (!order || !known || !kpos) {
		rc = zd_fail(err, ENOMEM, "out of memory");
		goto out;
	}
	for (long k = 0; k < n; k++) {
		const struct zd_ds_sample *s = &ds->samples[order[k]];
		if (k > 0 && ds->samples[order[k - 1]].program != s->program)
			program_into(&pf);
		sample_into(&pf, s);
	}
	if (n > 0)
		program_into(&pf);
	snprintf(pb->name, sizeof(pb->name), "%s", ds->boards[b].name);
	*made = board_values(&pf, pb, values, values + count, known, kpos);
	pb->t = values;
	pb->p = values + count;
out:
	free(kpos);
	free(known);
	free(order);
	fit_free(&pf);
	return rc;
}

int zd_population_fit(const struct zd_dataset *ds, const struct zd_ds_filter *f,
		      struct zd_population **out, struct zd_err *err)
{
	/* one block of values, as a mapped file has them: room for every
	 * board the filter allows, used by those that get a response */
	size_t total = 0;
	for (int b = 0; b < ds->nboards; b++)
		if (!f->board_ok || f->board_ok[b])
			total += 2 * (size_t)ds->boards[b].prior.space.count;
	struct zd_population *pop = calloc(1, sizeof(*pop));
	if (pop) {
		pop->boards =
		    calloc((size_t)ds->nboards + 1, sizeof(*pop->boards));
		pop->owned = malloc(sizeof(int16_t) * (total + 1));
	}
	int rc = pop && pop->boards && pop->owned
	    ? 0
	    : zd_fail(err, ENOMEM, "out of memory");
	size_t at = 0;
	for (int b = 0; rc == 0 && b < ds->nboards; b++) {
		if (f->board_ok && !f->board_ok[b])
			continue;
		bool made = false;
		struct zd_pop_board *pb = &pop->boards[pop->nboards];
		rc = fit_board(ds, f, b, pb, pop->owned + at, &made, err);
		if (rc == 0 && made) {
			at += 2 * (size_t)pb->count;
			pop->nboards++;
		}
	}
	if (rc != 0) {
		zd_population_free(pop);
		return rc;
	}
	*out = pop;
	return 0;
}

void zd_population_free(struct zd_population *pop)
{
	if (!pop)
		return;
	free(pop->boards);
	free(pop->owned);
	free(pop);
}

const struct zd_pop_board *zd_population_board(const struct zd_population *pop,
					       const char *name, int count)
{
	for (int b = 0; pop && b < pop->nboards; b++)
		if (strcmp(pop->boards[b].name, name) == 0 &&
		    pop->boards[b].count == (uint32_t)count)
			return &pop->boards[b];
	return NULL;
}

/* ---- the model file's section -------------------------------------------
 *
 * uint32 nboards, uint32 0, then per board a 64-byte entry (name[48],
 * count, programs, measured, uint32 0), then per board its int16 t[count]
 * and p[count], each board's values padded to 8 bytes. */

struct pop_entry {
	char name[48];
	uint32_t count, programs, measured, zero;
};

_Static_assert(sizeof(struct pop_entry) == 64, "entry layout");

static size_t values_bytes(uint32_t count)
{
	return (4 * (size_t)count + 7) & ~(size_t)7;
}

size_t zd_population_bytes(const struct zd_population *pop)
{
	size_t n = 8;
	for (int b = 0; pop && b < pop->nboards; b++)
		n += sizeof(struct pop_entry) +
		    values_bytes(pop->boards[b].count);
	return n;
}

void zd_population_write(const struct zd_population *pop, unsigned char *buf)
{
	uint32_t head[2] = {pop ? (uint32_t)pop->nboards : 0, 0};
	memcpy(buf, head, sizeof(head));
	size_t at = 8 + (size_t)head[0] * sizeof(struct pop_entry);
	for (uint32_t b = 0; b < head[0]; b++) {
		const struct zd_pop_board *pb = &pop->boards[b];
		struct pop_entry e = {.count = pb->count,
				      .programs = pb->programs,
				      .measured = pb->measured};
		memcpy(e.name, pb->name, sizeof(e.name));
		memcpy(buf + 8 + b * sizeof(e), &e, sizeof(e));
		memcpy(buf + at, pb->t, 2 * (size_t)pb->count);
		memcpy(buf + at + 2 * (size_t)pb->count, pb->p,
		       2 * (size_t)pb->count);
		at += values_bytes(pb->count);
	}
}

int zd_population_read(const unsigned char *buf, size_t size, const char *what,
		       struct zd_population **out, struct zd_err *err)
{
	uint32_t head[2];
	*out = NULL;
	if (size < 8 || ((uintptr_t)buf & 1u))
		return zd_bad_input(err, "%s: %zu bytes, too short", what,
				    size);
	memcpy(head, buf, sizeof(head));
	if (head[0] > 64 || 8 + head[0] * sizeof(struct pop_entry) > size)
		return zd_bad_input(err,
				    "%s: %u boards do not fit in %zu bytes",
				    what, head[0], size);
	struct zd_population *pop = calloc(1, sizeof(*pop));
	if (pop)
		pop->boards = calloc(head[0] + 1, sizeof(*pop->boards));
	if (!pop || !pop->boards) {
		zd_population_free(pop);
		return zd_fail(err, ENOMEM, "out of memory");
	}
	size_t at = 8 + head[0] * sizeof(struct pop_entry);
	for (uint32_t b = 0; b < head[0]; b++) {
		struct pop_entry e;
		memcpy(&e, buf + 8 + b * sizeof(e), sizeof(e));
		struct zd_pop_board *pb = &pop->boards[b];
		if (memchr(e.name, '\0', sizeof(e.name)) == NULL ||
		    e.count == 0 || e.count > (1u << 24) ||
		    e.measured > e.count || values_bytes(e.count) > size - at) {
			zd_population_free(pop);
			return zd_bad_input(err,
					    "%s: board %u's entry is damaged "
					    "(%u decisions)",
					    what, b, e.count);
		}
		memcpy(pb->name, e.name, sizeof(pb->name));
		pb->count = e.count;
		pb->programs = e.programs;
		pb->measured = e.measured;
		pb->t = (const int16_t *)(const void *)(buf + at);
		pb->p = pb->t + e.count;
		at += values_bytes(e.count);
	}
	pop->nboards = (int)head[0];
	*out = pop;
	return 0;
}

/* ---- the JSON form -------------------------------------------------------- */

static json_t *int16s_new(const int16_t *x, uint32_t n)
{
	json_t *a = json_array();
	for (uint32_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer(x[i]));
	return a;
}

json_t *zd_population_to_json(const struct zd_population *pop)
{
	json_t *a = json_array();
	for (int b = 0; pop && b < pop->nboards; b++) {
		const struct zd_pop_board *pb = &pop->boards[b];
		json_array_append_new(
		    a,
		    json_pack("{s:s,s:i,s:i,s:o,s:o}", "board", pb->name,
			      "programs", (int)pb->programs, "measured",
			      (int)pb->measured, "t",
			      int16s_new(pb->t, pb->count), "p",
			      int16s_new(pb->p, pb->count)));
	}
	return a;
}

static int int16s_read(const struct zd_jr *v, const json_t *arr,
		       const char *where, int16_t *out, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		json_t *x = json_array_get(arr, i);
		json_int_t k = json_integer_value(x);
		if (!json_is_integer(x) || k < -32767 || k > 32767)
			return zd_jr_bad(v, where,
					 "[%u] is not an integer in "
					 "-32767..32767",
					 i);
		out[i] = (int16_t)k;
	}
	return 0;
}

static int board_from_json(const struct zd_jr *v, const json_t *e,
			   const char *where, struct zd_pop_board *pb,
			   int16_t *values, size_t *used)
{
	static const char *const keys[] = {"board", "programs", "measured",
					   "t",     "p",        NULL};
	const char *name = NULL;
	long long programs = 0, measured = 0;
	json_t *t = NULL;
	char at[256];
	int rc = zd_jr_keys(v, e, where, keys);
	if (rc == 0)
		rc = zd_jr_text(v, e, where, "board", true, &name);
	if (rc == 0 && strlen(name) >= sizeof(pb->name))
		rc = zd_jr_bad(v, where, "board: name too long");
	if (rc == 0)
		rc =
		    zd_jr_int(v, e, where, "programs", 0, INT32_MAX, &programs);
	if (rc == 0)
		rc = zd_jr_array_min(v, e, where, "t", true, 1, &t);
	size_t n = t ? json_array_size(t) : 0;
	json_t *p = NULL;
	if (rc == 0)
		rc = zd_jr_array(v, e, where, "p", n, &p);
	if (rc == 0)
		rc = zd_jr_int(v, e, where, "measured", 0, (long long)n,
			       &measured);
	if (rc == 0 && n > (1u << 24))
		rc = zd_jr_bad(v, where, "t: %zu decisions, too many", n);
	if (rc == 0)
		zd_jr_path(at, sizeof(at), where, "t");
	if (rc == 0)
		rc = int16s_read(v, t, at, values + *used, (uint32_t)n);
	if (rc == 0)
		zd_jr_path(at, sizeof(at), where, "p");
	if (rc == 0)
		rc = int16s_read(v, p, at, values + *used + n, (uint32_t)n);
	if (rc != 0)
		return rc;
	snprintf(pb->name, sizeof(pb->name), "%s", name);
	pb->count = (uint32_t)n;
	pb->programs = (uint32_t)programs;
	pb->measured = (uint32_t)measured;
	pb->t = values + *used;
	pb->p = values + *used + n;
	*used += 2 * n;
	return 0;
}

int zd_population_from_json(const json_t *j, const char *what,
			    struct zd_population **out, struct zd_err *err)
{
	struct zd_jr v = {.what = what, .err = err};
	*out = NULL;
	if (!json_is_array(j))
		return zd_jr_bad(&v, "population", "not an array");
	size_t total = 0, nb = json_array_size(j);
	for (size_t b = 0; b < nb; b++)
		total += 2 *
		    json_array_size(json_object_get(json_array_get(j, b), "t"));
	struct zd_population *pop = calloc(1, sizeof(*pop));
	if (pop) {
		pop->boards = calloc(nb + 1, sizeof(*pop->boards));
		pop->owned = malloc(sizeof(int16_t) * (total + 1));
	}
	if (!pop || !pop->boards || !pop->owned) {
		zd_population_free(pop);
		return zd_fail(err, ENOMEM, "out of memory");
	}
	size_t used = 0;
	int rc = 0;
	for (size_t b = 0; rc == 0 && b < nb; b++) {
		char where[64];
		zd_jr_index(where, sizeof(where), "population", b);
		const json_t *e = json_array_get(j, b);
		rc = json_is_object(e)
		    ? board_from_json(&v, e, where, &pop->boards[b], pop->owned,
				      &used)
		    : zd_jr_bad(&v, where, "not an object");
	}
	if (rc != 0) {
		zd_population_free(pop);
		return rc;
	}
	pop->nboards = (int)nb;
	*out = pop;
	return 0;
}
