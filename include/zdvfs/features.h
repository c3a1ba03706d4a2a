/* features.h - code features of an OpenMP program from its source: the 13
 * semantic features of docs/design.md ("The method", 1), each with the rule that
 * decided it and the source locations behind it, and the syntactic counts.
 *
 * The analysis reads libclang's AST (no regular expressions, no network)
 * and takes milliseconds; results are cached by the content of the sources
 * and the options. An LLM behind an OpenAI-compatible endpoint can give a
 * second opinion (zd_features_llm), never replacing a valid static value
 * with an invalid one. docs/features.md describes every rule. */
#ifndef ZDVFS_FEATURES_H
#define ZDVFS_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

#include "zdvfs/err.h"

/* The 13 features, in docs/design.md's order. */
enum zd_feature {
	ZD_FEAT_MEMORY_ACCESS_PATTERN,
	ZD_FEAT_SPATIAL_LOCALITY,
	ZD_FEAT_TEMPORAL_LOCALITY,
	ZD_FEAT_CACHE_BEHAVIOR_PATTERN,
	ZD_FEAT_NUMA_SENSITIVITY,
	ZD_FEAT_ALGORITHMIC_COMPLEXITY,
	ZD_FEAT_DOMINANT_OPERATION,
	ZD_FEAT_VECTORIZATION_POTENTIAL,
	ZD_FEAT_DATA_DEPENDENCY_TYPE,
	ZD_FEAT_FALSE_SHARING_RISK,
	ZD_FEAT_LOAD_BALANCE_CHARACTERISTIC,
	ZD_FEAT_PARALLELIZATION_OVERHEAD,
	ZD_FEAT_SCALABILITY_BOTTLENECK,
	ZD_FEAT_COUNT
};

/* Name of a feature ("memory_access_pattern"); NULL out of range. */
const char *zd_feature_name(int feature);
/* The feature named NAME, or -1. */
int zd_feature_by_name(const char *name);
/* Size of a feature's value set, and the name of value V ("unit_stride"). */
int zd_feature_nvalues(int feature);
const char *zd_feature_value_name(int feature, int value);
/* Index of TEXT in the feature's value set, or -1. Case, surrounding
 * blanks, inner blanks and '-' for '_' do not matter ("O(n log n)",
 * "Unit-Stride"); anything else does. */
int zd_feature_value_parse(int feature, const char *text);

#define ZD_FEAT_MAX_LOCS 6

/* One decided feature: its value and why. */
struct zd_feat_decision {
	int value;  /* index into the feature's value set */
	char *rule; /* short name of the rule that decided, e.g.
			   * "unit_share" */
	char *why;  /* one sentence with the figures behind it */
	int nlocs;
	char *locs[ZD_FEAT_MAX_LOCS]; /* "file:line:col" of the evidence */
};

/* The syntactic counts (the paper's, and a few more). Counted over the
 * given source files; "hot" figures over code run by parallel regions
 * (or, in a serial program, reachable from main). */
struct zd_feat_counts {
	int loop_depth;    /* deepest lexical loop nest */
	int loop_count;    /* for, while and do loops */
	int lines_of_code; /* lines holding code, not comments/blanks */
	double arithmetic_intensity; /* arithmetic ops per array access in
				      * hot loops, weighted by trip counts */
	int pragmas;                 /* #pragma omp directives (and _Pragma) */
	int parallel_regions;        /* parallel, parallel for/sections/... */
	int sync_points;             /* barriers, taskwaits, taskgroups,
				  * critical, atomic, ordered, flush, lock
				  * calls, and implicit barriers at the end
				  * of worksharing without nowait */
	int critical_sections;
	int barriers; /* explicit barrier directives */
	int atomics;
	int tasks;              /* task and taskloop directives */
	int thread_count;       /* constant num_threads or
				  * omp_set_num_threads, 0: runtime default */
	char schedule_kind[12]; /* static, dynamic, guided, auto, runtime,
				  * mixed, or none (no worksharing loop);
				  * a loop without schedule counts static */
	int shared_vars;        /* list items of shared clauses */
	int private_vars;       /* private, firstprivate, lastprivate */
	int reduction_vars;     /* reduction, in_reduction, task_reduction */
	/* beyond the paper */
	int functions; /* function definitions in the sources */
	int recursive_functions;
	int worksharing_loops; /* for / taskloop / distribute directives */
	int taskwaits;
	int taskgroups;
	int taskloops;
	int singles;        /* single, master, masked */
	int simd;           /* directives with simd */
	int locks;          /* omp_set_lock / omp_set_nest_lock calls */
	int depends;        /* depend clauses */
	int collapse_max;   /* largest collapse(n), 1 without */
	int hot_loop_depth; /* deepest hot nest counting loops around
				  * the calls that lead to it */
};

/* The continuous figures the 13 classes are thresholds of, over the hot
 * code (parallel regions and what they call, weighted by estimated trip
 * counts): what the environment model reads, since a figure moves a
 * little with a change of style where a class can flip. Shares are
 * 0..1 of hot accesses to memory (strides) or of hot operations. */
struct zd_feat_metrics {
	double unit_share;      /* consecutive elements */
	double strided_share;   /* stride 2-8 elements or a row and more */
	double random_share;    /* through index arrays or pointer chases */
	double spatial_score;   /* stride score (spatial_locality's) */
	double reuse_score;     /* reuse score (temporal_locality's) */
	double ops_per_traffic; /* operations per unit of memory traffic
				 * (a strided access 3, random 4); 100 with
				 * no traffic */
	double arith_share;     /* of hot operations (math calls count 4) */
	double logic_share;     /* comparisons, branches, bit operations */
	double vector_share;    /* vectorisable share of hot operations */
	double carried_share;   /* hot work in loops carrying a dependence */
	double sync_share;      /* hot work synchronised (critical, atomic,
				 * locks, ordered) */
	double irregular_share; /* hot work in loops whose trip follows a
				 * parallel loop's variable or data */
	double blocked_share;   /* hot accesses in tiles or fixed blocks */
	double degree;          /* work ~ n^degree (log n adds 0.5 at most
				 * 1; exponential: 6) */
	bool valid;             /* false in results of older analysers */
};

/* An LLM's second opinion, side by side with the static result. */
struct zd_feat_llm {
	char *url;
	char *model;
	char *error; /* NULL when an answer was used */
	int attempts;
	double ms;
	int value[ZD_FEAT_COUNT];    /* -1: missing or outside the value set,
				     * the static value stands */
	char *answer[ZD_FEAT_COUNT]; /* the raw answer, NULL if none */
	int agree; /* valid answers equal to the static value */
	int valid; /* valid answers */
};

struct zd_features {
	int nfiles;
	char **files; /* the analysed sources, as given */
	struct zd_feat_counts counts;
	struct zd_feat_metrics metrics;
	struct zd_feat_decision feat[ZD_FEAT_COUNT];
	int ndiags;
	char **diags;            /* "file:line:col: error: message", and
				  * files that could not be parsed at all */
	int nerrors;             /* parse errors among diags */
	bool cached;             /* came from the cache */
	double ms;               /* time to produce it (analysis or lookup) */
	struct zd_feat_llm *llm; /* NULL unless zd_features_llm ran */
};

/* What to analyse: one program, made of one or more C files. */
struct zd_feat_request {
	const char *const *files;
	int nfiles;
	/* -I DIR, -DNAME[=V], -UNAME, -std=..., -include FILE, as a compiler
	 * takes them; given to libclang as they are */
	const char *const *args;
	int nargs;
	/* compile_commands.json (or its directory): each file's flags come
	 * from its entry; with no files, every entry is the program */
	const char *compile_commands;
	bool no_cache;         /* neither read nor write the cache */
	const char *cache_dir; /* NULL: $ZDVFS_CACHE_DIR, else
				  * $XDG_CACHE_HOME/zdvfs, else
				  * ~/.cache/zdvfs */
};

/* Analyse the program (or take it from the cache). A missing or unreadable
 * source or database is a usage error naming it; code libclang cannot
 * parse gives a partial result with diagnostics; a program with no
 * function definition at all is a usage error. */
int zd_features_analyze(const struct zd_feat_request *req,
			struct zd_features **out, struct zd_err *err);
void zd_features_free(struct zd_features *f);

/* A compilation database for source as clangd finds one: in the
 * directory of the source or any directory above it, either
 * compile_commands.json or build/compile_commands.json, the nearest
 * one that has an entry for the file. 1 and its path in out when found,
 * else 0. */
int zd_features_find_compile_commands(const char *source, char *out,
				      size_t len);

/* The length of path's source-file ending: ".c", or a C++ one as
 * compilers decide (.cc .cpp .cxx .c++ .C .CC .CPP .ii), *cxx saying
 * which; 0 if it has none. */
size_t zd_features_source_ending(const char *path, bool *cxx);

/* How far a decision may trust F: 1 for a clean parse, less the more
 * errors libclang reported (each error is code the analysis did not see:
 * 1 / (1 + errors / 4), at most 0.5 when a header was missing or a file
 * could not be parsed at all, never under 0.05). The engine may explore
 * more the lower it is. */
double zd_features_confidence(const struct zd_features *f);
/* The first parse error ("file:line:col: error: message"), or NULL. */
const char *zd_features_first_error(const struct zd_features *f);

/* The cache directory that zd_features_analyze uses for REQ. */
int zd_features_cache_dir(const struct zd_feat_request *req, char *buf,
			  size_t len, struct zd_err *err);

/* Ask an OpenAI-compatible chat-completions endpoint for the 13 features
 * of F's sources as strict JSON; answers are checked against the value
 * sets, retried on transport errors, 429/5xx and unusable answers, and
 * stored in f->llm. Failure to get any usable answer is not an error of
 * the call: f->llm->error says what happened, the static result stands. */
struct zd_feat_llm_request {
	const char *url;         /* http://host:port[/v1[/chat/completions]] */
	const char *model;       /* NULL: "default" */
	long timeout_ms;         /* per attempt; 0: 60000 */
	int retries;             /* further attempts; <0: 2 */
	size_t max_source_bytes; /* source text sent; 0: 65536 */
};
int zd_features_llm(struct zd_features *f,
		    const struct zd_feat_llm_request *req, struct zd_err *err);

#endif
