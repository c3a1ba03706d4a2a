/* workload.h - the project's workloads: the manifest (workloads/manifest.json:
 * name, suite, kind, sources, sizes) and each workload's measured profile per
 * board (workloads/profiles/BOARD/NAME.json, docs/profile-format.md), turned
 * into what the simulator executes. */
#ifndef ZDVFS_WORKLOAD_H
#define ZDVFS_WORKLOAD_H

#include <stdbool.h>

#include "zdvfs/err.h"
#include "zdvfs/sim.h"

struct zd_workload_info {
	char name[64];
	char suite
	    [16]; /* its directory: "bots", "polybench", "irregular", ... */
	char
	    kind[16]; /* what it is: "tasks", "loops", "graph", "sparse", ... */
	char group[64]; /* the algorithm: every version of one shares a group */
	int group_index; /* index of group among the manifest's distinct
			   * groups, in order of first appearance */
	bool tasks;      /* task-parallel ("parallel": "tasks"); else loops */
	char sources[4][256];
	int nsources;
	long size_tiny, size_small, size_standard;
};

struct zd_manifest {
	struct zd_workload_info *workloads;
	int count;
	int ngroups; /* distinct groups */
};

/* Directory of workloads/: `dir` if given, else
 * zd_data_dir(ZD_DATA_WORKLOADS) (include/zdvfs/paths.h). */
const char *zd_workload_dir(const char *dir);

int zd_manifest_load(const char *dir, struct zd_manifest **out,
		     struct zd_err *err);
void zd_manifest_free(struct zd_manifest *m);
const struct zd_workload_info *zd_manifest_find(const struct zd_manifest *m,
						const char *name);
/* The group of a program: its workload's group, or, for a program that is
 * no workload of the manifest (m may be NULL), the program's own name. */
const char *zd_manifest_group_of(const struct zd_manifest *m,
				 const char *program);

/* A manifest source ("workloads/bots/fib.c") as a path: the manifest's
 * paths start at the directory that holds the workload directory. */
void zd_workload_source_path(const char *workload_dir, const char *source,
			     char *out, size_t len);

/* A workload's sources as the feature analysis takes them: the paths,
 * and the compiler options every workload source is analysed with (the
 * directory of the shared "wl.h", workloads/common, as -I). Training
 * (profile, bench), `zdvfs run --workload` and `zdvfs decide --source` on
 * a workload's file all take them from here, so a decision sees the
 * features the model was trained on. */
#define ZD_WORKLOAD_FLAG_LEN 4200
struct zd_workload_sources {
	char paths[4][4096];
	const char *files[4];
	int nfiles;
	char flags[1][ZD_WORKLOAD_FLAG_LEN];
	const char *args[1];
	int nargs;
};
void zd_workload_sources(const char *workload_dir,
			 const struct zd_workload_info *w,
			 struct zd_workload_sources *out);

/* The workload of the manifest one of whose sources is the file at path
 * (same file after resolving links and relative paths), or NULL. */
const struct zd_workload_info *
zd_manifest_find_source(const struct zd_manifest *m, const char *workload_dir,
			const char *path);

/* Path of the profile of `workload` on `board`; whether it exists. */
bool zd_profile_path(const char *dir, const char *board, const char *workload,
		     char *out, size_t len);
/* Load the profile and give the simulator's view of the workload at the
 * standard size (the profile's extrapolation from its measured sizes). */
int zd_profile_load(const char *dir, const char *board, const char *workload,
		    struct zd_sim_workload *out, struct zd_err *err);
/* The same from a profile file anywhere (`zdvfs characterize` of a program
 * of the user's): its board must be `board`; out->name is its "workload". */
int zd_profile_load_file(const char *path, const char *board,
			 struct zd_sim_workload *out, struct zd_err *err);
/* The source file a profile of `zdvfs characterize --source` records, for
 * the program's features; "" when it records none. */
int zd_profile_source(const char *path, char *out, size_t len,
		      struct zd_err *err);

#endif
