/* xgb_dl.c - XGBoost opened when a model is first trained (dlopen), not at
 * start-up: only `zdvfs model train|eval`, `zdvfs train` and the benches
 * that compare against XGBoost need it. The C API functions zdvfs (and
 * its tests) call are defined here under their own names and forward to
 * the library's; the prototypes come from xgboost/c_api.h. */
#include <xgboost/c_api.h>

#include "xgb_dl.h"
#include "zdvfs/dynlib.h"

/* X(name, (parameters), (arguments)): every one returns int */
#define XGB_FUNCS(X)                                                           \
	X(XGDMatrixCreateFromMat,                                              \
	  (const float *data, bst_ulong nrow, bst_ulong ncol, float missing,   \
	   DMatrixHandle *out),                                                \
	  (data, nrow, ncol, missing, out))                                    \
	X(XGDMatrixSetFloatInfo,                                               \
	  (DMatrixHandle h, const char *field, const float *array,             \
	   bst_ulong len),                                                     \
	  (h, field, array, len))                                              \
	X(XGDMatrixFree, (DMatrixHandle h), (h))                               \
	X(XGBoosterCreate,                                                     \
	  (const DMatrixHandle dmats[], bst_ulong len, BoosterHandle *out),    \
	  (dmats, len, out))                                                   \
	X(XGBoosterFree, (BoosterHandle h), (h))                               \
	X(XGBoosterSetParam,                                                   \
	  (BoosterHandle h, const char *name, const char *value),              \
	  (h, name, value))                                                    \
	X(XGBoosterUpdateOneIter,                                              \
	  (BoosterHandle h, int iter, DMatrixHandle dtrain),                   \
	  (h, iter, dtrain))                                                   \
	X(XGBoosterPredict,                                                    \
	  (BoosterHandle h, DMatrixHandle dmat, int mask,                      \
	   unsigned ntree_limit, int training, bst_ulong *out_len,             \
	   const float **out_result),                                          \
	  (h, dmat, mask, ntree_limit, training, out_len, out_result))         \
	X(XGBoosterLoadModelFromBuffer,                                        \
	  (BoosterHandle h, const void *buf, bst_ulong len), (h, buf, len))    \
	X(XGBoosterSaveModelToBuffer,                                          \
	  (BoosterHandle h, char const *config, bst_ulong *out_len,            \
	   char const **out_dptr),                                             \
	  (h, config, out_len, out_dptr))

#define INDEX(name, params, args) IDX_##name,
enum { IDX_XGBGetLastError, XGB_FUNCS(INDEX) NSYMS };

#define NAME(name, params, args) #name,
static const char *const names[NSYMS] = {"XGBGetLastError", XGB_FUNCS(NAME)};
static void *syms[NSYMS];

static struct zd_dynlib lib = {
    .what = "XGBoost",
    .needed_for = "to train the environment model",
    .soname = ZDVFS_LIBXGBOOST_SONAME,
    .path = ZDVFS_LIBXGBOOST_PATH,
    .package = ZDVFS_LIBXGBOOST_PACKAGE,
    .env = "ZDVFS_LIBXGBOOST",
    .names = names,
    .syms = syms,
    .nsyms = NSYMS,
};

int zd_xgb_load(struct zd_err *err)
{
	return zd_dynlib_load(&lib, err);
}

/* c_api.h declares it without a prototype */
const char *XGBGetLastError(void);

const char *XGBGetLastError(void)
{
	zd_dynlib_ensure(&lib);
	return ((const char *(*)(void))syms[IDX_XGBGetLastError])();
}

#define FORWARD(name, params, args)                                            \
	int name params                                                        \
	{                                                                      \
		zd_dynlib_ensure(&lib);                                        \
		return ((int(*) params)syms[IDX_##name])args;                  \
	}
XGB_FUNCS(FORWARD)
