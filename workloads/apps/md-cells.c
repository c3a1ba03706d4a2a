/* md-cells.c - molecular dynamics of a Lennard-Jones fluid in a periodic
 * box with cell lists: particles are binned into cells of the cut-off
 * size each step and interact only with the 27 neighbouring cells.
 * Manifest: kind particles, group md.
 *
 * N is the number of cells per side of the box (cells of the cut-off size
 * 2.5, at least 3), holding 0.8 particles per unit volume: about 12.5 N^3
 * particles, so the work grows smoothly as N^3; 8 velocity Verlet steps of
 * 0.002.
 * Parallelisation: per step, the binning is a serial counting sort (as in
 * many MD codes, a serial fraction that grows with threads); forces are a
 * worksharing loop over particles (schedule dynamic, 32: cells hold
 * different counts) where each particle sums the forces on itself (no
 * Newton's-third-law sharing, so no write conflicts); velocity and position
 * updates are worksharing loops.
 * Check: the same steps run serially give the same positions to 1e-9.
 */
#include <stdint.h>

#include "wl.h"

#define NAME "md-cells"
#define STEPS 8
#define DT 0.002
#define RC 2.5
#define DENSITY 0.8

struct system {
	long n, nc; /* particles, cells per side */
	double box, cell;
	double *x, *v, *f; /* [3n] */
	long *head;        /* [nc^3 + 1] cell starts into order */
	long *order;       /* particles by cell */
	long *cell_of;     /* [n] */
};

static void bin(struct system *s)
{
	long nc3 = s->nc * s->nc * s->nc;
	for (long c = 0; c <= nc3; c++)
		s->head[c] = 0;
	for (long i = 0; i < s->n; i++) {
		long c[3];
		for (int d = 0; d < 3; d++) {
			c[d] = (long)(s->x[3 * i + d] / s->cell);
			if (c[d] >= s->nc)
				c[d] = s->nc - 1;
		}
		s->cell_of[i] = (c[2] * s->nc + c[1]) * s->nc + c[0];
		s->head[s->cell_of[i] + 1]++;
	}
	for (long c = 0; c < nc3; c++)
		s->head[c + 1] += s->head[c];
	/* stable fill: cells list particles in index order */
	long *fill = s->order + s->n; /* scratch after order */
	for (long c = 0; c < nc3; c++)
		fill[c] = s->head[c];
	for (long i = 0; i < s->n; i++)
		s->order[fill[s->cell_of[i]]++] = i;
}

static void force_on(const struct system *s, long i)
{
	long nc = s->nc, ci = s->cell_of[i];
	long cx = ci % nc, cy = ci / nc % nc, cz = ci / nc / nc;
	double fx = 0.0, fy = 0.0, fz = 0.0;
	for (int dz = -1; dz <= 1; dz++)
		for (int dy = -1; dy <= 1; dy++)
			for (int dx = -1; dx <= 1; dx++) {
				long c = (((cz + dz + nc) % nc) * nc + (cy + dy + nc) % nc) * nc +
					 (cx + dx + nc) % nc;
				for (long k = s->head[c]; k < s->head[c + 1]; k++) {
					long j = s->order[k];
					if (j == i)
						continue;
					double r[3], r2 = 0.0;
					for (int d = 0; d < 3; d++) {
						r[d] = s->x[3 * i + d] - s->x[3 * j + d];
						/* minimum image: positions stay in [0, box) */
						if (r[d] > 0.5 * s->box)
							r[d] -= s->box;
						else if (r[d] < -0.5 * s->box)
							r[d] += s->box;
						r2 += r[d] * r[d];
					}
					if (r2 >= RC * RC)
						continue;
					double i2 = 1.0 / r2, i6 = i2 * i2 * i2;
					double g = 24.0 * i2 * i6 * (2.0 * i6 - 1.0);
					fx += g * r[0];
					fy += g * r[1];
					fz += g * r[2];
				}
			}
	s->f[3 * i] = fx;
	s->f[3 * i + 1] = fy;
	s->f[3 * i + 2] = fz;
}

static void kick_drift(const struct system *s, long i)
{
	for (int d = 0; d < 3; d++) {
		s->v[3 * i + d] += 0.5 * DT * s->f[3 * i + d];
		double x = s->x[3 * i + d] + DT * s->v[3 * i + d];
		s->x[3 * i + d] = x - s->box * floor(x / s->box);
	}
}

static void kick(const struct system *s, long i)
{
	for (int d = 0; d < 3; d++)
		s->v[3 * i + d] += 0.5 * DT * s->f[3 * i + d];
}

static void simulate(struct system *s, int parallel)
{
	long n = s->n;
	bin(s);
#pragma omp parallel for schedule(dynamic, 32) if (parallel)
	for (long i = 0; i < n; i++)
		force_on(s, i);
	for (int step = 0; step < STEPS; step++) {
#pragma omp parallel for schedule(static) if (parallel)
		for (long i = 0; i < n; i++)
			kick_drift(s, i);
		bin(s);
#pragma omp parallel if (parallel)
		{
#pragma omp for schedule(dynamic, 32)
			for (long i = 0; i < n; i++)
				force_on(s, i);
#pragma omp for schedule(static)
			for (long i = 0; i < n; i++)
				kick(s, i);
		}
	}
}

static void init(long cells, struct system *s)
{
	s->nc = cells;
	s->cell = RC;
	s->box = RC * (double)cells;
	long n = (long)(DENSITY * s->box * s->box * s->box);
	s->n = n;
	long nc3 = s->nc * s->nc * s->nc;
	s->x = wl_alloc(NAME, (size_t)n * 3, sizeof(double));
	s->v = wl_alloc(NAME, (size_t)n * 3, sizeof(double));
	s->f = wl_alloc(NAME, (size_t)n * 3, sizeof(double));
	s->head = wl_alloc(NAME, (size_t)nc3 + 1, sizeof(long));
	s->order = wl_alloc(NAME, (size_t)(n + nc3), sizeof(long));
	s->cell_of = wl_alloc(NAME, (size_t)n, sizeof(long));
	/* a simple cubic lattice filling the box, small velocities */
	long side = (long)ceil(cbrt((double)n));
	double a = s->box / (double)side;
	uint64_t r = 5;
	for (long i = 0; i < n; i++) {
		s->x[3 * i] = a * ((double)(i % side) + 0.5);
		s->x[3 * i + 1] = a * ((double)(i / side % side) + 0.5);
		s->x[3 * i + 2] = a * ((double)(i / side / side) + 0.5);
		for (int d = 0; d < 3; d++) {
			r = r * 6364136223846793005ULL + 1442695040888963407ULL;
			s->v[3 * i + d] = ((double)(r >> 11) * 0x1.0p-53 - 0.5) * 0.5;
		}
	}
}

static void release(struct system *s)
{
	free(s->x);
	free(s->v);
	free(s->f);
	free(s->head);
	free(s->order);
	free(s->cell_of);
}

int main(int argc, char **argv)
{
	long cells = wl_parse_size(argc, argv, NAME,
				   (struct wl_sizes){ 3, 5, 64 });
	if (cells < 3 || cells > 400) {
		fprintf(stderr, NAME ": N must be 3..400 cells per side\n");
		return 2;
	}
	struct system s, r;
	init(cells, &s);
	init(cells, &r);
	long n = s.n;

	double t0 = wl_kernel_begin();
	simulate(&s, 1);
	double t1 = wl_kernel_end();

	simulate(&r, 0);
	int ok = 1;
	for (long i = 0; i < 3 * n && ok; i++)
		if (!wl_close(s.x[i], r.x[i], 1e-9) || !isfinite(s.x[i])) {
			fprintf(stderr, NAME ": coordinate %ld is %.17g, expected %.17g\n",
				i, s.x[i], r.x[i]);
			ok = 0;
		}
	release(&s);
	release(&r);
	return wl_report(NAME, cells, t1 - t0, ok);
}
