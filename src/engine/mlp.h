/* mlp.h - a small multilayer perceptron for the agents: dense layers,
 * ReLU between them (the output layer is linear), float weights, He
 * initialisation from a seed, one-sample forward and backward with
 * gradients accumulated over a minibatch, Adam, and a JSON form.
 *
 * Small on purpose: the agents' networks have ~10 k weights, so plain
 * loops over one sample at a time are fast enough (microseconds) and
 * easy to check. */
#ifndef ZDVFS_AGENT_MLP_H
#define ZDVFS_AGENT_MLP_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "zdvfs/err.h"

#include "base/jsonread.h"

#define ZD_MLP_MAX_LAYERS 4   /* dense layers */
#define ZD_MLP_MAX_WIDTH 4096 /* units in one layer */

struct zd_adam {
	float lr, beta1, beta2, eps;
};

struct zd_mlp;

/* sizes[0] inputs, sizes[nsizes-1] outputs, hidden layers between;
 * 2 <= nsizes <= ZD_MLP_MAX_LAYERS + 1. */
int zd_mlp_new(const int *sizes, int nsizes, uint64_t seed, struct zd_mlp **out,
	       struct zd_err *err);
void zd_mlp_free(struct zd_mlp *m);
/* A network of the same shape and weights (a target network). */
int zd_mlp_clone(const struct zd_mlp *src, struct zd_mlp **out,
		 struct zd_err *err);
/* Copy the weights of src into dst, which has the same shape. */
void zd_mlp_copy_params(struct zd_mlp *dst, const struct zd_mlp *src);

int zd_mlp_ninputs(const struct zd_mlp *m);
/* Dense layers, and the units of layer l (0: inputs .. nlayers: outputs). */
int zd_mlp_nlayers(const struct zd_mlp *m);
int zd_mlp_size(const struct zd_mlp *m, int l);
int zd_mlp_noutputs(const struct zd_mlp *m);
size_t zd_mlp_nparams(const struct zd_mlp *m);
/* Every weight and bias, layer by layer (W row-major [out][in], then b),
 * and the gradients accumulated since the last step, in the same order. */
float *zd_mlp_params(struct zd_mlp *m);
const float *zd_mlp_grads(const struct zd_mlp *m);

/* Outputs for one input; the pointer is valid until the next forward.
 * The activations are kept for zd_mlp_backward. */
const float *zd_mlp_forward(struct zd_mlp *m, const float *in);
/* The same, but when `in` is the last forward's input and the weights
 * have not changed since (no Adam step, copy or zd_mlp_params), the
 * last outputs without computing them again. Only for callers that never
 * write weights through zd_mlp_params behind the network's back. */
const float *zd_mlp_forward_cached(struct zd_mlp *m, const float *in);
/* Add the gradient of a loss with d(loss)/d(output) = grad_out, at the
 * last forward's input, to the accumulated gradients. */
void zd_mlp_backward(struct zd_mlp *m, const float *grad_out);
/* n such gradients (grad_out: n rows of the outputs), all at the last
 * forward's input: the same sums as n calls of zd_mlp_backward, to the
 * bit, with each weight's gradient added up in registers. */
void zd_mlp_backward_n(struct zd_mlp *m, const float *grad_out, int n);
void zd_mlp_zero_grad(struct zd_mlp *m);
/* One Adam step on the accumulated gradients times grad_scale (1/batch),
 * which are then cleared. */
void zd_mlp_adam_step(struct zd_mlp *m, const struct zd_adam *a,
		      float grad_scale);
/* Adam's defaults (Kingma and Ba 2015) with learning rate lr. */
struct zd_adam zd_adam_default(float lr);

/* Loss on n selected outputs: out[idx[i]] against target[i], averaged;
 * Huber with threshold huber_delta (> 0), or half the squared error when
 * huber_delta <= 0. grad_out (nout values) gets d(loss)/d(output), zero
 * for outputs not selected. */
float zd_mlp_loss(const float *out, int nout, const int *idx,
		  const float *target, int n, float huber_delta,
		  float *grad_out);

/* {"sizes": [...], "layers": [{"w": [...], "b": [...]}, ...]}; loading
 * checks shapes and that every number is finite, naming the path
 * (`where`) of what is wrong. */
json_t *zd_mlp_to_json(const struct zd_mlp *m);
int zd_mlp_from_json(const json_t *j, const struct zd_jr *v, const char *where,
		     struct zd_mlp **out);

#endif
