/* health.c - BOTS-style health-care simulation (after the Colombian health
 * system model): a tree of villages, each with a hospital, simulated for N
 * time steps; patients fall ill at home, wait, are assessed, treated or
 * sent up to the hospital of the parent village.
 *
 * N is the number of time steps.  The hierarchy is fixed: HL_LEVELS levels
 * of villages, HL_BRANCH children each (341 villages), HL_POPULATION people
 * per village, staff growing with the level.  Each step, every village
 * (children first) takes the patients its children sent up, discharges
 * treated patients (back to their home village's population), finishes
 * assessments (treat here, or with probability HL_P_TRANSFER send up),
 * starts assessments while staff is free, and draws one random number per
 * healthy inhabitant to make new patients.  Each village has its own
 * splitmix64 stream, so the run is deterministic whatever the schedule.
 * Parallelisation: #pragma omp parallel + single runs the time loop; each
 * step recurses over the tree with one task per child village whose level
 * is at least HL_TASK_LEVEL (leaf villages are simulated serially by their
 * parent's task: too small for a task), then taskwait before the village
 * itself.  A village's step only touches its own subtree (its lists, its
 * children's "sent up" lists, home villages below it), and subtrees of
 * concurrent tasks are disjoint: race-free.
 * Check: an identical hierarchy is simulated serially (no tasks); every
 * village's statistics, population and list lengths must match exactly,
 * and every village must conserve people (at home + in a hospital).
 */
#include <stdint.h>

#include "wl.h"

#define HL_LEVELS 5
#define HL_BRANCH 4
#define HL_POPULATION 500
#define HL_STAFF_BASE 8
#define HL_STAFF_PER_LEVEL 2
#define HL_P_SICK 0.0008
#define HL_P_TRANSFER 0.1
#define HL_ASSESS_TIME 2
#define HL_TREAT_TIME 10
#define HL_TASK_LEVEL 1
#define HL_MAX_STEPS 10000000L

struct village;

struct patient {
	struct patient *next;
	struct village *home;
	int time_left;
	int hospitals; /* hospitals visited */
};

struct plist {
	struct patient *head;
	struct patient *tail;
	long count;
};

struct hstats {
	long sick;       /* patients created here */
	long assessed;   /* assessments started here */
	long treated;    /* discharged from here */
	long sent_up;    /* transferred to the parent */
	long wait_steps; /* patient-steps spent waiting here */
	long hops;       /* sum of hospitals visited by discharged patients */
};

struct village {
	int level; /* 0 = leaf */
	int nchildren;
	struct village *children;
	struct village *parent;
	uint64_t rng;
	long population; /* healthy people at home */
	int staff_free;
	struct plist waiting, assess, inside, up;
	struct hstats st;
};

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double uniform(uint64_t *state)
{
	return (double)(splitmix64(state) >> 11) * 0x1.0p-53;
}

static void plist_push(struct plist *l, struct patient *p)
{
	p->next = NULL;
	if (l->tail != NULL)
		l->tail->next = p;
	else
		l->head = p;
	l->tail = p;
	l->count++;
}

/* Detach and return the whole list. */
static struct plist plist_take(struct plist *l)
{
	struct plist all = *l;
	l->head = l->tail = NULL;
	l->count = 0;
	return all;
}

static void plist_append(struct plist *dst, struct plist *src)
{
	struct plist all = plist_take(src);
	if (all.head == NULL)
		return;
	if (dst->tail != NULL)
		dst->tail->next = all.head;
	else
		dst->head = all.head;
	dst->tail = all.tail;
	dst->count += all.count;
}

static void plist_free(struct plist *l)
{
	struct patient *p = l->head;
	while (p != NULL) {
		struct patient *next = p->next;
		free(p);
		p = next;
	}
	l->head = l->tail = NULL;
	l->count = 0;
}

/* Build the subtree below v; ids number villages for their seeds. */
static void build(struct village *v, struct village *parent, int level,
		  uint64_t *next_id)
{
	memset(v, 0, sizeof(*v));
	v->level = level;
	v->parent = parent;
	v->rng = 0x4EA17B00ULL + 0x1000193ULL * (*next_id)++;
	v->population = HL_POPULATION;
	v->staff_free = HL_STAFF_BASE + HL_STAFF_PER_LEVEL * level;
	if (level == 0)
		return;
	v->nchildren = HL_BRANCH;
	v->children = wl_alloc("health", HL_BRANCH, sizeof(struct village));
	for (int i = 0; i < HL_BRANCH; i++)
		build(&v->children[i], v, level - 1, next_id);
}

static void destroy(struct village *v)
{
	for (int i = 0; i < v->nchildren; i++)
		destroy(&v->children[i]);
	free(v->children);
	plist_free(&v->waiting);
	plist_free(&v->assess);
	plist_free(&v->inside);
	plist_free(&v->up);
}

static void discharge_treated(struct village *v)
{
	struct plist all = plist_take(&v->inside);
	for (struct patient *p = all.head, *next; p != NULL; p = next) {
		next = p->next;
		if (--p->time_left > 0) {
			plist_push(&v->inside, p);
			continue;
		}
		v->staff_free++;
		v->st.treated++;
		v->st.hops += p->hospitals;
		p->home->population++; /* home is in v's subtree */
		free(p);
	}
}

static void finish_assessments(struct village *v)
{
	struct plist all = plist_take(&v->assess);
	for (struct patient *p = all.head, *next; p != NULL; p = next) {
		next = p->next;
		if (--p->time_left > 0) {
			plist_push(&v->assess, p);
		} else if (v->parent != NULL &&
			   uniform(&v->rng) < HL_P_TRANSFER) {
			v->staff_free++;
			v->st.sent_up++;
			plist_push(&v->up, p);
		} else {
			p->time_left = HL_TREAT_TIME;
			plist_push(&v->inside, p);
		}
	}
}

static void start_assessments(struct village *v)
{
	struct plist all = plist_take(&v->waiting);
	for (struct patient *p = all.head, *next; p != NULL; p = next) {
		next = p->next;
		if (v->staff_free > 0) {
			v->staff_free--;
			v->st.assessed++;
			p->hospitals++;
			p->time_left = HL_ASSESS_TIME;
			plist_push(&v->assess, p);
		} else {
			v->st.wait_steps++;
			plist_push(&v->waiting, p);
		}
	}
}

static void fall_ill(struct village *v)
{
	long healthy = v->population;
	uint64_t rng = v->rng; /* local copy: kept in a register */
	for (long i = 0; i < healthy; i++) {
		if (uniform(&rng) >= HL_P_SICK)
			continue;
		struct patient *p = wl_alloc("health", 1, sizeof(*p));
		p->home = v;
		v->population--;
		v->st.sick++;
		plist_push(&v->waiting, p);
	}
	v->rng = rng;
}

/* One step of one village, after its children's steps. */
static void village_step(struct village *v)
{
	for (int i = 0; i < v->nchildren; i++)
		plist_append(&v->waiting, &v->children[i].up);
	discharge_treated(v);
	finish_assessments(v);
	start_assessments(v);
	fall_ill(v);
}

static void sim_serial(struct village *v)
{
	for (int i = 0; i < v->nchildren; i++)
		sim_serial(&v->children[i]);
	village_step(v);
}

static void sim_task(struct village *v)
{
	for (int i = 0; i < v->nchildren; i++) {
		struct village *c = &v->children[i];
		if (c->level >= HL_TASK_LEVEL) {
#pragma omp task firstprivate(c)
			sim_task(c);
		} else {
			sim_serial(c);
		}
	}
#pragma omp taskwait
	village_step(v);
}

/* People whose home is v: at home plus patients anywhere above. */
static long count_from(const struct plist *l, const struct village *home)
{
	long n = 0;
	for (const struct patient *p = l->head; p != NULL; p = p->next)
		n += p->home == home;
	return n;
}

static long people_of(const struct village *home)
{
	long n = home->population;
	for (const struct village *v = home; v != NULL; v = v->parent)
		n += count_from(&v->waiting, home) +
		     count_from(&v->assess, home) +
		     count_from(&v->inside, home) + count_from(&v->up, home);
	return n;
}

/* Compare two runs village by village (same shape, same order). */
static int same_run(const struct village *a, const struct village *b)
{
	int ok = memcmp(&a->st, &b->st, sizeof(a->st)) == 0 &&
		 a->population == b->population &&
		 a->staff_free == b->staff_free &&
		 a->waiting.count == b->waiting.count &&
		 a->assess.count == b->assess.count &&
		 a->inside.count == b->inside.count &&
		 a->up.count == b->up.count && a->rng == b->rng;
	if (!ok) {
		fprintf(stderr, "health: a level-%d village differs from the "
				"serial run\n",
			a->level);
		return 0;
	}
	if (people_of(a) != HL_POPULATION) {
		fprintf(stderr, "health: a level-%d village lost people\n",
			a->level);
		return 0;
	}
	for (int i = 0; i < a->nchildren; i++)
		if (!same_run(&a->children[i], &b->children[i]))
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	long steps = wl_parse_size(argc, argv, "health",
				   (struct wl_sizes){ 40, 400, 8000 });
	if (steps > HL_MAX_STEPS) {
		fprintf(stderr, "health: N must be at most %ld steps\n",
			HL_MAX_STEPS);
		return 2;
	}
	struct village top;
	struct village ref;
	uint64_t id = 0;
	build(&top, NULL, HL_LEVELS - 1, &id);
	id = 0;
	build(&ref, NULL, HL_LEVELS - 1, &id);

	double t0 = wl_kernel_begin();
#pragma omp parallel
#pragma omp single
	for (long t = 0; t < steps; t++)
		sim_task(&top);
	double t1 = wl_kernel_end();

	for (long t = 0; t < steps; t++)
		sim_serial(&ref);
	int ok = same_run(&top, &ref);
	destroy(&top);
	destroy(&ref);
	return wl_report("health", steps, t1 - t0, ok);
}
