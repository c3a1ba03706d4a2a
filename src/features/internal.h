/* internal.h - the feature extractor's private model: what the AST walk
 * (walk.c) learns about a program - functions, loops with per-loop
 * summaries of their accesses and operations, calls, OpenMP directives -
 * and the passes that turn it into counts and features (rules.c). */
#ifndef ZDVFS_FEATURES_INTERNAL_H
#define ZDVFS_FEATURES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <clang-c/Index.h>

#include "zdvfs/features.h"

/* Bump when a rule or the JSON changes: older cache entries are ignored. */
#define FX_VERSION "zdvfs-features 4"

#define FX_MAX_NEST 24    /* loop levels tracked per function */
#define FX_MAX_DIMS 4     /* subscripts kept per access */
#define FX_MAX_TERMS 4    /* loop variables kept per subscript */
#define FX_MAX_SYMS 3     /* other variables kept per subscript */
#define FX_MAX_INLINE 3   /* nested inlining of small helper functions */
#define FX_NEST_CAP 20000 /* accesses kept for pair analysis per nest */
/* A constant trip count from which a loop is over the problem's size
 * (as a loop bounded by a parameter), not a small fixed block. */
#define FX_SIZE_CONST 128

/* A pseudo loop level for omp_get_thread_num(): its coefficient in a
 * subscript says how far apart the threads' elements are. */
#define FX_LVL_THREAD 100

/* libclang and libcurl are opened at first use (clang_dl.c, curl_dl.c):
 * these load them, or say which package is missing. */
int fx_clang_load(struct zd_err *err);
int fx_curl_load(struct zd_err *err);
/* The libclang the analysis uses, without loading it: for the cache key. */
const char *fx_clang_identity(void);

/* Grow *ptr (of *cap elements of size) to hold need; 0 or -ENOMEM. */
int fx_grow(void *ptr, int *cap, int need, size_t size);
char *fx_strdup(const char *s);
/* A string jansson accepts: invalid UTF-8 bytes become '?'. Caller frees. */
char *fx_utf8(const char *s);

struct fx_loc {
	int file; /* index into prog->paths, -1: none */
	unsigned line, col;
};

/* ---- OpenMP directives (omp.c) ---------------------------------------- */

enum {
	FX_D_PARALLEL = 1u << 0,
	FX_D_FOR = 1u << 1, /* for, do, loop */
	FX_D_SIMD = 1u << 2,
	FX_D_SECTIONS = 1u << 3,
	FX_D_SECTION = 1u << 4,
	FX_D_SINGLE = 1u << 5, /* single, master, masked */
	FX_D_CRITICAL = 1u << 6,
	FX_D_ATOMIC = 1u << 7,
	FX_D_BARRIER = 1u << 8,
	FX_D_TASKWAIT = 1u << 9,
	FX_D_TASKGROUP = 1u << 10,
	FX_D_TASKYIELD = 1u << 11,
	FX_D_FLUSH = 1u << 12,
	FX_D_ORDERED = 1u << 13,
	FX_D_TASK = 1u << 14,
	FX_D_TASKLOOP = 1u << 15,
	FX_D_TEAMS = 1u << 16,
	FX_D_DISTRIBUTE = 1u << 17,
	FX_D_TARGET = 1u << 18,
	FX_D_DECLARE = 1u << 19, /* declare ..., threadprivate, requires */
	FX_D_CANCEL = 1u << 20,
	FX_D_OTHER = 1u << 21,
};

enum fx_sched {
	FX_SCHED_NONE,
	FX_SCHED_STATIC,
	FX_SCHED_DYNAMIC,
	FX_SCHED_GUIDED,
	FX_SCHED_AUTO,
	FX_SCHED_RUNTIME,
};

/* A token of a pragma line: from libclang's tokens of a #pragma, or lexed
 * from the string of a _Pragma. */
struct fx_ptok {
	char kind; /* 'i' identifier, 'n' number, 'p' punctuation, 's' string */
	char text[48];
};

struct fx_pragma {
	unsigned offset; /* in its file: where it takes effect */
	struct fx_loc loc;
	uint32_t dir;
	bool standalone;  /* barrier, taskwait, flush, ...: no statement */
	bool declarative; /* outside code: declare, threadprivate, requires */
	int sched;        /* enum fx_sched, NONE when no schedule clause */
	long chunk;       /* 0 none, -1 not a constant */
	int collapse;     /* 1 without */
	long num_threads; /* 0 none, -1 not a constant */
	bool nowait, cutoff_clause, depend;
	bool atomic_rw; /* atomic read or write: a plain load or store */
	int nshared, nprivate, nreduction, ndepend;
	char privs[160]; /* " a b c ": private, reduction and linear items */
	bool used;
};

/* Parse the tokens after "pragma" (t[0] should be "omp"); 0 when it is an
 * OpenMP directive, -1 otherwise. */
int fx_pragma_parse(const struct fx_ptok *t, int n, struct fx_pragma *p);
/* Lex the contents of a _Pragma string literal (quotes included) into at
 * most max tokens; returns the count. */
int fx_pragma_lex(const char *lit, size_t len, struct fx_ptok *t, int max);

/* ---- the program model ------------------------------------------------ */

enum fx_trip {
	FX_TRIP_CONST,      /* bounded by constants */
	FX_TRIP_PARAM,      /* bounded by a parameter of the problem */
	FX_TRIP_TRIANGULAR, /* bound follows an enclosing loop's variable */
	FX_TRIP_LOG,        /* multiplied or divided each iteration */
	FX_TRIP_UNKNOWN,    /* while/do loops without a counting variable */
};

/* Classes of an access by its stride in the innermost loop around it. */
enum fx_acc {
	FX_ACC_UNIT,      /* consecutive elements */
	FX_ACC_SMALL,     /* constant stride 2..8 elements */
	FX_ACC_STRIDED,   /* a row or more apart */
	FX_ACC_RANDOM,    /* through an index array or a pointer chase */
	FX_ACC_INVARIANT, /* the same element every iteration */
	FX_ACC_UNKNOWN,
	FX_ACC_N
};

/* Evidence kinds with one example location per loop. */
enum fx_ex {
	FX_EX_UNIT,
	FX_EX_SMALL,
	FX_EX_STRIDED,
	FX_EX_RANDOM,
	FX_EX_INVARIANT,
	FX_EX_UNKNOWN, /* = FX_ACC_* above */
	FX_EX_CARRIED,
	FX_EX_CROSS,
	FX_EX_INDIRECT_WRITE,
	FX_EX_THREAD_WRITE,
	FX_EX_SHARED_WRITE,
	FX_EX_SYNC,
	FX_EX_TILE,
	FX_EX_REUSE,
	FX_EX_CALL,
	FX_EX_EXIT,
	FX_EX_N
};

struct fx_loop {
	int func;
	int parent;  /* enclosing loop in the same function, -1 */
	int depth;   /* 1 = outermost in its function, 0 = pseudo */
	bool pseudo; /* a function's code outside loops */
	struct fx_loc loc;
	bool is_while;
	bool has_ivar;
	enum fx_trip trip;
	double trip_const; /* iterations when FX_TRIP_CONST */
	bool tile;         /* runs a width from an outer loop's variable */
	double size_const; /* > 0: a constant trip this long, taken as the
			    * problem's size (FX_SIZE_CONST) */
	bool data_bound;   /* a bound is read from memory (CSR rows) */
	int tri_on;        /* triangular: the innermost loop its trip follows */
	bool lex_region;   /* lexically inside a parallel construct */
	bool parallel;     /* iterations shared: for, taskloop, distribute */
	bool simd;
	int sched;
	long chunk;
	bool encloses_par; /* parallel work starts inside an iteration */
	int par_events;    /* regions, worksharing ends, barriers inside */
	bool has_child;
	/* operations directly in the body, per iteration */
	double arith, mem, logic, math;
	int nacc[FX_ACC_N];
	int body_acc;    /* accesses of a pseudo loop (outside loops) */
	double temporal; /* sum of the reuse scores of its accesses */
	int writes_shared;
	bool carried, cross, indirect_write, chase, early_exit, opaque_call;
	bool reduction;
	bool branch;  /* holds calls within its recursion (rules.c) */
	bool bounded; /* under a cutoff test: if (n < C) */
	/* a trip set by parameters, j0..j1: ub - lb = sum coef*param + c;
	 * constant at some call sites (rules.c reads call->tile_mask) */
	int pb_ord; /* its bit in tile masks, -1: not such a loop */
	int pb_n;
	int pb_param[3];
	int64_t pb_coef[3];
	int64_t pb_const;
	int thread_write; /* 0 none, 1 padded or row per thread, 2 adjacent */
	int par_write;    /* parallel loop writes: 0 none, 1 low, 2 medium,
			    * 3 high false-sharing risk from chunking */
	double sync;      /* critical, atomic, locks, ordered in the body;
			    * 1 each, a quarter per enclosing if */
	int tasks;        /* task directives in the body */
	struct fx_loc ex[FX_EX_N];
	/* filled by rules.c */
	double weight; /* estimated executions of one iteration's body */
	bool hot;
};

/* What a call does to its arguments (for recursions). */
enum {
	FX_ARG_DIV = 1,    /* n/2, n >> 1, a variable set so */
	FX_ARG_DEC = 2,    /* n - 1 */
	FX_ARG_INC = 4,    /* depth + 1 */
	FX_ARG_STRUCT = 8, /* taken from a data structure: v->child[i] */
	FX_ARG_SPLIT = 16, /* a size computed in the function: quicksort */
};

struct fx_func {
	char *usr;
	char *name;
	struct fx_loc loc;
	bool defined;
	bool is_main;
	bool has_parallel; /* parallel construct lexically inside */
	bool has_task, has_taskwait, task_cutoff, has_depend;
	bool has_worksharing;     /* for, sections, taskloop: orphaned or not */
	bool serial_fallback;     /* a branch calls and returns before any task:
			       * the serial side of a cutoff */
	bool par_inside;          /* any of these, here or in what it calls */
	int body[2];              /* pseudo loops: outside regions, inside */
	int first_loop, end_loop; /* its loops: [first_loop, end_loop) */
	int npb;                  /* loops with a trip set by parameters */
	/* filled by rules.c */
	int scc;
	bool recursive;
	bool hot;
	double weight;
};

struct fx_call {
	int caller;
	char *callee_usr;
	int callee; /* resolved by rules.c, -1: not defined here */
	int loop;   /* caller's innermost loop or pseudo body */
	bool lex_region;
	bool in_task;
	bool inlined;
	bool bounded; /* under a cutoff test: if (n < C) f(n) */
	int shape;    /* FX_ARG_* over its arguments */
	int divisor;
	int mult;           /* iterations of constant loops around it */
	int if_depth;       /* conditional branches around it in its caller */
	bool in_param_loop; /* a loop over a parameter around it */
	uint32_t tile_mask; /* callee loops of constant trip from here */
	struct fx_loc loc;
};

struct fx_prog {
	int npaths, cappaths;
	char **paths;
	int nmain; /* paths[0..nmain) are the given files */
	struct fx_func *funcs;
	int nfuncs, capfuncs;
	int *fmap; /* open addressing over funcs by usr, -1 empty */
	int fmapcap;
	struct fx_loop *loops;
	int nloops, caploops;
	struct fx_call *calls;
	int ncalls, capcalls;
	struct zd_feat_counts counts;
	unsigned sched_seen; /* bit per enum fx_sched seen on a loop */
	bool any_parallel;
	bool any_task;
	struct fx_loc first_region, first_task, first_depend;
	struct fx_loc first_critical, first_atomic, first_lock;
	int regions_in_loops;
	/* diagnostics */
	int ndiags, capdiags, nerrors;
	char **diags;
	/* paths whose pragmas are counted (a header of several units once) */
	int *counted;
	int ncounted, capcounted;
	/* included project files, for the cache's validity check */
	int ndeps, capdeps;
	char **deps;
};

void fx_prog_free(struct fx_prog *p);
int fx_path_index(struct fx_prog *p, const char *path);
int fx_func_index(struct fx_prog *p, const char *usr, const char *name);
/* Index of the function with this USR, or -1. */
int fx_func_find(const struct fx_prog *p, const char *usr);
int fx_diag(struct fx_prog *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int fx_add_dep(struct fx_prog *p, const char *path);
void fx_loc_format(const struct fx_prog *p, struct fx_loc l, char *buf,
		   size_t len);

/* Walk one parsed translation unit into the model. */
int fx_walk_tu(struct fx_prog *p, CXTranslationUnit tu, const char *main_path,
	       bool count_lines);

/* Counts and the 13 features from the model. */
int fx_decide(struct fx_prog *p, struct zd_features *f);

/* Cache (cache.c) and hashing (sha256.c). */
struct fx_sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t n;
};
void fx_sha256_init(struct fx_sha256 *s);
void fx_sha256_add(struct fx_sha256 *s, const void *data, size_t len);
void fx_sha256_hex(struct fx_sha256 *s, char out[65]);
/* Hash of a file's content as hex; -errno if unreadable. */
int fx_sha256_file(const char *path, char out[65]);

struct zd_features *fx_features_new(void);
int fx_cache_lookup(const char *dir, const char *key, struct zd_features **out);
int fx_cache_store(const char *dir, const char *key,
		   const struct zd_features *f, char *const *deps, int ndeps);

#endif
