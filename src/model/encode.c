/* encode.c - model inputs; docs/model.md explains each column. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "encode.h"

/* The program's columns: how it behaves, never which program it is.
 * Continuous figures of the hot code (zd_feat_metrics) rather than the
 * classes thresholded from them, which flip with coding style; the
 * classes that carry more than a threshold (dependences, false sharing,
 * balance, overhead, bottleneck); a few structural facts as yes/no or
 * small numbers. Sizes of the source (lines, functions, loops, pragmas,
 * variables in clauses) are left out: they name programs, and the model
 * learnt them as names (issue 14). */
static const char *const program_names[ZD_NCOLS_PROGRAM] = {
    "p_unit_share",
    "p_strided_share",
    "p_random_share",
    "p_spatial_score",
    "p_reuse_score",
    "p_ops_per_traffic_log",
    "p_arith_share",
    "p_logic_share",
    "p_vector_share",
    "p_carried_share",
    "p_sync_share",
    "p_irregular_share",
    "p_blocked_share",
    "p_degree",
    "p_arith_per_access",
    "data_dependency_type",
    "false_sharing_risk",
    "load_balance_characteristic",
    "parallelization_overhead",
    "scalability_bottleneck",
    "p_tasks",
    "p_recursive",
    "p_schedule",
    "p_hot_loop_depth",
    "p_collapse",
    "p_fixed_threads",
    "p_reduction",
};

static const char *const board_names[ZD_NCOLS_BOARD] = {
    "b_cores",    "b_clusters",     "b_bw_per_cap", "b_llc_kb_per_core_log2",
    "b_idle_rel", "b_cap_max_log2",
};

static const char *const action_names[ZD_NCOLS_ACTION] = {
    "a_cap_rel",         "a_fast_rel",          "a_cores_rel",
    "a_bw_per_cap",      "a_power_nominal_rel", "a_clusters_used",
    "a_cores",           "a_slot0_cores_rel",   "a_slot0_f_rel",
    "a_slot0_level_rel", "a_slot1_cores_rel",   "a_slot1_f_rel",
    "a_slot1_level_rel",
};

static const char *const zone_names[ZD_NCOLS_ZONE] = {
    "z_start_rel",
    "z_heat_nominal_rel",
    "z_tau_log",
    "z_length_log",
};

const char *zd_encode_column_name(int i)
{
	if (i < 0)
		return NULL;
	if (i < ZD_NCOLS_PROGRAM)
		return program_names[i];
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

/* What cluster c of `a` runs at: its level, or at a turbo entry the bin
 * for its busy cores (zd_cluster_run_opp), not the entry's nominal
 * 1 MHz above base. */
static struct zd_opp run_opp(const struct zd_board_prior *bp,
			     const struct zd_action *a, int c)
{
	return zd_cluster_run_opp(&bp->board->clusters[c], a->level[c],
				  a->cores[c]);
}

static double cluster_cap(const struct zd_board_prior *bp,
			  const struct zd_action *a, int c)
{
	const struct zd_cluster_desc *cl = &bp->board->clusters[c];
	return a->cores[c] * ghz(run_opp(bp, a, c).khz) * cluster_speed(cl);
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
		return zd_bad_input(err,
				    "%s: the model encodes at most %d "
				    "clusters, the board has %d",
				    b->path, ZD_MAX_CLUSTERS, b->nclusters);
	/* slots: clusters by their top per-core speed, fastest first, so
	 * "big" means the same everywhere; the action's two slot column
	 * groups describe the fastest and the slowest cluster (slot[0] and
	 * slot[1]), a middle cluster (the RUBIK Pi's gold A78s between its
	 * prime core and its A55s) enters through the aggregate columns */
	double speed[ZD_MAX_CLUSTERS];
	for (int c = 0; c < b->nclusters; c++) {
		const struct zd_cluster_desc *cl = &b->clusters[c];
		speed[c] = cluster_speed(cl) *
		    ghz(zd_cluster_run_opp(cl, cl->nopps - 1, 1).khz);
		bp->slot[c] = c;
	}
	for (int i = 1; i < b->nclusters; i++)
		for (int j = i;
		     j > 0 && speed[bp->slot[j]] > speed[bp->slot[j - 1]];
		     j--) {
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
		return zd_bad_input(err,
				    "%s: tdp_mw must be positive for the "
				    "model",
				    b->path);
	bp->nzones = b->nzones < ZD_MAX_ZONES ? b->nzones : ZD_MAX_ZONES;
	for (int z = 0; z < bp->nzones; z++) {
		const struct zd_zone_desc *zd = &b->zones[z];
		bp->throttle_c[z] = zd_zone_throttle_c(b, z);
		bp->zone_modelled[z] = zd_zone_modelled(zd);
		if (bp->zone_modelled[z]) {
			bp->tau_s[z] =
			    zd->r_k_per_w.value * zd->c_j_per_k.value;
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

double zd_encode_temp_abs(const struct zd_board_prior *bp, int zone, double rel)
{
	return bp->ambient_c + rel * (bp->throttle_c[zone] - bp->ambient_c);
}

static float log1pf_count(double v)
{
	return (float)log1p(v > 0 ? v : 0);
}

static int schedule_code(const char *kind)
{
	static const char *const kinds[] = {
	    "none", "static", "dynamic", "guided", "auto", "runtime", "mixed"};
	for (int i = 0; i < 7; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return i;
	return -1;
}

void zd_encode_program(const struct zd_features *f, float *row)
{
	const struct zd_feat_counts *k = &f->counts;
	const struct zd_feat_metrics *m = &f->metrics;
	int s = schedule_code(k->schedule_kind);
	float nan = NAN; /* missing: results of an older analyser */
	int i = 0;
	if (m->valid) {
		const double v[] = {
		    m->unit_share,    m->strided_share,
		    m->random_share,  m->spatial_score,
		    m->reuse_score,   log1p(m->ops_per_traffic),
		    m->arith_share,   m->logic_share,
		    m->vector_share,  m->carried_share,
		    m->sync_share,    m->irregular_share,
		    m->blocked_share, m->degree,
		};
		for (; i < (int)(sizeof(v) / sizeof(v[0])); i++)
			row[i] = (float)v[i];
	} else {
		for (; i < 14; i++)
			row[i] = nan;
	}
	double ai = k->arithmetic_intensity;
	row[i++] = (float)(ai < 64 ? ai : 64);
	static const int classes[] = {
	    ZD_FEAT_DATA_DEPENDENCY_TYPE,
	    ZD_FEAT_FALSE_SHARING_RISK,
	    ZD_FEAT_LOAD_BALANCE_CHARACTERISTIC,
	    ZD_FEAT_PARALLELIZATION_OVERHEAD,
	    ZD_FEAT_SCALABILITY_BOTTLENECK,
	};
	for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]); c++) {
		int v = f->feat[classes[c]].value;
		row[i++] = v >= 0 ? (float)v : nan;
	}
	row[i++] = k->tasks > 0 || k->taskloops > 0;
	row[i++] = k->recursive_functions > 0;
	row[i++] = s >= 0 ? (float)s : nan;
	row[i++] = log1pf_count(k->hot_loop_depth);
	row[i++] = (float)(k->collapse_max > 1 ? k->collapse_max : 1);
	row[i++] = k->thread_count > 0;
	row[i++] = k->reduction_vars > 0;
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
		const struct zd_opp run = run_opp(bp, a, c), *opp = &run;
		double v = opp->uv * 1e-6,
		       vtop = cl->opps[cl->nopps - 1].uv * 1e-6;
		double ceff =
		    cl->ceff_nf.present ? cl->ceff_nf.value * 1e-9 : 0;
		double leak =
		    cl->leak_mw.present ? cl->leak_mw.value * 1e-3 : 0;
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
		rs[1] = a->cores[c]
		    ? (float)((double)run_opp(bp, a, c).khz /
			      zd_cluster_run_opp(&b->clusters[c], top, 1).khz)
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

void zd_decode_run(const struct zd_board_prior *bp, double ref_s, double y_time,
		   double y_power, const double *start_c, struct zd_outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->makespan_s = ref_s * exp(y_time);
	o->avg_power_w = bp->tdp_w * exp(y_power);
	o->energy_j = o->makespan_s * o->avg_power_w;
	o->nzones = bp->nzones;
	for (int z = 0; z < bp->nzones; z++)
		o->peak_c[z] = o->final_c[z] = start_c[z];
}

void zd_decode_zone(const struct zd_board_prior *bp, int z, double start_c,
		    double y_peak, double y_final, struct zd_outcome *o)
{
	o->final_c[z] = zd_encode_temp_abs(bp, z, y_final);
	o->peak_c[z] = fmax(zd_encode_temp_abs(bp, z, y_peak),
			    fmax(start_c, o->final_c[z]));
}

void zd_decode_hottest(struct zd_outcome *o)
{
	o->hottest_c = -273.15;
	for (int z = 0; z < o->nzones; z++)
		if (o->peak_c[z] > o->hottest_c)
			o->hottest_c = o->peak_c[z];
}
