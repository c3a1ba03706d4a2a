/* mlp.c - dense ReLU networks: He initialisation, forward, backward, Adam
 * and the JSON form. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlp.h"
#include "rng.h"

/* The hot loops (the agents' training: add_outer, back_delta, Adam) get a copy
 * for CPUs with AVX2, picked when the program loads: eight floats per
 * instruction instead of four, the same multiplications and additions
 * in the same order (AVX2 alone has no fused multiply-add, and none is
 * contracted: gcc's ISO C mode, clang's pragma), so the same bits. */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__)
#define AVX2_CLONE __attribute__((target_clones("avx2", "default")))
#else
#define AVX2_CLONE
#endif

struct zd_mlp {
	int nlayers;                     /* dense layers */
	int size[ZD_MLP_MAX_LAYERS + 1]; /* units: inputs, hidden..., outputs */
	size_t woff[ZD_MLP_MAX_LAYERS];  /* offsets into param/grad */
	size_t boff[ZD_MLP_MAX_LAYERS];
	size_t nparams;
	float *param, *grad, *adam_m, *adam_v;
	long adam_t;
	/* activations of the last forward: act + aoff[l] has size[l] values,
	 * l = 0 the input, l = nlayers the output */
	float *act;
	size_t aoff[ZD_MLP_MAX_LAYERS + 1];
	float *delta, *delta_prev; /* backward scratch, max width */
	float *bdelta, *bprev;     /* zd_mlp_backward_n's, bcap x width */
	int bcap, width;
	/* and its live inputs of a layer: index, value, a row, the weights */
	int *bidx;
	float *bx, *brow, *bw;
	size_t wmax; /* the largest hidden layer's weights */
	/* act holds the forward of its input under the present weights
	 * (zd_mlp_forward_cached may return it again) */
	bool memo;
};

static int check_sizes(const int *sizes, int nsizes, struct zd_err *err)
{
	if (nsizes < 2 || nsizes > ZD_MLP_MAX_LAYERS + 1)
		return zd_bad_input(err,
				    "a network needs 2..%d layer sizes, not %d",
				    ZD_MLP_MAX_LAYERS + 1, nsizes);
	for (int l = 0; l < nsizes; l++)
		if (sizes[l] < 1 || sizes[l] > ZD_MLP_MAX_WIDTH)
			return zd_bad_input(err,
					    "layer %d: %d units is outside "
					    "1..%d",
					    l, sizes[l], ZD_MLP_MAX_WIDTH);
	return 0;
}

/* Allocate a network of this shape, weights zero. */
static int mlp_alloc(const int *sizes, int nsizes, struct zd_mlp **out,
		     struct zd_err *err)
{
	int rc = check_sizes(sizes, nsizes, err);
	if (rc != 0)
		return rc;
	struct zd_mlp *m = calloc(1, sizeof(*m));
	if (m == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	m->nlayers = nsizes - 1;
	size_t nact = 0;
	int width = 0;
	for (int l = 0; l < nsizes; l++) {
		m->size[l] = sizes[l];
		m->aoff[l] = nact;
		nact += (size_t)sizes[l];
		if (sizes[l] > width)
			width = sizes[l];
	}
	for (int l = 0; l < m->nlayers; l++) {
		size_t nw = (size_t)sizes[l] * (size_t)sizes[l + 1];
		if (l > 0 && nw > m->wmax)
			m->wmax = nw;
		m->woff[l] = m->nparams;
		m->nparams += (size_t)sizes[l] * (size_t)sizes[l + 1];
		m->boff[l] = m->nparams;
		m->nparams += (size_t)sizes[l + 1];
	}
	m->param = calloc(m->nparams, sizeof(float));
	m->grad = calloc(m->nparams, sizeof(float));
	m->adam_m = calloc(m->nparams, sizeof(float));
	m->adam_v = calloc(m->nparams, sizeof(float));
	m->act = calloc(nact, sizeof(float));
	m->width = width;
	m->delta = calloc((size_t)width, sizeof(float));
	m->delta_prev = calloc((size_t)width, sizeof(float));
	if (!m->param || !m->grad || !m->adam_m || !m->adam_v || !m->act ||
	    !m->delta || !m->delta_prev) {
		zd_mlp_free(m);
		return zd_fail(err, ENOMEM, "out of memory");
	}
	*out = m;
	return 0;
}

int zd_mlp_new(const int *sizes, int nsizes, uint64_t seed, struct zd_mlp **out,
	       struct zd_err *err)
{
	struct zd_mlp *m = NULL;
	int rc = mlp_alloc(sizes, nsizes, &m, err);
	if (rc != 0)
		return rc;
	/* He et al. 2015: N(0, 2/fan_in) keeps ReLU activations' variance
	 * steady through the layers; biases start at zero. */
	uint64_t rng = seed;
	for (int l = 0; l < m->nlayers; l++) {
		double sd = sqrt(2.0 / m->size[l]);
		size_t n = (size_t)m->size[l] * (size_t)m->size[l + 1];
		for (size_t i = 0; i < n; i++)
			m->param[m->woff[l] + i] =
			    (float)(sd * zd_rng_normal(&rng));
	}
	*out = m;
	return 0;
}

void zd_mlp_free(struct zd_mlp *m)
{
	if (m == NULL)
		return;
	free(m->param);
	free(m->grad);
	free(m->adam_m);
	free(m->adam_v);
	free(m->act);
	free(m->delta);
	free(m->delta_prev);
	free(m->bdelta);
	free(m->bprev);
	free(m->bidx);
	free(m->bx);
	free(m->brow);
	free(m->bw);
	free(m);
}

int zd_mlp_clone(const struct zd_mlp *src, struct zd_mlp **out,
		 struct zd_err *err)
{
	int rc = mlp_alloc(src->size, src->nlayers + 1, out, err);
	if (rc == 0)
		zd_mlp_copy_params(*out, src);
	return rc;
}

void zd_mlp_copy_params(struct zd_mlp *dst, const struct zd_mlp *src)
{
	dst->memo = false;
	memcpy(dst->param, src->param, src->nparams * sizeof(float));
}

int zd_mlp_ninputs(const struct zd_mlp *m)
{
	return m->size[0];
}

int zd_mlp_nlayers(const struct zd_mlp *m)
{
	return m->nlayers;
}

int zd_mlp_size(const struct zd_mlp *m, int l)
{
	return m->size[l];
}

int zd_mlp_noutputs(const struct zd_mlp *m)
{
	return m->size[m->nlayers];
}

size_t zd_mlp_nparams(const struct zd_mlp *m)
{
	return m->nparams;
}

float *zd_mlp_params(struct zd_mlp *m)
{
	m->memo = false;
	return m->param;
}

const float *zd_mlp_grads(const struct zd_mlp *m)
{
	return m->grad;
}

/* One dense layer, y = W x + b (ReLU'd when relu): each output's sum
 * runs over the inputs in order, as a one-output loop would (so the
 * results are the same to the bit), eight outputs side by side so that
 * their chains of dependent additions overlap. */
static void dense(const float *w, const float *b, const float *x, int nin,
		  int nout, bool relu, float *y)
{
	enum { LANES = 8 };
	int j = 0;
	for (; j + LANES <= nout; j += LANES) {
		const float *row = w + (size_t)j * (size_t)nin;
		float s[LANES];
		for (int k = 0; k < LANES; k++)
			s[k] = b[j + k];
		for (int i = 0; i < nin; i++) {
			float xi = x[i];
			for (int k = 0; k < LANES; k++)
				s[k] +=
				    row[(size_t)k * (size_t)nin + (size_t)i] *
				    xi;
		}
		for (int k = 0; k < LANES; k++)
			y[j + k] = relu && s[k] < 0.0f ? 0.0f : s[k];
	}
	for (; j < nout; j++) {
		const float *row = w + (size_t)j * (size_t)nin;
		float s = b[j];
		for (int i = 0; i < nin; i++)
			s += row[i] * x[i];
		y[j] = relu && s < 0.0f ? 0.0f : s;
	}
}

const float *zd_mlp_forward(struct zd_mlp *m, const float *in)
{
	memcpy(m->act, in, (size_t)m->size[0] * sizeof(float));
	for (int l = 0; l < m->nlayers; l++)
		dense(m->param + m->woff[l], m->param + m->boff[l],
		      m->act + m->aoff[l], m->size[l], m->size[l + 1],
		      l < m->nlayers - 1, m->act + m->aoff[l + 1]);
	m->memo = true;
	return m->act + m->aoff[m->nlayers];
}

const float *zd_mlp_forward_cached(struct zd_mlp *m, const float *in)
{
	if (m->memo &&
	    memcmp(m->act, in, (size_t)m->size[0] * sizeof(float)) == 0)
		return m->act + m->aoff[m->nlayers];
	return zd_mlp_forward(m, in);
}

void zd_mlp_backward(struct zd_mlp *m, const float *grad_out)
{
	float *delta = m->delta, *prev = m->delta_prev;
	memcpy(delta, grad_out, (size_t)m->size[m->nlayers] * sizeof(float));
	for (int l = m->nlayers - 1; l >= 0; l--) {
		int nin = m->size[l], nout = m->size[l + 1];
		const float *x = m->act + m->aoff[l];
		const float *w = m->param + m->woff[l];
		float *gw = m->grad + m->woff[l];
		float *gb = m->grad + m->boff[l];
		if (l > 0)
			memset(prev, 0, (size_t)nin * sizeof(float));
		for (int j = 0; j < nout; j++) {
			float d = delta[j];
			if (d == 0.0f)
				continue;
			float *grow = gw + (size_t)j * (size_t)nin;
			const float *row = w + (size_t)j * (size_t)nin;
			gb[j] += d;
			for (int i = 0; i < nin; i++)
				grow[i] += d * x[i];
			if (l > 0)
				for (int i = 0; i < nin; i++)
					prev[i] += d * row[i];
		}
		if (l > 0) {
			/* ReLU passes the gradient where its output was positive */
			for (int i = 0; i < nin; i++)
				if (x[i] <= 0.0f)
					prev[i] = 0.0f;
			float *t = delta;
			delta = prev;
			prev = t;
		}
	}
}

/* Columns held in registers at a time by add_outer and back_delta: a
 * wide block, then a narrow one, then one at a time; any width gives the
 * same sums (each column's own, in the same order). */
enum { WIDE = 32, NARROW = 16 };

/* grow[i0 .. i0 + width) += d_s * x[i] for every sample s with d_s != 0,
 * in sample order, the block held in registers. */
static inline __attribute__((always_inline)) void
outer_block(float *grow, const float *x, int width, const float *d, int n,
	    int dstride)
{
	float acc[WIDE];
	memcpy(acc, grow, sizeof(float) * (size_t)width);
	for (int s = 0; s < n; s++) {
		float ds = d[(size_t)s * (size_t)dstride];
		if (ds == 0.0f)
			continue;
		for (int k = 0; k < width; k++)
			acc[k] += ds * x[k];
	}
	memcpy(grow, acc, sizeof(float) * (size_t)width);
}

/* grow[i] += d_s * x[i] for every sample s with d_s != 0, in sample
 * order, as n calls of zd_mlp_backward add them; the row is held in
 * registers a block at a time instead of stored after every sample. */
AVX2_CLONE
static void add_outer(float *grow, const float *x, int nin, const float *d,
		      int n, int dstride)
{
	int i0 = 0;
	for (; i0 + WIDE <= nin; i0 += WIDE)
		outer_block(grow + i0, x + i0, WIDE, d, n, dstride);
	if (i0 + NARROW <= nin) {
		outer_block(grow + i0, x + i0, NARROW, d, n, dstride);
		i0 += NARROW;
	}
	for (int s = 0; s < n; s++) {
		float ds = d[(size_t)s * (size_t)dstride];
		if (ds == 0.0f)
			continue;
		for (int i = i0; i < nin; i++)
			grow[i] += ds * x[i];
	}
}

/* prev[i0 .. i0 + width) = sum over j (in order, skipping d[j] == 0) of
 * d[j] * W[j][i], the block held in registers. */
static inline __attribute__((always_inline)) void
delta_block(const float *w, const float *d, int nin, int nout, int width,
	    float *prev)
{
	float acc[WIDE] = {0};
	for (int j = 0; j < nout; j++) {
		float dj = d[j];
		if (dj == 0.0f)
			continue;
		const float *row = w + (size_t)j * (size_t)nin;
		for (int k = 0; k < width; k++)
			acc[k] += dj * row[k];
	}
	memcpy(prev, acc, sizeof(float) * (size_t)width);
}

/* prev[i] = sum over j (in order, skipping d[j] == 0) of d[j] * W[j][i],
 * as zd_mlp_backward sums it, a block of inputs at a time in registers. */
AVX2_CLONE
static void back_delta(const float *w, const float *d, int nin, int nout,
		       float *prev)
{
	int i0 = 0;
	for (; i0 + WIDE <= nin; i0 += WIDE)
		delta_block(w + i0, d, nin, nout, WIDE, prev + i0);
	if (i0 + NARROW <= nin) {
		delta_block(w + i0, d, nin, nout, NARROW, prev + i0);
		i0 += NARROW;
	}
	for (int i = i0; i < nin; i++)
		prev[i] = 0.0f;
	for (int j = 0; j < nout; j++) {
		float dj = d[j];
		if (dj == 0.0f)
			continue;
		const float *row = w + (size_t)j * (size_t)nin;
		for (int i = i0; i < nin; i++)
			prev[i] += dj * row[i];
	}
}

/* Scratch for n samples; false when there is no memory for it. */
static bool batch_scratch(struct zd_mlp *m, int n)
{
	if (n <= m->bcap)
		return true;
	size_t len = (size_t)n * (size_t)m->width;
	float *d = malloc(len * sizeof(float));
	float *p = malloc(len * sizeof(float));
	if (!d || !p) {
		free(d);
		free(p);
		return false;
	}
	free(m->bdelta);
	free(m->bprev);
	m->bdelta = d;
	m->bprev = p;
	m->bcap = n;
	if (!m->bidx) {
		m->bidx = malloc(sizeof(int) * (size_t)m->width);
		m->bx = malloc(sizeof(float) * (size_t)m->width);
		m->brow = malloc(sizeof(float) * (size_t)m->width);
		m->bw = malloc(sizeof(float) * (m->wmax ? m->wmax : 1));
	}
	return true;
}

static bool all_finite(const float *d, int n, int nout, size_t stride)
{
	for (int s = 0; s < n; s++)
		for (int j = 0; j < nout; j++)
			if (!isfinite(d[(size_t)s * stride + (size_t)j]))
				return false;
	return true;
}

/* A layer fed by a ReLU, over its live inputs (> 0) only: a dead input
 * adds d * 0 = 0 to its weights' gradients (d finite: checked; a
 * gradient summed from +0 is never -0, so adding a zero leaves it as it
 * is) and gets no gradient back (the ReLU zeroes it), so the live inputs'
 * sums, in the same order, are all there is: the same to the bit with
 * about half the work. */
static void backward_live(struct zd_mlp *m, int l, const int *idx, int na,
			  const float *delta, float *prev, int n)
{
	int nin = m->size[l], nout = m->size[l + 1];
	size_t W = (size_t)m->width;
	const float *x = m->act + m->aoff[l];
	const float *w = m->param + m->woff[l];
	float *gw = m->grad + m->woff[l];
	float *xa = m->bx, *row = m->brow, *wa = m->bw;
	for (int k = 0; k < na; k++)
		xa[k] = x[idx[k]];
	for (int j = 0; j < nout; j++) {
		float *grow = gw + (size_t)j * (size_t)nin;
		const float *wrow = w + (size_t)j * (size_t)nin;
		for (int k = 0; k < na; k++) {
			row[k] = grow[idx[k]];
			wa[(size_t)j * (size_t)na + (size_t)k] = wrow[idx[k]];
		}
		add_outer(row, xa, na, delta + j, n, (int)W);
		for (int k = 0; k < na; k++)
			grow[idx[k]] = row[k];
	}
	for (int s = 0; s < n; s++) {
		float *ps = prev + (size_t)s * W;
		back_delta(wa, delta + (size_t)s * W, na, nout, row);
		memset(ps, 0, (size_t)nin * sizeof(float));
		for (int k = 0; k < na; k++)
			ps[idx[k]] = row[k];
	}
}

void zd_mlp_backward_n(struct zd_mlp *m, const float *grad_out, int n)
{
	int nout_net = m->size[m->nlayers];
	if (!batch_scratch(m, n) || !m->bidx || !m->bx || !m->brow || !m->bw) {
		/* no scratch: one sample at a time, the same sums */
		for (int s = 0; s < n; s++)
			zd_mlp_backward(
			    m, grad_out + (size_t)s * (size_t)nout_net);
		return;
	}
	size_t W = (size_t)m->width;
	float *delta = m->bdelta, *prev = m->bprev;
	for (int s = 0; s < n; s++)
		memcpy(delta + (size_t)s * W, grad_out + (size_t)s * nout_net,
		       (size_t)nout_net * sizeof(float));
	for (int l = m->nlayers - 1; l >= 0; l--) {
		int nin = m->size[l], nout = m->size[l + 1];
		const float *x = m->act + m->aoff[l];
		const float *w = m->param + m->woff[l];
		float *gw = m->grad + m->woff[l];
		float *gb = m->grad + m->boff[l];
		for (int j = 0; j < nout; j++) {
			float b = gb[j];
			for (int s = 0; s < n; s++) {
				float d = delta[(size_t)s * W + (size_t)j];
				if (d != 0.0f)
					b += d;
			}
			gb[j] = b;
		}
		int na = 0;
		for (int i = 0; l > 0 && i < nin; i++)
			if (x[i] > 0.0f)
				m->bidx[na++] = i;
		if (l > 0 && na < nin && all_finite(delta, n, nout, W)) {
			backward_live(m, l, m->bidx, na, delta, prev, n);
		} else {
			for (int j = 0; j < nout; j++)
				add_outer(gw + (size_t)j * (size_t)nin, x, nin,
					  delta + j, n, (int)W);
			if (l == 0)
				break;
			for (int s = 0; s < n; s++) {
				float *ps = prev + (size_t)s * W;
				back_delta(w, delta + (size_t)s * W, nin, nout,
					   ps);
				/* ReLU passes the gradient where its output
				 * was positive */
				for (int i = 0; i < nin; i++)
					if (x[i] <= 0.0f)
						ps[i] = 0.0f;
			}
		}
		float *t = delta;
		delta = prev;
		prev = t;
	}
}

void zd_mlp_zero_grad(struct zd_mlp *m)
{
	memset(m->grad, 0, m->nparams * sizeof(float));
}

struct zd_adam zd_adam_default(float lr)
{
	struct zd_adam a = {
	    .lr = lr, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f};
	return a;
}

/* Adam's update of n weights (the loop is vectorised: the same
 * operations per weight). */
AVX2_CLONE
static void adam_update(float *restrict param, float *restrict am,
			float *restrict av, const float *restrict grad,
			size_t n, float grad_scale, float b1, float b2,
			float step, float eps)
{
	for (size_t i = 0; i < n; i++) {
		float g = grad[i] * grad_scale;
		am[i] = b1 * am[i] + (1.0f - b1) * g;
		av[i] = b2 * av[i] + (1.0f - b2) * g * g;
		param[i] -= step * am[i] / (sqrtf(av[i]) + eps);
	}
}

void zd_mlp_adam_step(struct zd_mlp *m, const struct zd_adam *a,
		      float grad_scale)
{
	m->adam_t++;
	m->memo = false;
	/* bias correction folded into the step size (Kingma and Ba, sec. 2) */
	double c1 = 1.0 - pow(a->beta1, (double)m->adam_t);
	double c2 = 1.0 - pow(a->beta2, (double)m->adam_t);
	float step = (float)(a->lr * sqrt(c2) / c1);
	float eps = (float)(a->eps * sqrt(c2));
	adam_update(m->param, m->adam_m, m->adam_v, m->grad, m->nparams,
		    grad_scale, a->beta1, a->beta2, step, eps);
	zd_mlp_zero_grad(m);
}

float zd_mlp_loss(const float *out, int nout, const int *idx,
		  const float *target, int n, float huber_delta,
		  float *grad_out)
{
	memset(grad_out, 0, (size_t)nout * sizeof(float));
	if (n <= 0)
		return 0.0f;
	float loss = 0.0f;
	for (int i = 0; i < n; i++) {
		float d = out[idx[i]] - target[i];
		if (huber_delta > 0.0f && fabsf(d) > huber_delta) {
			loss += huber_delta * (fabsf(d) - 0.5f * huber_delta);
			grad_out[idx[i]] +=
			    (d > 0 ? huber_delta : -huber_delta) / n;
		} else {
			loss += 0.5f * d * d;
			grad_out[idx[i]] += d / n;
		}
	}
	return loss / n;
}

json_t *zd_mlp_to_json(const struct zd_mlp *m)
{
	json_t *j = json_object(), *sizes = json_array(),
	       *layers = json_array();
	if (!j || !sizes || !layers) {
		json_decref(j);
		json_decref(sizes);
		json_decref(layers);
		return NULL;
	}
	json_object_set_new(j, "sizes", sizes);
	json_object_set_new(j, "layers", layers);
	for (int l = 0; l <= m->nlayers; l++)
		if (json_array_append_new(sizes, json_integer(m->size[l])) != 0)
			goto fail;
	for (int l = 0; l < m->nlayers; l++) {
		size_t nw = (size_t)m->size[l] * (size_t)m->size[l + 1];
		json_t *layer = json_object();
		json_t *w = zd_jr_floats_new(m->param + m->woff[l], nw);
		json_t *b = zd_jr_floats_new(m->param + m->boff[l],
					     (size_t)m->size[l + 1]);
		if (!layer || !w || !b) {
			json_decref(layer);
			json_decref(w);
			json_decref(b);
			goto fail;
		}
		json_object_set_new(layer, "w", w);
		json_object_set_new(layer, "b", b);
		if (json_array_append_new(layers, layer) != 0)
			goto fail;
	}
	return j;
fail:
	json_decref(j);
	return NULL;
}

static int read_sizes(const json_t *j, const struct zd_jr *v, const char *where,
		      int *sizes, int *nsizes)
{
	char path[256];
	zd_jr_path(path, sizeof(path), where, "sizes");
	json_t *arr = json_object_get(j, "sizes");
	if (!json_is_array(arr) || json_array_size(arr) < 2 ||
	    json_array_size(arr) > ZD_MLP_MAX_LAYERS + 1)
		return zd_jr_bad(v, path,
				 "must be an array of 2..%d layer sizes",
				 ZD_MLP_MAX_LAYERS + 1);
	*nsizes = (int)json_array_size(arr);
	for (int l = 0; l < *nsizes; l++) {
		json_t *x = json_array_get(arr, (size_t)l);
		if (!json_is_integer(x) || json_integer_value(x) < 1 ||
		    json_integer_value(x) > ZD_MLP_MAX_WIDTH)
			return zd_jr_bad(v, path,
					 "entry %d must be an integer "
					 "1..%d",
					 l, ZD_MLP_MAX_WIDTH);
		sizes[l] = (int)json_integer_value(x);
	}
	return 0;
}

int zd_mlp_from_json(const json_t *j, const struct zd_jr *v, const char *where,
		     struct zd_mlp **out)
{
	int sizes[ZD_MLP_MAX_LAYERS + 1], nsizes = 0;
	if (!json_is_object(j))
		return zd_jr_bad(v, where, "must be an object");
	int rc = read_sizes(j, v, where, sizes, &nsizes);
	json_t *layers = NULL;
	if (rc == 0)
		rc = zd_jr_array(v, j, where, "layers", (size_t)(nsizes - 1),
				 &layers);
	struct zd_mlp *m = NULL;
	if (rc == 0)
		rc = mlp_alloc(sizes, nsizes, &m, v->err);
	for (int l = 0; rc == 0 && l < nsizes - 1; l++) {
		char path[300];
		snprintf(path, sizeof(path), "%s.layers[%d]", where, l);
		json_t *layer = json_array_get(layers, (size_t)l);
		if (!json_is_object(layer)) {
			rc = zd_jr_bad(v, path, "must be an object");
			break;
		}
		size_t nw = (size_t)sizes[l] * (size_t)sizes[l + 1];
		rc = zd_jr_floats(v, layer, path, "w", m->param + m->woff[l],
				  nw);
		if (rc == 0)
			rc = zd_jr_floats(v, layer, path, "b",
					  m->param + m->boff[l],
					  (size_t)sizes[l + 1]);
	}
	if (rc != 0) {
		zd_mlp_free(m);
		return rc;
	}
	*out = m;
	return 0;
}
