/* nbody.c - gravitational N-body simulation, all pairs (softened), leapfrog
 * time steps: O(N^2) arithmetic per step on data that fits in cache; at the
 * standard size a long runner.
 * Manifest: kind particles, group nbody.
 *
 * N is the number of bodies; 10 steps.
 * Parallelisation: per step one worksharing loop (schedule static) computes
 * each body's acceleration from all others (each body has one writer), then
 * one updates velocities and positions.
 * Check: the same steps run serially give the same positions to 1e-9, and
 * momentum stays near its initial value.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "nbody"
#define STEPS 10
#define DT 1e-3
#define EPS2 1e-4

struct bodies {
	double *x, *y, *z, *vx, *vy, *vz, *m, *ax, *ay, *az;
};

static void accel(long n, const struct bodies *b, long i)
{
	double ax = 0.0, ay = 0.0, az = 0.0;
	for (long j = 0; j < n; j++) {
		double dx = b->x[j] - b->x[i], dy = b->y[j] - b->y[i],
		       dz = b->z[j] - b->z[i];
		double r2 = dx * dx + dy * dy + dz * dz + EPS2;
		double inv = b->m[j] / (r2 * sqrt(r2));
		ax += dx * inv;
		ay += dy * inv;
		az += dz * inv;
	}
	b->ax[i] = ax;
	b->ay[i] = ay;
	b->az[i] = az;
}

static void move(const struct bodies *b, long i)
{
	b->vx[i] += DT * b->ax[i];
	b->vy[i] += DT * b->ay[i];
	b->vz[i] += DT * b->az[i];
	b->x[i] += DT * b->vx[i];
	b->y[i] += DT * b->vy[i];
	b->z[i] += DT * b->vz[i];
}

static void simulate(long n, const struct bodies *b)
{
	for (int s = 0; s < STEPS; s++) {
#pragma omp parallel
		{
#pragma omp for schedule(static)
			for (long i = 0; i < n; i++)
				accel(n, b, i);
#pragma omp for schedule(static)
			for (long i = 0; i < n; i++)
				move(b, i);
		}
	}
}

static void init(long n, struct bodies *b)
{
	double **f[] = { &b->x, &b->y, &b->z, &b->vx, &b->vy, &b->vz, &b->m,
			 &b->ax, &b->ay, &b->az };
	for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++)
		*f[k] = wl_alloc(NAME, (size_t)n, sizeof(double));
	uint64_t s = 1;
	for (long i = 0; i < n; i++) {
		double u[3];
		for (int k = 0; k < 3; k++) {
			s = s * 6364136223846793005ULL + 1442695040888963407ULL;
			u[k] = (double)(s >> 11) * 0x1.0p-53 - 0.5;
		}
		b->x[i] = u[0];
		b->y[i] = u[1];
		b->z[i] = u[2];
		b->vx[i] = -u[1] * 0.1;
		b->vy[i] = u[0] * 0.1;
		b->vz[i] = 0.0;
		b->m[i] = 1.0 / (double)n;
	}
}

static void release(struct bodies *b)
{
	double *f[] = { b->x, b->y, b->z, b->vx, b->vy, b->vz, b->m, b->ax, b->ay, b->az };
	for (size_t k = 0; k < sizeof(f) / sizeof(f[0]); k++)
		free(f[k]);
}

static double momentum(long n, const struct bodies *b)
{
	double px = 0.0;
	for (long i = 0; i < n; i++)
		px += b->m[i] * b->vx[i];
	return px;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, NAME,
			       (struct wl_sizes){ 300, 700, 60000 });
	struct bodies b, r;
	init(n, &b);
	init(n, &r);
	double p0 = momentum(n, &b);

	double t0 = wl_kernel_begin();
	simulate(n, &b);
	double t1 = wl_kernel_end();

	for (int s = 0; s < STEPS; s++) {
		for (long i = 0; i < n; i++)
			accel(n, &r, i);
		for (long i = 0; i < n; i++)
			move(&r, i);
	}
	int ok = fabs(momentum(n, &b) - p0) < 1e-6;
	for (long i = 0; i < n && ok; i++)
		if (!wl_close(b.x[i], r.x[i], 1e-9) || !wl_close(b.y[i], r.y[i], 1e-9) ||
		    !wl_close(b.z[i], r.z[i], 1e-9)) {
			fprintf(stderr, NAME ": body %ld at %.17g, expected %.17g\n", i,
				b.x[i], r.x[i]);
			ok = 0;
		}
	if (!ok)
		fprintf(stderr, NAME ": momentum %.3g, initially %.3g\n",
			momentum(n, &b), p0);
	release(&b);
	release(&r);
	return wl_report(NAME, n, t1 - t0, ok);
}
