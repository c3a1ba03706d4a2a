/* zdvfs_ompt.c - an OMPT tool for LLVM's libomp that records the parallel
 * structure of a workload's kernel (regions, loops, barriers, sync, tasks,
 * work, span, imbalance) and writes it as JSON for tools/characterize.
 *
 * Use: OMP_TOOL_LIBRARIES=/path/libzdvfs_ompt.so ZDVFS_OMPT_OUT=out.json prog
 * The program marks its kernel with omp_control_tool(omp_control_tool_start)
 * and omp_control_tool(omp_control_tool_pause) (wl_kernel_begin/_end in
 * workloads/common/wl.h); only what happens in between is recorded.
 * ZDVFS_OMPT_SCOPE=whole records the whole program instead, from the
 * runtime's start to its end (`zdvfs characterize` of a program without
 * markers); the report's "scope" says which.
 * ZDVFS_OMPT_TRACE=1 also prints every event to stderr.
 *
 * Time is read from CLOCK_MONOTONIC (~25 ns through the vDSO; a thread's
 * CPU-time clock is a system call of ~0.5 us here, which made fine-grained
 * tasks look several times longer than they are).  Every event "charges" the
 * time since the thread's previous event to what the thread was doing:
 * running a task (its exclusive time), waiting in a barrier/taskwait/
 * taskgroup, or waiting for a lock.  The work/span model is
 * described in docs/profile-format.md ("parallel").
 */
#define _POSIX_C_SOURCE 200809L

#include <omp-tools.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* libomp looks this symbol up; omp-tools.h does not declare it. */
ompt_start_tool_result_t *ompt_start_tool(unsigned int omp_version,
					  const char *runtime_version);

/* omp_control_tool commands (OpenMP 5.0, omp.h's omp_control_tool_t; not
 * included here because gcc would find libgomp's omp.h). */
enum { CONTROL_START = 1, CONTROL_PAUSE = 2 };

enum task_kind { TK_INITIAL, TK_IMPLICIT, TK_EXPLICIT };
enum ev_kind {
	EV_CREATE,    /* ref: child task index */
	EV_TASKWAIT,  /* joins the task's children created so far */
	EV_GROUP_END, /* end of a taskgroup: joins all descendants */
	EV_BARRIER,   /* implicit task reaches a barrier: phase ends */
	EV_LOOP_END,  /* ref: loop number within the implicit task */
	EV_REGION     /* ref: region index; a fork-join inside the task */
};
enum mode { M_RUN, M_WAIT, M_LOCK };

struct event {
	int64_t pos_ns; /* the task's own time when the event happened */
	uint32_t kind;
	uint32_t ref;
};

struct loop_share {
	uint64_t count;   /* iteration count libomp reported */
	int64_t start_ns; /* implicit task's own time at loop begin */
	int64_t own_ns;   /* this thread's time inside the loop */
};

struct task {
	uint32_t index;
	uint8_t kind;
	uint8_t in_kernel;
	uint8_t undeferred;
	int64_t own_ns;
	struct event *ev;
	uint32_t nev, cap;
	/* explicit tasks: completion and latest unjoined-descendant finish,
	 * both relative to the task's start on the critical path */
	int64_t c_ns, d_ns;
	/* implicit tasks */
	uint32_t team_index;
	uint32_t barriers_ended;
	struct loop_share *loops;
	uint32_t nloops, caploops;
	int64_t *busy_ns; /* per phase (barrier number), this thread */
	uint32_t nbusy;
};

struct region {
	uint32_t index;
	uint8_t in_kernel;
	uint32_t requested;
	struct task **itask; /* by team index, [requested] */
	int64_t span_ns;
};

/* Tasks live in fixed chunks so that a pointer never moves. */
#define CHUNK_BITS 12
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define MAX_CHUNKS 65536u
static _Atomic(struct task *) chunks[MAX_CHUNKS];
static atomic_uint ntasks;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct region **regions;
static uint32_t nregions, capregions;

static atomic_int recording;
static int kernel_marked;
static int trace;
static int64_t kernel_wall_start_ns, kernel_wall_ns;
static int whole_program; /* ZDVFS_OMPT_SCOPE=whole */

/* Counters of constructs, all while recording. */
static atomic_ullong n_barrier_implicit, n_barrier_explicit, n_barrier_impl,
    n_taskwait, n_taskgroup, n_reduction, n_single, n_critical, n_atomic,
    n_lock, n_ordered, n_tasks, n_undeferred, n_final, n_loops, n_regions;
static atomic_llong lock_wait_ns;
static atomic_uint max_team;

struct thread_state {
	struct task *cur;
	struct task *stack[16]; /* tasks below nested implicit tasks */
	int depth;
	struct task *waiting[256]; /* tasks in a sync wait, innermost last */
	int nwait;
	int mode;
	int64_t last_ns;
	int64_t busy_ns; /* since the last phase flush */
	struct task *itask;
};
static _Thread_local struct thread_state T;

static void die(const char *what)
{
	fprintf(stderr, "zdvfs_ompt: %s\n", what);
	abort();
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		die("out of memory");
	return q;
}

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static struct task *task_at(uint32_t i)
{
	struct task *c = atomic_load(&chunks[i >> CHUNK_BITS]);
	return &c[i & (CHUNK_SIZE - 1)];
}

static struct task *task_new(int kind)
{
	uint32_t i = atomic_fetch_add(&ntasks, 1);
	uint32_t c = i >> CHUNK_BITS;
	if (c >= MAX_CHUNKS)
		die("too many tasks");
	if (atomic_load(&chunks[c]) == NULL) {
		pthread_mutex_lock(&lock);
		if (atomic_load(&chunks[c]) == NULL) {
			struct task *p = calloc(CHUNK_SIZE, sizeof *p);
			if (p == NULL)
				die("out of memory");
			atomic_store(&chunks[c], p);
		}
		pthread_mutex_unlock(&lock);
	}
	struct task *t = task_at(i);
	memset(t, 0, sizeof *t);
	t->index = i;
	t->kind = (uint8_t)kind;
	t->in_kernel = (uint8_t)atomic_load(&recording);
	return t;
}

static void add_event(struct task *t, uint32_t kind, uint32_t ref)
{
	if (t == NULL || !atomic_load(&recording))
		return;
	if (t->nev == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 4;
		t->ev = xrealloc(t->ev, t->cap * sizeof *t->ev);
	}
	t->ev[t->nev++] = (struct event){t->own_ns, kind, ref};
}

/* Give the time since this thread's last event to what it was doing. */
static void charge(void)
{
	int64_t now = now_ns();
	int64_t dt = now - T.last_ns;
	T.last_ns = now;
	if (!atomic_load(&recording))
		return;
	if (T.mode == M_WAIT) {
		/* waiting is nobody's work */
	} else if (T.mode == M_LOCK) {
		atomic_fetch_add(&lock_wait_ns, dt);
	} else if (T.cur != NULL) {
		T.cur->own_ns += dt;
		if (T.itask != NULL)
			T.busy_ns += dt;
	}
}

/* Add this thread's busy time to phase `phase` of its implicit task. */
static void flush_busy(struct task *it, uint32_t phase)
{
	if (it == NULL)
		return;
	if (phase >= it->nbusy) {
		uint32_t n = phase + 1;
		it->busy_ns = xrealloc(it->busy_ns, n * sizeof *it->busy_ns);
		for (uint32_t i = it->nbusy; i < n; i++)
			it->busy_ns[i] = 0;
		it->nbusy = n;
	}
	it->busy_ns[phase] += T.busy_ns;
	T.busy_ns = 0;
}

static struct task *task_of(ompt_data_t *d)
{
	return d != NULL ? (struct task *)d->ptr : NULL;
}

static void on_thread_begin(ompt_thread_t type, ompt_data_t *data)
{
	(void)type;
	(void)data;
	T.last_ns = now_ns();
}

static void on_parallel_begin(ompt_data_t *enc, const ompt_frame_t *frame,
			      ompt_data_t *pdata, unsigned int requested,
			      int flags, const void *ra)
{
	(void)frame;
	(void)flags;
	(void)ra;
	charge();
	struct region *r = calloc(1, sizeof *r);
	if (r == NULL)
		die("out of memory");
	r->requested = requested;
	r->itask = calloc(requested ? requested : 1, sizeof *r->itask);
	if (r->itask == NULL)
		die("out of memory");
	r->in_kernel = (uint8_t)atomic_load(&recording);
	pthread_mutex_lock(&lock);
	if (nregions == capregions) {
		capregions = capregions ? 2 * capregions : 64;
		regions = xrealloc(regions, capregions * sizeof *regions);
	}
	r->index = nregions;
	regions[nregions++] = r;
	pthread_mutex_unlock(&lock);
	pdata->ptr = r;
	if (r->in_kernel) {
		atomic_fetch_add(&n_regions, 1);
		add_event(task_of(enc), EV_REGION, r->index);
	}
	if (trace)
		fprintf(stderr, "parallel_begin region=%u requested=%u\n",
			r->index, requested);
}

static void on_parallel_end(ompt_data_t *pdata, ompt_data_t *enc, int flags,
			    const void *ra)
{
	(void)pdata;
	(void)enc;
	(void)flags;
	(void)ra;
	charge();
	if (trace)
		fprintf(stderr, "parallel_end\n");
}

static void on_implicit_task(ompt_scope_endpoint_t ep, ompt_data_t *pdata,
			     ompt_data_t *tdata, unsigned int actual,
			     unsigned int index, int flags)
{
	charge();
	if (trace)
		fprintf(stderr,
			"implicit_task %s index=%u actual=%u flags=%x\n",
			ep == ompt_scope_begin ? "begin" : "end", index, actual,
			(unsigned)flags);
	if (flags & ompt_task_initial) {
		if (ep == ompt_scope_begin) {
			struct task *t = task_new(TK_INITIAL);
			tdata->ptr = t;
			T.cur = t;
			T.mode = M_RUN;
		}
		return;
	}
	if (ep == ompt_scope_begin) {
		struct task *t = task_new(TK_IMPLICIT);
		t->team_index = index;
		tdata->ptr = t;
		struct region *r = pdata != NULL ? pdata->ptr : NULL;
		if (r != NULL && index < r->requested)
			r->itask[index] = t;
		if (r != NULL)
			t->in_kernel = r->in_kernel;
		if (T.depth < (int)(sizeof T.stack / sizeof T.stack[0]))
			T.stack[T.depth++] = T.cur;
		else
			die("parallel regions nested too deep");
		T.cur = t;
		T.itask = t;
		T.busy_ns = 0;
		T.mode = M_RUN;
		unsigned int m = atomic_load(&max_team);
		while (actual > m &&
		       !atomic_compare_exchange_weak(&max_team, &m, actual))
			;
	} else {
		struct task *t = task_of(tdata);
		if (t == NULL)
			t = T.itask;
		if (t != NULL)
			flush_busy(t, t->barriers_ended);
		T.itask = NULL;
		T.cur = T.depth > 0 ? T.stack[--T.depth] : NULL;
		T.mode = M_RUN;
		/* the encountering thread resumes its outer implicit task */
		if (T.cur != NULL && T.cur->kind == TK_IMPLICIT)
			T.itask = T.cur;
	}
}

static void on_task_create(ompt_data_t *enc, const ompt_frame_t *frame,
			   ompt_data_t *ndata, int flags, int has_deps,
			   const void *ra)
{
	(void)frame;
	(void)has_deps;
	(void)ra;
	if (!(flags & ompt_task_explicit))
		return;
	charge();
	struct task *t = task_new(TK_EXPLICIT);
	t->undeferred = (flags & ompt_task_undeferred) != 0;
	ndata->ptr = t;
	if (t->in_kernel) {
		atomic_fetch_add(&n_tasks, 1);
		if (flags & ompt_task_undeferred)
			atomic_fetch_add(&n_undeferred, 1);
		if (flags & ompt_task_final)
			atomic_fetch_add(&n_final, 1);
		add_event(task_of(enc), EV_CREATE, t->index);
	}
	if (trace)
		fprintf(stderr, "task_create %u flags=%x\n", t->index,
			(unsigned)flags);
}

static void on_task_schedule(ompt_data_t *prior, ompt_task_status_t status,
			     ompt_data_t *next)
{
	(void)prior;
	(void)status;
	charge();
	T.cur = task_of(next);
	T.mode =
	    (T.nwait > 0 && T.waiting[T.nwait - 1] == T.cur) ? M_WAIT : M_RUN;
	if (trace)
		fprintf(stderr, "task_schedule status=%d next=%u mode=%d\n",
			(int)status, T.cur ? T.cur->index : 0u, T.mode);
}

static int is_barrier(ompt_sync_region_t kind)
{
	return kind == ompt_sync_region_barrier ||
	    kind == ompt_sync_region_barrier_implicit ||
	    kind == ompt_sync_region_barrier_explicit ||
	    kind == ompt_sync_region_barrier_implementation ||
	    kind == ompt_sync_region_barrier_implicit_workshare ||
	    kind == ompt_sync_region_barrier_implicit_parallel;
}

static void on_sync_region(ompt_sync_region_t kind, ompt_scope_endpoint_t ep,
			   ompt_data_t *pdata, ompt_data_t *tdata,
			   const void *ra)
{
	(void)pdata;
	(void)ra;
	charge();
	struct task *t = task_of(tdata);
	int rec = atomic_load(&recording);
	if (trace)
		fprintf(stderr, "sync_region kind=%d %s\n", (int)kind,
			ep == ompt_scope_begin ? "begin" : "end");
	if (is_barrier(kind)) {
		struct task *it = T.itask;
		if (ep == ompt_scope_begin) {
			add_event(it, EV_BARRIER, 0);
			if (rec && it != NULL && it->team_index == 0) {
				if (kind == ompt_sync_region_barrier_explicit)
					atomic_fetch_add(&n_barrier_explicit,
							 1);
				else if (
				    kind ==
				    ompt_sync_region_barrier_implementation)
					atomic_fetch_add(&n_barrier_impl, 1);
				else
					atomic_fetch_add(&n_barrier_implicit,
							 1);
			}
		} else if (it != NULL) {
			flush_busy(it, it->barriers_ended);
			it->barriers_ended++;
		}
	} else if (kind == ompt_sync_region_taskwait) {
		if (ep == ompt_scope_begin) {
			add_event(t, EV_TASKWAIT, 0);
			if (rec)
				atomic_fetch_add(&n_taskwait, 1);
		}
	} else if (kind == ompt_sync_region_taskgroup) {
		if (ep == ompt_scope_begin && rec)
			atomic_fetch_add(&n_taskgroup, 1);
		if (ep == ompt_scope_end)
			add_event(t, EV_GROUP_END, 0);
	}
}

static void on_sync_region_wait(ompt_sync_region_t kind,
				ompt_scope_endpoint_t ep, ompt_data_t *pdata,
				ompt_data_t *tdata, const void *ra)
{
	(void)kind;
	(void)pdata;
	(void)ra;
	charge();
	if (ep == ompt_scope_begin) {
		struct task *t = task_of(tdata);
		if (t == NULL)
			t = T.cur;
		if (T.nwait >= (int)(sizeof T.waiting / sizeof T.waiting[0]))
			die("sync waits nested too deep");
		T.waiting[T.nwait++] = t;
		T.cur = t;
		T.mode = M_WAIT;
	} else {
		if (T.nwait > 0)
			T.cur = T.waiting[--T.nwait];
		T.mode = M_RUN;
	}
}

static void on_reduction(ompt_sync_region_t kind, ompt_scope_endpoint_t ep,
			 ompt_data_t *pdata, ompt_data_t *tdata, const void *ra)
{
	(void)kind;
	(void)pdata;
	(void)tdata;
	(void)ra;
	if (ep == ompt_scope_begin && atomic_load(&recording) &&
	    T.itask != NULL && T.itask->team_index == 0)
		atomic_fetch_add(&n_reduction, 1);
}

static void on_mutex_acquire(ompt_mutex_t kind, unsigned int hint,
			     unsigned int impl, ompt_wait_id_t wait_id,
			     const void *ra)
{
	(void)hint;
	(void)impl;
	(void)wait_id;
	(void)ra;
	charge();
	if (atomic_load(&recording)) {
		switch (kind) {
		case ompt_mutex_critical:
			atomic_fetch_add(&n_critical, 1);
			break;
		case ompt_mutex_atomic: atomic_fetch_add(&n_atomic, 1); break;
		case ompt_mutex_ordered: atomic_fetch_add(&n_ordered, 1); break;
		default: atomic_fetch_add(&n_lock, 1); break;
		}
	}
	if (T.mode == M_RUN)
		T.mode = M_LOCK;
}

static void on_mutex_acquired(ompt_mutex_t kind, ompt_wait_id_t wait_id,
			      const void *ra)
{
	(void)kind;
	(void)wait_id;
	(void)ra;
	charge();
	if (T.mode == M_LOCK)
		T.mode = M_RUN;
}

static void on_work(ompt_work_t type, ompt_scope_endpoint_t ep,
		    ompt_data_t *pdata, ompt_data_t *tdata, uint64_t count,
		    const void *ra)
{
	(void)pdata;
	(void)tdata;
	(void)ra;
	charge();
	struct task *it = T.itask;
	int rec = atomic_load(&recording);
	if (trace)
		fprintf(stderr, "work type=%d %s count=%llu\n", (int)type,
			ep == ompt_scope_begin ? "begin" : "end",
			(unsigned long long)count);
	if (type == ompt_work_single_executor && ep == ompt_scope_begin && rec)
		atomic_fetch_add(&n_single, 1);
	if (type != ompt_work_loop || it == NULL || !rec)
		return;
	if (ep == ompt_scope_begin) {
		if (it->nloops == it->caploops) {
			it->caploops = it->caploops ? 2 * it->caploops : 8;
			it->loops = xrealloc(it->loops,
					     it->caploops * sizeof *it->loops);
		}
		it->loops[it->nloops++] =
		    (struct loop_share){count, it->own_ns, 0};
		if (it->team_index == 0)
			atomic_fetch_add(&n_loops, 1);
	} else if (it->nloops > 0) {
		struct loop_share *l = &it->loops[it->nloops - 1];
		l->own_ns = it->own_ns - l->start_ns;
		add_event(it, EV_LOOP_END, it->nloops - 1);
	}
}

static int on_control_tool(uint64_t command, uint64_t modifier, void *arg,
			   const void *ra)
{
	(void)modifier;
	(void)arg;
	(void)ra;
	charge();
	if (command == CONTROL_START && !atomic_load(&recording)) {
		if (T.cur == NULL) /* no initial task reported: make one */
			T.cur = task_new(TK_INITIAL);
		T.cur->in_kernel = 1;
		kernel_marked = 1;
		kernel_wall_start_ns = clock_ns(CLOCK_MONOTONIC);
		atomic_store(&recording, 1);
	} else if (command == CONTROL_PAUSE && atomic_load(&recording)) {
		atomic_store(&recording, 0);
		kernel_wall_ns +=
		    clock_ns(CLOCK_MONOTONIC) - kernel_wall_start_ns;
	}
	if (trace)
		fprintf(stderr, "control_tool command=%llu\n",
			(unsigned long long)command);
	return 0;
}

/* ---- analysis at the end of the run ------------------------------------ */

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* Critical-path walk over one task's events (see docs/profile-format.md).
 * For implicit tasks, phase_path[k] receives the path of phase k (between
 * barriers k-1 and k) and loop_iter_ns[k] the mean iteration time of its
 * k-th loop; returns the path after the last event (the last phase for an
 * implicit task). */
struct walk {
	int64_t clock, out, dang;
};

static int64_t walk_task(struct task *t, int64_t *phase_path,
			 const int64_t *loop_iter_ns, int64_t *dangling)
{
	struct walk w = {0, 0, 0};
	int64_t last = 0;
	uint32_t phase = 0;
	for (uint32_t i = 0; i < t->nev; i++) {
		struct event *e = &t->ev[i];
		w.clock += e->pos_ns - last;
		last = e->pos_ns;
		switch (e->kind) {
		case EV_CREATE: {
			struct task *c = task_at(e->ref);
			w.out = max64(w.out, w.clock + c->c_ns);
			w.dang = max64(w.dang, w.clock + c->d_ns);
			break;
		}
		case EV_TASKWAIT:
			w.clock = max64(w.clock, w.out);
			w.out = 0;
			break;
		case EV_GROUP_END:
			w.clock = max64(w.clock, max64(w.out, w.dang));
			w.out = w.dang = 0;
			break;
		case EV_BARRIER:
			if (phase_path != NULL)
				phase_path[phase] =
				    max64(w.clock, max64(w.out, w.dang));
			phase++;
			w = (struct walk){0, 0, 0};
			break;
		case EV_LOOP_END:
			if (loop_iter_ns != NULL && e->ref < t->nloops)
				w.clock += loop_iter_ns[e->ref] -
				    t->loops[e->ref].own_ns;
			break;
		case EV_REGION: w.clock += regions[e->ref]->span_ns; break;
		default: break;
		}
	}
	w.clock += t->own_ns - last;
	if (dangling != NULL)
		*dangling = max64(w.out, w.dang);
	if (phase_path != NULL)
		phase_path[phase] = max64(w.clock, max64(w.out, w.dang));
	return w.clock;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a;
	int64_t y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a;
	uint64_t y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static double sec(int64_t ns)
{
	return (double)ns * 1e-9;
}

/* Totals gathered from the regions. */
struct totals {
	int64_t work_ns, span_ns, serial_ns;
	int64_t phase_max_ns, phase_lost_ns; /* imbalance */
	uint64_t phases;
	int64_t loop_work_ns;
	uint64_t *loop_iters; /* per loop instance */
	int64_t *loop_work;   /* per loop instance */
	uint64_t nloop;
	uint64_t loop_iters_total;
	double loop_iters_weighted; /* sum of work * iterations */
	int64_t *thread_busy_ns;    /* by team index */
	uint32_t nthread_busy;
};

static void add_loop(struct totals *s, uint64_t iters, int64_t work)
{
	s->loop_iters =
	    xrealloc(s->loop_iters, (s->nloop + 1) * sizeof *s->loop_iters);
	s->loop_work =
	    xrealloc(s->loop_work, (s->nloop + 1) * sizeof *s->loop_work);
	s->loop_iters[s->nloop] = iters;
	s->loop_work[s->nloop] = work;
	s->nloop++;
	s->loop_iters_total += iters;
	s->loop_work_ns += work;
	s->loop_iters_weighted += (double)work * (double)iters;
}

/* Span of one region: per phase, the longest implicit task path. */
static void analyse_region(struct region *r, struct totals *s)
{
	uint32_t n = 0, nloops = UINT32_MAX, nphases = 0;
	for (uint32_t i = 0; i < r->requested; i++) {
		struct task *t = r->itask[i];
		if (t == NULL)
			continue;
		n = i + 1;
		if (t->nloops < nloops)
			nloops = t->nloops;
		/* phases: one more than the barriers reached */
		uint32_t p = 1;
		for (uint32_t e = 0; e < t->nev; e++)
			p += t->ev[e].kind == EV_BARRIER;
		if (t->nbusy > p)
			p = t->nbusy;
		if (p > nphases)
			nphases = p;
	}
	if (n == 0)
		return;
	if (nloops == UINT32_MAX)
		nloops = 0;
	/* loop k: total work over threads, iterations from team index 0 */
	int64_t *iter_ns = calloc(nloops ? nloops : 1, sizeof *iter_ns);
	if (iter_ns == NULL)
		die("out of memory");
	for (uint32_t k = 0; k < nloops; k++) {
		int64_t work = 0;
		uint64_t iters = 0;
		for (uint32_t i = 0; i < n; i++) {
			struct task *t = r->itask[i];
			if (t == NULL)
				continue;
			work += t->loops[k].own_ns;
			if (i == 0 || iters == 0)
				iters = t->loops[k].count;
		}
		iter_ns[k] = iters ? work / (int64_t)iters : work;
		add_loop(s, iters, work);
	}
	int64_t *path = calloc((size_t)nphases * n, sizeof *path);
	if (path == NULL)
		die("out of memory");
	for (uint32_t i = 0; i < n; i++) {
		struct task *t = r->itask[i];
		if (t == NULL)
			continue;
		walk_task(t, &path[(size_t)i * nphases], iter_ns, NULL);
		s->work_ns += t->own_ns;
	}
	if (n > s->nthread_busy) {
		s->thread_busy_ns =
		    xrealloc(s->thread_busy_ns, n * sizeof *s->thread_busy_ns);
		for (uint32_t i = s->nthread_busy; i < n; i++)
			s->thread_busy_ns[i] = 0;
		s->nthread_busy = n;
	}
	r->span_ns = 0;
	for (uint32_t k = 0; k < nphases; k++) {
		int64_t pmax = 0, bmax = 0, bsum = 0;
		uint32_t members = 0;
		for (uint32_t i = 0; i < n; i++) {
			struct task *t = r->itask[i];
			if (t == NULL)
				continue;
			pmax = max64(pmax, path[(size_t)i * nphases + k]);
			int64_t b = k < t->nbusy ? t->busy_ns[k] : 0;
			bmax = max64(bmax, b);
			bsum += b;
			members++;
			s->thread_busy_ns[i] += b;
		}
		r->span_ns += pmax;
		if (bmax > 0) {
			s->phase_max_ns += bmax;
			s->phase_lost_ns += bmax - bsum / (int64_t)members;
			s->phases++;
		}
	}
	free(path);
	free(iter_ns);
}

static void print_quantiles_i64(FILE *f, int64_t *v, uint64_t n)
{
	if (n == 0) {
		fprintf(f, "null");
		return;
	}
	qsort(v, n, sizeof *v, cmp_i64);
	double sum = 0;
	for (uint64_t i = 0; i < n; i++)
		sum += sec(v[i]);
	fprintf(f,
		"{\"min\": %.9g, \"p10\": %.9g, \"median\": %.9g, "
		"\"p90\": %.9g, \"max\": %.9g, \"mean\": %.9g}",
		sec(v[0]), sec(v[n / 10]), sec(v[n / 2]), sec(v[n * 9 / 10]),
		sec(v[n - 1]), sum / (double)n);
}

static void write_report(FILE *f)
{
	struct totals s;
	memset(&s, 0, sizeof s);
	uint32_t nt = atomic_load(&ntasks);
	/* explicit tasks, children (higher index) before parents */
	int64_t *sizes = malloc((nt ? nt : 1) * sizeof *sizes);
	if (sizes == NULL)
		die("out of memory");
	uint64_t nsizes = 0;
	int64_t task_work = 0;
	for (uint32_t i = nt; i-- > 0;) {
		struct task *t = task_at(i);
		if (t->kind != TK_EXPLICIT || !t->in_kernel)
			continue;
		t->c_ns = walk_task(t, NULL, NULL, &t->d_ns);
		sizes[nsizes++] = t->own_ns;
		task_work += t->own_ns;
	}
	s.work_ns += task_work;
	for (uint32_t i = 0; i < nregions; i++)
		if (regions[i]->in_kernel)
			analyse_region(regions[i], &s);
	/* the initial task: serial parts plus the regions, in order */
	for (uint32_t i = 0; i < nt; i++) {
		struct task *t = task_at(i);
		if (t->kind != TK_INITIAL || !t->in_kernel)
			continue;
		int64_t dang = 0;
		int64_t path = walk_task(t, NULL, NULL, &dang);
		s.span_ns += max64(path, dang);
		s.serial_ns += t->own_ns;
		s.work_ns += t->own_ns;
	}

	fprintf(f, "{\n  \"tool\": \"zdvfs_ompt 1\",\n");
	fprintf(f, "  \"kernel_marked\": %s,\n",
		kernel_marked ? "true" : "false");
	fprintf(f, "  \"scope\": \"%s\",\n",
		whole_program ? "whole_program" : "kernel");
	fprintf(f, "  \"threads\": %u,\n", atomic_load(&max_team));
	fprintf(f, "  \"kernel_wall_s\": %.9g,\n", sec(kernel_wall_ns));
	fprintf(f, "  \"work_s\": %.9g,\n", sec(s.work_ns));
	fprintf(f, "  \"span_s\": %.9g,\n", sec(s.span_ns));
	fprintf(f, "  \"parallelism\": %.9g,\n",
		s.span_ns > 0 ? (double)s.work_ns / (double)s.span_ns : 0.0);
	fprintf(f, "  \"serial_s\": %.9g,\n", sec(s.serial_ns));
	fprintf(f, "  \"lock_wait_s\": %.9g,\n",
		sec(atomic_load(&lock_wait_ns)));
	fprintf(f, "  \"regions\": %llu,\n",
		(unsigned long long)atomic_load(&n_regions));
	fprintf(f, "  \"phases\": %llu,\n", (unsigned long long)s.phases);
	fprintf(f,
		"  \"barriers\": {\"implicit\": %llu, \"explicit\": %llu, "
		"\"implementation\": %llu},\n",
		(unsigned long long)atomic_load(&n_barrier_implicit),
		(unsigned long long)atomic_load(&n_barrier_explicit),
		(unsigned long long)atomic_load(&n_barrier_impl));
	fprintf(f,
		"  \"sync\": {\"taskwait\": %llu, \"taskgroup\": %llu, "
		"\"critical\": %llu, \"atomic\": %llu, \"lock\": %llu, "
		"\"ordered\": %llu, \"reduction\": %llu, \"single\": %llu},\n",
		(unsigned long long)atomic_load(&n_taskwait),
		(unsigned long long)atomic_load(&n_taskgroup),
		(unsigned long long)atomic_load(&n_critical),
		(unsigned long long)atomic_load(&n_atomic),
		(unsigned long long)atomic_load(&n_lock),
		(unsigned long long)atomic_load(&n_ordered),
		(unsigned long long)atomic_load(&n_reduction),
		(unsigned long long)atomic_load(&n_single));

	fprintf(f,
		"  \"loops\": {\"instances\": %llu, \"work_s\": %.9g, "
		"\"iterations_total\": %llu, ",
		(unsigned long long)s.nloop, sec(s.loop_work_ns),
		(unsigned long long)s.loop_iters_total);
	if (s.nloop > 0) {
		qsort(s.loop_iters, s.nloop, sizeof *s.loop_iters, cmp_u64);
		fprintf(
		    f,
		    "\"iterations_min\": %llu, \"iterations_median\": %llu, "
		    "\"iterations_max\": %llu, "
		    "\"iterations_work_weighted\": %.6g},\n",
		    (unsigned long long)s.loop_iters[0],
		    (unsigned long long)s.loop_iters[s.nloop / 2],
		    (unsigned long long)s.loop_iters[s.nloop - 1],
		    s.loop_work_ns > 0
			? s.loop_iters_weighted / (double)s.loop_work_ns
			: 0.0);
	} else {
		fprintf(f,
			"\"iterations_min\": 0, \"iterations_median\": 0, "
			"\"iterations_max\": 0, \"iterations_work_weighted\": "
			"0},\n");
	}

	static const int64_t edges_ns[] = {1000, 10000, 100000, 1000000,
					   10000000};
	uint64_t hist[6] = {0};
	for (uint64_t i = 0; i < nsizes; i++) {
		int b = 0;
		while (b < 5 && sizes[i] >= edges_ns[b])
			b++;
		hist[b]++;
	}
	fprintf(f,
		"  \"tasks\": {\"created\": %llu, \"undeferred\": %llu, "
		"\"final\": %llu, \"work_s\": %.9g,\n    \"size_s\": ",
		(unsigned long long)atomic_load(&n_tasks),
		(unsigned long long)atomic_load(&n_undeferred),
		(unsigned long long)atomic_load(&n_final), sec(task_work));
	print_quantiles_i64(f, sizes, nsizes);
	fprintf(
	    f,
	    ",\n    \"histogram\": {\"lt_1us\": %llu, \"1us_10us\": %llu, "
	    "\"10us_100us\": %llu, \"100us_1ms\": %llu, \"1ms_10ms\": %llu, "
	    "\"ge_10ms\": %llu}},\n",
	    (unsigned long long)hist[0], (unsigned long long)hist[1],
	    (unsigned long long)hist[2], (unsigned long long)hist[3],
	    (unsigned long long)hist[4], (unsigned long long)hist[5]);

	/* slowest thread over the mean, time-weighted over all phases */
	int64_t mean_ns = s.phase_max_ns - s.phase_lost_ns;
	fprintf(f,
		"  \"imbalance\": {\"slowest_over_mean\": %.6g, "
		"\"lost_s\": %.9g, \"phase_time_s\": %.9g},\n",
		mean_ns > 0 ? (double)s.phase_max_ns / (double)mean_ns : 1.0,
		sec(s.phase_lost_ns), sec(s.phase_max_ns));
	fprintf(f, "  \"thread_busy_s\": [");
	for (uint32_t i = 0; i < s.nthread_busy; i++)
		fprintf(f, "%s%.9g", i ? ", " : "", sec(s.thread_busy_ns[i]));
	fprintf(f, "]\n}\n");
	free(sizes);
	free(s.loop_iters);
	free(s.loop_work);
	free(s.thread_busy_ns);
}

static void finalize(ompt_data_t *tool_data)
{
	(void)tool_data;
	if (whole_program && atomic_load(&recording)) {
		/* the serial tail after the last event is the program's too */
		charge();
		atomic_store(&recording, 0);
		kernel_wall_ns +=
		    clock_ns(CLOCK_MONOTONIC) - kernel_wall_start_ns;
	}
	const char *out = getenv("ZDVFS_OMPT_OUT");
	FILE *f = stdout;
	if (out != NULL && *out != '\0') {
		f = fopen(out, "w");
		if (f == NULL) {
			perror(out);
			return;
		}
	}
	write_report(f);
	if (f != stdout)
		fclose(f);
	else
		fflush(f);
}

static int set_cb(ompt_function_lookup_t lookup, ompt_callbacks_t which,
		  ompt_callback_t cb)
{
	ompt_set_callback_t set =
	    (ompt_set_callback_t)lookup("ompt_set_callback");
	if (set == NULL)
		return -1;
	ompt_set_result_t r = set(which, cb);
	return r == ompt_set_never || r == ompt_set_error ? -1 : 0;
}

static int initialize(ompt_function_lookup_t lookup, int device,
		      ompt_data_t *tool_data)
{
	(void)device;
	(void)tool_data;
	const char *tr = getenv("ZDVFS_OMPT_TRACE");
	trace = tr != NULL && *tr == '1';
	T.last_ns = now_ns();
	const char *scope = getenv("ZDVFS_OMPT_SCOPE");
	if (scope != NULL && strcmp(scope, "whole") == 0) {
		/* before the initial task exists: it is created recording */
		whole_program = 1;
		kernel_wall_start_ns = clock_ns(CLOCK_MONOTONIC);
		atomic_store(&recording, 1);
	}
	/* The ones the analysis cannot do without. */
	if (set_cb(lookup, ompt_callback_thread_begin,
		   (ompt_callback_t)on_thread_begin) ||
	    set_cb(lookup, ompt_callback_parallel_begin,
		   (ompt_callback_t)on_parallel_begin) ||
	    set_cb(lookup, ompt_callback_parallel_end,
		   (ompt_callback_t)on_parallel_end) ||
	    set_cb(lookup, ompt_callback_implicit_task,
		   (ompt_callback_t)on_implicit_task) ||
	    set_cb(lookup, ompt_callback_task_create,
		   (ompt_callback_t)on_task_create) ||
	    set_cb(lookup, ompt_callback_task_schedule,
		   (ompt_callback_t)on_task_schedule) ||
	    set_cb(lookup, ompt_callback_sync_region,
		   (ompt_callback_t)on_sync_region) ||
	    set_cb(lookup, ompt_callback_sync_region_wait,
		   (ompt_callback_t)on_sync_region_wait) ||
	    set_cb(lookup, ompt_callback_work, (ompt_callback_t)on_work) ||
	    set_cb(lookup, ompt_callback_control_tool,
		   (ompt_callback_t)on_control_tool)) {
		fprintf(stderr,
			"zdvfs_ompt: the OpenMP runtime lacks a "
			"required OMPT callback\n");
		return 0;
	}
	/* Counted if the runtime reports them. */
	set_cb(lookup, ompt_callback_mutex_acquire,
	       (ompt_callback_t)on_mutex_acquire);
	set_cb(lookup, ompt_callback_mutex_acquired,
	       (ompt_callback_t)on_mutex_acquired);
	set_cb(lookup, ompt_callback_reduction, (ompt_callback_t)on_reduction);
	return 1;
}

ompt_start_tool_result_t *ompt_start_tool(unsigned int omp_version,
					  const char *runtime_version)
{
	(void)omp_version;
	(void)runtime_version;
	static ompt_start_tool_result_t result = {initialize, finalize, {0}};
	return &result;
}
