/* gbt.c - gradient-boosted regression trees: XGBoost trains, zdvfs predicts.
 *
 * Training goes through XGBoost's C API; the trained booster is saved as
 * XGBoost's JSON model, read back by the same strict loader that reads
 * model files, and freed. Prediction then walks zdvfs's own trees: one flat
 * array of 16-byte nodes per model, each tree breadth first, every walk a
 * fixed number of branch-free steps, several walks interleaved. It follows
 * XGBoost's predictor exactly: a missing (NaN) input takes the default
 * child, otherwise `x < threshold` (in float) goes left, and the sum is
 * base_score plus the leaves in tree order, in float.
 *
 * The JSON written is XGBoost 1.7's model layout, so XGBoost can load what
 * zdvfs saves, specialised models included (their folded trees are part of
 * base_score). */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xgboost/c_api.h>

#include "model/gbt_json.h"
#include "base/jsonread.h"
#include "xgb_dl.h"
#include "zdvfs/gbt.h"

/* Bounds on what a model may hold: node indices are int32. */
#define MAX_COLS (1 << 24)
#define MAX_TREE_NODES (1 << 26)
#define MAX_TREES 1000000
/* XGBoost writes the parent of a root as this (-1 with the left-child bit
 * masked off). */
#define ROOT_PARENT 2147483647

/* A node: a split sends x < value to child[0], x >= value to child[1] and
 * a missing x to its default child. A leaf is its own two children, so a
 * walk may take a fixed number of steps (the tree's depth) whatever leaf
 * it reaches: no branch to mispredict, and the walks of several rows can
 * run side by side. */
struct gbt_node {
	float value;      /* split threshold, or the leaf's value */
	uint32_t split;   /* column | NODE_LEAF | NODE_DEFAULT_LEFT */
	int32_t child[2]; /* a split's children sit side by side */
};
/* The model file stores these records as they are (zd_gbt_flat). */
_Static_assert(sizeof(struct gbt_node) == ZD_GBT_NODE_BYTES, "node record");

#define NODE_LEAF 0x80000000u
#define NODE_DEFAULT_LEFT 0x40000000u
#define NODE_COLUMN 0x3fffffffu

struct gbt_tree {
	int32_t root;  /* index of its first node; the tree runs to the next */
	int32_t depth; /* splits on the longest path */
};
_Static_assert(sizeof(struct gbt_tree) == ZD_GBT_TREE_BYTES, "tree record");

/* Training statistics of a node: unused by prediction, kept so that the
 * JSON written holds everything XGBoost's loader wants. */
struct gbt_stats {
	float loss_change;
	float sum_hessian;
	float base_weight;
};

struct zd_gbt {
	int ncols;
	int ntrees;
	float base; /* base_score, plus the leaves of folded trees */
	struct gbt_tree *trees;
	struct gbt_node *nodes;
	struct gbt_stats *stats; /* NULL when read from the flat form */
	bool borrowed;           /* trees and nodes belong to the caller */
	size_t nnodes;
	size_t cap_nodes;
	int cap_trees;
};

/* One tree as XGBoost's JSON lays it out: children by index, -1 for none. */
struct raw_tree {
	int32_t n;
	int32_t *left, *right, *parent, *split;
	float *cond, *weight, *loss, *hess;
	unsigned char *dleft;
};

/* ---- the model in memory ------------------------------------------------ */

static struct zd_gbt *gbt_new(int ncols, float base)
{
	struct zd_gbt *g = calloc(1, sizeof(*g));
	if (g == NULL)
		return NULL;
	g->ncols = ncols;
	g->base = base;
	return g;
}

void zd_gbt_free(struct zd_gbt *g)
{
	if (g == NULL)
		return;
	if (!g->borrowed) {
		free(g->trees);
		free(g->nodes);
	}
	free(g->stats);
	free(g);
}

int zd_gbt_ncols(const struct zd_gbt *g)
{
	return g->ncols;
}

int zd_gbt_ntrees(const struct zd_gbt *g)
{
	return g->ntrees;
}

size_t zd_gbt_nnodes(const struct zd_gbt *g)
{
	return g->nnodes;
}

static int reserve(struct zd_gbt *g, size_t more_nodes, struct zd_err *err)
{
	if (g->ntrees == g->cap_trees) {
		int cap = g->cap_trees ? 2 * g->cap_trees : 64;
		struct gbt_tree *r =
		    realloc(g->trees, sizeof(*r) * (size_t)cap);
		if (r == NULL)
			return zd_fail(err, ENOMEM, "out of memory");
		g->trees = r;
		g->cap_trees = cap;
	}
	if (g->nnodes + more_nodes > (size_t)INT32_MAX)
		return zd_fail(err, EFBIG,
			       "model too large: more than %d nodes",
			       INT32_MAX);
	if (g->nnodes + more_nodes <= g->cap_nodes)
		return 0;
	size_t cap = g->cap_nodes ? 2 * g->cap_nodes : 1024;
	while (cap < g->nnodes + more_nodes)
		cap *= 2;
	struct gbt_node *n = realloc(g->nodes, sizeof(*n) * cap);
	if (n == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	g->nodes = n;
	struct gbt_stats *s = realloc(g->stats, sizeof(*s) * cap);
	if (s == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	g->stats = s;
	g->cap_nodes = cap;
	return 0;
}

/* The node reached from `node` while splits are on fixed inputs. */
static int32_t resolve_fixed(const struct raw_tree *t, int32_t node,
			     const float *fixed, const unsigned char *mask)
{
	while (mask != NULL && t->left[node] >= 0 && mask[t->split[node]]) {
		float x = fixed[t->split[node]];
		if (isnan(x))
			node = t->dleft[node] ? t->left[node] : t->right[node];
		else
			node =
			    x < t->cond[node] ? t->left[node] : t->right[node];
	}
	return node;
}

/* Append tree t to g, breadth first with sibling children side by side,
 * resolving splits on inputs fixed by mask (NULL: none). With fold, a tree
 * that resolves to one leaf is added to g->base instead; without, it stays
 * a tree so that the sum keeps XGBoost's order. t must be a valid tree
 * (checked by the loader or built by zdvfs). */
static int append_tree(struct zd_gbt *g, const struct raw_tree *t,
		       const float *fixed, const unsigned char *mask, bool fold,
		       struct zd_err *err)
{
	int32_t root = resolve_fixed(t, 0, fixed, mask);
	if (fold && t->left[root] < 0) {
		g->base += t->cond[root];
		return 0;
	}
	int rc = reserve(g, (size_t)t->n, err);
	if (rc != 0)
		return rc;
	/* src_of[k]: the source node placed at local slot k; level[k]: its
	 * depth */
	int32_t *src_of = malloc(sizeof(*src_of) * (size_t)t->n);
	int32_t *level = malloc(sizeof(*level) * (size_t)t->n);
	if (src_of == NULL || level == NULL) {
		free(src_of);
		free(level);
		return zd_fail(err, ENOMEM, "out of memory");
	}
	int32_t start = (int32_t)g->nnodes, head = 0, tail = 1, depth = 0;
	src_of[0] = root;
	level[0] = 0;
	while (head < tail) {
		int32_t s = src_of[head], at = start + head;
		struct gbt_node *d = &g->nodes[at];
		g->stats[at] = (struct gbt_stats){
		    .loss_change = t->loss[s],
		    .sum_hessian = t->hess[s],
		    .base_weight = t->weight[s],
		};
		d->value = t->cond[s];
		if (t->left[s] < 0) {
			d->split = NODE_LEAF;
			d->child[0] = d->child[1] = at;
		} else {
			d->split = (uint32_t)t->split[s] |
			    (t->dleft[s] ? NODE_DEFAULT_LEFT : 0);
			d->child[0] = start + tail;
			d->child[1] = start + tail + 1;
			src_of[tail] =
			    resolve_fixed(t, t->left[s], fixed, mask);
			src_of[tail + 1] =
			    resolve_fixed(t, t->right[s], fixed, mask);
			level[tail] = level[tail + 1] = level[head] + 1;
			if (level[head] + 1 > depth)
				depth = level[head] + 1;
			tail += 2;
		}
		head++;
	}
	free(src_of);
	free(level);
	g->trees[g->ntrees++] =
	    (struct gbt_tree){.root = start, .depth = depth};
	g->nnodes += (size_t)tail;
	return 0;
}

static int32_t tree_end(const struct zd_gbt *g, int t)
{
	return t + 1 < g->ntrees ? g->trees[t + 1].root : (int32_t)g->nnodes;
}

static void raw_tree_free(struct raw_tree *t)
{
	free(t->left);
	free(t->right);
	free(t->parent);
	free(t->split);
	free(t->cond);
	free(t->weight);
	free(t->loss);
	free(t->hess);
	free(t->dleft);
	memset(t, 0, sizeof(*t));
}

static int raw_tree_alloc(struct raw_tree *t, int32_t n, struct zd_err *err)
{
	size_t k = n > 0 ? (size_t)n : 1;
	memset(t, 0, sizeof(*t));
	t->n = n;
	t->left = calloc(k, sizeof(int32_t));
	t->right = calloc(k, sizeof(int32_t));
	t->parent = calloc(k, sizeof(int32_t));
	t->split = calloc(k, sizeof(int32_t));
	t->cond = calloc(k, sizeof(float));
	t->weight = calloc(k, sizeof(float));
	t->loss = calloc(k, sizeof(float));
	t->hess = calloc(k, sizeof(float));
	t->dleft = calloc(k, 1);
	if (!t->left || !t->right || !t->parent || !t->split || !t->cond ||
	    !t->weight || !t->loss || !t->hess || !t->dleft) {
		raw_tree_free(t);
		return zd_fail(err, ENOMEM, "out of memory");
	}
	return 0;
}

/* Tree t of g with explicit children and local indices, as in the JSON. */
static int raw_from_compact(const struct zd_gbt *g, int t, struct raw_tree *r,
			    struct zd_err *err)
{
	int32_t start = g->trees[t].root, n = tree_end(g, t) - start;
	int rc = raw_tree_alloc(r, n, err);
	if (rc != 0)
		return rc;
	r->parent[0] = ROOT_PARENT;
	static const struct gbt_stats none;
	for (int32_t i = 0; i < n; i++) {
		const struct gbt_node *d = &g->nodes[start + i];
		const struct gbt_stats *s =
		    g->stats ? &g->stats[start + i] : &none;
		r->cond[i] = d->value;
		r->loss[i] = s->loss_change;
		r->hess[i] = s->sum_hessian;
		r->weight[i] = s->base_weight;
		if (d->split & NODE_LEAF) {
			r->left[i] = r->right[i] = -1;
			continue;
		}
		r->split[i] = (int32_t)(d->split & NODE_COLUMN);
		r->left[i] = d->child[0] - start;
		r->right[i] = d->child[1] - start;
		r->dleft[i] = (d->split & NODE_DEFAULT_LEFT) != 0;
		r->parent[r->left[i]] = r->parent[r->right[i]] = i;
	}
	return 0;
}

/* ---- prediction --------------------------------------------------------- */

/* One step down: XGBoost's rule, x < value goes left, a missing x takes
 * the default child; compared in float. A leaf stays where it is. */
static inline int32_t step(const struct gbt_node *nodes, int32_t i,
			   const float *row)
{
	const struct gbt_node *n = &nodes[i];
	float x = row[n->split & NODE_COLUMN];
	int right = !(x < n->value); /* 1 for NaN too */
	int missing_left = isnan(x) && (n->split & NODE_DEFAULT_LEFT);
	return n->child[right & !missing_left];
}

/* One row walks TREE_GROUP trees side by side (a walk is a chain of
 * dependent loads; independent chains overlap), then adds their leaves in
 * tree order. */
#define TREE_GROUP 16

float zd_gbt_predict(const struct zd_gbt *g, const float *row)
{
	float sum = g->base;
	int t = 0;
	for (; t + TREE_GROUP <= g->ntrees; t += TREE_GROUP) {
		int32_t at[TREE_GROUP], depth = 0;
		for (int k = 0; k < TREE_GROUP; k++) {
			at[k] = g->trees[t + k].root;
			if (g->trees[t + k].depth > depth)
				depth = g->trees[t + k].depth;
		}
		for (int32_t d = 0; d < depth; d++)
			for (int k = 0; k < TREE_GROUP; k++)
				at[k] = step(g->nodes, at[k], row);
		for (int k = 0; k < TREE_GROUP; k++)
			sum += g->nodes[at[k]].value;
	}
	for (; t < g->ntrees; t++) {
		int32_t i = g->trees[t].root;
		for (int32_t d = 0; d < g->trees[t].depth; d++)
			i = step(g->nodes, i, row);
		sum += g->nodes[i].value;
	}
	return sum;
}

/* Rows go in blocks, trees outer: a tree's nodes stay in L1 while the
 * block's rows walk it side by side. Each row still sums base + trees in
 * order, as zd_gbt_predict does. */
#define ROW_BLOCK 32

void zd_gbt_predict_rows(const struct zd_gbt *g, const float *x, size_t n,
			 float *out)
{
	zd_gbt_predict_strided(g, x, n, (size_t)g->ncols, out);
}

void zd_gbt_predict_strided(const struct zd_gbt *g, const float *x, size_t n,
			    size_t ncols, float *out)
{
	int32_t at[ROW_BLOCK];
	for (size_t r0 = 0; r0 < n; r0 += ROW_BLOCK) {
		size_t m = n - r0 < ROW_BLOCK ? n - r0 : ROW_BLOCK;
		const float *xb = x + r0 * ncols;
		float *ob = out + r0;
		for (size_t r = 0; r < m; r++)
			ob[r] = g->base;
		for (int t = 0; t < g->ntrees; t++) {
			for (size_t r = 0; r < m; r++)
				at[r] = g->trees[t].root;
			for (int32_t d = 0; d < g->trees[t].depth; d++)
				for (size_t r = 0; r < m; r++)
					at[r] = step(g->nodes, at[r],
						     xb + r * ncols);
			for (size_t r = 0; r < m; r++)
				ob[r] += g->nodes[at[r]].value;
		}
	}
}

/* ---- predicting many rows at once --------------------------------------- */

/* The rows that reach a node are a bitset; a split sends the rows whose
 * input is at or above its threshold right. Those sets come from one
 * bitset per (column, distinct threshold) built for all rows up front, so
 * walking a tree costs a few word operations per node for 64 rows at a
 * time instead of a chain of loads per row; each leaf then adds its value
 * to its rows, trees in order, so every row's sum is the walker's. */
struct bulk_col {
	int col;
	int nthr;
	float *thr;   /* its thresholds, sorted, distinct */
	size_t first; /* index of its first bitset */
};

/* A split as the level walk (bulk_tree_coded) reads it: nodes are local
 * to their tree, children side by side. */
struct coded_split {
	int32_t ge;    /* its bitset */
	int16_t col;   /* index into cols: the missing rows */
	uint8_t level; /* its depth in the tree */
	uint8_t nan_left;
	int16_t self;  /* local index */
	int16_t child; /* local index of the left child; the right follows */
};

/* Trees up to this deep are walked level by level: a row's path is a
 * code of one bit per level, which picks its leaf from a table. */
#define CODED_MAX_DEPTH 8

struct coded_tree {
	int32_t first, nsplits; /* its splits in coded_split[] */
	int32_t table;          /* its leaf table in leaf_of[] (1 << depth) */
	int32_t depth;          /* > CODED_MAX_DEPTH: walked by bulk_tree */
};

/* Bitsets remembered across calls: a block's values of one column (their
 * bits) and the bitsets they make, found again by a hash of the values
 * and checked value by value. A board's decisions are encoded the same
 * way for every call of a query (the engine predicts them again at every
 * start temperature), so most columns are ranked once. */
struct memo_entry {
	uint64_t hash;       /* 0: empty */
	int32_t col, n;      /* index into cols; rows */
	struct rowset *sets; /* the column's bitsets, then its missing rows */
	float *vals;         /* the n values (after sets, one allocation) */
};

/* Entries at most (the table has twice as many slots), and bytes: a
 * bulk predictor keeps at most MEMO_BYTES of them. */
#define MEMO_MAX 2048
#define MEMO_SLOTS (2 * MEMO_MAX)
#define MEMO_BYTES ((size_t)4 << 20)

struct bits_memo {
	int used;
	size_t bytes;
	struct memo_entry slot[MEMO_SLOTS];
};

struct zd_gbt_bulk {
	const struct zd_gbt *g;
	/* written by zd_gbt_bulk_predict: a bulk predictor serves one thread
	 * at a time (NULL: no memory for it, every call ranks afresh) */
	struct bits_memo *memo;
	int ncols; /* columns split on */
	struct bulk_col *cols;
	int32_t *cmp;   /* per node: its bitset, or -1 for a leaf */
	int16_t *colof; /* per node: index into cols */
	size_t nbitsets;
	int max_depth;
	size_t max_local; /* the most nodes of a coded tree (>= 1) */
	struct coded_tree *trees;
	struct coded_split *splits;
	float *leaf_of; /* per coded tree: the leaf value of each path code */
};

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

void zd_gbt_bulk_free(struct zd_gbt_bulk *b)
{
	if (b == NULL)
		return;
	for (int j = 0; j < b->ncols; j++)
		free(b->cols[j].thr);
	for (int i = 0; b->memo && i < MEMO_SLOTS; i++)
		free(b->memo->slot[i].sets);
	free(b->memo);
	free(b->cols);
	free(b->cmp);
	free(b->colof);
	free(b->trees);
	free(b->splits);
	free(b->leaf_of);
	free(b);
}

/* index of v in the sorted distinct thr[0..n) (present by construction) */
static int find_thr(const float *thr, int n, float v)
{
	int lo = 0, hi = n - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (thr[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* How many of thr[0..n) are at or below v: the bitsets v's row joins.
 * Branch-free halving: the comparisons are unpredictable. n >= 1. */
static int rank_of(const float *thr, int n, float v)
{
	const float *at = thr;
	while (n > 1) {
		int half = n / 2;
		at = v < at[half] ? at : at + half;
		n -= half;
	}
	return (int)(at - thr) + !(v < *at);
}

/* The level walk's form of every tree up to CODED_MAX_DEPTH deep: its
 * splits in order (parents before children, as the trees are breadth
 * first) and its leaves by path code, bit k set when the path goes right
 * at depth k. A leaf above the deepest level has zeros below its own
 * bits; no other leaf shares its code, as paths that part go different
 * ways at a level both pass. 0, or -ENOMEM. */
static int coded_prepare(struct zd_gbt_bulk *b)
{
	const struct zd_gbt *g = b->g;
	size_t nsplits = 0, ntable = 0;
	int32_t most = 1;
	for (int t = 0; t < g->ntrees; t++) {
		int32_t n = tree_end(g, t) - g->trees[t].root;
		if (g->trees[t].depth > CODED_MAX_DEPTH)
			continue;
		nsplits += (size_t)(n / 2);
		ntable += (size_t)1 << g->trees[t].depth;
		if (n > most)
			most = n;
	}
	b->max_local = (size_t)most;
	size_t ntrees = g->ntrees > 0 ? (size_t)g->ntrees : 1;
	b->trees = malloc(sizeof(*b->trees) * ntrees);
	b->splits = malloc(sizeof(*b->splits) * (nsplits ? nsplits : 1));
	b->leaf_of = calloc(ntable ? ntable : 1, sizeof(*b->leaf_of));
	uint8_t *code = malloc((size_t)most);
	uint8_t *level = malloc((size_t)most);
	if (!b->trees || !b->splits || !b->leaf_of || !code || !level) {
		free(code);
		free(level);
		return -ENOMEM;
	}
	int32_t at = 0, table = 0;
	for (int t = 0; t < g->ntrees; t++) {
		int32_t root = g->trees[t].root, n = tree_end(g, t) - root;
		struct coded_tree *ct = &b->trees[t];
		*ct = (struct coded_tree){
		    .first = at, .table = table, .depth = g->trees[t].depth};
		if (ct->depth > CODED_MAX_DEPTH)
			continue;
		code[0] = level[0] = 0;
		for (int32_t i = 0; i < n; i++) {
			const struct gbt_node *nd = &g->nodes[root + i];
			if (nd->split & NODE_LEAF) {
				b->leaf_of[table + code[i]] = nd->value;
				continue;
			}
			int32_t c = nd->child[0] - root;
			code[c] = code[i];
			code[c + 1] = (uint8_t)(code[i] | 1u << level[i]);
			level[c] = level[c + 1] = (uint8_t)(level[i] + 1);
			b->splits[at++] = (struct coded_split){
			    .ge = b->cmp[root + i],
			    .col = b->colof[root + i],
			    .level = level[i],
			    .nan_left = (nd->split & NODE_DEFAULT_LEFT) != 0,
			    .self = (int16_t)i,
			    .child = (int16_t)c,
			};
		}
		ct->nsplits = at - ct->first;
		table += (int32_t)1 << ct->depth;
	}
	free(code);
	free(level);
	return 0;
}

int zd_gbt_bulk_new(const struct zd_gbt *g, struct zd_gbt_bulk **out,
		    struct zd_err *err)
{
	*out = NULL;
	struct zd_gbt_bulk *b = calloc(1, sizeof(*b));
	int *count = calloc((size_t)g->ncols, sizeof(*count));
	int *index = malloc(sizeof(*index) * (size_t)g->ncols);
	if (b == NULL || count == NULL || index == NULL)
		goto oom;
	b->g = g;
	b->cmp = malloc(sizeof(*b->cmp) * (g->nnodes ? g->nnodes : 1));
	b->colof = malloc(sizeof(*b->colof) * (g->nnodes ? g->nnodes : 1));
	if (b->cmp == NULL || b->colof == NULL)
		goto oom;
	for (size_t i = 0; i < g->nnodes; i++)
		if (!(g->nodes[i].split & NODE_LEAF))
			count[g->nodes[i].split & NODE_COLUMN]++;
	for (int c = 0; c < g->ncols; c++)
		b->ncols += count[c] > 0;
	b->cols = calloc((size_t)(b->ncols ? b->ncols : 1), sizeof(*b->cols));
	if (b->cols == NULL || b->ncols > INT16_MAX)
		goto oom;
	for (int c = 0, j = 0; c < g->ncols; c++) {
		index[c] = -1;
		if (count[c] == 0)
			continue;
		index[c] = j;
		b->cols[j].col = c;
		b->cols[j].thr = malloc(sizeof(float) * (size_t)count[c]);
		if (b->cols[j].thr == NULL)
			goto oom;
		j++;
	}
	for (size_t i = 0; i < g->nnodes; i++) {
		const struct gbt_node *n = &g->nodes[i];
		if (n->split & NODE_LEAF)
			continue;
		struct bulk_col *bc = &b->cols[index[n->split & NODE_COLUMN]];
		bc->thr[bc->nthr++] = n->value;
	}
	for (int j = 0; j < b->ncols; j++) {
		struct bulk_col *bc = &b->cols[j];
		qsort(bc->thr, (size_t)bc->nthr, sizeof(float), cmp_float);
		int k = 0;
		for (int i = 0; i < bc->nthr; i++)
			if (k == 0 || bc->thr[i] != bc->thr[k - 1])
				bc->thr[k++] = bc->thr[i];
		bc->nthr = k;
		bc->first = b->nbitsets;
		b->nbitsets += (size_t)k;
	}
	for (size_t i = 0; i < g->nnodes; i++) {
		const struct gbt_node *n = &g->nodes[i];
		b->cmp[i] = -1;
		b->colof[i] = -1;
		if (n->split & NODE_LEAF)
			continue;
		int j = index[n->split & NODE_COLUMN];
		const struct bulk_col *bc = &b->cols[j];
		b->cmp[i] =
		    (int32_t)(bc->first +
			      (size_t)find_thr(bc->thr, bc->nthr, n->value));
		b->colof[i] = (int16_t)j;
	}
	for (int t = 0; t < g->ntrees; t++)
		if (g->trees[t].depth > b->max_depth)
			b->max_depth = g->trees[t].depth;
	if (coded_prepare(b) != 0)
		goto oom;
	b->memo = calloc(1, sizeof(*b->memo)); /* optional: NULL is fine */
	free(count);
	free(index);
	*out = b;
	return 0;
oom:
	free(count);
	free(index);
	zd_gbt_bulk_free(b);
	return zd_fail(err, ENOMEM, "out of memory");
}

/* Rows go in blocks of BLOCK_ROWS, one bit each: a block's rows at a
 * node are a struct rowset. Block k's bitsets lie together
 * (bits[k * nbitsets + i]: the rows whose input is >= threshold i of its
 * column, or missing, as XGBoost's `x < threshold` is false for NaN), and
 * nans[k * ncols + j] marks the rows missing column j. */
#define BLOCK_WORDS 4
#define BLOCK_ROWS (64 * BLOCK_WORDS)

struct rowset {
	uint64_t w[BLOCK_WORDS];
};

/* The ranks of v[0..n) among bc's thresholds (nthr for a missing value):
 * one search when every value is the same (a column fixed for the call,
 * as the start temperature), else one per row, a column at a time over
 * the block's rows (in cache), so that each search takes as many steps
 * as the last and its loop is predicted. */
static void rank_values(const struct bulk_col *bc, const float *v, size_t n,
			int *rank)
{
	uint32_t first;
	memcpy(&first, &v[0], sizeof(first));
	bool same = true;
	for (size_t a = 1; a < n && same; a++) {
		uint32_t u;
		memcpy(&u, &v[a], sizeof(u));
		same = u == first;
	}
	for (size_t a = 0; a < n; a++) {
		if (same && a > 0) {
			rank[a] = rank[0];
			continue;
		}
		/* without a branch (the ranks are unpredictable) */
		rank[a] =
		    isnan(v[a]) ? bc->nthr : rank_of(bc->thr, bc->nthr, v[a]);
	}
}

static uint64_t hash_values(int j, const float *v, size_t n)
{
	uint64_t h = UINT64_C(14695981039346656037) ^ (uint64_t)j;
	for (size_t a = 0; a < n; a++) {
		uint32_t u;
		memcpy(&u, &v[a], sizeof(u));
		h = (h ^ u) * UINT64_C(1099511628211);
	}
	return h | 1; /* never 0, the empty slot's */
}

/* Column j's remembered entry for values v[0..n), or NULL; *slot: where
 * a new one would go. */
static const struct memo_entry *memo_find(const struct bits_memo *m, int j,
					  const float *v, size_t n, uint64_t h,
					  size_t *slot)
{
	size_t i = (size_t)(h >> 17) % MEMO_SLOTS;
	for (; m->slot[i].hash != 0; i = (i + 1) % MEMO_SLOTS) {
		const struct memo_entry *e = &m->slot[i];
		if (e->hash == h && e->col == j && (size_t)e->n == n &&
		    memcmp(e->vals, v, n * sizeof(float)) == 0)
			return e;
	}
	*slot = i;
	return NULL;
}

/* Remember column j's bitsets (nsets: its thresholds', then its missing
 * rows') for values v[0..n), while there is room. */
static void memo_store(struct bits_memo *m, int j, const float *v, size_t n,
		       uint64_t h, size_t slot, const struct rowset *col,
		       int nthr, const struct rowset *nan)
{
	size_t sets = sizeof(struct rowset) * ((size_t)nthr + 1);
	size_t len = sets + n * sizeof(float);
	if (m->used >= MEMO_MAX || m->bytes + len > MEMO_BYTES)
		return;
	struct rowset *e = malloc(len);
	if (e == NULL)
		return;
	memcpy(e, col, sizeof(*col) * (size_t)nthr);
	e[nthr] = *nan;
	float *vals = (float *)((char *)e + sets);
	memcpy(vals, v, n * sizeof(float));
	m->slot[slot] = (struct memo_entry){
	    .hash = h, .col = j, .n = (int32_t)n, .sets = e, .vals = vals};
	m->used++;
	m->bytes += len;
}

/* One block's bitsets, for its n <= BLOCK_ROWS rows: a column's from the
 * memo when its values were seen before, else its values ranked, each
 * row added to the bitset of its rank and the bitsets made cumulative
 * (then remembered). */
static void build_columns(const struct zd_gbt_bulk *b, const float *x, size_t n,
			  size_t stride, struct rowset *bits,
			  struct rowset *nans)
{
	float v[BLOCK_ROWS];
	int rank[BLOCK_ROWS];
	for (int j = 0; j < b->ncols; j++) {
		const struct bulk_col *bc = &b->cols[j];
		const float *at = x + bc->col;
		struct rowset *col = bits + bc->first;
		for (size_t a = 0; a < n; a++)
			v[a] = at[a * stride];
		uint64_t h = 0;
		size_t slot = 0;
		const struct memo_entry *e = NULL;
		if (b->memo != NULL) {
			h = hash_values(j, v, n);
			e = memo_find(b->memo, j, v, n, h, &slot);
		}
		if (e != NULL) {
			memcpy(col, e->sets, sizeof(*col) * (size_t)bc->nthr);
			nans[j] = e->sets[bc->nthr];
			continue;
		}
		memset(col, 0, sizeof(*col) * (size_t)bc->nthr);
		memset(&nans[j], 0, sizeof(nans[j]));
		rank_values(bc, v, n, rank);
		for (size_t a = 0; a < n; a++) {
			size_t w = a / 64;
			uint64_t bit = 1ull << (a % 64);
			/* without a branch: a missing value joins every
			 * bitset and the nans, a value below every
			 * threshold none */
			int nan = isnan(v[a]);
			int r = rank[a];
			nans[j].w[w] |= bit & -(uint64_t)nan;
			col[r - (r > 0)].w[w] |= bit & -(uint64_t)(r > 0);
		}
		for (int k = bc->nthr - 2; k >= 0; k--)
			for (int w = 0; w < BLOCK_WORDS; w++)
				col[k].w[w] |= col[k + 1].w[w];
		if (b->memo != NULL)
			memo_store(b->memo, j, v, n, h, slot, col, bc->nthr,
				   &nans[j]);
	}
}

/* One tree over one block of rows (set: the rows present), depth first
 * with the rows at each pending node; each leaf adds its value to its
 * rows. */
static void bulk_tree(const struct zd_gbt_bulk *b, int t,
		      const struct rowset *set, const struct rowset *bits,
		      const struct rowset *nans, float *out, int32_t *node_at,
		      struct rowset *rows_at)
{
	const struct zd_gbt *g = b->g;
	int sp = 0;
	node_at[0] = g->trees[t].root;
	rows_at[0] = *set;
	while (sp >= 0) {
		int32_t i = node_at[sp];
		struct rowset *s = &rows_at[sp];
		const struct gbt_node *nd = &g->nodes[i];
		if (nd->split & NODE_LEAF) {
			float v = nd->value;
			for (int w = 0; w < BLOCK_WORDS; w++)
				for (uint64_t m = s->w[w]; m; m &= m - 1)
					out[w * 64 + __builtin_ctzll(m)] += v;
			sp--;
			continue;
		}
		const struct rowset *ge = &bits[b->cmp[i]];
		const struct rowset *nan = &nans[b->colof[i]];
		bool nan_left = (nd->split & NODE_DEFAULT_LEFT) != 0;
		struct rowset *r = &rows_at[sp + 1];
		uint64_t any_l = 0, any_r = 0;
		for (int w = 0; w < BLOCK_WORDS; w++) {
			uint64_t right = ge->w[w] & ~(nan_left ? nan->w[w] : 0);
			r->w[w] = s->w[w] & right;
			s->w[w] &= ~right;
			any_l |= s->w[w];
			any_r |= r->w[w];
		}
		/* s was not empty, so one side is not; children side by side;
		 * the left rows stay at sp, the right ones are at sp + 1 */
		if (any_l && any_r) {
			node_at[sp] = nd->child[0];
			node_at[++sp] = nd->child[1];
		} else if (any_l) {
			node_at[sp] = nd->child[0];
		} else {
			*s = *r;
			node_at[sp] = nd->child[1];
		}
	}
}

/* The 8 x 8 bit matrix x (row r: byte r, column c: its bit c) transposed
 * (Hacker's Delight 7-3): byte i of the result holds bit i of each byte. */
static inline uint64_t transpose8(uint64_t x)
{
	uint64_t t;
	t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAull;
	x ^= t ^ (t << 7);
	t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCull;
	x ^= t ^ (t << 14);
	t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0ull;
	x ^= t ^ (t << 28);
	return x;
}

/* One tree over one block's first nrows rows (set: those rows), level by
 * level and without a branch: every split sends its rows on, and the rows
 * that go right at depth k join bitset lv[k]. A row's bits across lv are
 * its path code; eight rows' codes come out of one bit transpose, and
 * each row adds its leaf's value, trees in order as bulk_tree does.
 * rows: scratch of max_local rowsets. */
static void bulk_tree_coded(const struct zd_gbt_bulk *b,
			    const struct coded_tree *ct,
			    const struct rowset *set, size_t nrows,
			    const struct rowset *bits,
			    const struct rowset *nans, float *out,
			    struct rowset *rows)
{
	struct rowset lv[CODED_MAX_DEPTH];
	memset(lv, 0, sizeof(lv[0]) * (size_t)ct->depth);
	rows[0] = *set;
	const struct coded_split *sp = b->splits + ct->first;
	for (int32_t k = 0; k < ct->nsplits; k++) {
		const struct coded_split *c = &sp[k];
		const struct rowset *ge = &bits[c->ge], *nan = &nans[c->col];
		const struct rowset *s = &rows[c->self];
		struct rowset *l = &rows[c->child], *r = l + 1;
		struct rowset *to = &lv[c->level];
		uint64_t nan_left = c->nan_left ? ~0ull : 0;
		for (int w = 0; w < BLOCK_WORDS; w++) {
			uint64_t right = ge->w[w] & ~(nan->w[w] & nan_left);
			uint64_t go = s->w[w] & right;
			l->w[w] = s->w[w] & ~right;
			r->w[w] = go;
			to->w[w] |= go;
		}
	}
	const float *leaf = b->leaf_of + ct->table;
	for (size_t d0 = 0; d0 < nrows; d0 += 8) {
		size_t w = d0 / 64, shift = d0 % 64;
		uint64_t m = 0;
		for (int32_t k = 0; k < ct->depth; k++)
			m |= (lv[k].w[w] >> shift & 0xff) << (8 * k);
		m = transpose8(m);
		if (nrows - d0 >= 8) {
			for (int i = 0; i < 8; i++)
				out[d0 + (size_t)i] +=
				    leaf[m >> (8 * i) & 0xff];
		} else {
			for (size_t i = 0; i < nrows - d0; i++)
				out[d0 + i] += leaf[m >> (8 * i) & 0xff];
		}
	}
}

int zd_gbt_bulk_predict(const struct zd_gbt_bulk *b, const float *x, size_t n,
			size_t stride, float *out)
{
	const struct zd_gbt *g = b->g;
	size_t blocks = (n + BLOCK_ROWS - 1) / BLOCK_ROWS;
	size_t slots = (size_t)b->max_depth + 2;
	/* one block's bitsets at a time: they stay in cache while every tree
	 * reads them */
	size_t nsets = b->nbitsets + (size_t)b->ncols;
	struct rowset *bits = malloc(sizeof(*bits) * (nsets + 1));
	int32_t *node_at = malloc(sizeof(*node_at) * slots);
	struct rowset *rows_at = malloc(sizeof(*rows_at) * slots);
	struct rowset *scratch = malloc(sizeof(*scratch) * b->max_local);
	if (bits == NULL || node_at == NULL || rows_at == NULL ||
	    scratch == NULL) {
		free(bits);
		free(node_at);
		free(rows_at);
		free(scratch);
		return -ENOMEM;
	}
	struct rowset *nans = bits + b->nbitsets;
	/* block after block, the trees in order: each row's sum adds the
	 * trees in the walker's order; only rows present are touched */
	for (size_t blk = 0; blk < blocks; blk++) {
		size_t first = blk * BLOCK_ROWS;
		size_t rows = n - first < BLOCK_ROWS ? n - first : BLOCK_ROWS;
		float *o = out + first;
		struct rowset set = {{0}};
		for (size_t r = 0; r < rows; r++) {
			set.w[r / 64] |= 1ull << (r % 64);
			o[r] = g->base;
		}
		build_columns(b, x + first * stride, rows, stride, bits, nans);
		for (int t = 0; t < g->ntrees; t++) {
			if (b->trees[t].depth <= CODED_MAX_DEPTH)
				bulk_tree_coded(b, &b->trees[t], &set, rows,
						bits, nans, o, scratch);
			else
				bulk_tree(b, t, &set, bits, nans, o, node_at,
					  rows_at);
		}
	}
	free(bits);
	free(node_at);
	free(rows_at);
	free(scratch);
	return 0;
}

/* ---- specialisation ----------------------------------------------------- */

/* The node of g reached from node i while splits are on fixed inputs
 * (resolve_fixed on g's own form). */
static int32_t resolve_fixed_flat(const struct zd_gbt *g, int32_t i,
				  const float *fixed, const unsigned char *mask)
{
	while (mask != NULL && !(g->nodes[i].split & NODE_LEAF) &&
	       mask[g->nodes[i].split & NODE_COLUMN]) {
		const struct gbt_node *n = &g->nodes[i];
		float x = fixed[n->split & NODE_COLUMN];
		if (isnan(x))
			i = n->child[(n->split & NODE_DEFAULT_LEFT) ? 0 : 1];
		else
			i = n->child[x < n->value ? 0 : 1];
	}
	return i;
}

/* append_tree for tree t of src, read in place instead of through a
 * raw_tree: the same nodes, statistics, depth and folding. src_of and
 * level are scratch of the tree's node count. */
static int append_flat_tree(struct zd_gbt *g, const struct zd_gbt *src, int t,
			    const float *fixed, const unsigned char *mask,
			    int32_t *src_of, int32_t *level, struct zd_err *err)
{
	static const struct gbt_stats none;
	int32_t root = resolve_fixed_flat(src, src->trees[t].root, fixed, mask);
	if (src->nodes[root].split & NODE_LEAF) {
		g->base += src->nodes[root].value;
		return 0;
	}
	int32_t n = tree_end(src, t) - src->trees[t].root;
	int rc = reserve(g, (size_t)n, err);
	if (rc != 0)
		return rc;
	int32_t start = (int32_t)g->nnodes, head = 0, tail = 1, depth = 0;
	src_of[0] = root;
	level[0] = 0;
	while (head < tail) {
		int32_t si = src_of[head], at = start + head;
		const struct gbt_node *sn = &src->nodes[si];
		struct gbt_node *d = &g->nodes[at];
		g->stats[at] = src->stats ? src->stats[si] : none;
		d->value = sn->value;
		if (sn->split & NODE_LEAF) {
			d->split = NODE_LEAF;
			d->child[0] = d->child[1] = at;
		} else {
			d->split =
			    sn->split & (NODE_COLUMN | NODE_DEFAULT_LEFT);
			d->child[0] = start + tail;
			d->child[1] = start + tail + 1;
			src_of[tail] =
			    resolve_fixed_flat(src, sn->child[0], fixed, mask);
			src_of[tail + 1] =
			    resolve_fixed_flat(src, sn->child[1], fixed, mask);
			level[tail] = level[tail + 1] = level[head] + 1;
			if (level[head] + 1 > depth)
				depth = level[head] + 1;
			tail += 2;
		}
		head++;
	}
	g->trees[g->ntrees++] =
	    (struct gbt_tree){.root = start, .depth = depth};
	g->nnodes += (size_t)tail;
	return 0;
}

int zd_gbt_specialize(const struct zd_gbt *g, const float *fixed,
		      const unsigned char *fixed_mask, struct zd_gbt **out,
		      struct zd_err *err)
{
	*out = NULL;
	struct zd_gbt *s = gbt_new(g->ncols, g->base);
	if (s == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	int32_t most = 1;
	for (int t = 0; t < g->ntrees; t++) {
		int32_t n = tree_end(g, t) - g->trees[t].root;
		if (n > most)
			most = n;
	}
	int32_t *src_of = malloc(sizeof(*src_of) * (size_t)most);
	int32_t *level = malloc(sizeof(*level) * (size_t)most);
	int rc = src_of && level ? 0 : zd_fail(err, ENOMEM, "out of memory");
	for (int t = 0; rc == 0 && t < g->ntrees; t++)
		rc = append_flat_tree(s, g, t, fixed, fixed_mask, src_of, level,
				      err);
	free(src_of);
	free(level);
	if (rc != 0) {
		zd_gbt_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* ---- the flat form ------------------------------------------------------ */

void zd_gbt_flat_view(const struct zd_gbt *g, struct zd_gbt_flat *out)
{
	*out = (struct zd_gbt_flat){
	    .ncols = g->ncols,
	    .ntrees = g->ntrees,
	    .nnodes = g->nnodes,
	    .base = g->base,
	    .trees = g->trees,
	    .nodes = g->nodes,
	};
}

/* Tree t of a flat form, nodes [start, end): every node reached once from
 * the root, children after their parent and side by side inside the
 * tree, leaves their own children, columns known, no stray flag, and the
 * depth the walk takes exactly that of the deepest leaf. level[] is
 * scratch of the model's node count, -1 on entry for these nodes. */
static int check_flat_tree(const struct zd_gbt_flat *f,
			   const struct gbt_node *nodes,
			   const struct gbt_tree *tree, int t, int32_t end,
			   int32_t *level, const char *what, struct zd_err *err)
{
	int32_t start = tree->root, deepest = 0;
	level[start] = 0;
	for (int32_t i = start; i < end; i++) {
		const struct gbt_node *n = &nodes[i];
		if (level[i] < 0)
			return zd_bad_input(err,
					    "%s: tree %d: node %d is not "
					    "reachable from its root",
					    what, t, i);
		if (level[i] > deepest)
			deepest = level[i];
		if (n->split & NODE_LEAF) {
			if (n->split != NODE_LEAF || n->child[0] != i ||
			    n->child[1] != i || !isfinite(n->value))
				return zd_bad_input(err,
						    "%s: tree %d: leaf %d is "
						    "malformed",
						    what, t, i);
			continue;
		}
		uint32_t col = n->split & NODE_COLUMN;
		if ((n->split & ~(NODE_COLUMN | NODE_DEFAULT_LEFT)) != 0 ||
		    col >= (uint32_t)f->ncols)
			return zd_bad_input(err,
					    "%s: tree %d: node %d splits on "
					    "column %u of %d",
					    what, t, i, col, f->ncols);
		if (isnan(n->value))
			return zd_bad_input(err,
					    "%s: tree %d: node %d has no "
					    "threshold (NaN)",
					    what, t, i);
		int32_t l = n->child[0], r = n->child[1];
		if (l <= i || r != l + 1 || r >= end)
			return zd_bad_input(err,
					    "%s: tree %d: node %d has "
					    "children %d and %d; they must be "
					    "side by side after it, inside "
					    "nodes %d..%d",
					    what, t, i, l, r, start, end - 1);
		if (level[l] >= 0 || level[r] >= 0)
			return zd_bad_input(err,
					    "%s: tree %d: node %d is "
					    "reached twice",
					    what, t, level[l] >= 0 ? l : r);
		level[l] = level[r] = level[i] + 1;
	}
	if (tree->depth != deepest)
		return zd_bad_input(err,
				    "%s: tree %d: depth %d, but its "
				    "deepest leaf is at %d",
				    what, t, tree->depth, deepest);
	return 0;
}

int zd_gbt_from_flat(const struct zd_gbt_flat *f, const char *what,
		     struct zd_gbt **out, struct zd_err *err)
{
	*out = NULL;
	if (f->ncols < 1 || f->ncols > MAX_COLS)
		return zd_bad_input(err, "%s: %d columns is out of range 1..%d",
				    what, f->ncols, MAX_COLS);
	if (f->ntrees < 0 || f->ntrees > MAX_TREES)
		return zd_bad_input(err, "%s: %d trees is out of range 0..%d",
				    what, f->ntrees, MAX_TREES);
	if (f->nnodes > (size_t)INT32_MAX || (f->ntrees > 0) != (f->nnodes > 0))
		return zd_bad_input(err, "%s: %zu nodes for %d trees", what,
				    f->nnodes, f->ntrees);
	if (!isfinite(f->base))
		return zd_bad_input(
		    err, "%s: base score is not a finite number", what);
	const struct gbt_tree *trees = f->trees;
	const struct gbt_node *nodes = f->nodes;
	int32_t *level = malloc(sizeof(*level) * (f->nnodes ? f->nnodes : 1));
	if (level == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	memset(level, 0xff, sizeof(*level) * f->nnodes); /* all -1 */
	int rc = 0;
	for (int t = 0; rc == 0 && t < f->ntrees; t++) {
		int32_t end =
		    t + 1 < f->ntrees ? trees[t + 1].root : (int32_t)f->nnodes;
		int32_t want = t == 0 ? 0 : trees[t - 1].root;
		if (trees[t].root < want || (t > 0 && trees[t].root == want) ||
		    end <= trees[t].root || end > (int32_t)f->nnodes)
			rc = zd_bad_input(err,
					  "%s: tree %d: nodes %d..%d are not "
					  "within the model's %zu nodes, after "
					  "the previous tree's",
					  what, t, trees[t].root, end - 1,
					  f->nnodes);
		else if (t == 0 && trees[t].root != 0)
			rc = zd_bad_input(err,
					  "%s: tree 0 starts at node %d, "
					  "not 0",
					  what, trees[t].root);
		else
			rc = check_flat_tree(f, nodes, &trees[t], t, end, level,
					     what, err);
	}
	free(level);
	if (rc != 0)
		return rc;
	struct zd_gbt *g = gbt_new(f->ncols, f->base);
	if (g == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	/* read-only memory: nothing writes a borrowed model's arrays */
	g->trees = (struct gbt_tree *)(uintptr_t)trees;
	g->nodes = (struct gbt_node *)(uintptr_t)nodes;
	g->ntrees = g->cap_trees = f->ntrees;
	g->nnodes = g->cap_nodes = f->nnodes;
	g->borrowed = true;
	*out = g;
	return 0;
}

/* ---- writing XGBoost's JSON --------------------------------------------- */

static json_t *int_string(long long v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", v);
	return json_string(buf);
}

static json_t *tree_to_json(const struct zd_gbt *g, int t)
{
	struct raw_tree r;
	struct zd_err err = {0};
	if (raw_from_compact(g, t, &r, &err) != 0)
		return NULL;
	json_t *left = json_array(), *right = json_array(),
	       *parents = json_array(), *split = json_array(),
	       *cond = json_array(), *dleft = json_array(),
	       *weight = json_array(), *loss = json_array(),
	       *hess = json_array(), *stype = json_array();
	bool ok = left && right && parents && split && cond && dleft &&
	    weight && loss && hess && stype;
	for (int32_t i = 0; ok && i < r.n; i++)
		ok =
		    json_array_append_new(left, json_integer(r.left[i])) == 0 &&
		    json_array_append_new(right, json_integer(r.right[i])) ==
			0 &&
		    json_array_append_new(parents, json_integer(r.parent[i])) ==
			0 &&
		    json_array_append_new(split, json_integer(r.split[i])) ==
			0 &&
		    json_array_append_new(cond, json_real(r.cond[i])) == 0 &&
		    json_array_append_new(dleft, json_integer(r.dleft[i])) ==
			0 &&
		    json_array_append_new(weight, json_real(r.weight[i])) ==
			0 &&
		    json_array_append_new(loss, json_real(r.loss[i])) == 0 &&
		    json_array_append_new(hess, json_real(r.hess[i])) == 0 &&
		    json_array_append_new(stype, json_integer(0)) == 0;
	json_t *tree = NULL;
	if (ok)
		tree = json_pack(
		    "{s:o, s:[], s:[], s:[], s:[], s:o, s:i, s:o, s:o, s:o, "
		    "s:o, s:o, s:o, s:o, s:o, s:{s:s, s:o, s:o, s:s}}",
		    "base_weights", weight, "categories", "categories_nodes",
		    "categories_segments", "categories_sizes", "default_left",
		    dleft, "id", t, "left_children", left, "loss_changes", loss,
		    "parents", parents, "right_children", right,
		    "split_conditions", cond, "split_indices", split,
		    "split_type", stype, "sum_hessian", hess, "tree_param",
		    "num_deleted", "0", "num_feature", int_string(g->ncols),
		    "num_nodes", int_string(r.n), "size_leaf_vector", "0");
	else {
		/* json_pack takes the "o" references even when it fails;
		 * only an unpacked set is ours to drop */
		json_decref(left);
		json_decref(right);
		json_decref(parents);
		json_decref(split);
		json_decref(cond);
		json_decref(dleft);
		json_decref(weight);
		json_decref(loss);
		json_decref(hess);
		json_decref(stype);
	}
	raw_tree_free(&r);
	return tree;
}

json_t *zd_gbt_to_json(const struct zd_gbt *g)
{
	json_t *trees = json_array(), *info = json_array();
	bool ok = trees && info;
	for (int t = 0; ok && t < g->ntrees; t++)
		ok = json_array_append_new(trees, tree_to_json(g, t)) == 0 &&
		    json_array_append_new(info, json_integer(0)) == 0;
	if (!ok) {
		json_decref(trees);
		json_decref(info);
		return NULL;
	}
	/* base_score as XGBoost writes it: a string, here with the digits a
	 * float needs to come back the same */
	char base[32];
	snprintf(base, sizeof(base), "%.9g", (double)g->base);
	/* The layout is XGBoost 1.7's, whatever version is linked. */
	return json_pack(
	    "{s:{s:{}, s:[], s:[], s:{s:{s:{s:s, s:o, s:s}, s:o, s:o}, s:s}, "
	    "s:{s:s, s:s, s:s, s:o, s:s}, s:{s:s, s:{s:s}}}, s:[i,i,i]}",
	    "learner", "attributes", "feature_names", "feature_types",
	    "gradient_booster", "model", "gbtree_model_param",
	    "num_parallel_tree", "1", "num_trees", int_string(g->ntrees),
	    "size_leaf_vector", "0", "tree_info", info, "trees", trees, "name",
	    "gbtree", "learner_model_param", "base_score", base,
	    "boost_from_average", "1", "num_class", "0", "num_feature",
	    int_string(g->ncols), "num_target", "1", "objective", "name",
	    "reg:squarederror", "reg_loss_param", "scale_pos_weight", "1",
	    "version", 1, 7, 4);
}

/* ---- reading XGBoost's JSON --------------------------------------------- */

static const char *type_name(json_type type)
{
	switch (type) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	default: return "a value of another type";
	}
}

/* obj[key], required, of the given type (object, array or string). */
static int get_member(const struct zd_jr *ld, const json_t *obj,
		      const char *where, const char *key, json_type type,
		      json_t **out)
{
	char path[256];
	zd_jr_path(path, sizeof(path), where, key);
	int rc;
	*out = zd_jr_member(ld, obj, where, key, true, &rc);
	if (*out == NULL)
		return rc;
	if (json_typeof(*out) != type)
		return zd_jr_bad(ld, path, "must be %s", type_name(type));
	return 0;
}

/* XGBoost writes counts as strings: "num_nodes": "127". */
static int get_count(const struct zd_jr *ld, const json_t *obj,
		     const char *where, const char *key, long long min,
		     long long max, long long *out)
{
	json_t *v;
	int rc = get_member(ld, obj, where, key, JSON_STRING, &v);
	if (rc != 0)
		return rc;
	char path[256];
	zd_jr_path(path, sizeof(path), where, key);
	const char *s = json_string_value(v);
	char *end;
	errno = 0;
	long long x = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0)
		return zd_jr_bad(ld, path, "\"%s\" is not an integer", s);
	if (x < min || x > max)
		return zd_jr_bad(ld, path, "%lld is out of range %lld..%lld", x,
				 min, max);
	*out = x;
	return 0;
}

static int expect_string(const struct zd_jr *ld, const json_t *obj,
			 const char *where, const char *key, const char *want,
			 const char *why)
{
	json_t *v;
	int rc = get_member(ld, obj, where, key, JSON_STRING, &v);
	if (rc != 0)
		return rc;
	if (strcmp(json_string_value(v), want) == 0)
		return 0;
	char path[256];
	zd_jr_path(path, sizeof(path), where, key);
	return zd_jr_bad(ld, path, "\"%s\" is not supported (%s)",
			 json_string_value(v), why);
}

static int get_base_score(const struct zd_jr *ld, const json_t *param,
			  const char *where, float *out)
{
	json_t *v;
	int rc = get_member(ld, param, where, "base_score", JSON_STRING, &v);
	if (rc != 0)
		return rc;
	char path[256];
	zd_jr_path(path, sizeof(path), where, "base_score");
	const char *s = json_string_value(v);
	char *end;
	errno = 0;
	float x = strtof(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(x))
		return zd_jr_bad(ld, path, "\"%s\" is not a finite number", s);
	*out = x;
	return 0;
}

/* tree[key]: an array of exactly n entries. */
static int tree_array(const struct zd_jr *ld, const json_t *tree,
		      const char *where, const char *key, int32_t n,
		      json_t **out)
{
	int rc = get_member(ld, tree, where, key, JSON_ARRAY, out);
	if (rc != 0)
		return rc;
	if (json_array_size(*out) == (size_t)n)
		return 0;
	char path[256];
	zd_jr_path(path, sizeof(path), where, key);
	return zd_jr_bad(ld, path,
			 "has %zu entries, tree_param.num_nodes is %d",
			 json_array_size(*out), n);
}

static int read_ints(const struct zd_jr *ld, const json_t *tree,
		     const char *where, const char *key, int32_t n,
		     int32_t *dst)
{
	json_t *arr;
	int rc = tree_array(ld, tree, where, key, n, &arr);
	if (rc != 0)
		return rc;
	for (int32_t i = 0; i < n; i++) {
		json_t *v = json_array_get(arr, (size_t)i);
		if (json_is_integer(v) && json_integer_value(v) >= INT32_MIN &&
		    json_integer_value(v) <= INT32_MAX) {
			dst[i] = (int32_t)json_integer_value(v);
			continue;
		}
		char base[256], path[280];
		zd_jr_path(base, sizeof(base), where, key);
		zd_jr_index(path, sizeof(path), base, (size_t)i);
		return zd_jr_bad(ld, path, "must be a 32-bit integer");
	}
	return 0;
}

static int read_floats(const struct zd_jr *ld, const json_t *tree,
		       const char *where, const char *key, int32_t n,
		       float *dst)
{
	json_t *arr;
	int rc = tree_array(ld, tree, where, key, n, &arr);
	if (rc != 0)
		return rc;
	for (int32_t i = 0; i < n; i++) {
		json_t *v = json_array_get(arr, (size_t)i);
		if (json_is_number(v) &&
		    fabs(json_number_value(v)) <= FLT_MAX) {
			dst[i] = (float)json_number_value(v);
			continue;
		}
		char base[256], path[280];
		zd_jr_path(base, sizeof(base), where, key);
		zd_jr_index(path, sizeof(path), base, (size_t)i);
		return zd_jr_bad(ld, path,
				 "must be a number within float range");
	}
	return 0;
}

/* default_left: 0/1 as XGBoost 1.6+ writes it, true/false as older ones. */
static int read_flags(const struct zd_jr *ld, const json_t *tree,
		      const char *where, const char *key, int32_t n,
		      unsigned char *dst)
{
	json_t *arr;
	int rc = tree_array(ld, tree, where, key, n, &arr);
	if (rc != 0)
		return rc;
	for (int32_t i = 0; i < n; i++) {
		json_t *v = json_array_get(arr, (size_t)i);
		if (json_is_boolean(v)) {
			dst[i] = json_is_true(v);
			continue;
		}
		if (json_is_integer(v) &&
		    (json_integer_value(v) == 0 ||
		     json_integer_value(v) == 1)) {
			dst[i] = (unsigned char)json_integer_value(v);
			continue;
		}
		char base[256], path[280];
		zd_jr_path(base, sizeof(base), where, key);
		zd_jr_index(path, sizeof(path), base, (size_t)i);
		return zd_jr_bad(ld, path, "must be 0 or 1");
	}
	return 0;
}

/* Only numerical splits: split_type (when present) all 0, no categories. */
static int check_numerical(const struct zd_jr *ld, const json_t *tree,
			   const char *where, int32_t n)
{
	json_t *types = json_object_get(tree, "split_type");
	if (types != NULL) {
		json_t *arr;
		int rc = tree_array(ld, tree, where, "split_type", n, &arr);
		if (rc != 0)
			return rc;
		for (int32_t i = 0; i < n; i++) {
			json_t *v = json_array_get(arr, (size_t)i);
			if (json_is_integer(v) && json_integer_value(v) == 0)
				continue;
			char base[256], path[280];
			zd_jr_path(base, sizeof(base), where, "split_type");
			zd_jr_index(path, sizeof(path), base, (size_t)i);
			return zd_jr_bad(ld, path,
					 "must be 0: categorical splits "
					 "are not supported");
		}
	}
	json_t *cats = json_object_get(tree, "categories_nodes");
	if (cats != NULL &&
	    (!json_is_array(cats) || json_array_size(cats) != 0)) {
		char path[256];
		zd_jr_path(path, sizeof(path), where, "categories_nodes");
		return zd_jr_bad(ld, path,
				 "must be empty: categorical splits are "
				 "not supported");
	}
	return 0;
}

static int read_tree_arrays(const struct zd_jr *ld, const json_t *tree,
			    const char *where, struct raw_tree *t)
{
	int32_t n = t->n;
	int rc;
	if ((rc = read_ints(ld, tree, where, "left_children", n, t->left)) !=
		0 ||
	    (rc = read_ints(ld, tree, where, "right_children", n, t->right)) !=
		0 ||
	    (rc = read_ints(ld, tree, where, "parents", n, t->parent)) != 0 ||
	    (rc = read_ints(ld, tree, where, "split_indices", n, t->split)) !=
		0 ||
	    (rc = read_floats(ld, tree, where, "split_conditions", n,
			      t->cond)) != 0 ||
	    (rc = read_flags(ld, tree, where, "default_left", n, t->dleft)) !=
		0 ||
	    (rc = read_floats(ld, tree, where, "base_weights", n, t->weight)) !=
		0 ||
	    (rc = read_floats(ld, tree, where, "loss_changes", n, t->loss)) !=
		0 ||
	    (rc = read_floats(ld, tree, where, "sum_hessian", n, t->hess)) != 0)
		return rc;
	return check_numerical(ld, tree, where, n);
}

/* A child index of node `parent`: in range, and not reached before. */
static int check_child(const struct zd_jr *ld, const char *where,
		       const char *key, const struct raw_tree *t,
		       int32_t parent, int32_t child, const unsigned char *seen)
{
	char base[256], path[280];
	zd_jr_path(base, sizeof(base), where, key);
	zd_jr_index(path, sizeof(path), base, (size_t)parent);
	if (child < 0 || child >= t->n)
		return zd_jr_bad(ld, path, "%d is out of range 0..%d", child,
				 t->n - 1);
	if (seen[child])
		return zd_jr_bad(ld, path,
				 "node %d is reached twice (a cycle or a "
				 "shared subtree)",
				 child);
	if (t->parent[child] != parent) {
		zd_jr_path(base, sizeof(base), where, "parents");
		zd_jr_index(path, sizeof(path), base, (size_t)child);
		return zd_jr_bad(ld, path,
				 "%d, but node %d is a child of node %d",
				 t->parent[child], child, parent);
	}
	return 0;
}

/* Every node reachable from the root once, splits on known columns, and
 * the nodes left over exactly those tree_param.num_deleted says. */
static int check_structure(const struct zd_jr *ld, const char *where,
			   const struct raw_tree *t, int ncols,
			   long long deleted)
{
	unsigned char *seen = calloc((size_t)t->n, 1);
	int32_t *stack = malloc(sizeof(*stack) * (size_t)t->n);
	if (seen == NULL || stack == NULL) {
		free(seen);
		free(stack);
		return zd_fail(ld->err, ENOMEM, "out of memory");
	}
	int rc = 0;
	int32_t depth = 0, reached = 1;
	stack[depth++] = 0;
	seen[0] = 1;
	while (rc == 0 && depth > 0) {
		int32_t i = stack[--depth];
		int32_t l = t->left[i], r = t->right[i];
		char base[256], path[280];
		if (l == -1 && r == -1)
			continue;
		if (l == -1 || r == -1) {
			zd_jr_path(base, sizeof(base), where,
				   l == -1 ? "left_children"
					   : "right_children");
			zd_jr_index(path, sizeof(path), base, (size_t)i);
			rc = zd_jr_bad(ld, path,
				       "-1, but node %d has one child (%d); "
				       "a node has none or two",
				       i, l == -1 ? r : l);
			break;
		}
		if (t->split[i] < 0 || t->split[i] >= ncols) {
			zd_jr_path(base, sizeof(base), where, "split_indices");
			zd_jr_index(path, sizeof(path), base, (size_t)i);
			rc = zd_jr_bad(ld, path,
				       "%d is out of range 0..%d (num_feature "
				       "%d)",
				       t->split[i], ncols - 1, ncols);
			break;
		}
		if ((rc = check_child(ld, where, "left_children", t, i, l,
				      seen)) != 0)
			break;
		seen[l] = 1;
		if ((rc = check_child(ld, where, "right_children", t, i, r,
				      seen)) != 0)
			break;
		seen[r] = 1;
		stack[depth++] = l;
		stack[depth++] = r;
		reached += 2;
	}
	if (rc == 0 && t->n - reached != deleted) {
		char path[256];
		zd_jr_path(path, sizeof(path), where, "left_children");
		rc = zd_jr_bad(ld, path,
			       "%d of %d nodes are not reachable from the "
			       "root, tree_param.num_deleted is %lld",
			       t->n - reached, t->n, deleted);
	}
	free(seen);
	free(stack);
	return rc;
}

static int read_tree(const struct zd_jr *ld, const json_t *tree,
		     const char *where, struct zd_gbt *g)
{
	json_t *param;
	long long n, nfeat, deleted, leafvec;
	char ppath[256];
	zd_jr_path(ppath, sizeof(ppath), where, "tree_param");
	int rc = get_member(ld, tree, where, "tree_param", JSON_OBJECT, &param);
	if (rc == 0)
		rc = get_count(ld, param, ppath, "num_nodes", 1, MAX_TREE_NODES,
			       &n);
	if (rc == 0)
		rc = get_count(ld, param, ppath, "num_feature", g->ncols,
			       g->ncols, &nfeat);
	if (rc == 0)
		rc = get_count(ld, param, ppath, "num_deleted", 0, n - 1,
			       &deleted);
	if (rc == 0 && json_object_get(param, "size_leaf_vector") != NULL)
		rc = get_count(ld, param, ppath, "size_leaf_vector", 0, 0,
			       &leafvec);
	if (rc != 0)
		return rc;
	struct raw_tree t;
	if ((rc = raw_tree_alloc(&t, (int32_t)n, ld->err)) != 0)
		return rc;
	rc = read_tree_arrays(ld, tree, where, &t);
	if (rc == 0)
		rc = check_structure(ld, where, &t, g->ncols, deleted);
	if (rc == 0)
		rc = append_tree(g, &t, NULL, NULL, false, ld->err);
	raw_tree_free(&t);
	return rc;
}

/* "version": [major, minor, patch]; the tree layout read here is that of
 * XGBoost 1.x and 2.x. */
static int check_version(const struct zd_jr *ld, const json_t *j)
{
	json_t *v;
	int rc = get_member(ld, j, "", "version", JSON_ARRAY, &v);
	if (rc != 0)
		return rc;
	long long part[3];
	for (size_t i = 0; i < 3; i++) {
		json_t *x = json_array_get(v, i);
		if (json_array_size(v) != 3 || !json_is_integer(x))
			return zd_jr_bad(ld, "version",
					 "must be [MAJOR, MINOR, PATCH]");
		part[i] = json_integer_value(x);
	}
	if (part[0] != 1 && part[0] != 2)
		return zd_jr_bad(ld, "version",
				 "XGBoost %lld.%lld.%lld models are "
				 "not supported (1.x and 2.x are)",
				 part[0], part[1], part[2]);
	return 0;
}

/* The learner's scalars: a single-output squared-error regression. */
static int read_learner_param(const struct zd_jr *ld, const json_t *learner,
			      int *ncols, float *base)
{
	json_t *param = NULL, *objective = NULL;
	const char *lmp = "learner.learner_model_param";
	long long nfeat = 0, nclass = 0, ntarget = 1;
	int rc = get_member(ld, learner, "learner", "learner_model_param",
			    JSON_OBJECT, &param);
	if (rc == 0)
		rc = get_count(ld, param, lmp, "num_feature", 1, MAX_COLS,
			       &nfeat);
	if (rc == 0 && json_object_get(param, "num_class") != NULL)
		rc = get_count(ld, param, lmp, "num_class", 0, 1, &nclass);
	if (rc == 0 && json_object_get(param, "num_target") != NULL)
		rc = get_count(ld, param, lmp, "num_target", 1, 1, &ntarget);
	if (rc == 0)
		rc = get_base_score(ld, param, lmp, base);
	if (rc == 0)
		rc = get_member(ld, learner, "learner", "objective",
				JSON_OBJECT, &objective);
	if (rc == 0)
		rc = expect_string(ld, objective, "learner.objective", "name",
				   "reg:squarederror",
				   "only reg:squarederror, whose output is "
				   "the sum itself");
	if (rc == 0)
		*ncols = (int)nfeat;
	return rc;
}

/* learner.gradient_booster.model: its trees, all of output group 0. */
static int read_booster(const struct zd_jr *ld, const json_t *learner,
			json_t **trees_out)
{
	json_t *gb = NULL, *model = NULL, *param = NULL, *trees = NULL,
	       *info = NULL;
	const char *gbp = "learner.gradient_booster";
	const char *mp = "learner.gradient_booster.model";
	long long ntrees;
	int rc = get_member(ld, learner, "learner", "gradient_booster",
			    JSON_OBJECT, &gb);
	if (rc == 0)
		rc = expect_string(ld, gb, gbp, "name", "gbtree",
				   "only gbtree; dart weighs its trees");
	if (rc == 0)
		rc = get_member(ld, gb, gbp, "model", JSON_OBJECT, &model);
	if (rc == 0)
		rc = get_member(ld, model, mp, "trees", JSON_ARRAY, &trees);
	if (rc == 0)
		rc = get_member(ld, model, mp, "gbtree_model_param",
				JSON_OBJECT, &param);
	if (rc == 0)
		rc = get_count(ld, param,
			       "learner.gradient_booster.model."
			       "gbtree_model_param",
			       "num_trees", (long long)json_array_size(trees),
			       (long long)json_array_size(trees), &ntrees);
	if (rc == 0)
		rc = get_member(ld, model, mp, "tree_info", JSON_ARRAY, &info);
	if (rc != 0)
		return rc;
	if (json_array_size(trees) > MAX_TREES)
		return zd_jr_bad(ld, "learner.gradient_booster.model.trees",
				 "%zu trees, more than %d",
				 json_array_size(trees), MAX_TREES);
	if (json_array_size(info) != json_array_size(trees))
		return zd_jr_bad(ld, "learner.gradient_booster.model.tree_info",
				 "has %zu entries for %zu trees",
				 json_array_size(info), json_array_size(trees));
	for (size_t i = 0; i < json_array_size(info); i++) {
		json_t *v = json_array_get(info, i);
		if (json_is_integer(v) && json_integer_value(v) == 0)
			continue;
		char path[256];
		zd_jr_index(path, sizeof(path),
			    "learner.gradient_booster.model.tree_info", i);
		return zd_jr_bad(ld, path, "must be 0: one output only");
	}
	*trees_out = trees;
	return 0;
}

int zd_gbt_from_json(const json_t *j, const char *what, struct zd_gbt **out,
		     struct zd_err *err)
{
	struct zd_jr ld = {what ? what : "model", err};
	json_t *learner = NULL, *trees = NULL;
	int ncols = 0;
	float base = 0;
	*out = NULL;
	if (!json_is_object(j))
		return zd_bad_input(err,
				    "%s: not an XGBoost JSON model (not an "
				    "object)",
				    ld.what);
	int rc = check_version(&ld, j);
	if (rc == 0)
		rc = get_member(&ld, j, "", "learner", JSON_OBJECT, &learner);
	if (rc == 0)
		rc = read_learner_param(&ld, learner, &ncols, &base);
	if (rc == 0)
		rc = read_booster(&ld, learner, &trees);
	if (rc != 0)
		return rc;
	struct zd_gbt *g = gbt_new(ncols, base);
	if (g == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	for (size_t t = 0; rc == 0 && t < json_array_size(trees); t++) {
		char where[256];
		zd_jr_index(where, sizeof(where),
			    "learner.gradient_booster.model.trees", t);
		json_t *tree = json_array_get(trees, t);
		if (!json_is_object(tree))
			rc = zd_jr_bad(&ld, where, "must be an object");
		else
			rc = read_tree(&ld, tree, where, g);
	}
	if (rc != 0) {
		zd_gbt_free(g);
		return rc;
	}
	*out = g;
	return 0;
}

/* ---- training ----------------------------------------------------------- */

static int xgb_ok(int rc, const char *call, struct zd_err *err)
{
	if (rc == 0)
		return 0;
	return zd_fail(err, EIO, "XGBoost %s failed: %s", call,
		       XGBGetLastError());
}

/* The caller's parameters with defaults filled in, or a usage error. */
static int resolve_params(const struct zd_gbt_params *in,
			  struct zd_gbt_params *p, struct zd_err *err)
{
	static const struct zd_gbt_params none = {0};
	if (in == NULL)
		in = &none;
	*p = *in;
	if (p->trees == 0)
		p->trees = 100;
	if (p->max_depth == 0)
		p->max_depth = 6;
	if (p->eta == 0)
		p->eta = 0.1;
	if (p->subsample == 0)
		p->subsample = 1.0;
	if (p->trees < 1 || p->trees > MAX_TREES)
		return zd_bad_input(err, "gbt: trees %d is out of range 1..%d",
				    p->trees, MAX_TREES);
	if (p->max_depth < 1 || p->max_depth > 20)
		return zd_bad_input(err,
				    "gbt: max_depth %d is out of range "
				    "1..20",
				    p->max_depth);
	if (!(p->eta > 0 && p->eta <= 1))
		return zd_bad_input(err, "gbt: eta %g is outside (0, 1]",
				    p->eta);
	if (!(p->subsample > 0 && p->subsample <= 1))
		return zd_bad_input(err, "gbt: subsample %g is outside (0, 1]",
				    p->subsample);
	if (p->threads < 0)
		return zd_bad_input(err, "gbt: threads %d is negative",
				    p->threads);
	return 0;
}

static int check_data(const float *x, const float *y, size_t nrows, int ncols,
		      struct zd_err *err)
{
	if (nrows == 0)
		return zd_bad_input(err, "gbt: no rows to train on");
	if (ncols < 1 || ncols > MAX_COLS)
		return zd_bad_input(err,
				    "gbt: %d columns is out of range 1..%d",
				    ncols, MAX_COLS);
	if (nrows > SIZE_MAX / sizeof(float) / (size_t)ncols)
		return zd_bad_input(err,
				    "gbt: %zu rows of %d columns is too "
				    "many",
				    nrows, ncols);
	for (size_t i = 0; i < nrows; i++) {
		if (!isfinite(y[i]))
			return zd_bad_input(err,
					    "gbt: target of row %zu is %g, "
					    "not a finite number",
					    i, (double)y[i]);
		for (int c = 0; c < ncols; c++)
			if (isinf(x[i * (size_t)ncols + (size_t)c]))
				return zd_bad_input(err,
						    "gbt: row %zu column %d "
						    "is infinite (NAN marks "
						    "a missing value)",
						    i, c);
	}
	return 0;
}

static int set_param(BoosterHandle b, const char *name, const char *value,
		     struct zd_err *err)
{
	if (XGBoosterSetParam(b, name, value) == 0)
		return 0;
	return zd_fail(err, EIO, "XGBoost XGBoosterSetParam(%s, %s) failed: %s",
		       name, value, XGBGetLastError());
}

static int set_params(BoosterHandle b, const struct zd_gbt_params *p,
		      struct zd_err *err)
{
	char depth[16], eta[32], subsample[32], threads[16], seed[32];
	snprintf(depth, sizeof(depth), "%d", p->max_depth);
	snprintf(eta, sizeof(eta), "%.17g", p->eta);
	snprintf(subsample, sizeof(subsample), "%.17g", p->subsample);
	snprintf(threads, sizeof(threads), "%d", p->threads); /* 0: all */
	/* XGBoost's seed is an int64: the top bit of ours is dropped */
	snprintf(seed, sizeof(seed), "%lld",
		 (long long)(p->seed & (uint64_t)INT64_MAX));
	int rc;
	if ((rc = set_param(b, "verbosity", "0", err)) != 0 ||
	    (rc = set_param(b, "objective", "reg:squarederror", err)) != 0 ||
	    (rc = set_param(b, "tree_method", "hist", err)) != 0 ||
	    (rc = set_param(b, "max_depth", depth, err)) != 0 ||
	    (rc = set_param(b, "eta", eta, err)) != 0 ||
	    (rc = set_param(b, "subsample", subsample, err)) != 0 ||
	    (rc = set_param(b, "nthread", threads, err)) != 0 ||
	    (rc = set_param(b, "seed", seed, err)) != 0)
		return rc;
	return 0;
}

/* zdvfs's trees from the booster's JSON, through the file loader. */
static int booster_to_gbt(BoosterHandle b, struct zd_gbt **out,
			  struct zd_err *err)
{
	bst_ulong len = 0;
	const char *buf = NULL;
	int rc = xgb_ok(
	    XGBoosterSaveModelToBuffer(b, "{\"format\": \"json\"}", &len, &buf),
	    "XGBoosterSaveModelToBuffer", err);
	if (rc != 0)
		return rc;
	json_t *j = NULL;
	rc = zd_jr_parse(buf, (size_t)len, "XGBoost's JSON model", 0, &j, err);
	if (rc != 0)
		return rc;
	rc = zd_gbt_from_json(j, "XGBoost's trained model", out, err);
	json_decref(j);
	return rc;
}

int zd_gbt_train(const float *x, const float *y, size_t nrows, int ncols,
		 const struct zd_gbt_params *params, struct zd_gbt **out,
		 struct zd_err *err)
{
	struct zd_gbt_params p;
	DMatrixHandle data = NULL;
	BoosterHandle booster = NULL;
	*out = NULL;
	int rc = resolve_params(params, &p, err);
	if (rc == 0)
		rc = zd_xgb_load(err);
	if (rc == 0)
		rc = check_data(x, y, nrows, ncols, err);
	if (rc == 0)
		rc =
		    xgb_ok(XGDMatrixCreateFromMat(x, (bst_ulong)nrows,
						  (bst_ulong)ncols, NAN, &data),
			   "XGDMatrixCreateFromMat", err);
	if (rc == 0)
		rc = xgb_ok(
		    XGDMatrixSetFloatInfo(data, "label", y, (bst_ulong)nrows),
		    "XGDMatrixSetFloatInfo(label)", err);
	if (rc == 0)
		rc = xgb_ok(XGBoosterCreate(&data, 1, &booster),
			    "XGBoosterCreate", err);
	if (rc == 0)
		rc = set_params(booster, &p, err);
	for (int i = 0; rc == 0 && i < p.trees; i++)
		rc = xgb_ok(XGBoosterUpdateOneIter(booster, i, data),
			    "XGBoosterUpdateOneIter", err);
	if (rc == 0)
		rc = booster_to_gbt(booster, out, err);
	if (booster != NULL && XGBoosterFree(booster) != 0 && rc == 0) {
		rc = xgb_ok(-1, "XGBoosterFree", err);
	}
	if (data != NULL && XGDMatrixFree(data) != 0 && rc == 0)
		rc = xgb_ok(-1, "XGDMatrixFree", err);
	if (rc != 0 && *out != NULL) {
		zd_gbt_free(*out);
		*out = NULL;
	}
	return rc;
}
