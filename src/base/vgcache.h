/* vgcache.h - how a board's cluster caches become the caches valgrind
 * simulates (internal: it speaks jansson). The one place of these rules for
 * tools/characterize (tools/profile/zdvfs_profile.c) and `zdvfs
 * characterize` (src/eval/characterize.c): the --I1/--D1/--LL geometry of
 * a cluster, the key that says which clusters share one (and names their
 * measurements), the footprint geometry, and the profile's "caches" object
 * (docs/profile-format.md). */
#ifndef ZDVFS_BASE_VGCACHE_H
#define ZDVFS_BASE_VGCACHE_H

#include <stddef.h>

#include <jansson.h>

#include "zdvfs/board.h"
#include "zdvfs/err.h"

/* The footprint run's last-level cache: far larger than the data, so its
 * misses are the distinct lines the program touches. */
#define ZD_VG_FOOTPRINT_LL_BYTES (256L << 20)

/* One cache as valgrind simulates it. */
struct zd_vg_geom {
	long size_bytes;
	int assoc;
	int line_bytes;
};

/* The three caches valgrind simulates for one cluster, and their key. */
struct zd_vg_caches {
	struct zd_vg_geom i1, d1, ll;
	/* what ll stands for: the board's l3 if it has one, else the
	 * cluster's l2 (NULL for the footprint geometry) */
	const struct zd_cache_geom *ll_board;
	const char *ll_level; /* "l3" or "l2" */
	/* "I<size>-<ways>-<line>_D..._L...": clusters with equal keys share
	 * one valgrind run; also a file and directory name */
	char key[128];
};

/* A board cache as valgrind can simulate it: valgrind needs a power-of-two
 * number of sets, so size and line are kept and the associativity nearest
 * the real one that gives that is taken (ties: the higher). A cache with
 * no such associativity (or no line or ways) is a usage error. */
int zd_vg_geom_of(const struct zd_cache_geom *g, struct zd_vg_geom *out,
		  struct zd_err *err);

/* The caches of cluster `c` of board `b` (I1, D1 and the last level). */
int zd_vg_cluster(const struct zd_board *b, const struct zd_cluster_desc *c,
		  struct zd_vg_caches *out, struct zd_err *err);

/* The footprint run's caches (32 KiB 8-way L1s, the huge LL). */
void zd_vg_footprint(struct zd_vg_caches *out);

/* valgrind's argument value "SIZE,ASSOC,LINE" (after --I1= etc.). */
void zd_vg_arg(const struct zd_vg_geom *g, char *buf, size_t len);

/* The profile's "caches" object of cluster `ci` of board `b`: the board's
 * caches, the simulated ones, a note per associativity changed and the
 * valgrind key (its key in *out as well); NULL if the cluster has no
 * valgrind geometry (err says why). */
json_t *zd_vg_caches_json(const struct zd_board *b, int ci,
			  struct zd_vg_caches *out, struct zd_err *err);

#endif
