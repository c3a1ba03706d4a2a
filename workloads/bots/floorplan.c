/* floorplan.c - BOTS-style floorplanning: place N rectangular cells, each
 * with a few alternative shapes, one after another so that each touches
 * the previous one, without overlaps, minimising the bounding-box area;
 * branch and bound with OpenMP tasks.
 *
 * N is the number of cells (1..FP_MAX_CELLS).  Cell shapes are generated
 * (a w x h base, its rotation and a squarer variant of similar area).  Cell
 * i goes to the right of cell i-1 (top- or bottom-aligned) or below it
 * (left- or right-aligned): up to 4 positions x 3 shapes per cell.
 * Parallelisation: #pragma omp parallel + single starts the search; while
 * fewer than FP_TASK_DEPTH cells are placed every (shape, position) branch
 * is a task carrying its own copy of the partial layout (firstprivate),
 * then taskwait; deeper levels recurse serially inside the task.  A branch
 * is pruned when its bounding box already covers at least the best area.
 * The best area is shared: read with atomic read, lowered (with the layout
 * that achieves it) only inside a critical section that re-checks it.
 * Check: the minimum area must equal a serial run of the search, and the
 * reported layout must be valid (allowed shapes, no overlap, each cell
 * touching the previous one, bounding box equal to the reported area).
 */
#include <stdint.h>

#include "wl.h"

#define FP_MAX_CELLS 32
#define FP_SHAPES 3
#define FP_POSITIONS 4
#define FP_TASK_DEPTH 3

struct shape {
	int w;
	int h;
};

struct cell {
	int nshapes;
	struct shape s[FP_SHAPES];
};

/* A partial layout: cells 0..placed-1 with positions and shapes. */
struct layout {
	int placed;
	int minx, miny, maxx, maxy;
	int x[FP_MAX_CELLS], y[FP_MAX_CELLS];
	int w[FP_MAX_CELLS], h[FP_MAX_CELLS];
};

struct problem {
	int n;
	const struct cell *cells;
	long best_area; /* shared; see offer() */
	struct layout best;
};

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static void make_cells(struct cell *cells, int n)
{
	uint64_t seed = 0xF1002B1A7ULL;
	for (int i = 0; i < n; i++) {
		int w = 1 + (int)(splitmix64(&seed) % 6);
		int h = 1 + (int)(splitmix64(&seed) % 6);
		int side = 1;
		while ((side + 1) * (side + 1) <= w * h)
			side++;
		struct cell *c = &cells[i];
		c->nshapes = 0;
		struct shape cand[FP_SHAPES] = {
			{ w, h }, { h, w }, { side, (w * h + side - 1) / side }
		};
		for (int k = 0; k < FP_SHAPES; k++) { /* skip duplicates */
			int dup = 0;
			for (int j = 0; j < c->nshapes; j++)
				dup |= c->s[j].w == cand[k].w &&
				       c->s[j].h == cand[k].h;
			if (!dup)
				c->s[c->nshapes++] = cand[k];
		}
	}
}

static long bbox_area(const struct layout *l)
{
	return (long)(l->maxx - l->minx) * (long)(l->maxy - l->miny);
}

static int overlaps(int ax, int ay, int aw, int ah, int bx, int by, int bw,
		    int bh)
{
	return ax < bx + bw && bx < ax + aw && ay < by + bh && by < ay + ah;
}

/* Position number pos for a w x h cell next to the last placed cell. */
static void position(const struct layout *l, int pos, int w, int h, int *x,
		     int *y)
{
	int p = l->placed - 1;
	int px = l->x[p], py = l->y[p], pw = l->w[p], ph = l->h[p];
	switch (pos) {
	case 0: /* right, tops aligned */
		*x = px + pw;
		*y = py;
		break;
	case 1: /* right, bottoms aligned */
		*x = px + pw;
		*y = py + ph - h;
		break;
	case 2: /* below, left sides aligned */
		*x = px;
		*y = py + ph;
		break;
	default: /* below, right sides aligned */
		*x = px + pw - w;
		*y = py + ph;
		break;
	}
}

/* Add a cell to l; 0 if it would overlap an earlier cell. */
static int try_place(struct layout *l, int x, int y, int w, int h)
{
	for (int i = 0; i < l->placed; i++)
		if (overlaps(x, y, w, h, l->x[i], l->y[i], l->w[i], l->h[i]))
			return 0;
	int i = l->placed++;
	l->x[i] = x;
	l->y[i] = y;
	l->w[i] = w;
	l->h[i] = h;
	if (i == 0) {
		l->minx = x;
		l->miny = y;
		l->maxx = x + w;
		l->maxy = y + h;
		return 1;
	}
	l->minx = x < l->minx ? x : l->minx;
	l->miny = y < l->miny ? y : l->miny;
	l->maxx = x + w > l->maxx ? x + w : l->maxx;
	l->maxy = y + h > l->maxy ? y + h : l->maxy;
	return 1;
}

static long read_best(struct problem *pb)
{
	long b;
#pragma omp atomic read
	b = pb->best_area;
	return b;
}

/* A complete layout: keep it if it beats the shared best. */
static void offer(struct problem *pb, const struct layout *l)
{
	long area = bbox_area(l);
	if (area >= read_best(pb))
		return;
#pragma omp critical(floorplan_best)
	{
		if (area < pb->best_area) {
#pragma omp atomic write
			pb->best_area = area;
			pb->best = *l;
		}
	}
}

/* Child number k of a node: shape k / FP_POSITIONS at position k % it.
 * Returns 0 if the child does not exist or is pruned. */
static int child(struct problem *pb, const struct layout *l, int k,
		 struct layout *out)
{
	const struct cell *c = &pb->cells[l->placed];
	int si = k / FP_POSITIONS;
	if (si >= c->nshapes)
		return 0;
	int w = c->s[si].w;
	int h = c->s[si].h;
	int x = 0;
	int y = 0;
	if (l->placed == 0) {
		if (k % FP_POSITIONS != 0)
			return 0; /* the first cell has one position */
	} else {
		position(l, k % FP_POSITIONS, w, h, &x, &y);
	}
	*out = *l;
	if (!try_place(out, x, y, w, h))
		return 0;
	return bbox_area(out) < read_best(pb);
}

static void search_serial(struct problem *pb, const struct layout *l)
{
	if (l->placed == pb->n) {
		offer(pb, l);
		return;
	}
	for (int k = 0; k < FP_SHAPES * FP_POSITIONS; k++) {
		struct layout next;
		if (child(pb, l, k, &next))
			search_serial(pb, &next);
	}
}

static void search_task(struct problem *pb, const struct layout *l)
{
	if (l->placed >= FP_TASK_DEPTH || l->placed == pb->n) {
		search_serial(pb, l);
		return;
	}
	for (int k = 0; k < FP_SHAPES * FP_POSITIONS; k++) {
		struct layout next;
		if (!child(pb, l, k, &next))
			continue;
#pragma omp task firstprivate(next, pb)
		search_task(pb, &next);
	}
#pragma omp taskwait
}

/* Independent check that a reported layout obeys every rule. */
static int layout_valid(const struct problem *pb, const struct layout *l,
			long area)
{
	if (l->placed != pb->n)
		return 0;
	int minx = l->x[0], miny = l->y[0], maxx = minx, maxy = miny;
	for (int i = 0; i < pb->n; i++) {
		int allowed = 0;
		for (int s = 0; s < pb->cells[i].nshapes; s++)
			allowed |= pb->cells[i].s[s].w == l->w[i] &&
				   pb->cells[i].s[s].h == l->h[i];
		if (!allowed)
			return 0;
		for (int j = 0; j < i; j++)
			if (overlaps(l->x[i], l->y[i], l->w[i], l->h[i],
				     l->x[j], l->y[j], l->w[j], l->h[j]))
				return 0;
		if (i > 0) { /* shares an edge segment with cell i-1 */
			int j = i - 1;
			int right = l->x[i] == l->x[j] + l->w[j] &&
				    l->y[i] < l->y[j] + l->h[j] &&
				    l->y[j] < l->y[i] + l->h[i];
			int below = l->y[i] == l->y[j] + l->h[j] &&
				    l->x[i] < l->x[j] + l->w[j] &&
				    l->x[j] < l->x[i] + l->w[i];
			if (!right && !below)
				return 0;
		}
		minx = l->x[i] < minx ? l->x[i] : minx;
		miny = l->y[i] < miny ? l->y[i] : miny;
		maxx = l->x[i] + l->w[i] > maxx ? l->x[i] + l->w[i] : maxx;
		maxy = l->y[i] + l->h[i] > maxy ? l->y[i] + l->h[i] : maxy;
	}
	return (long)(maxx - minx) * (long)(maxy - miny) == area;
}

int main(int argc, char **argv)
{
	long n = wl_parse_size(argc, argv, "floorplan",
			       (struct wl_sizes){ 10, 13, 16 });
	if (n > FP_MAX_CELLS) {
		fprintf(stderr, "floorplan: N must be at most %d cells\n",
			FP_MAX_CELLS);
		return 2;
	}
	struct cell cells[FP_MAX_CELLS];
	make_cells(cells, (int)n);
	struct layout empty;
	memset(&empty, 0, sizeof(empty));

	struct problem pb;
	memset(&pb, 0, sizeof(pb));
	pb.n = (int)n;
	pb.cells = cells;
	pb.best_area = LONG_MAX;
	double t0 = wl_kernel_begin();
#pragma omp parallel
#pragma omp single
	search_task(&pb, &empty);
	double t1 = wl_kernel_end();

	struct problem ref;
	memset(&ref, 0, sizeof(ref));
	ref.n = (int)n;
	ref.cells = cells;
	ref.best_area = LONG_MAX;
	search_serial(&ref, &empty);
	int ok = pb.best_area == ref.best_area;
	if (!ok)
		fprintf(stderr, "floorplan: best area %ld, serial search %ld\n",
			pb.best_area, ref.best_area);
	if (ok && !layout_valid(&pb, &pb.best, pb.best_area)) {
		fprintf(stderr, "floorplan: the best layout is not valid\n");
		ok = 0;
	}
	return wl_report("floorplan", n, t1 - t0, ok);
}
