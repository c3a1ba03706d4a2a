/* encode.c - model inputs; docs/model.md explains each column. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "encode.h"

static const char *const count_names[] = {
	"loop_depth", "loop_count", "lines_of_code", "arithmetic_intensity",
	"pragmas", "parallel_regions", "sync_points", "critical_sections",
	"barriers", "atomics", "tasks", "thread_count", "schedule_kind",
	"shared_vars", "private_vars", "reduction_vars", "functions",
	"recursive_functions", "worksharing_loops", "taskwaits", "taskgroups",
	"taskloops", "singles", "simd", "locks", "depends", "collapse_max",
	"hot_loop_depth", "tasks_per_region",
};

static const char *const board_names[ZD_NCOLS_BOARD] = {
	"b_cores", "b_clusters", "b_bw_per_cap", "b_llc_kb_per_core_log2",
	"b_idle_rel", "b_cap_max_log2",
};

static const char *const action_names[ZD_NCOLS_ACTION] = {
	"a_cap_rel", "a_fast_rel", "a_cores_rel", "a_bw_per_cap",
	"a_power_nominal_rel", "a_clusters_used", "a_cores",
	"a_slot0_cores_rel", "a_slot0_f_rel", "a_slot0_level_rel",
	"a_slot1_cores_rel", "a_slot1_f_rel", "a_slot1_level_rel",
};

static const char *const zone_names[ZD_NCOLS_ZONE] = {
	"z_start_rel", "z_heat_nominal_rel", "z_tau_log", "z_length_log",
};

_Static_assert(sizeof(count_names) / sizeof(count_names[0]) ==
		       ZD_NCOLS_PROGRAM - ZD_FEAT_COUNT,
	       "one name per count column");

const char *zd_encode_column_name(int i)
{
	if (i < 0)
		return NULL;
	if (i < ZD_FEAT_COUNT)
		return zd_feature_name(i);
	if (i < ZD_NCOLS_PROGRAM)
		return count_names[i - ZD_FEAT_COUNT];
	if (i < ZD_COL_START)
		return board_names[i - ZD_COL_BOARD];
	if (i < ZD_COL_ACTION)
		return "s_hottest_rel";
	if (i < ZD_NCOLS_RUN)
		return action_names[i - ZD_COL_ACTION];
	if (i < ZD_NCOLS_THERMAL)
		return zone_names[i - ZD_COL_ZONE];
	return NULL;
}

static double ghz(uint32_t khz)
{
	return khz * 1e-6;
}

static double cluster_speed(const struct zd_cluster_desc *cl)
{
	return cl->speed_rel.present ? cl->speed_rel.value : 1.0;
}

static double cluster_cap(const struct zd_board_prior *bp,
			  const struct zd_action *a, int c)
{
	const struct zd_cluster_desc *cl = &bp->board->clusters[c];
	return a->cores[c] * ghz(bp->space.khz[c][a->level[c]]) *
	       cluster_speed(cl);
}

static double llc_kb(const struct zd_board *b)
{
	if (b->has_l3)
		return b->l3.size_kb;
	int kb = 0;
	for (int c = 0; c < b->nclusters; c++)
		if (b->clusters[c].l2.size_kb > kb)
			kb = b->clusters[c].l2.size_kb;
	return kb;
}

int zd_board_prior_init(struct zd_board_prior *bp, const struct zd_board *b,
			struct zd_err *err)
{
	memset(bp, 0, sizeof(*bp));
	bp->board = b;
	int rc = zd_action_space_init(&bp->space, b, err);
	if (rc != 0)
		return rc;
	if (b->nclusters > ZD_MAX_CLUSTERS)
		return zd_bad_input(err, "%s: the model encodes at most %d "
				    "clusters, the board has %d", b->path,
				    ZD_MAX_CLUSTERS, b->nclusters);
	/* slots: clusters by their top per-core speed, fastest first, so
	 * "big" means the same everywhere; the action's two slot column
	 * groups describe the fastest and the slowest cluster (slot[0] and
	 * slot[1]), a middle cluster (the RUBIK Pi's gold A78s between its
	 * prime core and its A55s) enters through the aggregate columns */
	double speed[ZD_MAX_CLUSTERS];
	for (int c = 0; c < b->nclusters; c++) {
		const struct zd_cluster_desc *cl = &b->clusters[c];
		speed[c] = cluster_speed(cl) * ghz(cl->opps[cl->nopps - 1].khz);
		bp->slot[c] = c;
	}
	for (int i = 1; i < b->nclusters; i++)
		for (int j = i; j > 0 && speed[bp->slot[j]] > speed[bp->slot[j - 1]]; j--) {
			int t = bp->slot[j];
			bp->slot[j] = bp->slot[j - 1];
			bp->slot[j - 1] = t;
		}
	if (b->nclusters > 2) { /* the slowest into slot 1 */
		int slowest = bp->slot[b->nclusters - 1];
		for (int s = b->nclusters - 1; s > 1; s--)
			bp->slot[s] = bp->slot[s - 1];
		bp->slot[1] = slowest;
	}
	struct zd_action top;
	zd_action_max(&bp->space, &top);
	for (int c = 0; c < b->nclusters; c++) {
		double cap = cluster_cap(bp, &top, c);
		bp->cap_max += cap;
		if (top.cores[c] && cap / top.cores[c] > bp->fast_max)
			bp->fast_max = cap / top.cores[c];
	}
	bp->tdp_w = b->tdp_mw.value * 1e-3;
	bp->idle_w = b->idle_power_mw.value * 1e-3;
	bp->ambient_c = b->ambient_mc.value * 1e-3;
	if (!(bp->tdp_w > 0))
		return zd_bad_input(err, "%s: tdp_mw must be positive for the "
				    "model", b->path);
	bp->nzones = b->nzones < ZD_MAX_ZONES ? b->nzones : ZD_MAX_ZONES;
	for (int z = 0; z < bp->nzones; z++) {
		const struct zd_zone_desc *zd = &b->zones[z];
		bp->throttle_c[z] = zd_zone_throttle_c(b, z);
		bp->zone_modelled[z] = zd_zone_modelled(zd);
		if (bp->zone_modelled[z]) {
			bp->tau_s[z] = zd->r_k_per_w.value * zd->c_j_per_k.value;
			bp->rise_per_w[z] = zd->r_k_per_w.value /
					    (bp->throttle_c[z] - bp->ambient_c);
		}
	}
	bp->limit_c = zd_board_limit_c(b);
	return 0;
}

double zd_encode_temp_rel(const struct zd_board_prior *bp, int zone, double c)
{
	return (c - bp->ambient_c) / (bp->throttle_c[zone] - bp->ambient_c);
}

double zd_encode_temp_abs(const struct zd_board_prior *bp, int zone,
			  double rel)
{
	return bp->ambient_c + rel * (bp->throttle_c[zone] - bp->ambient_c);
}

static float log1pf_count(double v)
{
	return (float)log1p(v > 0 ? v : 0);
}

static int schedule_code(const char *kind)
{
	static const char *const kinds[] = {"none", "static", "dynamic",
					    "guided", "auto", "runtime", "mixed"};
	for (int i = 0; i < 7; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return i;
	return -1;
}

void zd_encode_program(const struct zd_features *f, float *row)
{
	for (int i = 0; i < ZD_FEAT_COUNT; i++)
		row[i] = f->feat[i].value >= 0 ? (float)f->feat[i].value : NAN;
	const struct zd_feat_counts *k = &f->counts;
	float *r = row + ZD_FEAT_COUNT;
	int s = schedule_code(k->schedule_kind);
	const double counts[] = {
		k->loop_depth, k->loop_count, k->lines_of_code, 0,
		k->pragmas, k->parallel_regions, k->sync_points,
		k->critical_sections, k->barriers, k->atomics, k->tasks,
		k->thread_count, 0, k->shared_vars, k->private_vars,
		k->reduction_vars, k->functions, k->recursive_functions,
		k->worksharing_loops, k->taskwaits, k->taskgroups, k->taskloops,
		k->singles, k->simd, k->locks, k->depends, k->collapse_max,
		k->hot_loop_depth,
		k->parallel_regions ? (double)k->tasks / k->parallel_regions : 0,
	};
	for (int i = 0; i < ZD_NCOLS_PROGRAM - ZD_FEAT_COUNT; i++)
		r[i] = log1pf_count(counts[i]);
	r[3] = (float)k->arithmetic_intensity;
	r[12] = s >= 0 ? (float)s : NAN;
}

void zd_encode_board(const struct zd_board_prior *bp, float *row)
{
	const struct zd_board *b = bp->board;
	int cores = 0;
	for (int c = 0; c < b->nclusters; c++)
		cores += bp->space.max_cores[c];
	float *r = row + ZD_COL_BOARD;
	r[0] = (float)cores;
	r[1] = (float)b->nclusters;
	r[2] = (float)(b->mem_bandwidth_mbps.value * 1e-3 / bp->cap_max);
	r[3] = (float)log2(llc_kb(b) / cores + 1);
	r[4] = (float)(bp->idle_w / bp->tdp_w);
	r[5] = (float)log2(bp->cap_max);
}

void zd_encode_start(const struct zd_board_prior *bp, const double *start_c,
		     float *row)
{
	double hot = 0;
	for (int z = 0; z < bp->nzones; z++)
		if (bp->zone_modelled[z]) {
			double rel = zd_encode_temp_rel(bp, z, start_c[z]);
			if (rel > hot)
				hot = rel;
		}
	row[ZD_COL_START] = (float)hot;
}

static bool zone_has_cluster(const struct zd_board *b, int zone, int c)
{
	if (zone < 0)
		return true;
	const struct zd_zone_desc *zd = &b->zones[zone];
	for (int k = 0; k < zd->nclusters; k++)
		if (zd->clusters[k] == c)
			return true;
	return false;
}

double zd_encode_nominal_power_w(const struct zd_board_prior *bp,
				 const struct zd_action *a, int zone)
{
	const struct zd_board *b = bp->board;
	double w = 0;
	for (int c = 0; c < b->nclusters; c++) {
		const struct zd_cluster_desc *cl = &b->clusters[c];
		if (!zone_has_cluster(b, zone, c) || a->cores[c] == 0)
			continue;
		const struct zd_opp *opp = &cl->opps[a->level[c]];
		double v = opp->uv * 1e-6, vtop = cl->opps[cl->nopps - 1].uv * 1e-6;
		double ceff = cl->ceff_nf.present ? cl->ceff_nf.value * 1e-9 : 0;
		double leak = cl->leak_mw.present ? cl->leak_mw.value * 1e-3 : 0;
		w += a->cores[c] * ceff * v * v * opp->khz * 1e3;
		w += cl->ncpus * leak * (v / vtop) * (v / vtop);
	}
	return w;
}

void zd_encode_action(const struct zd_board_prior *bp,
		      const struct zd_action *a, float *row)
{
	const struct zd_board *b = bp->board;
	double cap = 0, fast = 0;
	int cores = 0, used = 0, max_cores = 0;
	for (int c = 0; c < b->nclusters; c++) {
		double cc = cluster_cap(bp, a, c);
		cap += cc;
		if (a->cores[c]) {
			used++;
			if (cc / a->cores[c] > fast)
				fast = cc / a->cores[c];
		}
		cores += a->cores[c];
		max_cores += bp->space.max_cores[c];
	}
	float *r = row + ZD_COL_ACTION;
	r[0] = (float)(cap / bp->cap_max);
	r[1] = (float)(fast / bp->fast_max);
	r[2] = (float)cores / (float)max_cores;
	r[3] = (float)(b->mem_bandwidth_mbps.value * 1e-3 / cap);
	r[4] = (float)(zd_encode_nominal_power_w(bp, a, -1) / bp->tdp_w);
	r[5] = (float)used;
	r[6] = (float)cores;
	for (int s = 0; s < 2; s++) {
		float *rs = r + 7 + 3 * s;
		if (s >= b->nclusters) {
			rs[0] = rs[1] = rs[2] = NAN;
			continue;
		}
		int c = bp->slot[s];
		int top = bp->space.nlevels[c] - 1;
		rs[0] = (float)a->cores[c] / (float)bp->space.max_cores[c];
		rs[1] = a->cores[c] ? (float)((double)bp->space.khz[c][a->level[c]] /
					      bp->space.khz[c][top])
				    : 0.0f;
		rs[2] = a->cores[c] && top > 0 ? (float)a->level[c] / (float)top
					       : 0.0f;
	}
}

void zd_encode_zone(const struct zd_board_prior *bp, int zone,
		    const struct zd_action *a, double start_c,
		    double makespan_s, float *row)
{
	float *r = row + ZD_COL_ZONE;
	double tau = bp->tau_s[zone] > 0 ? bp->tau_s[zone] : 1.0;
	r[0] = (float)zd_encode_temp_rel(bp, zone, start_c);
	r[1] = (float)(bp->rise_per_w[zone] *
		       zd_encode_nominal_power_w(bp, a, zone));
	r[2] = (float)log(tau);
	r[3] = (float)log(fmax(makespan_s, 1e-6) / tau);
}
