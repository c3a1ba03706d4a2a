/* backprop.c - Rodinia-style training of a two-layer perceptron (N inputs,
 * 16 hidden units, 1 output) by back-propagation: forward pass, output and
 * hidden errors, weight updates with momentum, over 8 training samples.
 * Manifest: kind apps, group backprop.
 *
 * N is the number of input units (the weight matrix is (N+1) x 17).
 * Parallelisation: per sample, the forward pass of the input layer is a
 * worksharing loop over the hidden units with each summing its inputs
 * (reduction-free), and the input-to-hidden weight update a worksharing
 * loop over the input units (schedule static); the small output layer is
 * serial.
 * Check: serial training gives the same weights to 1e-10.
 */
#include "wl.h"

#define NAME "backprop"
#define HID 16
#define SAMPLES 8
#define ETA 0.3
#define MOM 0.3

static double squash(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

struct net {
	long n;
	double *w, *dw; /* input -> hidden, [(n+1) * (HID+1)] */
	double wo[HID + 1], dwo[HID + 1];
	double hid[HID + 1], hid_err[HID + 1];
};

static void train(struct net *t, const double *inputs, const double *targets,
		  int parallel)
{
	long n = t->n;
	for (int s = 0; s < SAMPLES; s++) {
		const double *in = inputs + (size_t)s * (size_t)(n + 1);
		t->hid[0] = 1.0;
#pragma omp parallel for schedule(static) if (parallel)
		for (int j = 1; j <= HID; j++) {
			double sum = 0.0;
			for (long i = 0; i <= n; i++)
				sum += t->w[i * (HID + 1) + j] * in[i];
			t->hid[j] = squash(sum);
		}
		double out = 0.0;
		for (int j = 0; j <= HID; j++)
			out += t->wo[j] * t->hid[j];
		out = squash(out);
		double out_err = out * (1.0 - out) * (targets[s] - out);
		for (int j = 1; j <= HID; j++)
			t->hid_err[j] = t->hid[j] * (1.0 - t->hid[j]) * t->wo[j] * out_err;
		for (int j = 0; j <= HID; j++) {
			t->dwo[j] = ETA * out_err * t->hid[j] + MOM * t->dwo[j];
			t->wo[j] += t->dwo[j];
		}
#pragma omp parallel for schedule(static) if (parallel)
		for (long i = 0; i <= n; i++)
			for (int j = 1; j <= HID; j++) {
				long k = i * (HID + 1) + j;
				t->dw[k] = ETA * t->hid_err[j] * in[i] + MOM * t->dw[k];
				t->w[k] += t->dw[k];
			}
	}
}

static void init(long n, struct net *t)
{
	t->n = n;
	t->w = wl_alloc(NAME, (size_t)(n + 1) * (HID + 1), sizeof(double));
	t->dw = wl_alloc(NAME, (size_t)(n + 1) * (HID + 1), sizeof(double));
	for (long k = 0; k < (n + 1) * (HID + 1); k++)
		t->w[k] = (double)((k * 37) % 101 - 50) / 50.0 / sqrt((double)n + 1.0);
	for (int j = 0; j <= HID; j++) {
		t->wo[j] = (double)(j % 5 - 2) / 4.0;
		t->dwo[j] = 0.0;
	}
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 10000, 40000, 4000000 });
	double *inputs = wl_alloc(NAME, (size_t)(n + 1) * SAMPLES, sizeof(double));
	double targets[SAMPLES];
	for (int s = 0; s < SAMPLES; s++) {
		inputs[(size_t)s * (size_t)(n + 1)] = 1.0; /* bias */
		for (long i = 1; i <= n; i++)
			inputs[(size_t)s * (size_t)(n + 1) + (size_t)i] =
				(double)((i * (s + 1)) % 13) / 13.0;
		targets[s] = s % 2 ? 0.9 : 0.1;
	}
	struct net t, r;
	init(n, &t);
	init(n, &r);

	double t0 = wl_kernel_begin();
	train(&t, inputs, targets, 1);
	double t1 = wl_kernel_end();

	train(&r, inputs, targets, 0);
	int ok = 1;
	for (long k = 0; k < (n + 1) * (HID + 1) && ok; k++)
		if (!wl_close(t.w[k], r.w[k], 1e-10)) {
			fprintf(stderr, NAME ": weight %ld is %.17g, expected %.17g\n", k,
				t.w[k], r.w[k]);
			ok = 0;
		}
	for (int j = 0; j <= HID && ok; j++)
		ok = wl_close(t.wo[j], r.wo[j], 1e-10);
	free(inputs);
	free(t.w);
	free(t.dw);
	free(r.w);
	free(r.dw);
	return wl_report(NAME, n, t1 - t0, ok);
}
