/* fdtd-2d.c - PolyBench-style 2-D finite-difference time-domain (Yee)
 * kernel: electric fields ex, ey and magnetic field hz updated in
 * alternation for T time steps, written from the algorithm as an OpenMP
 * workload.
 *
 * N is NX, the rows of the grid; NY = 6N/5 columns and T = N/2 steps.  Row
 * 0 of ey is driven by a source term each step.
 * Parallelisation: one parallel region around the time loop; each step has
 * `omp for` loops (static schedule) over rows.  The ey and ex updates read
 * only hz and write different arrays, so the ey loop is `nowait`; the
 * barrier after ex orders both before hz, which reads them, and the barrier
 * after hz orders it before the next step.  Each element has one writer.
 * Check: a serial implementation on fresh fields, compared with wl_close.
 */
#include "wl.h"

#define NAME "fdtd-2d"
#define TOL 1e-9

struct dims {
	long nx, ny, tmax;
};

static void init(struct dims d, double (*ex)[d.ny], double (*ey)[d.ny],
		 double (*hz)[d.ny], double *fict)
{
	for (long t = 0; t < d.tmax; t++)
		fict[t] = (double)t;
	for (long i = 0; i < d.nx; i++)
		for (long j = 0; j < d.ny; j++) {
			ex[i][j] = (double)(i * (j + 1)) / (double)d.nx;
			ey[i][j] = (double)(i * (j + 2)) / (double)d.ny;
			hz[i][j] = (double)(i * (j + 3)) / (double)d.nx;
		}
}

static void kernel(struct dims d, double (*ex)[d.ny], double (*ey)[d.ny],
		   double (*hz)[d.ny], const double *fict)
{
#pragma omp parallel
	for (long t = 0; t < d.tmax; t++) {
#pragma omp for schedule(static) nowait
		for (long i = 0; i < d.nx; i++) {
			if (i == 0) {
				for (long j = 0; j < d.ny; j++)
					ey[0][j] = fict[t];
				continue;
			}
			for (long j = 0; j < d.ny; j++)
				ey[i][j] -= 0.5 * (hz[i][j] - hz[i - 1][j]);
		}
#pragma omp for schedule(static)
		for (long i = 0; i < d.nx; i++)
			for (long j = 1; j < d.ny; j++)
				ex[i][j] -= 0.5 * (hz[i][j] - hz[i][j - 1]);
#pragma omp for schedule(static)
		for (long i = 0; i < d.nx - 1; i++)
			for (long j = 0; j < d.ny - 1; j++)
				hz[i][j] -= 0.7 * (ex[i][j + 1] - ex[i][j] +
						   ey[i + 1][j] - ey[i][j]);
	}
}

static void reference(struct dims d, double *ex, double *ey, double *hz,
		      const double *fict)
{
	long ny = d.ny;

	for (long t = 0; t < d.tmax; t++) {
		for (long j = 0; j < ny; j++)
			ey[j] = fict[t];
		for (long i = 1; i < d.nx; i++)
			for (long j = 0; j < ny; j++)
				ey[i * ny + j] -=
					0.5 * (hz[i * ny + j] - hz[(i - 1) * ny + j]);
		for (long i = 0; i < d.nx; i++)
			for (long j = 1; j < ny; j++)
				ex[i * ny + j] -=
					0.5 * (hz[i * ny + j] - hz[i * ny + j - 1]);
		for (long i = 0; i < d.nx - 1; i++)
			for (long j = 0; j < ny - 1; j++)
				hz[i * ny + j] -=
					0.7 * (ex[i * ny + j + 1] - ex[i * ny + j] +
					       ey[(i + 1) * ny + j] - ey[i * ny + j]);
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
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 60, 300, 1000 });
	struct dims d = { n, n * 6 / 5 > 0 ? n * 6 / 5 : 1,
			  n / 2 > 0 ? n / 2 : 1 };
	size_t cells = (size_t)d.nx * (size_t)d.ny;
	/* fields: ex, ey, hz for the kernel, then the same for the reference */
	double *f[6];
	for (int k = 0; k < 6; k++)
		f[k] = wl_alloc(NAME, cells, sizeof(double));
	double *fict = wl_alloc(NAME, (size_t)d.tmax, sizeof(double));

	init(d, (double (*)[d.ny])f[0], (double (*)[d.ny])f[1],
	     (double (*)[d.ny])f[2], fict);
	for (int k = 0; k < 3; k++)
		memcpy(f[k + 3], f[k], cells * sizeof(double));

	double t0 = wl_kernel_begin();
	kernel(d, (double (*)[d.ny])f[0], (double (*)[d.ny])f[1],
	       (double (*)[d.ny])f[2], fict);
	double t1 = wl_kernel_end();

	reference(d, f[3], f[4], f[5], fict);
	int ok = 1;
	for (int k = 0; k < 3 && ok; k++)
		ok = check_close(f[k], f[k + 3], cells);

	for (int k = 0; k < 6; k++)
		free(f[k]);
	free(fict);
	return wl_report(NAME, n, t1 - t0, ok);
}
