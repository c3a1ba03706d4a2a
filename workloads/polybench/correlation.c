/* correlation.c - PolyBench-style correlation matrix of M variables over
 * N observations (Pearson), written from the algorithm as an OpenMP
 * workload.
 *
 * N (the size argument) is M, the number of variables (columns of data,
 * order of corr); there are 7M/6 observations (rows of data).
 * Parallelisation: one parallel region.  An `omp for` over the columns j
 * computes each variable's mean and standard deviation; an `omp for` over
 * the rows standardises data in place; an `omp for` over i with a dynamic
 * schedule (the rows of the upper triangle shrink) computes corr[i][j] for
 * j > i as a dot product of columns i and j and mirrors it to corr[j][i].
 * Every element has one writer; the implicit barriers order the phases.
 * Check: a serial implementation that sweeps data row by row (sums and the
 * upper triangle accumulated over observations k), compared with wl_close.
 */
#include "wl.h"

#define NAME "correlation"
#define TOL 1e-9
/* A variable this flat counts as constant: divide by 1, not by ~0. */
#define FLAT_STDDEV 1e-9

static long scaled(long n, long num, long den)
{
	long v = n * num / den;
	return v > 0 ? v : 1;
}

static void init(long nobs, long m, double (*data)[m])
{
	for (long i = 0; i < nobs; i++)
		for (long j = 0; j < m; j++)
			data[i][j] = (double)((i * (j + 1)) % 97) / 97.0 +
				     (double)i / (double)nobs;
}

static void kernel(long nobs, long m, double (*data)[m], double *mean,
		   double *stddev, double (*corr)[m])
{
	double fn = (double)nobs;

#pragma omp parallel
	{
#pragma omp for schedule(static)
		for (long j = 0; j < m; j++) {
			double s = 0.0;
			for (long i = 0; i < nobs; i++)
				s += data[i][j];
			mean[j] = s / fn;
			double v = 0.0;
			for (long i = 0; i < nobs; i++)
				v += (data[i][j] - mean[j]) * (data[i][j] - mean[j]);
			v = sqrt(v / fn);
			stddev[j] = v <= FLAT_STDDEV ? 1.0 : v;
		}
#pragma omp for schedule(static)
		for (long i = 0; i < nobs; i++)
			for (long j = 0; j < m; j++)
				data[i][j] = (data[i][j] - mean[j]) /
					     (sqrt(fn) * stddev[j]);
#pragma omp for schedule(dynamic, 4)
		for (long i = 0; i < m; i++) {
			corr[i][i] = 1.0;
			for (long j = i + 1; j < m; j++) {
				double s = 0.0;
				for (long k = 0; k < nobs; k++)
					s += data[k][i] * data[k][j];
				corr[i][j] = s;
				corr[j][i] = s;
			}
		}
	}
}

/* Serial reference, row-wise sweeps; mean, sd are m-long scratch. */
static void reference(long nobs, long m, double (*data)[m], double *mean,
		      double *sd, double (*corr)[m])
{
	double fn = (double)nobs;

	for (long j = 0; j < m; j++) {
		mean[j] = 0.0;
		sd[j] = 0.0;
	}
	for (long i = 0; i < nobs; i++)
		for (long j = 0; j < m; j++)
			mean[j] += data[i][j];
	for (long j = 0; j < m; j++)
		mean[j] /= fn;
	for (long i = 0; i < nobs; i++)
		for (long j = 0; j < m; j++) {
			double dev = data[i][j] - mean[j];
			sd[j] += dev * dev;
		}
	for (long j = 0; j < m; j++) {
		sd[j] = sqrt(sd[j] / fn);
		if (sd[j] <= FLAT_STDDEV)
			sd[j] = 1.0;
	}
	for (long i = 0; i < nobs; i++)
		for (long j = 0; j < m; j++)
			data[i][j] = (data[i][j] - mean[j]) / (sqrt(fn) * sd[j]);
	for (long i = 0; i < m; i++)
		for (long j = 0; j < m; j++)
			corr[i][j] = i == j ? 1.0 : 0.0;
	for (long k = 0; k < nobs; k++)
		for (long i = 0; i < m; i++)
			for (long j = i + 1; j < m; j++)
				corr[i][j] += data[k][i] * data[k][j];
	for (long i = 0; i < m; i++)
		for (long j = i + 1; j < m; j++)
			corr[j][i] = corr[i][j];
}

/* Compare result and reference; name the first bad element. */
static int check_close(const double *got, const double *want, size_t count)
{
	for (size_t e = 0; e < count; e++)
		if (!wl_close(got[e], want[e], TOL)) {
			fprintf(stderr, NAME ": element %zu is %.17g, expected %.17g\n",
				e, got[e], want[e]);
			return 0;
		}
	return 1;
}

int main(int argc, char **argv)
{
	long m = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 100, 360, 1200 });
	long nobs = scaled(m, 7, 6);
	size_t ndata = (size_t)nobs * (size_t)m;
	size_t ncorr = (size_t)m * (size_t)m;

	double *data = wl_alloc(NAME, ndata, sizeof(double));
	double *dref = wl_alloc(NAME, ndata, sizeof(double));
	double *mean = wl_alloc(NAME, (size_t)m, sizeof(double));
	double *sd = wl_alloc(NAME, (size_t)m, sizeof(double));
	double *mref = wl_alloc(NAME, (size_t)m, sizeof(double));
	double *sref = wl_alloc(NAME, (size_t)m, sizeof(double));
	double *corr = wl_alloc(NAME, ncorr, sizeof(double));
	double *cref = wl_alloc(NAME, ncorr, sizeof(double));

	init(nobs, m, (double (*)[m])data);
	memcpy(dref, data, ndata * sizeof(double));

	double t0 = wl_kernel_begin();
	kernel(nobs, m, (double (*)[m])data, mean, sd, (double (*)[m])corr);
	double t1 = wl_kernel_end();

	reference(nobs, m, (double (*)[m])dref, mref, sref,
		  (double (*)[m])cref);
	int ok = check_close(mean, mref, (size_t)m) &&
		 check_close(sd, sref, (size_t)m) &&
		 check_close(corr, cref, ncorr);

	free(data);
	free(dref);
	free(mean);
	free(sd);
	free(mref);
	free(sref);
	free(corr);
	free(cref);
	return wl_report(NAME, m, t1 - t0, ok);
}
