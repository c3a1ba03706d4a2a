/* vgcache.c - a board's cluster caches as valgrind simulates them
 * (base/vgcache.h). */
#include "base/vgcache.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_pow2(long v)
{
	return v > 0 && (v & (v - 1)) == 0;
}

int zd_vg_geom_of(const struct zd_cache_geom *g, struct zd_vg_geom *out,
		  struct zd_err *err)
{
	struct zd_vg_geom r = {(long)g->size_kb * 1024, g->assoc,
			       g->line_bytes};
	if (r.line_bytes <= 0 || r.assoc <= 0)
		return zd_bad_input(err, "cache with no line size or ways");
	long lines = r.size_bytes / r.line_bytes;
	if (r.size_bytes % r.line_bytes == 0 && lines % r.assoc == 0 &&
	    is_pow2(lines / r.assoc)) {
		*out = r;
		return 0;
	}
	int best = 0;
	for (long a = 1; a <= lines && a <= 1024; a++) {
		if (lines % a != 0 || !is_pow2(lines / a))
			continue;
		long d = labs(a - g->assoc), bd = labs((long)best - g->assoc);
		if (best == 0 || d < bd || (d == bd && a > best))
			best = (int)a;
	}
	if (best == 0)
		return zd_bad_input(err,
				    "no valid valgrind geometry for %d KB, "
				    "%d-way, %d B lines",
				    g->size_kb, g->assoc, g->line_bytes);
	r.assoc = best;
	*out = r;
	return 0;
}

static void set_key(struct zd_vg_caches *c)
{
	snprintf(c->key, sizeof c->key, "I%ld-%d-%d_D%ld-%d-%d_L%ld-%d-%d",
		 c->i1.size_bytes, c->i1.assoc, c->i1.line_bytes,
		 c->d1.size_bytes, c->d1.assoc, c->d1.line_bytes,
		 c->ll.size_bytes, c->ll.assoc, c->ll.line_bytes);
}

int zd_vg_cluster(const struct zd_board *b, const struct zd_cluster_desc *c,
		  struct zd_vg_caches *out, struct zd_err *err)
{
	memset(out, 0, sizeof *out);
	out->ll_board = b->has_l3 ? &b->l3 : &c->l2;
	out->ll_level = b->has_l3 ? "l3" : "l2";
	int rc = zd_vg_geom_of(&c->l1i, &out->i1, err);
	if (rc == 0)
		rc = zd_vg_geom_of(&c->l1d, &out->d1, err);
	if (rc == 0)
		rc = zd_vg_geom_of(out->ll_board, &out->ll, err);
	if (rc == 0)
		set_key(out);
	return rc;
}

void zd_vg_footprint(struct zd_vg_caches *out)
{
	memset(out, 0, sizeof *out);
	out->i1 = (struct zd_vg_geom){32768, 8, 64};
	out->d1 = (struct zd_vg_geom){32768, 8, 64};
	out->ll = (struct zd_vg_geom){ZD_VG_FOOTPRINT_LL_BYTES, 16, 64};
	out->ll_level = "ll";
	set_key(out);
}

void zd_vg_arg(const struct zd_vg_geom *g, char *buf, size_t len)
{
	snprintf(buf, len, "%ld,%d,%d", g->size_bytes, g->assoc, g->line_bytes);
}

static json_t *board_cache_json(const struct zd_cache_geom *g)
{
	return json_pack("{s:i, s:i, s:i}", "size_kb", g->size_kb, "assoc",
			 g->assoc, "line_bytes", g->line_bytes);
}

static json_t *geom_json(const struct zd_vg_geom *g)
{
	return json_pack("{s:I, s:i, s:i}", "size_bytes",
			 (json_int_t)g->size_bytes, "assoc", g->assoc,
			 "line_bytes", g->line_bytes);
}

/* A changed associativity is said in the profile, so a reader knows the
 * counts are not of the board's exact cache. */
static void adjusted(json_t *notes, const char *what,
		     const struct zd_cache_geom *b, const struct zd_vg_geom *s)
{
	if (b->assoc == s->assoc)
		return;
	char buf[256];
	snprintf(buf, sizeof buf,
		 "%s: %d-way -> %d-way (same size and line; valgrind needs a "
		 "power-of-two number of sets)",
		 what, b->assoc, s->assoc);
	json_array_append_new(notes, json_string(buf));
}

json_t *zd_vg_caches_json(const struct zd_board *b, int ci,
			  struct zd_vg_caches *out, struct zd_err *err)
{
	const struct zd_cluster_desc *c = &b->clusters[ci];
	if (zd_vg_cluster(b, c, out, err) != 0)
		return NULL;
	json_t *board =
	    json_pack("{s:o, s:o, s:o, s:b}", "l1i", board_cache_json(&c->l1i),
		      "l1d", board_cache_json(&c->l1d), "l2",
		      board_cache_json(&c->l2), "l2_shared", c->l2_shared);
	if (b->has_l3)
		json_object_set_new(board, "l3", board_cache_json(&b->l3));
	json_t *notes = json_array();
	adjusted(notes, "l1i", &c->l1i, &out->i1);
	adjusted(notes, "l1d", &c->l1d, &out->d1);
	adjusted(notes, out->ll_level, out->ll_board, &out->ll);
	return json_pack("{s:o, s:{s:o, s:o, s:o, s:s}, s:o, s:s}", "board",
			 board, "simulated", "i1", geom_json(&out->i1), "d1",
			 geom_json(&out->d1), "ll", geom_json(&out->ll),
			 "ll_is", out->ll_level, "adjusted", notes,
			 "valgrind_key", out->key);
}
