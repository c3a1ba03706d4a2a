/* covariance.c - PolyBench-style sample covariance matrix of M variables
 * over N observations, written from the algorithm as an OpenMP workload.
 *
 * N (the size argument) is M, the number of variables (columns of data,
 * order of cov); there are 7M/6 observations (rows of data, at least 2).
 * Parallelisation: one parallel region.  An `omp for` over the columns j
 * computes each variable's mean; an `omp for` over the rows centres data in
 * place; an `omp for` over i with a dynamic schedule (the rows of the upper
 * triangle shrink) computes cov[i][j] for j >= i as a dot product of
 * columns i and j divided by (N-1) and mirrors it to cov[j][i].  Every
 * element has one writer; the implicit barriers order the phases.
 * Check: a serial implementation that sweeps data row by row (sums and the
 * upper triangle accumulated over observations k), compared with wl_close.
 */
#include "wl.h"

#define NAME "covariance"
#define TOL 1e-9

static void init(long nobs, long m, double (*data)[m])
{
	for (long i = 0; i < nobs; i++)
		for (long j = 0; j < m; j++)
			data[i][j] = (double)((i * (j + 3) + 1) % 101) / 101.0 +
				     (double)(i * j) / (double)(nobs * m);
}

static void kernel(long nobs, long m, double (*data)[m], double *mean,
		   double (*cov)[m])
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
		}
#pragma omp for schedule(static)
		for (long i = 0; i < nobs; i++)
			for (long j = 0; j < m; j++)
				data[i][j] -= mean[j];
#pragma omp for schedule(dynamic, 4)
		for (long i = 0; i < m; i++)
			for (long j = i; j < m; j++) {
				double s = 0.0;
				for (long k = 0; k < nobs; k++)
					s += data[k][i] * data[k][j];
				s /= fn - 1.0;
				cov[i][j] = s;
				cov[j][i] = s;
			}
	}
}

/* Serial reference, row-wise sweeps; mean is m-long scratch. */
static void reference(long nobs, long m, double (*data)[m], double *mean,
		      double (*cov)[m])
{
	double fn = (double)nobs;

	for (long j = 0; j < m; j++)
		mean[j] = 0.0;
	for (long i = 0; i < nobs; i++)
		for (long j = 0; j < m; j++)
			mean[j] += data[i][j];
	for (long j = 0; j < m; j++)
		mean[j] /= fn;
	for (long i = 0; i < m; i++)
		for (long j = 0; j < m; j++)
			cov[i][j] = 0.0;
	for (long k = 0; k < nobs; k++)
		for (long i = 0; i < m; i++) {
			double di = data[k][i] - mean[i];
			for (long j = i; j < m; j++)
				cov[i][j] += di * (data[k][j] - mean[j]);
		}
	for (long i = 0; i < m; i++)
		for (long j = i; j < m; j++) {
			cov[i][j] /= fn - 1.0;
			cov[j][i] = cov[i][j];
		}
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
	long nobs = m * 7 / 6 > 2 ? m * 7 / 6 : 2;
	size_t ndata = (size_t)nobs * (size_t)m;
	size_t ncov = (size_t)m * (size_t)m;

	double *data = wl_alloc(NAME, ndata, sizeof(double));
	double *mean = wl_alloc(NAME, (size_t)m, sizeof(double));
	double *mref = wl_alloc(NAME, (size_t)m, sizeof(double));
	double *cov = wl_alloc(NAME, ncov, sizeof(double));
	double *cref = wl_alloc(NAME, ncov, sizeof(double));
	double *dref = wl_alloc(NAME, ndata, sizeof(double));

	init(nobs, m, (double (*)[m])data);
	memcpy(dref, data, ndata * sizeof(double));

	double t0 = wl_kernel_begin();
	kernel(nobs, m, (double (*)[m])data, mean, (double (*)[m])cov);
	double t1 = wl_kernel_end();

	/* The reference centres on the fly, so it reads the raw copy. */
	reference(nobs, m, (double (*)[m])dref, mref, (double (*)[m])cref);
	int ok = check_close(mean, mref, (size_t)m) &&
		 check_close(cov, cref, ncov);

	free(data);
	free(mean);
	free(mref);
	free(cov);
	free(cref);
	free(dref);
	return wl_report(NAME, m, t1 - t0, ok);
}
