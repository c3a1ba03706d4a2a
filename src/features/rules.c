/* rules.c - from the program model to the counts and the 13 features.
 *
 * First the whole program: calls resolved, recursion (strongly connected
 * components), the hot code (what parallel regions run, or what main
 * reaches in a serial program), and for each hot loop a weight - how often
 * one iteration of its body runs, from the trip classes of the loops
 * around it and around the calls that lead to it. Then each feature is one
 * rule over weighted figures, with the figures and example locations as
 * its evidence. docs/features.md gives every rule and threshold. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Assumed iterations of a loop bounded by a parameter, a triangular loop,
 * a halving loop and a recursion: only their ratios matter. */
#define N_PARAM 1000.0
#define N_TRIANGLE 500.0
#define N_LOG 10.0
#define N_RECURSION 100.0

struct deg {
	double poly; /* n^poly */
	int log;     /* times log n */
	bool expo;   /* exponential or worse */
};

static int deg_cmp(struct deg a, struct deg b)
{
	if (a.expo != b.expo)
		return a.expo ? 1 : -1;
	if (fabs(a.poly - b.poly) > 1e-9)
		return a.poly > b.poly ? 1 : -1;
	return a.log - b.log;
}

static struct deg deg_add(struct deg a, struct deg b)
{
	return (struct deg){a.poly + b.poly, a.log + b.log, a.expo || b.expo};
}

/* What the calls within one recursion do, per strongly connected
 * component of the call graph. */
struct scc_info {
	bool recursive;
	int sites; /* calls per level: product over its members */
	int shape; /* FX_ARG_* of those calls */
	int divisor;
	bool in_param_loop;
	bool done; /* deg computed */
	struct deg deg;
	char why[200];
};

struct ctx {
	struct fx_prog *p;
	int *scc_size;
	int nscc;
	struct scc_info *scc;
	int *by_caller;    /* call indices sorted by caller */
	int *first_call;   /* by_caller[first_call[f] .. first_call[f + 1]) */
	struct deg *total; /* per function, for an all-zero tile mask */
	bool *total_done;
	struct deg *entry; /* loop degree around a function's hot calls */
	int *entry_depth;  /* loop levels around them */
	/* weighted figures over hot code */
	double acc[FX_ACC_N], acc_all, temporal;
	double arith, mem, logic, math;
	double mem_cost; /* memory accesses weighted by the lines they waste */
	double total_ops;
	double tile_w, block_w;
	struct deg program;
	struct fx_loc program_loc;
	const char *program_rule;
	char program_why[200];
	int nhot;
	int *hot; /* hot loop indices, heaviest first */
};

static double trip_factor(const struct fx_loop *l)
{
	switch (l->trip) {
	case FX_TRIP_CONST: return l->trip_const > 4096 ? 4096 : l->trip_const;
	case FX_TRIP_PARAM:
	case FX_TRIP_UNKNOWN: return N_PARAM;
	case FX_TRIP_TRIANGULAR: return N_TRIANGLE;
	case FX_TRIP_LOG: return N_LOG;
	}
	return 1;
}

static struct deg trip_deg(const struct fx_loop *l, uint32_t mask)
{
	struct deg d = {0, 0, false};
	if (l->pseudo || l->branch || l->bounded ||
	    (l->pb_ord >= 0 && l->pb_ord < 32 && (mask >> l->pb_ord & 1)))
		return d;
	if (l->trip == FX_TRIP_LOG)
		d.log = 1;
	else if (l->trip != FX_TRIP_CONST)
		d.poly = 1;
	return d;
}

/* Product of trip factors and sum of degrees from loop li outwards. */
static bool is_ancestor(const struct fx_prog *p, int anc, int li)
{
	for (int n = 0; li >= 0 && n < 64; li = p->loops[li].parent, n++)
		if (li == anc)
			return true;
	return false;
}

static double chain_weight(const struct fx_prog *p, int li)
{
	double w = 1;
	for (int n = 0; li >= 0 && n < 64; li = p->loops[li].parent, n++)
		w *= trip_factor(&p->loops[li]);
	return w;
}

static struct deg chain_deg(const struct fx_prog *p, int li, uint32_t mask)
{
	struct deg d = {0, 0, false};
	for (int n = 0; li >= 0 && n < 64; li = p->loops[li].parent, n++)
		d = deg_add(d, trip_deg(&p->loops[li], mask));
	return d;
}

static int chain_depth(const struct fx_prog *p, int li)
{
	return li >= 0 ? p->loops[li].depth : 0;
}

/* ---- calls and recursion ------------------------------------------------ */

static void resolve_calls(struct fx_prog *p)
{
	for (int i = 0; i < p->ncalls; i++) {
		struct fx_call *c = &p->calls[i];
		c->callee = fx_func_find(p, c->callee_usr);
		if (c->callee >= 0 && !p->funcs[c->callee].defined)
			c->callee = -1;
	}
}

/* Tarjan's strongly connected components, iteratively (no deep C stack
 * on long call chains). Edges: calls sorted by caller. */
static int tarjan(struct fx_prog *p, int *scc_size, int *count)
{
	int n = p->nfuncs, m = p->ncalls;
	int *first = calloc((size_t)n + 1, sizeof(int));
	int *edge = calloc((size_t)m + 1, sizeof(int));
	int *index = malloc(((size_t)n + 1) * sizeof(int));
	int *low = malloc(((size_t)n + 1) * sizeof(int));
	int *stack = malloc(((size_t)n + 1) * sizeof(int));
	int *cs = malloc(((size_t)n + 1) * sizeof(int));
	int *ce = malloc(((size_t)n + 1) * sizeof(int));
	bool *on = calloc((size_t)n + 1, sizeof(bool));
	int rc = 0;
	if (!first || !edge || !index || !low || !stack || !cs || !ce || !on) {
		rc = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < m; i++)
		first[p->calls[i].caller + 1]++;
	for (int i = 0; i < n; i++)
		first[i + 1] += first[i];
	int *fill = ce; /* borrowed before use */
	for (int i = 0; i < n; i++)
		fill[i] = first[i];
	for (int i = 0; i < m; i++)
		edge[fill[p->calls[i].caller]++] = i;
	for (int i = 0; i < n; i++)
		index[i] = -1;
	int next = 0, sp = 0, nscc = 0;
	for (int root = 0; root < n; root++) {
		if (index[root] >= 0)
			continue;
		int depth = 0;
		cs[0] = root;
		ce[0] = first[root];
		index[root] = low[root] = next++;
		stack[sp++] = root;
		on[root] = true;
		while (depth >= 0) {
			int v = cs[depth];
			if (ce[depth] < first[v + 1]) {
				int w = p->calls[edge[ce[depth]++]].callee;
				if (w < 0)
					continue;
				if (index[w] < 0) {
					index[w] = low[w] = next++;
					stack[sp++] = w;
					on[w] = true;
					depth++;
					cs[depth] = w;
					ce[depth] = first[w];
				} else if (on[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			if (low[v] == index[v]) {
				int size = 0, top = sp;
				do {
					on[stack[--top]] = false;
					size++;
				} while (stack[top] != v);
				for (int k = top; k < sp; k++) {
					p->funcs[stack[k]].scc = nscc;
					scc_size[stack[k]] = size;
				}
				sp = top;
				nscc++;
			}
			depth--;
			if (depth >= 0 && low[v] < low[cs[depth]])
				low[cs[depth]] = low[v];
		}
	}
	for (int i = 0; i < m; i++) {
		const struct fx_call *c = &p->calls[i];
		if (c->callee >= 0 &&
		    p->funcs[c->callee].scc == p->funcs[c->caller].scc &&
		    (c->callee == c->caller || scc_size[c->caller] > 1))
			p->funcs[c->caller].recursive = true;
	}
	*count = nscc;
out:
	free(first);
	free(edge);
	free(index);
	free(low);
	free(stack);
	free(cs);
	free(ce);
	free(on);
	return rc;
}

/* ---- hot code, weights, degrees ----------------------------------------- */

static bool site_hot(const struct fx_prog *p, const struct fx_call *c)
{
	return p->funcs[c->caller].hot || c->lex_region || c->in_task;
}

/* Base weight of code in function f that runs: the function's own weight
 * when hot, 1 for a region written inside a function that is not. */
static double base_weight(const struct fx_prog *p, int f)
{
	return p->funcs[f].hot && p->funcs[f].weight > 0 ? p->funcs[f].weight
							 : 1;
}

/* Loops whose trip the parameters set (j0..j1) and that every call makes
 * constant: tiles, for the weights and the cache pattern. */
static void call_site_tiles(struct fx_prog *p)
{
	uint32_t *all = malloc(((size_t)p->nfuncs + 1) * sizeof(uint32_t));
	int *calls = calloc((size_t)p->nfuncs + 1, sizeof(int));
	if (all == NULL || calls == NULL) {
		free(all);
		free(calls);
		return;
	}
	for (int f = 0; f < p->nfuncs; f++)
		all[f] = ~0u;
	for (int i = 0; i < p->ncalls; i++) {
		const struct fx_call *c = &p->calls[i];
		if (c->callee < 0 || c->inlined)
			continue;
		all[c->callee] &= c->tile_mask;
		calls[c->callee]++;
	}
	for (int i = 0; i < p->nloops; i++) {
		struct fx_loop *l = &p->loops[i];
		if (l->pb_ord < 0 || l->pb_ord >= 32 || l->func < 0 ||
		    calls[l->func] == 0 || !(all[l->func] >> l->pb_ord & 1))
			continue;
		l->tile = true;
		l->trip = FX_TRIP_CONST;
		l->trip_const = 32;
		if (l->ex[FX_EX_TILE].file < 0)
			l->ex[FX_EX_TILE] = l->loc;
	}
	free(all);
	free(calls);
}

static void mark_hot(struct ctx *x)
{
	struct fx_prog *p = x->p;
	bool parallel = p->any_parallel || p->any_task;
	for (int f = 0; f < p->nfuncs; f++)
		if (!parallel && p->funcs[f].defined &&
		    (p->funcs[f].is_main || fx_func_find(p, "c:@F@main") < 0))
			p->funcs[f].hot = true;
	/* what the hot code calls is hot: to a fixed point */
	for (bool changed = true; changed;) {
		changed = false;
		for (int i = 0; i < p->ncalls; i++) {
			const struct fx_call *c = &p->calls[i];
			if (c->callee < 0 || c->inlined ||
			    p->funcs[c->callee].hot || !site_hot(p, c))
				continue;
			p->funcs[c->callee].hot = true;
			changed = true;
		}
	}
	for (int i = 0; i < p->nloops; i++) {
		struct fx_loop *l = &p->loops[i];
		l->hot =
		    l->func >= 0 && (p->funcs[l->func].hot || l->lex_region);
	}
}

/* Weights, entry degrees and depths of hot functions: the heaviest hot
 * call site decides; calls within one recursion do not feed back. */
static void weigh(struct ctx *x)
{
	struct fx_prog *p = x->p;
	for (int f = 0; f < p->nfuncs; f++) {
		struct fx_func *fn = &p->funcs[f];
		fn->weight =
		    fn->hot && !p->any_parallel && !p->any_task ? 1 : 0;
	}
	for (int pass = 0; pass < 64; pass++) {
		bool changed = false;
		for (int i = 0; i < p->ncalls; i++) {
			const struct fx_call *c = &p->calls[i];
			if (c->callee < 0 || c->inlined || !site_hot(p, c) ||
			    p->funcs[c->callee].scc == p->funcs[c->caller].scc)
				continue;
			/* a call in a branch runs on some paths only */
			double w = base_weight(p, c->caller) *
			    chain_weight(p, c->loop) /
			    (c->if_depth == 0       ? 1
				 : c->if_depth == 1 ? 4
						    : 16);
			struct deg d = deg_add(p->funcs[c->caller].hot
						   ? x->entry[c->caller]
						   : (struct deg){0, 0, false},
					       chain_deg(p, c->loop, 0));
			int depth =
			    (p->funcs[c->caller].hot ? x->entry_depth[c->caller]
						     : 0) +
			    chain_depth(p, c->loop);
			struct fx_func *g = &p->funcs[c->callee];
			if (g->recursive && g->scc >= 0) /* calls per entry */
				w *=
				    x->scc[g->scc].deg.expo ? 1e6 : N_RECURSION;
			if (w > 1e200)
				w = 1e200;
			if (w > g->weight * (1 + 1e-12)) {
				g->weight = w;
				changed = true;
			}
			if (deg_cmp(d, x->entry[c->callee]) > 0) {
				x->entry[c->callee] = d;
				changed = true;
			}
			if (depth > x->entry_depth[c->callee]) {
				x->entry_depth[c->callee] = depth;
				changed = true;
			}
		}
		if (!changed)
			break;
	}
	for (int i = 0; i < p->nloops; i++) {
		struct fx_loop *l = &p->loops[i];
		l->weight =
		    l->hot ? base_weight(p, l->func) * chain_weight(p, i) : 0;
	}
}

/* Calls within one recursion: how many per level, what they pass, and
 * which loops around them branch (rather than work). */
static void recursions(struct ctx *x)
{
	struct fx_prog *p = x->p;
	int *sites = calloc((size_t)p->nfuncs + 1, sizeof(int));
	if (sites == NULL)
		return;
	for (int i = 0; i < p->ncalls; i++) {
		const struct fx_call *c = &p->calls[i];
		if (c->callee < 0 || c->inlined || c->bounded ||
		    p->funcs[c->callee].scc != p->funcs[c->caller].scc ||
		    !p->funcs[c->caller].recursive)
			continue;
		struct scc_info *s = &x->scc[p->funcs[c->caller].scc];
		s->recursive = true;
		sites[c->caller] += c->mult;
		s->shape |= c->shape;
		if (c->divisor > s->divisor)
			s->divisor = c->divisor;
		s->in_param_loop |= c->in_param_loop;
		for (int li = c->loop; li >= 0; li = p->loops[li].parent)
			p->loops[li].branch = !p->loops[li].pseudo;
	}
	for (int f = 0; f < p->nfuncs; f++) {
		if (sites[f] == 0)
			continue;
		struct scc_info *s = &x->scc[p->funcs[f].scc];
		s->sites = s->sites == 0 ? sites[f] : s->sites * sites[f];
		if (s->sites > 64)
			s->sites = 64;
	}
	free(sites);
}

static struct deg total_deg(struct ctx *x, int f, uint32_t mask, int depth);

/* The work of f outside its own recursion: its loops, and its calls with
 * the loops around them (cutoff-bounded calls aside). */
static struct deg work_deg(struct ctx *x, int f, uint32_t mask, int depth)
{
	struct fx_prog *p = x->p;
	struct deg best = {0, 0, false};
	for (int i = p->funcs[f].first_loop; i < p->funcs[f].end_loop; i++) {
		const struct fx_loop *l = &p->loops[i];
		if (l->func != f || l->pseudo || l->has_child)
			continue;
		struct deg d = chain_deg(p, i, mask);
		if (deg_cmp(d, best) > 0)
			best = d;
	}
	for (int k = x->first_call[f]; k < x->first_call[f + 1]; k++) {
		const struct fx_call *c = &p->calls[x->by_caller[k]];
		if (c->callee < 0 || c->inlined || c->bounded ||
		    p->funcs[c->callee].scc == p->funcs[f].scc)
			continue;
		struct deg d =
		    deg_add(chain_deg(p, c->loop, mask),
			    total_deg(x, c->callee, c->tile_mask, depth + 1));
		if (deg_cmp(d, best) > 0)
			best = d;
	}
	return best;
}

/* A recursion's complexity: divide and conquer by the master theorem,
 * walks over a data structure, branching searches, linear recursion. */
static struct deg recursion_deg(struct ctx *x, int scc, struct deg work,
				const char *name)
{
	struct scc_info *s = &x->scc[scc];
	int a = s->sites > 0 ? s->sites : 1;
	struct deg d = work;
	if (work.expo) {
		snprintf(s->why, sizeof(s->why),
			 "%s does exponential work at each level", name);
	} else if (s->shape & (FX_ARG_DIV | FX_ARG_SPLIT) &&
		   !s->in_param_loop) {
		int b = s->divisor >= 2 ? s->divisor : 2;
		double c = log((double)a) / log((double)b);
		if (fabs(c - work.poly) < 0.05)
			d = (struct deg){work.poly, work.log + 1, false};
		else if (c > work.poly)
			d = (struct deg){c, 0, false};
		snprintf(
		    s->why, sizeof(s->why),
		    "%s splits its problem %s into %d recursive calls with "
		    "n^%.3g%s work per level (master theorem)",
		    name,
		    s->shape & FX_ARG_DIV ? "by division"
					  : "at a "
					    "computed point",
		    a, work.poly, work.log ? " log n" : "");
	} else if (s->shape & FX_ARG_STRUCT) {
		d.poly = work.poly > 1 ? work.poly : 1;
		snprintf(s->why, sizeof(s->why),
			 "%s recurses over the nodes of a data structure, each "
			 "visited once, with n^%.3g work per node",
			 name, work.poly);
	} else if (a >= 2 || s->in_param_loop) {
		d.expo = true;
		snprintf(s->why, sizeof(s->why),
			 "%s branches into %s recursive calls per level that "
			 "shrink the problem by a constant: exponential",
			 name, s->in_param_loop ? "a loop of" : "several");
	} else {
		d.poly = work.poly + 1;
		snprintf(s->why, sizeof(s->why),
			 "%s recurses linearly over n^%.3g work per level",
			 name, work.poly);
	}
	return d;
}

static struct deg total_deg(struct ctx *x, int f, uint32_t mask, int depth)
{
	struct fx_prog *p = x->p;
	struct deg zero = {0, 0, false};
	if (depth > 64)
		return zero;
	int scc = p->funcs[f].scc;
	if (scc >= 0 && x->scc[scc].recursive) {
		struct scc_info *s = &x->scc[scc];
		if (s->done)
			return s->deg;
		s->done = true; /* provisional, against cycles */
		struct deg work = zero;
		for (int g = 0; g < p->nfuncs; g++)
			if (p->funcs[g].scc == scc) {
				struct deg d = work_deg(x, g, 0, depth + 1);
				if (deg_cmp(d, work) > 0)
					work = d;
			}
		s->deg = recursion_deg(x, scc, work, p->funcs[f].name);
		return s->deg;
	}
	if (mask == 0 && x->total_done[f])
		return x->total[f];
	struct deg d = work_deg(x, f, mask, depth);
	if (mask == 0) {
		x->total[f] = d;
		x->total_done[f] = true;
	}
	return d;
}

/* The program's complexity from where its work starts: the code of its
 * parallel constructs (or main in a serial program), through calls. */
static void complexity(struct ctx *x)
{
	struct fx_prog *p = x->p;
	bool parallel = p->any_parallel || p->any_task;
	struct deg best = {0, 0, false};
	int best_scc = -1;
	struct fx_loc where = {-1, 0, 0};
	for (int f = 0; f < p->nfuncs; f++) {
		const struct fx_func *fn = &p->funcs[f];
		if (!fn->defined)
			continue;
		bool root = parallel
		    ? (fn->has_parallel || fn->has_task) && !fn->hot
		    : fn->hot &&
			(fn->is_main || fx_func_find(p, "c:@F@main") < 0);
		if (!root)
			continue;
		for (int i = fn->first_loop; i < fn->end_loop; i++) {
			const struct fx_loop *l = &p->loops[i];
			if (l->func != f || l->pseudo || l->has_child ||
			    (parallel && !l->lex_region))
				continue;
			struct deg d = chain_deg(p, i, 0);
			if (deg_cmp(d, best) > 0) {
				best = d;
				where = l->loc;
				best_scc = -1;
			}
		}
		for (int k = x->first_call[f]; k < x->first_call[f + 1]; k++) {
			const struct fx_call *c = &p->calls[x->by_caller[k]];
			if (c->callee < 0 || c->inlined ||
			    (parallel && !c->lex_region && !c->in_task))
				continue;
			struct deg d =
			    deg_add(chain_deg(p, c->loop, 0),
				    total_deg(x, c->callee, c->tile_mask, 0));
			if (deg_cmp(d, best) > 0) {
				best = d;
				where = c->loc;
				int scc = p->funcs[c->callee].scc;
				best_scc = scc >= 0 && x->scc[scc].recursive
				    ? scc
				    : -1;
			}
		}
	}
	x->program = best;
	x->program_loc = where;
	/* the explanation: a recursion of that degree, else the nest */
	for (int s = 0; best_scc < 0 && s < x->nscc; s++)
		if (x->scc[s].recursive && x->scc[s].done &&
		    deg_cmp(x->scc[s].deg, best) == 0)
			best_scc = s;
	if (best_scc >= 0) {
		x->program_rule = "recursion";
		snprintf(x->program_why, sizeof(x->program_why), "%s",
			 x->scc[best_scc].why);
		for (int f = 0; f < p->nfuncs; f++)
			if (p->funcs[f].scc == best_scc) {
				x->program_loc = p->funcs[f].loc;
				break;
			}
	} else {
		x->program_rule = "loop_nest";
		if (best.poly == 0 && best.log == 0)
			snprintf(
			    x->program_why, sizeof(x->program_why),
			    "no loop bounded by a parameter in the parallel "
			    "code");
		else
			snprintf(x->program_why, sizeof(x->program_why),
				 "the heaviest nest: %g loop(s) bounded by "
				 "parameters%s, counting the loops around the "
				 "calls that lead to it",
				 best.poly,
				 best.log ? " and a halving loop" : "");
	}
}

static int index_calls(struct ctx *x)
{
	struct fx_prog *p = x->p;
	x->first_call = calloc((size_t)p->nfuncs + 2, sizeof(int));
	x->by_caller = calloc((size_t)p->ncalls + 1, sizeof(int));
	int *fill = calloc((size_t)p->nfuncs + 1, sizeof(int));
	if (x->first_call == NULL || x->by_caller == NULL || fill == NULL) {
		free(fill);
		return -ENOMEM;
	}
	for (int i = 0; i < p->ncalls; i++)
		x->first_call[p->calls[i].caller + 1]++;
	for (int f = 0; f < p->nfuncs; f++)
		x->first_call[f + 1] += x->first_call[f];
	for (int f = 0; f < p->nfuncs; f++)
		fill[f] = x->first_call[f];
	for (int i = 0; i < p->ncalls; i++)
		x->by_caller[fill[p->calls[i].caller]++] = i;
	free(fill);
	return 0;
}

/* ---- weighted figures --------------------------------------------------- */

static int cmp_weight(const void *a, const void *b, void *arg)
{
	const struct fx_prog *p = arg;
	double wa = p->loops[*(const int *)a].weight,
	       wb = p->loops[*(const int *)b].weight;
	return wa < wb ? 1 : wa > wb ? -1 : 0;
}

static bool in_tile(const struct fx_prog *p, int li)
{
	for (int n = 0; li >= 0 && n < 64; li = p->loops[li].parent, n++)
		if (p->loops[li].tile)
			return true;
	return false;
}

/* Fixed-size loops reached through calls in loops over a parameter: the
 * work is done in blocks (sparse LU's block kernels). */
static bool in_block(const struct ctx *x, int li)
{
	const struct fx_prog *p = x->p;
	const struct fx_loop *l = &p->loops[li];
	if (l->pseudo || !p->funcs[l->func].hot || l->trip != FX_TRIP_CONST)
		return false;
	for (int k = li; k >= 0; k = p->loops[k].parent)
		if (p->loops[k].trip != FX_TRIP_CONST ||
		    p->loops[k].trip_const < 4)
			return false;
	return x->entry[l->func].poly >= 1;
}

static void figures(struct ctx *x)
{
	struct fx_prog *p = x->p;
	x->hot = malloc(((size_t)p->nloops + 1) * sizeof(int));
	if (x->hot == NULL)
		return;
	for (int i = 0; i < p->nloops; i++) {
		const struct fx_loop *l = &p->loops[i];
		if (!l->hot || l->weight <= 0)
			continue;
		x->hot[x->nhot++] = i;
		double w = l->weight;
		double n = 0;
		for (int c = 0; c < FX_ACC_N; c++) {
			x->acc[c] += w * l->nacc[c];
			n += l->nacc[c];
		}
		/* a recursion's accesses outside loops walk its data along
		 * the recursion, with the recent part still in cache */
		if (l->pseudo && l->func >= 0 && p->funcs[l->func].recursive) {
			x->acc[FX_ACC_UNIT] += w * l->body_acc;
			n += l->body_acc;
			x->temporal += w * 0.7 * l->body_acc;
		}
		x->acc_all += w * n;
		x->temporal += w * l->temporal;
		x->arith += w * (l->arith + 3 * l->math);
		x->mem += w * l->mem;
		double strided = 0;
		for (int c = 0; c < FX_ACC_N; c++)
			if (c != FX_ACC_INVARIANT)
				strided += l->nacc[c];
		x->mem_cost += w *
		    (l->mem - strided + l->nacc[FX_ACC_UNIT] +
		     1.5 * l->nacc[FX_ACC_SMALL] + 3 * l->nacc[FX_ACC_STRIDED] +
		     4 * l->nacc[FX_ACC_RANDOM] + 2 * l->nacc[FX_ACC_UNKNOWN]);
		x->logic += w * l->logic;
		x->math += w * l->math;
		double ops = l->arith + l->mem + l->logic;
		x->total_ops += w * ops;
		if (in_tile(p, i))
			x->tile_w += w * n;
		if (in_block(x, i))
			x->block_w += w * n;
	}
	qsort_r(x->hot, (size_t)x->nhot, sizeof(int), cmp_weight, p);
}

/* ---- decisions ---------------------------------------------------------- */

static void set(struct zd_features *f, int feat, int value, const char *rule,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void set(struct zd_features *f, int feat, int value, const char *rule,
		const char *fmt, ...)
{
	struct zd_feat_decision *d = &f->feat[feat];
	char why[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	d->value = value;
	free(d->rule);
	free(d->why);
	d->rule = fx_strdup(rule);
	d->why = fx_utf8(why);
}

static void add_loc(const struct fx_prog *p, struct zd_features *f, int feat,
		    struct fx_loc l)
{
	struct zd_feat_decision *d = &f->feat[feat];
	if (l.file < 0 || d->nlocs >= 3)
		return;
	char buf[4200];
	fx_loc_format(p, l, buf, sizeof(buf));
	for (int i = 0; i < d->nlocs; i++)
		if (strcmp(d->locs[i], buf) == 0)
			return;
	d->locs[d->nlocs] = fx_utf8(buf);
	if (d->locs[d->nlocs] != NULL)
		d->nlocs++;
}

/* Example locations of one kind from the heaviest hot loops. */
static void evidence(const struct ctx *x, struct zd_features *f, int feat,
		     int kind)
{
	for (int i = 0; i < x->nhot && f->feat[feat].nlocs < 3; i++)
		add_loc(x->p, f, feat, x->p->loops[x->hot[i]].ex[kind]);
}

static double share(const struct ctx *x, int cls)
{
	double strided = x->acc_all - x->acc[FX_ACC_INVARIANT];
	return strided > 0 ? x->acc[cls] / strided : 0;
}

static void memory_pattern(const struct ctx *x, struct zd_features *f)
{
	int F = ZD_FEAT_MEMORY_ACCESS_PATTERN;
	double strided = x->acc_all - x->acc[FX_ACC_INVARIANT];
	if (strided <= 0) {
		set(f, F, 0, "no_array_access",
		    "hot code reads and writes only locals and the stack, "
		    "sequentially");
		return;
	}
	double u = share(x, FX_ACC_UNIT), r = share(x, FX_ACC_RANDOM),
	       s = share(x, FX_ACC_SMALL) + share(x, FX_ACC_STRIDED);
	if (r >= 0.35) {
		set(f, F, 2, "random_share",
		    "%.0f%% of hot array accesses go through an index array "
		    "or a pointer chase",
		    100 * r);
		evidence(x, f, F, FX_EX_RANDOM);
	} else if (u >= 0.65) {
		set(f, F, 0, "unit_share",
		    "%.0f%% of hot array accesses step by one element in "
		    "their innermost loop",
		    100 * u);
		evidence(x, f, F, FX_EX_UNIT);
	} else if (s >= 0.65) {
		set(f, F, 1, "strided_share",
		    "%.0f%% of hot array accesses step by more than one "
		    "element (a row or a constant stride) in their innermost "
		    "loop",
		    100 * s);
		evidence(x, f, F, FX_EX_STRIDED);
		evidence(x, f, F, FX_EX_SMALL);
	} else {
		set(f, F, 3, "no_majority",
		    "hot array accesses: %.0f%% unit stride, %.0f%% strided, "
		    "%.0f%% random, %.0f%% unknown",
		    100 * u, 100 * s, 100 * r, 100 * share(x, FX_ACC_UNKNOWN));
		evidence(x, f, F, FX_EX_UNIT);
		evidence(x, f, F, FX_EX_STRIDED);
	}
}

static double spatial_score(const struct ctx *x)
{
	return share(x, FX_ACC_UNIT) + 0.6 * share(x, FX_ACC_SMALL) +
	    0.1 * share(x, FX_ACC_STRIDED) + 0.3 * share(x, FX_ACC_UNKNOWN);
}

/* Over the accesses that reach memory: the same element every iteration
 * stays in a register and is neither reuse nor traffic. */
static double temporal_score(const struct ctx *x)
{
	double n = x->acc_all - x->acc[FX_ACC_INVARIANT];
	return n > 0 ? x->temporal / n : 1;
}

static int level3(double v, double high, double medium)
{
	return v >= high ? 0 : v >= medium ? 1 : 2;
}

static void locality(const struct ctx *x, struct zd_features *f)
{
	int S = ZD_FEAT_SPATIAL_LOCALITY, T = ZD_FEAT_TEMPORAL_LOCALITY;
	if (x->acc_all - x->acc[FX_ACC_INVARIANT] <= 0)
		set(f, S, 0, "no_array_access",
		    "no array access in hot loops: locals stay in registers "
		    "and the stack");
	else {
		double s = spatial_score(x);
		set(f, S, level3(s, 0.7, 0.4), "stride_score",
		    "stride score %.2f (unit 1, stride 2-8 0.6, row or more "
		    "0.1, random 0; high >= 0.70, medium >= 0.40)",
		    s);
		evidence(x, f, S, s >= 0.4 ? FX_EX_UNIT : FX_EX_STRIDED);
	}
	double t = temporal_score(x);
	if (x->acc_all - x->acc[FX_ACC_INVARIANT] <= 0)
		set(f, T, 0, "no_array_access",
		    "no array access in hot loops: the working set is a few "
		    "locals");
	else {
		set(f, T, level3(t, 0.6, 0.3), "reuse_score",
		    "reuse score %.2f over hot accesses to memory (repeat or "
		    "neighbour in the same iteration 1 or 0.6, reuse one loop "
		    "level out 0.7 or 0.9 across constant loops, two 0.3, "
		    "none 0; high >= 0.60, medium >= 0.30)",
		    t);
		evidence(x, f, T, FX_EX_REUSE);
	}
}

static bool divide_and_conquer(const struct ctx *x)
{
	for (int i = 0; i < x->nscc; i++)
		if (x->scc[i].recursive && (x->scc[i].shape & FX_ARG_DIV) &&
		    x->scc[i].sites >= 4)
			return true;
	return false;
}

static void cache_pattern(const struct ctx *x, struct zd_features *f)
{
	int F = ZD_FEAT_CACHE_BEHAVIOR_PATTERN;
	double all = x->acc_all;
	if (all <= 0) {
		set(f, F, 3, "no_array_access",
		    "no array access in hot loops: neither streaming nor "
		    "blocked");
		return;
	}
	double tiles = (x->tile_w + x->block_w) / all;
	if (tiles >= 0.3) {
		set(f, F, 2, "tiles",
		    "%.0f%% of hot accesses are in tiles or fixed-size blocks",
		    100 * tiles);
		evidence(x, f, F, FX_EX_TILE);
		return;
	}
	if (divide_and_conquer(x)) {
		set(f, F, 2, "divide_and_conquer",
		    "recursive subdivision into quarters or more works on "
		    "sub-blocks that fit in cache");
		return;
	}
	double r = share(x, FX_ACC_RANDOM);
	double u = share(x, FX_ACC_UNIT) + share(x, FX_ACC_SMALL);
	if (r >= 0.35) {
		set(f, F, 1, "random_share",
		    "%.0f%% of hot accesses are indirect or pointer chases",
		    100 * r);
		evidence(x, f, F, FX_EX_RANDOM);
	} else if (u >= 0.6) {
		set(f, F, 0, "sequential_sweeps",
		    "%.0f%% of hot accesses sweep arrays in order, without "
		    "tiling",
		    100 * u);
		evidence(x, f, F, FX_EX_UNIT);
	} else {
		set(f, F, 3, "no_majority",
		    "no tiling; %.0f%% sequential, %.0f%% random hot accesses",
		    100 * u, 100 * r);
	}
}

/* Arithmetic ops per array access, the paper's count. */
static double intensity(const struct ctx *x)
{
	return x->mem > 0 ? (x->arith - 3 * x->math) / x->mem : 0;
}

/* Operations (arithmetic and logic: comparisons and branches compute
 * too) per unit of memory traffic: a strided access costs a cache line
 * for one element (3), a random one more (4). */
static double traffic_intensity(const struct ctx *x)
{
	return x->mem_cost > 0 ? (x->arith + x->logic) / x->mem_cost : 100;
}

static void numa(const struct ctx *x, struct zd_features *f)
{
	int F = ZD_FEAT_NUMA_SENSITIVITY;
	const struct fx_prog *p = x->p;
	if (!p->any_parallel && !p->any_task) {
		set(f, F, 2, "serial",
		    "no parallel region: one thread, one "
		    "memory node");
		return;
	}
	if (x->acc_all - x->acc[FX_ACC_INVARIANT] <= 0) {
		set(f, F, 2, "no_shared_arrays",
		    "parallel work touches no arrays: locals only");
		return;
	}
	double ai = traffic_intensity(x), t = temporal_score(x);
	double r = share(x, FX_ACC_RANDOM);
	if (r >= 0.35 || ai < 0.5 || (ai < 1.0 && t < 0.4)) {
		set(f, F, 0, "memory_bound_shared",
		    "threads stream shared arrays with little reuse "
		    "(%.2f operations per unit of memory traffic, reuse "
		    "%.2f, %.0f%% random): remote memory costs directly",
		    ai, t, 100 * r);
		evidence(x, f, F, r >= 0.35 ? FX_EX_RANDOM : FX_EX_UNIT);
	} else if (ai < 2.5) {
		set(f, F, 1, "moderate_traffic",
		    "%.2f operations per unit of memory traffic, reuse "
		    "%.2f",
		    ai, t);
	} else {
		set(f, F, 2, "compute_bound",
		    "%.2f operations per unit of memory traffic (reuse "
		    "%.2f): memory is not what limits it",
		    ai, t);
	}
}

static void complexity_feature(const struct ctx *x, struct zd_features *f)
{
	int F = ZD_FEAT_ALGORITHMIC_COMPLEXITY;
	struct deg d = x->program;
	int v = 4;
	bool integral = fabs(d.poly - round(d.poly)) < 1e-6;
	if (!d.expo && integral) {
		int poly = (int)round(d.poly);
		if (poly == 1 && d.log == 0)
			v = 0;
		else if (poly == 1 && d.log == 1)
			v = 1;
		else if (poly == 2 && d.log == 0)
			v = 2;
		else if (poly == 3 && d.log == 0)
			v = 3;
	}
	char extra[64] = "";
	if (v == 4 && !d.expo)
		snprintf(extra, sizeof(extra), " (n^%.3g%s)", d.poly,
			 d.log ? " log n" : "");
	set(f, F, v, x->program_rule, "%s%s", x->program_why, extra);
	add_loc(x->p, f, F, x->program_loc);
}

static void dominant(const struct ctx *x, struct zd_features *f)
{
	int F = ZD_FEAT_DOMINANT_OPERATION;
	double t = x->arith + x->mem + x->logic;
	if (t <= 0) {
		set(f, F, 3, "no_operations", "no operation in hot code");
		return;
	}
	double v[3] = {x->arith / t, x->mem / t, x->logic / t};
	int top = 0;
	for (int i = 1; i < 3; i++)
		if (v[i] > v[top])
			top = i;
	double second = 0;
	for (int i = 0; i < 3; i++)
		if (i != top && v[i] > second)
			second = v[i];
	int value = v[top] >= 0.45 && v[top] >= 1.3 * second ? top : 3;
	set(f, F, value, value == 3 ? "no_majority" : "op_share",
	    "hot operations: %.0f%% arithmetic (math calls count 4), %.0f%% "
	    "memory, %.0f%% logic and branches",
	    100 * v[0], 100 * v[1], 100 * v[2]);
}

/* How well one hot innermost loop vectorises, 0..1. */
static double vector_score(const struct fx_loop *l)
{
	if (l->early_exit || l->opaque_call || l->chase || !l->has_ivar ||
	    l->carried || l->trip == FX_TRIP_LOG)
		return 0;
	double s = 1;
	if (l->nacc[FX_ACC_RANDOM] > 0)
		s = 0.4;
	else if (l->nacc[FX_ACC_STRIDED] > 0 || l->nacc[FX_ACC_UNKNOWN] > 0)
		s = 0.5;
	else if (l->nacc[FX_ACC_SMALL] > 0)
		s = 0.7;
	if (l->logic > 0 && l->logic >= l->arith)
		s *= 0.6;
	if (l->simd)
		s = s + 0.2 > 1 ? 1 : s + 0.2;
	return s;
}

static void vectorization(const struct ctx *x, struct zd_features *f)
{
	int F = ZD_FEAT_VECTORIZATION_POTENTIAL;
	const struct fx_prog *p = x->p;
	double num = 0, den = 0;
	int best = -1, worst = -1;
	for (int i = 0; i < x->nhot; i++) {
		const struct fx_loop *l = &p->loops[x->hot[i]];
		double ops = l->weight * (l->arith + l->mem + l->logic);
		den += ops;
		if (l->pseudo || l->has_child)
			continue;
		double s = vector_score(l);
		num += ops * s;
		if (s >= 0.7 && best < 0)
			best = x->hot[i];
		if (s < 0.35 && worst < 0)
			worst = x->hot[i];
	}
	if (den <= 0) {
		set(f, F, 2, "no_loops", "no hot loop to vectorise");
		return;
	}
	double s = num / den;
	set(f, F, level3(s, 0.6, 0.3), "innermost_loops",
	    "vectorisable share %.2f of hot operations (innermost counted "
	    "loops with unit-stride or invariant accesses, no calls, exits "
	    "or carried dependences; high >= 0.60, medium >= 0.30)",
	    s);
	if (best >= 0)
		add_loc(p, f, F, p->loops[best].loc);
	if (worst >= 0) {
		const struct fx_loop *l = &p->loops[worst];
		add_loc(p, f, F,
			l->ex[FX_EX_CALL].file >= 0 ? l->ex[FX_EX_CALL]
						    : l->loc);
	}
}

/* Share of the hot work (operations, weighted) in loops as much as
 * part() says (0..1). */
static double hot_share(const struct ctx *x,
			double (*part)(const struct fx_loop *))
{
	double w = 0, all = 0;
	for (int i = 0; i < x->nhot; i++) {
		const struct fx_loop *l = &x->p->loops[x->hot[i]];
		double ops = l->weight * (l->arith + l->mem + l->logic + 1);
		w += ops * part(l);
		all += ops;
	}
	return all > 0 ? w / all : 0;
}

static double is_carried(const struct fx_loop *l)
{
	return l->carried;
}

static double is_indirect_write(const struct fx_loop *l)
{
	return l->indirect_write;
}

/* A synchronisation per iteration serialises it; a conditional one
 * counts a quarter. */
static double has_sync(const struct fx_loop *l)
{
	return l->sync > 1 ? 1 : l->sync;
}

static int task_join_recursion(const struct fx_prog *p)
{
	for (int i = 0; i < p->nfuncs; i++)
		if (p->funcs[i].hot && p->funcs[i].recursive &&
		    p->funcs[i].has_task && p->funcs[i].has_taskwait)
			return i;
	return -1;
}

static void dependences(const struct ctx *x, struct zd_features *f)
{
	int F = ZD_FEAT_DATA_DEPENDENCY_TYPE;
	const struct fx_prog *p = x->p;
	int tj = task_join_recursion(p);
	double iw = hot_share(x, is_indirect_write);
	if (p->first_depend.file >= 0) {
		set(f, F, 3, "task_depend",
		    "tasks order themselves with depend clauses: a "
		    "dependence graph");
		add_loc(p, f, F, p->first_depend);
		return;
	}
	if (tj >= 0) {
		set(f, F, 3, "task_tree",
		    "%s spawns tasks recursively and joins them with taskwait: "
		    "a tree of dependences",
		    p->funcs[tj].name);
		add_loc(p, f, F, p->funcs[tj].loc);
		return;
	}
	if (iw >= 0.05) {
		set(f, F, 3, "indirect_writes",
		    "%.0f%% of hot work writes through index arrays: "
		    "dependences known only at run time",
		    100 * iw);
		evidence(x, f, F, FX_EX_INDIRECT_WRITE);
		return;
	}
	for (int i = 0; i < p->nloops; i++) {
		const struct fx_loop *l = &p->loops[i];
		if (!l->cross || l->func < 0 ||
		    !(p->funcs[l->func].hot || p->funcs[l->func].has_parallel))
			continue;
		set(f, F, 2, "sequential_steps",
		    "a sequential loop runs parallel work in steps, each "
		    "using what the previous step wrote");
		add_loc(p, f, F,
			l->ex[FX_EX_CROSS].file >= 0 ? l->ex[FX_EX_CROSS]
						     : l->loc);
		return;
	}
	double c = hot_share(x, is_carried);
	if (c >= 0.05) {
		set(f, F, 1, "carried_share",
		    "%.0f%% of hot work is in loops whose iterations depend "
		    "on earlier ones (recurrences, in-place updates)",
		    100 * c);
		evidence(x, f, F, FX_EX_CARRIED);
		return;
	}
	set(f, F, 0, "independent",
	    "hot loop iterations touch distinct elements (reductions "
	    "aside)");
}

/* A sharing write that runs rarely against the hot work (once per row of
 * a long inner computation) costs a level less. */
static int damped(const struct ctx *x, const struct fx_loop *l, int risk)
{
	double top = x->nhot > 0 ? x->p->loops[x->hot[0]].weight : 0;
	return risk > 1 && l->weight < 0.1 * top ? risk - 1 : risk;
}

/* Risk 3 high, 2 medium, 1 low: neighbouring elements written by threads
 * indexed by their number (in a loop 3, once per region 2, padded 1), or
 * by parallel iterations under small chunks (par_write). */
static void false_sharing(const struct ctx *x, struct zd_features *f)
{
	int F = ZD_FEAT_FALSE_SHARING_RISK;
	const struct fx_prog *p = x->p;
	int risk = 0, shared = 0;
	bool by_thread = false;
	for (int i = 0; i < x->nhot; i++) {
		const struct fx_loop *l = &p->loops[x->hot[i]];
		int tw = l->thread_write == 2 ? (l->pseudo ? 2 : 3)
					      : l->thread_write;
		tw = damped(x, l, tw);
		int pw = damped(x, l, l->par_write);
		if (tw > risk || pw > risk) {
			by_thread = tw >= pw;
			risk = tw > pw ? tw : pw;
		}
		shared += l->writes_shared;
	}
	if (!p->any_parallel && !p->any_task) {
		set(f, F, 3, "serial", "one thread: nothing to share");
		return;
	}
	int kind = by_thread ? FX_EX_THREAD_WRITE : FX_EX_SHARED_WRITE;
	if (risk == 3) {
		set(f, F, 0,
		    by_thread ? "thread_indexed_writes" : "small_chunks", "%s",
		    by_thread ? "threads repeatedly write neighbouring "
				"elements indexed by their thread number"
			      : "parallel iterations under chunks smaller than "
				"a cache line often write neighbouring "
				"elements");
		evidence(x, f, F, kind);
	} else if (risk == 2) {
		set(f, F, 1,
		    by_thread ? "thread_indexed_once" : "moderate_chunks", "%s",
		    by_thread ? "threads write neighbouring slots indexed by "
				"their number, but rarely"
			      : "threads meet at the edges of small chunks, or "
				"at neighbouring elements now and then");
		evidence(x, f, F, kind);
	} else if (risk == 1 || shared > 0) {
		set(f, F, 2, "coarse_shared_writes",
		    "parallel code writes shared data, but threads meet on a "
		    "cache line only at the edges of large blocks, in padded "
		    "slots, or now and then");
		evidence(x, f, F, FX_EX_SHARED_WRITE);
		evidence(x, f, F, FX_EX_THREAD_WRITE);
	} else {
		set(f, F, 3, "no_shared_writes",
		    "parallel code writes only private data and reductions");
	}
}

/* Iterations of a parallel loop doing different amounts of work: an
 * inner loop whose trip follows the parallel loop's variable (or one
 * inside it), or is read from data. */
static bool par_loop_irregular(const struct fx_prog *p, int li)
{
	const struct fx_loop *l = &p->loops[li];
	if (l->pseudo || !(l->trip == FX_TRIP_TRIANGULAR || l->data_bound))
		return false;
	for (int k = l->parent; k >= 0; k = p->loops[k].parent) {
		if (!p->loops[k].parallel)
			continue;
		if (l->data_bound)
			return true;
		/* the trip follows k or a loop inside k */
		return l->tri_on >= 0 && is_ancestor(p, k, l->tri_on);
	}
	return false;
}

static bool dynamic_sched(const struct fx_prog *p)
{
	for (int i = 0; i < p->nloops; i++) {
		const struct fx_loop *l = &p->loops[i];
		if (l->hot && l->parallel &&
		    (l->sched == FX_SCHED_DYNAMIC ||
		     l->sched == FX_SCHED_GUIDED || l->sched == FX_SCHED_AUTO ||
		     l->sched == FX_SCHED_RUNTIME))
			return true;
	}
	return false;
}

static int load_balance(const struct ctx *x, struct zd_features *f)
{
	int F = ZD_FEAT_LOAD_BALANCE_CHARACTERISTIC;
	const struct fx_prog *p = x->p;
	if (p->any_task) {
		set(f, F, 2, "tasks",
		    "work is created as tasks at run time and balanced by the "
		    "runtime's scheduler");
		add_loc(p, f, F, p->first_task);
		return 2;
	}
	if (dynamic_sched(p)) {
		set(f, F, 2, "dynamic_schedule",
		    "hot parallel loops hand out iterations dynamically");
		return 2;
	}
	for (int i = 0; i < x->nhot; i++) {
		if (!par_loop_irregular(p, x->hot[i]))
			continue;
		const struct fx_loop *l = &p->loops[x->hot[i]];
		set(f, F, 1, "uneven_iterations",
		    "iterations of a parallel loop run %s inner loops",
		    l->data_bound ? "data-dependent" : "triangular");
		add_loc(p, f, F, l->loc);
		return 1;
	}
	set(f, F, 0, "even_iterations",
	    "parallel loops split rectangular iteration spaces statically");
	return 0;
}

/* The degree of the work inside one iteration of step loop li: what
 * each of its parallel events (region entry, worksharing end, barrier)
 * pays for. Loops inside it, and what the calls inside it do. */
static struct deg work_under(struct ctx *x, int li)
{
	const struct fx_prog *p = x->p;
	const struct fx_loop *L = &p->loops[li];
	struct deg best = {0, 0, false}, base = chain_deg(p, li, 0);
	int f = L->func;
	for (int k = p->funcs[f].first_loop; k < p->funcs[f].end_loop; k++) {
		if (k == li || p->loops[k].func != f || !is_ancestor(p, li, k))
			continue;
		struct deg d = chain_deg(p, k, 0);
		d.poly -= base.poly;
		d.log -= base.log;
		if (deg_cmp(d, best) > 0)
			best = d;
	}
	for (int i = x->first_call[f]; i < x->first_call[f + 1]; i++) {
		const struct fx_call *c = &p->calls[x->by_caller[i]];
		if (c->callee < 0 || c->inlined || !is_ancestor(p, li, c->loop))
			continue;
		struct deg d =
		    deg_add(chain_deg(p, c->loop, 0),
			    total_deg(x, c->callee, c->tile_mask, 0));
		d.poly -= base.poly;
		d.log -= base.log;
		if (deg_cmp(d, best) > 0)
			best = d;
	}
	return best;
}

static bool task_no_cutoff(const struct fx_prog *p, int *fi)
{
	for (int i = 0; i < p->nfuncs; i++) {
		const struct fx_func *fn = &p->funcs[i];
		if (fn->hot && fn->recursive && fn->has_task &&
		    !fn->task_cutoff) {
			*fi = i;
			return true;
		}
	}
	return false;
}

static int overhead(struct ctx *x, struct zd_features *f)
{
	int F = ZD_FEAT_PARALLELIZATION_OVERHEAD;
	const struct fx_prog *p = x->p;
	if (!p->any_parallel && !p->any_task) {
		set(f, F, 0, "serial", "no parallel construct");
		return 0;
	}
	double sync = hot_share(x, has_sync);
	int fi = -1;
	if (sync >= 0.05) {
		set(f, F, 2, "sync_in_hot_loops",
		    "%.0f%% of hot work runs critical, atomic, ordered or "
		    "locked code",
		    100 * sync);
		evidence(x, f, F, FX_EX_SYNC);
		return 2;
	}
	if (task_no_cutoff(p, &fi)) {
		set(f, F, 2, "fine_grained_tasks",
		    "%s creates a task at every recursive call, down to the "
		    "smallest",
		    p->funcs[fi].name);
		add_loc(p, f, F, p->funcs[fi].loc);
		return 2;
	}
	int steps = 0, fine = 0, tiny = 0;
	const struct fx_loop *step = NULL;
	for (int i = 0; i < p->nloops; i++) {
		const struct fx_loop *l = &p->loops[i];
		if (l->parallel || l->pseudo || l->par_events == 0 ||
		    l->func < 0 ||
		    !(p->funcs[l->func].hot || p->funcs[l->func].has_parallel))
			continue;
		if (l->trip != FX_TRIP_CONST || l->trip_const > 64) {
			steps++;
			struct deg w = work_under(x, i);
			bool small = !w.expo && w.poly < 0.5 && w.log == 0;
			tiny += small;
			if (step == NULL || small)
				step = l;
		}
	}
	if (tiny > 0) {
		set(f, F, 2, "tiny_steps",
		    "a loop over a parameter enters or synchronises parallel "
		    "work at every iteration, with a constant amount of work "
		    "between");
		add_loc(p, f, F, step->loc);
		return 2;
	}
	for (int i = 0; i < x->nhot; i++) {
		const struct fx_loop *l = &p->loops[x->hot[i]];
		if (l->parallel && l->chunk > 0 && l->chunk < 4 &&
		    l->sched == FX_SCHED_DYNAMIC)
			fine++;
	}
	bool tasks = false;
	for (int i = 0; i < p->nfuncs; i++)
		tasks |= p->funcs[i].hot && p->funcs[i].has_task;
	if (steps > 0 || fine > 0 || tasks) {
		set(f, F, 1,
		    steps > 0   ? "barrier_per_step"
			: tasks ? "tasks_with_cutoff"
				: "fine_dynamic_chunks",
		    "%s",
		    steps > 0 ? "parallel work is entered or synchronised at "
				"every iteration of a loop over a parameter"
			: tasks
			? "tasks and their joins cost per task, limited "
			  "by a cutoff"
			: "dynamic scheduling hands out tiny chunks");
		if (step != NULL)
			add_loc(p, f, F, step->loc);
		return 1;
	}
	set(f, F, 0, "coarse_regions",
	    "few parallel regions, each with much work per thread");
	return 0;
}

/* A loop over the problem size that synchronises the team every
 * iteration with at most linear work in between: the barriers grow with
 * the problem, the work per barrier does not grow faster. */
static int sync_steps(struct ctx *x)
{
	const struct fx_prog *p = x->p;
	for (int i = 0; i < p->nloops; i++) {
		const struct fx_loop *l = &p->loops[i];
		if (l->parallel || l->pseudo || l->par_events == 0 ||
		    l->func < 0 || l->trip == FX_TRIP_CONST ||
		    !(p->funcs[l->func].hot || p->funcs[l->func].has_parallel))
			continue;
		struct deg d = work_under(x, i);
		if (d.expo || d.poly >= 1.5 || d.log > 0)
			continue;
		/* and it holds a good part of the hot work */
		double under = 0, all = 0;
		for (int k = 0; k < x->nhot; k++) {
			const struct fx_loop *h = &p->loops[x->hot[k]];
			double w =
			    h->weight * (h->arith + h->mem + h->logic + 1);
			all += w;
			if (is_ancestor(p, i, x->hot[k]))
				under += w;
		}
		if (all > 0 && under >= 0.2 * all)
			return i;
	}
	return -1;
}

static void bottleneck(struct ctx *x, struct zd_features *f, int balance,
		       int cost)
{
	int F = ZD_FEAT_SCALABILITY_BOTTLENECK;
	const struct fx_prog *p = x->p;
	if (!p->any_parallel && !p->any_task) {
		set(f, F, 4, "serial",
		    "no parallel construct: it does not "
		    "scale with cores at all");
		return;
	}
	double sync = hot_share(x, has_sync);
	if (sync >= 0.05) {
		set(f, F, 2, "sync_in_hot_loops",
		    "%.0f%% of hot work is serialised by critical, atomic, "
		    "ordered or locks",
		    100 * sync);
		evidence(x, f, F, FX_EX_SYNC);
		return;
	}
	int step = sync_steps(x);
	if (step >= 0) {
		set(f, F, 2, "barrier_per_step",
		    "a loop over the problem size synchronises the team at "
		    "every iteration, with at most linear work in between");
		add_loc(p, f, F, p->loops[step].loc);
		return;
	}
	if (balance == 1) {
		set(f, F, 3, "static_uneven",
		    "uneven iterations are split statically");
		return;
	}
	double ai = traffic_intensity(x), t = temporal_score(x);
	if (x->acc_all > 0 && ai < 1.0 && t < 0.6) {
		set(f, F, 1, "memory_bound",
		    "%.2f operations per unit of memory traffic (strided "
		    "accesses count 3, random 4) with reuse %.2f: more cores "
		    "share the same memory bandwidth",
		    ai, t);
		evidence(x, f, F, FX_EX_UNIT);
		return;
	}
	if (cost == 2) {
		set(f, F, 4, "overhead",
		    "the cost of creating and joining parallel work grows "
		    "with the cores");
		return;
	}
	set(f, F, 0, "scales",
	    "balanced, compute-heavy parallel work with little "
	    "synchronisation");
}

static void counts(struct ctx *x)
{
	struct fx_prog *p = x->p;
	struct zd_feat_counts *c = &p->counts;
	c->arithmetic_intensity = intensity(x);
	for (int f = 0; f < p->nfuncs; f++)
		c->recursive_functions +=
		    p->funcs[f].defined && p->funcs[f].recursive;
	if (c->collapse_max < 1)
		c->collapse_max = 1;
	static const char *const names[] = {"none",   "static", "dynamic",
					    "guided", "auto",   "runtime"};
	int kinds = 0, last = 0;
	for (int k = 1; k <= FX_SCHED_RUNTIME; k++)
		if (p->sched_seen & (1u << k)) {
			kinds++;
			last = k;
		}
	snprintf(c->schedule_kind, sizeof(c->schedule_kind), "%s",
		 kinds > 1 ? "mixed" : names[last]);
	for (int i = 0; i < p->nloops; i++) {
		const struct fx_loop *l = &p->loops[i];
		if (!l->hot || l->pseudo)
			continue;
		int d = (p->funcs[l->func].hot ? x->entry_depth[l->func] : 0) +
		    l->depth;
		if (d > c->hot_loop_depth)
			c->hot_loop_depth = d;
	}
}

/* A sequential loop that calls code with parallel constructs (there or
 * further down) runs that parallel work in steps. */
static void steps_through_calls(struct fx_prog *p)
{
	for (int g = 0; g < p->nfuncs; g++)
		p->funcs[g].par_inside = p->funcs[g].has_parallel ||
		    p->funcs[g].has_task || p->funcs[g].has_worksharing;
	for (int pass = 0; pass < 64; pass++) {
		bool changed = false;
		for (int i = 0; i < p->ncalls; i++) {
			const struct fx_call *c = &p->calls[i];
			if (c->callee >= 0 && !c->inlined &&
			    p->funcs[c->callee].par_inside &&
			    !p->funcs[c->caller].par_inside) {
				p->funcs[c->caller].par_inside = true;
				changed = true;
			}
		}
		if (!changed)
			break;
	}
	for (int i = 0; i < p->ncalls; i++) {
		const struct fx_call *c = &p->calls[i];
		if (c->callee < 0 || c->inlined ||
		    !p->funcs[c->callee].par_inside)
			continue;
		for (int li = c->loop; li >= 0; li = p->loops[li].parent) {
			struct fx_loop *l = &p->loops[li];
			if (l->pseudo)
				break;
			l->encloses_par = true;
			l->par_events++;
			if (!l->parallel) {
				l->cross = true;
				if (l->ex[FX_EX_CROSS].file < 0)
					l->ex[FX_EX_CROSS] = l->loc;
			}
		}
	}
}

/* Share of hot work (as hot_share weighs it) in irregular loops. */
static double irregular_share(const struct ctx *x)
{
	double w = 0, all = 0;
	for (int i = 0; i < x->nhot; i++) {
		const struct fx_loop *l = &x->p->loops[x->hot[i]];
		double ops = l->weight * (l->arith + l->mem + l->logic + 1);
		if (par_loop_irregular(x->p, x->hot[i]))
			w += ops;
		all += ops;
	}
	return all > 0 ? w / all : 0;
}

/* The figures behind the classes, for the model (struct zd_feat_metrics). */
static void metrics(struct ctx *x, struct zd_features *f)
{
	struct zd_feat_metrics *m = &f->metrics;
	m->unit_share = share(x, FX_ACC_UNIT);
	m->strided_share = share(x, FX_ACC_SMALL) + share(x, FX_ACC_STRIDED);
	m->random_share = share(x, FX_ACC_RANDOM);
	bool arrays = x->acc_all - x->acc[FX_ACC_INVARIANT] > 0;
	m->spatial_score = arrays ? spatial_score(x) : 1;
	m->reuse_score = temporal_score(x);
	double ai = traffic_intensity(x);
	m->ops_per_traffic = ai < 100 ? ai : 100;
	double t = x->arith + x->mem + x->logic;
	m->arith_share = t > 0 ? x->arith / t : 0;
	m->logic_share = t > 0 ? x->logic / t : 0;
	double num = 0, den = 0;
	for (int i = 0; i < x->nhot; i++) {
		const struct fx_loop *l = &x->p->loops[x->hot[i]];
		double ops = l->weight * (l->arith + l->mem + l->logic);
		den += ops;
		if (!l->pseudo && !l->has_child)
			num += ops * vector_score(l);
	}
	m->vector_share = den > 0 ? num / den : 0;
	m->carried_share = hot_share(x, is_carried);
	m->sync_share = hot_share(x, has_sync);
	m->irregular_share = irregular_share(x);
	m->blocked_share =
	    x->acc_all > 0 ? (x->tile_w + x->block_w) / x->acc_all : 0;
	if (m->blocked_share > 1)
		m->blocked_share = 1;
	m->degree = x->program.expo
	    ? 6
	    : x->program.poly + (x->program.log > 1 ? 1 : 0.5 * x->program.log);
	m->valid = true;
}

int fx_decide(struct fx_prog *p, struct zd_features *f)
{
	struct ctx x;
	memset(&x, 0, sizeof(x));
	x.p = p;
	int n = p->nfuncs + 1;
	x.scc_size = calloc((size_t)n, sizeof(int));
	x.entry = calloc((size_t)n, sizeof(struct deg));
	x.entry_depth = calloc((size_t)n, sizeof(int));
	x.total = calloc((size_t)n, sizeof(struct deg));
	x.total_done = calloc((size_t)n, sizeof(bool));
	int rc = -ENOMEM;
	if (!x.scc_size || !x.entry || !x.entry_depth || !x.total ||
	    !x.total_done)
		goto out;
	resolve_calls(p);
	if ((rc = tarjan(p, x.scc_size, &x.nscc)) != 0 ||
	    (rc = index_calls(&x)) != 0)
		goto out;
	rc = -ENOMEM;
	x.scc = calloc((size_t)x.nscc + 1, sizeof(struct scc_info));
	if (x.scc == NULL)
		goto out;
	recursions(&x);
	steps_through_calls(p);
	/* tasks with a serial path to a recursion, or a size-bounded or
	 * guarded serial branch: a cutoff */
	for (int i = 0; i < p->ncalls; i++) {
		const struct fx_call *c = &p->calls[i];
		if (c->callee >= 0 && !c->in_task &&
		    p->funcs[c->caller].has_task &&
		    (p->funcs[c->callee].recursive || c->bounded))
			p->funcs[c->caller].task_cutoff = true;
	}
	for (int g = 0; g < p->nfuncs; g++)
		if (p->funcs[g].has_task && p->funcs[g].serial_fallback)
			p->funcs[g].task_cutoff = true;
	/* a long constant loop that runs parallel work each iteration
	 * counts time steps, not data: constant again */
	for (int i = 0; i < p->nloops; i++)
		if (p->loops[i].size_const > 0 && p->loops[i].encloses_par) {
			p->loops[i].trip = FX_TRIP_CONST;
			p->loops[i].trip_const = p->loops[i].size_const;
		}
	call_site_tiles(p);
	mark_hot(&x);
	complexity(&x);
	weigh(&x);
	figures(&x);
	if (x.hot == NULL)
		goto out;
	memory_pattern(&x, f);
	locality(&x, f);
	cache_pattern(&x, f);
	numa(&x, f);
	complexity_feature(&x, f);
	dominant(&x, f);
	vectorization(&x, f);
	dependences(&x, f);
	false_sharing(&x, f);
	int balance = load_balance(&x, f);
	int cost = overhead(&x, f);
	bottleneck(&x, f, balance, cost);
	metrics(&x, f);
	counts(&x);
	f->counts = p->counts;
	rc = 0;
	for (int i = 0; i < ZD_FEAT_COUNT; i++)
		if (f->feat[i].rule == NULL || f->feat[i].why == NULL)
			rc = -ENOMEM;
out:
	free(x.scc_size);
	free(x.entry);
	free(x.entry_depth);
	free(x.total);
	free(x.total_done);
	free(x.hot);
	free(x.scc);
	free(x.by_caller);
	free(x.first_call);
	return rc;
}
