/* gbt.h - gradient-boosted regression trees: trained with XGBoost's C API
 * (Debian's libxgboost), evaluated by zdvfs's own flat-array walker so that
 * predicting thousands of rows takes microseconds, and serialised as
 * XGBoost's JSON model so the file stays readable by XGBoost itself.
 *
 * Prediction can be specialised: fix the inputs that do not change between
 * rows (a program's features, the board) and every split on them is
 * resolved once, leaving small trees over the inputs that vary (the
 * decision). zd_gbt_specialize() does that. */
#ifndef ZDVFS_GBT_H
#define ZDVFS_GBT_H

#include <stddef.h>
#include <stdint.h>

#include "zdvfs/err.h"

struct zd_gbt_params {
	int trees;        /* boosting rounds; 0: 100 */
	int max_depth;    /* 0: 6 */
	double eta;       /* learning rate; 0: 0.1 */
	double subsample; /* row subsampling; 0: 1.0 */
	int threads;      /* 0: all cores */
	uint64_t seed;
};

struct zd_gbt;

/* Train on rows x[i*ncols .. +ncols] (NAN = missing) with targets y[i]. */
int zd_gbt_train(const float *x, const float *y, size_t nrows, int ncols,
		 const struct zd_gbt_params *p, struct zd_gbt **out,
		 struct zd_err *err);
void zd_gbt_free(struct zd_gbt *g);
int zd_gbt_ncols(const struct zd_gbt *g);
int zd_gbt_ntrees(const struct zd_gbt *g);
/* Nodes in all trees (leaves included): what specialising shrinks. */
size_t zd_gbt_nnodes(const struct zd_gbt *g);

/* One row (ncols values). */
float zd_gbt_predict(const struct zd_gbt *g, const float *row);
/* n rows, row-major, into out[n]. */
void zd_gbt_predict_rows(const struct zd_gbt *g, const float *x, size_t n,
			 float *out);

/* The same with rows `stride` floats apart (stride >= ncols): rows laid
 * out for a wider model. */
void zd_gbt_predict_strided(const struct zd_gbt *g, const float *x, size_t n,
			    size_t stride, float *out);

/* Many rows at once (a board's every decision): each tree is walked once
 * for all rows, the rows at a node held as a bitset, so the cost per row
 * and tree is a few bit operations; the sums are zd_gbt_predict's exactly.
 * zd_gbt_bulk_new prepares g (which must outlive it); predicting needs
 * scratch memory: -ENOMEM when there is none (out untouched). */
struct zd_gbt_bulk;
int zd_gbt_bulk_new(const struct zd_gbt *g, struct zd_gbt_bulk **out,
		    struct zd_err *err);
void zd_gbt_bulk_free(struct zd_gbt_bulk *b);
int zd_gbt_bulk_predict(const struct zd_gbt_bulk *b, const float *x, size_t n,
			size_t stride, float *out);

/* A copy of g with inputs fixed[j] resolved wherever fixed_mask[j] is
 * non-zero; the copy still takes full rows (fixed columns are ignored). */
int zd_gbt_specialize(const struct zd_gbt *g, const float *fixed,
		      const unsigned char *fixed_mask, struct zd_gbt **out,
		      struct zd_err *err);

/* The flat form a model file holds (src/model/model.c): the trees as
 * (first node, depth) int32 pairs, the nodes as 16-byte records (float
 * threshold or leaf value, uint32 column and flags, two int32 children),
 * host byte order. zd_gbt_flat_view shows g's; zd_gbt_from_flat checks
 * one thoroughly (every index, column, count and depth; a broken one is a
 * usage error naming `what` and the tree and node) and wraps it without
 * copying: the memory (a mapped file) must outlive the model, which
 * never writes to it. */
#define ZD_GBT_TREE_BYTES 8
#define ZD_GBT_NODE_BYTES 16

struct zd_gbt_flat {
	int ncols, ntrees;
	size_t nnodes;
	float base;
	const void *trees; /* ntrees * ZD_GBT_TREE_BYTES, 4-byte aligned */
	const void *nodes; /* nnodes * ZD_GBT_NODE_BYTES, 4-byte aligned */
};

void zd_gbt_flat_view(const struct zd_gbt *g, struct zd_gbt_flat *out);
int zd_gbt_from_flat(const struct zd_gbt_flat *f, const char *what,
		     struct zd_gbt **out, struct zd_err *err);

#endif
