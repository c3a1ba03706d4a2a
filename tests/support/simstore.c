/* simstore.c - see simstore.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "features/features_json.h"
#include "simstore.h"
#include "zdvfs/model.h"
#include "zdvfs/sim.h"
#include "zdvfs/store.h"
#include "zdvfs/workload.h"

struct zd_features *program_features(const char *name)
{
	struct zd_err err = {0};
	struct zd_manifest *m = NULL;
	if (zd_manifest_load(NULL, &m, &err) != 0)
		fail_msg("manifest: %s", err.msg);
	const struct zd_workload_info *w = zd_manifest_find(m, name);
	assert_non_null(w);
	struct zd_workload_sources ws;
	zd_workload_sources(NULL, w, &ws);
	struct zd_feat_request req = {.files = ws.files,
				      .nfiles = ws.nfiles,
				      .args = ws.args,
				      .nargs = ws.nargs,
				      .no_cache = true};
	struct zd_features *f = NULL;
	if (zd_features_analyze(&req, &f, &err) != 0)
		fail_msg("features of %s: %s", name, err.msg);
	zd_manifest_free(m);
	return f;
}

/* Every third level, every core count, at ambient: what a sweep stores.
 * `distort` multiplies the makespans of program `victim`. */
void fill_store(const char *db, const char *const *boards, int nboards,
		const char *const *programs, int nprograms, const char *victim,
		double distort)
{
	struct zd_err err = {0};
	struct zd_store *s = NULL;
	if (zd_store_open(db, &s, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(zd_store_begin(s, &err), 0);
	for (int p = 0; p < nprograms; p++) {
		struct zd_features *f = program_features(programs[p]);
		json_t *j = zd_features_json(f);
		char *text = json_dumps(j, JSON_COMPACT);
		assert_int_equal(
		    zd_store_put_program(s, programs[p], "hash", text, &err),
		    0);
		free(text);
		json_decref(j);
		zd_features_free(f);
	}
	for (int b = 0; b < nboards; b++) {
		struct zd_board *board = NULL;
		struct zd_sim *sim = NULL;
		struct zd_action_space space;
		if (zd_board_load(boards[b], NULL, &board, &err) != 0 ||
		    zd_action_space_init(&space, board, &err) != 0 ||
		    zd_store_put_board(s, boards[b], "hash", &err) != 0 ||
		    zd_sim_new(board, 1, &sim, &err) != 0)
			fail_msg("%s: %s", boards[b], err.msg);
		for (int p = 0; p < nprograms; p++) {
			struct zd_sim_workload w;
			if (zd_profile_load(NULL, boards[b], programs[p], &w,
					    &err) != 0)
				fail_msg("%s", err.msg);
			for (int i = 0; i < space.count; i++) {
				struct zd_action a;
				zd_action_at(&space, i, &a);
				bool keep = true;
				for (int c = 0; c < space.nclusters; c++)
					if (a.cores[c] && a.level[c] % 3 != 0 &&
					    a.level[c] != space.nlevels[c] - 1)
						keep = false;
				if (!keep)
					continue;
				struct zd_decision d;
				struct zd_policy *pol = NULL;
				struct zd_sim_result res;
				zd_action_decision(&space, &a, NULL, 0, &d);
				zd_sim_reset(sim);
				if (zd_policy_new("userspace", zd_sim_info(sim),
						  &d.cpus, &pol, &err) != 0)
					fail_msg("%s", err.msg);
				memcpy(pol->fixed_khz, d.khz, sizeof(d.khz));
				struct zd_run_record r = {0};
				for (int z = 0; z < board->nzones; z++)
					r.start_mc[z] = zd_sim_temp_mc(sim, z);
				if (zd_sim_run(sim, &w, pol, &res, NULL, NULL,
					       &err) != 0)
					fail_msg("%s", err.msg);
				zd_policy_free(pol);
				snprintf(r.program, sizeof(r.program), "%s",
					 programs[p]);
				snprintf(r.board, sizeof(r.board), "%s",
					 boards[b]);
				snprintf(r.backend, sizeof(r.backend), "sim");
				snprintf(r.policy, sizeof(r.policy), "sweep");
				zd_action_format(&space, &a, r.sweep_key,
						 sizeof(r.sweep_key));
				r.action = a;
				r.nclusters = space.nclusters;
				zd_cpuset_format(&d.cpus, r.cpus,
						 sizeof(r.cpus));
				r.makespan_s = res.makespan_s;
				if (victim && strcmp(victim, programs[p]) == 0)
					r.makespan_s *= distort;
				r.energy_j = res.energy_j;
				r.avg_power_w = res.avg_power_w;
				r.throttled_s = res.throttled_s;
				r.nzones = res.nzones;
				memcpy(r.peak_mc, res.peak_mc,
				       sizeof(r.peak_mc));
				memcpy(r.final_mc, res.final_mc,
				       sizeof(r.final_mc));
				if (zd_store_add_run(s, &r, &err) != 0)
					fail_msg("%s", err.msg);
			}
		}
		zd_sim_free(sim);
	}
	assert_int_equal(zd_store_commit(s, &err), 0);
	zd_store_close(s);
}
