/* sim.c - `zdvfs sim`: one simulated execution of a workload on a board,
 * under a fixed decision or a governor. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"
#include "zdvfs/policy.h"
#include "zdvfs/sim.h"
#include "zdvfs/workload.h"

static const char *const sim_usage[] = {
    "zdvfs sim --board NAME --workload NAME|--profile FILE [OPTIONS]", NULL};

static const char *const starts[] = {"cold", "idle", NULL};

struct sim_opts {
	const char *board, *workload, *cpus, *freq, *governor, *trace;
	const char *profile;   /* a profile file, in place of a workload */
	const char *level_arg; /* I, or C=I,... per cluster */
	const char *platform_dir, *workload_dir;
	int cores, level, runs;
	int start;        /* index in starts[]: 0 cold, 1 idle */
	double ambient_c; /* NAN: the board's */
	uint64_t seed;
	double noise;
	bool json;
};

/* --freq F or C=F,...: once (one --freq sets several clusters). */
static int on_freq(const struct cli_option *opt, const char *arg,
		   const char *cmd)
{
	struct sim_opts *o = opt->value;
	if (o->freq != NULL)
		return cli_usage_error(cmd,
				       "--freq given twice (one --freq "
				       "C=F,... sets several clusters)");
	o->freq = arg;
	return 0;
}

/* --level I or C=I,...: once, like --freq. */
static int on_level(const struct cli_option *opt, const char *arg,
		    const char *cmd)
{
	struct sim_opts *o = opt->value;
	if (o->level_arg != NULL)
		return cli_usage_error(cmd,
				       "--level given twice (one --level "
				       "C=I,... sets several clusters)");
	o->level_arg = arg;
	if (strchr(arg, '=') != NULL) {
		o->level = 0; /* per cluster: make_policy */
		return 0;
	}
	long v = 0;
	int rc = cli_parse_long(cmd, "--level", arg, 0, 63, &v);
	if (rc == 0)
		o->level = (int)v;
	return rc;
}

static int parse_sim_opts(int argc, char **argv, struct sim_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->level = -1;
	o->runs = 1;
	o->seed = 1;
	o->ambient_c = NAN;
	struct cli_option options[] = {
	    OPT_TEXT("Runs the measured profile of a workload "
		     "(workloads/profiles/BOARD/) on a simulated board "
		     "(platforms/BOARD.json) and reports makespan, energy, "
		     "average power, peak and final temperature per zone, and "
		     "time throttled. Energy is given for the board input and "
		     "the CPU rail (the clusters)."),
	    OPT_BOARD(&o->board),
	    OPT_STRING(0, "workload", &o->workload, "NAME",
		       "see `zdvfs workloads`"),
	    OPT_STRING(0, "profile", &o->profile, "FILE",
		       "a profile of the board made by `zdvfs characterize` of "
		       "any program (in place of --workload)"),
	    OPT_INT(0, "cores", &o->cores, "N", 1, ZD_MAX_CPUS,
		    "the N fastest usable cores (default: all but the board's "
		    "reserved ones)"),
	    OPT_STRING(0, "cpus", &o->cpus, "LIST",
		       "exactly these CPUs, like 1,3-5"),
	    OPT_CALLBACK(0, "freq", o, "F", on_freq,
			 "every cluster at the level nearest F (1.4GHz, "
			 "1400MHz, 1400000; more than 10 % outside the "
			 "board's levels is refused); implies --governor "
			 "userspace"),
	    OPT_ITEM("--freq C=F,...",
		     "per cluster (its name or number, as `zdvfs platforms "
		     "show` lists them): a cluster not named runs at its "
		     "highest level; --level C=I,... likewise"),
	    OPT_CALLBACK(0, "level", o, "I", on_level,
			 "every cluster at level I (0 = lowest; clamped to "
			 "each cluster's top); implies --governor userspace"),
	    OPT_STRING(0, "governor", &o->governor, "G",
		       "performance, powersave, userspace, ondemand, "
		       "conservative, schedutil (default: the board's)"),
	    OPT_INT(0, "runs", &o->runs, "N", 1, 100000,
		    "N consecutive runs; heat carries over (default 1)"),
	    OPT_SEED(&o->seed, "seed of the measurement noise (default 1)"),
	    OPT_DOUBLE(0, "noise", &o->noise, "R", 0, 0.5,
		       "relative noise on time and power (default 0)"),
	    OPT_CHOICE(0, "start", &o->start, "S", starts,
		       "cold: the board at ambient (default); idle: at its "
		       "idle temperature (idled until settled)"),
	    OPT_DOUBLE(0, "ambient", &o->ambient_c, "C", -20, 60,
		       "ambient temperature in °C (default: the board's)"),
	    OPT_BOOL(0, "json", &o->json, "machine-readable output"),
	    OPT_STRING(0, "trace", &o->trace, "FILE.csv",
		       "time series: t, progress, power, frequencies, temps"),
	    OPT_PLATFORM_DIR(&o->platform_dir),
	    OPT_WORKLOAD_DIR(&o->workload_dir),
	    OPT_END(),
	};
	int status = 0;
	int n = cli_parse_options("sim", sim_usage, options, 0, argc, argv,
				  &status);
	if (n < 0)
		return status ? status : -1;
	if (n > 0)
		return cli_usage_error("sim", "unexpected argument '%s'",
				       argv[0]);
	if (o->board == NULL || (o->workload == NULL) == (o->profile == NULL))
		return cli_usage_error("sim",
				       "--board and one of --workload "
				       "and --profile are required");
	/* sim:NAME is the same board, as --board's help says (and as run
	 * and train take it) */
	if (strncmp(o->board, "sim:", 4) == 0)
		o->board += 4;
	if (o->cores && o->cpus)
		return cli_usage_error("sim",
				       "--cores and --cpus exclude each other");
	if (o->freq && o->level >= 0)
		return cli_usage_error("sim",
				       "--freq and --level exclude each other");
	if ((o->freq || o->level >= 0) && o->governor &&
	    strcmp(o->governor, "userspace") != 0)
		return cli_usage_error("sim",
				       "--freq/--level fix the frequency: "
				       "they go with --governor userspace");
	return 0;
}

/* Say so when cluster c is fixed at its turbo entry: the package, not the
 * request, picks the frequency (the bins of its busy cores, 1..n). */
static void note_turbo(const struct zd_cluster_desc *cl, uint32_t khz)
{
	if (cl->turbo_level < 0 || khz != cl->opps[cl->turbo_level].khz)
		return;
	fprintf(stderr,
		"zdvfs sim: %s: %.1f MHz is the turbo entry (acpi-cpufreq, 1 "
		"MHz above base): the package runs the turbo bin for its "
		"busy cores, %.1f GHz with 1 to %.1f GHz with %d, as PL1/PL2 "
		"and temperature allow\n",
		cl->name, khz / 1000.0, cl->turbo_khz[0] / 1e6,
		cl->turbo_khz[cl->nturbo - 1] / 1e6, cl->nturbo);
}

/* --freq C=F,... or --level C=I,...: each named cluster (by name or
 * number) at that frequency (the nearest level) or level; a cluster
 * named twice or not on the board is an error. */
static int per_cluster(const char *arg, bool levels, const struct zd_board *b,
		       const struct zd_platform_info *info,
		       struct zd_policy *pol, struct zd_err *err)
{
	char buf[512];
	bool seen[ZD_MAX_DOMAINS] = {false};
	const char *opt = levels ? "--level" : "--freq";
	snprintf(buf, sizeof(buf), "%s", arg);
	char *save = NULL;
	for (char *item = strtok_r(buf, ",", &save); item != NULL;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		if (eq == NULL || eq == item || eq[1] == '\0')
			return zd_bad_input(
			    err, "%s %s: '%s' is not CLUSTER=%s", opt, arg,
			    item, levels ? "LEVEL" : "FREQ");
		*eq = '\0';
		int c = -1;
		for (int k = 0; k < b->nclusters && c < 0; k++)
			if (strcmp(b->clusters[k].name, item) == 0)
				c = k;
		char *end = NULL;
		long num = strtol(item, &end, 10);
		if (c < 0 && *end == '\0' && num >= 0 && num < b->nclusters)
			c = (int)num;
		if (c < 0)
			return zd_bad_input(err, "%s: %s has no cluster '%s'",
					    opt, b->name, item);
		if (seen[c])
			return zd_bad_input(err, "%s: cluster %s named twice",
					    opt, b->clusters[c].name);
		seen[c] = true;
		const struct zd_cluster_desc *cl = &b->clusters[c];
		if (levels) {
			long lv = strtol(eq + 1, &end, 10);
			if (*end != '\0' || lv < 0 || lv >= cl->nopps)
				return zd_bad_input(err,
						    "%s: level '%s' of %s is "
						    "not 0..%d",
						    opt, eq + 1, cl->name,
						    cl->nopps - 1);
			pol->fixed_khz[c] = cl->opps[lv].khz;
			note_turbo(cl, pol->fixed_khz[c]);
		} else {
			uint32_t khz = 0;
			const struct zd_freq_domain *dom = &info->domains[c];
			int rc = cli_khz_in_range(
			    eq + 1, zd_domain_min_khz(dom),
			    zd_domain_max_khz(dom), cl->name, &khz, err);
			if (rc != 0)
				return rc;
			pol->fixed_khz[c] =
			    zd_domain_nearest_khz(&info->domains[c], khz);
			note_turbo(cl, pol->fixed_khz[c]);
		}
	}
	return 0;
}

/* The N usable cores of the fastest clusters first. */
static int pick_cores(const struct zd_sim *sim, int n, struct zd_cpuset *out,
		      struct zd_err *err)
{
	const struct zd_board *b = zd_sim_board(sim);
	struct zd_cpuset usable;
	bool taken[ZD_MAX_DOMAINS] = {false};
	zd_sim_default_cpus(sim, &usable);
	if (n > zd_cpuset_count(&usable))
		return zd_bad_input(err, "--cores %d: %s has %d usable cores",
				    n, b->name, zd_cpuset_count(&usable));
	zd_cpuset_zero(out);
	while (n > 0) {
		int best = -1;
		for (int c = 0; c < b->nclusters; c++) {
			double s = b->clusters[c].speed_rel.present
			    ? b->clusters[c].speed_rel.value
			    : 1.0;
			double sb = best < 0 ? -1
			    : b->clusters[best].speed_rel.present
			    ? b->clusters[best].speed_rel.value
			    : 1.0;
			if (!taken[c] && s > sb)
				best = c;
		}
		taken[best] = true;
		const struct zd_cpuset *cpus = &b->clusters[best].cpus;
		for (int cpu = zd_cpuset_first(cpus); cpu >= 0 && n > 0;
		     cpu = zd_cpuset_next(cpus, cpu))
			if (zd_cpuset_has(&usable, cpu)) {
				zd_cpuset_add(out, cpu);
				n--;
			}
	}
	return 0;
}

static int make_policy(const struct sim_opts *o, struct zd_sim *sim,
		       struct zd_policy **pol, struct zd_err *err)
{
	const struct zd_board *b = zd_sim_board(sim);
	const struct zd_platform_info *info = zd_sim_info(sim);
	struct zd_cpuset cpus;
	int rc = 0;
	if (o->cpus) {
		rc = zd_cpuset_parse(&cpus, o->cpus, "--cpus", err);
		struct zd_cpuset outside = cpus;
		for (int c = zd_cpuset_first(&info->online); c >= 0;
		     c = zd_cpuset_next(&info->online, c))
			outside.bits[c / 64] &= ~(UINT64_C(1) << (c % 64));
		if (rc == 0 &&
		    (zd_cpuset_count(&outside) > 0 ||
		     zd_cpuset_count(&cpus) == 0))
			rc = zd_bad_input(err, "--cpus %s: %s has CPUs 0-%d",
					  o->cpus, b->name,
					  zd_cpuset_count(&info->online) - 1);
	} else if (o->cores) {
		rc = pick_cores(sim, o->cores, &cpus, err);
	} else {
		zd_sim_default_cpus(sim, &cpus);
	}
	if (rc != 0)
		return rc;
	const char *gov = o->governor    ? o->governor
	    : (o->freq || o->level >= 0) ? "userspace"
					 : b->default_governor;
	if ((rc = zd_policy_new(gov, info, &cpus, pol, err)) != 0)
		return rc;
	if (o->freq && strchr(o->freq, '=') != NULL)
		return per_cluster(o->freq, false, b, info, *pol, err);
	if (o->level_arg && strchr(o->level_arg, '=') != NULL)
		return per_cluster(o->level_arg, true, b, info, *pol, err);
	uint32_t khz = 0, lo = UINT32_MAX, hi = 0;
	int top_level = 0;
	for (int c = 0; c < b->nclusters; c++) {
		cli_widen_khz_range(&info->domains[c], &lo, &hi);
		if (b->clusters[c].nopps - 1 > top_level)
			top_level = b->clusters[c].nopps - 1;
	}
	if (o->freq &&
	    (rc = cli_khz_in_range(o->freq, lo, hi, b->name, &khz, err)) != 0)
		return rc;
	if (o->level > top_level)
		return zd_bad_input(err, "--level %d: %s has levels 0-%d",
				    o->level, b->name, top_level);
	for (int c = 0; c < b->nclusters; c++) {
		const struct zd_cluster_desc *cl = &b->clusters[c];
		uint32_t *fixed = &(*pol)->fixed_khz[c];
		if (o->freq) {
			*fixed = zd_domain_nearest_khz(&info->domains[c], khz);
			if (*fixed != khz)
				fprintf(stderr,
					"zdvfs sim: %s: %s is not one "
					"of its levels; using %.1f MHz\n",
					cl->name, o->freq, *fixed / 1000.0);
		} else if (o->level >= 0) {
			*fixed = cl->opps[o->level < cl->nopps ? o->level
							       : cl->nopps - 1]
				     .khz;
		}
		if (o->freq || o->level >= 0)
			note_turbo(cl, *fixed);
	}
	return 0;
}

struct trace_file {
	FILE *f;
	int nclusters, nzones;
};

static void write_trace(void *ctx, const struct zd_sim_sample *s)
{
	struct trace_file *tf = ctx;
	fprintf(tf->f, "%.4f,%.5f,%.4f", s->t_s, s->progress, s->power_w);
	for (int c = 0; c < tf->nclusters; c++)
		fprintf(tf->f, ",%u", s->khz[c]);
	for (int z = 0; z < tf->nzones; z++)
		fprintf(tf->f, ",%.3f", s->temp_mc[z] / 1000.0);
	fputc('\n', tf->f);
}

static int open_trace(const char *path, const struct zd_sim *sim,
		      struct trace_file *tf)
{
	const struct zd_board *b = zd_sim_board(sim);
	tf->f = fopen(path, "we");
	if (tf->f == NULL) {
		fprintf(stderr, "zdvfs sim: cannot write %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	tf->nclusters = b->nclusters;
	tf->nzones = b->nzones;
	fprintf(tf->f, "t_s,progress,power_w");
	for (int c = 0; c < b->nclusters; c++)
		fprintf(tf->f, ",%s_khz", b->clusters[c].name);
	for (int z = 0; z < b->nzones; z++)
		fprintf(tf->f, ",%s_c", b->zones[z].name);
	fputc('\n', tf->f);
	return 0;
}

static json_t *result_json(const struct zd_sim *sim,
			   const struct zd_policy *pol,
			   const struct zd_sim_result *r, int run)
{
	const struct zd_board *b = zd_sim_board(sim);
	json_t *zones = json_array();
	for (int z = 0; z < r->nzones; z++)
		json_array_append_new(
		    zones,
		    json_pack("{s:s, s:f, s:f}", "name", b->zones[z].name,
			      "peak_c", r->peak_mc[z] / 1000.0, "final_c",
			      r->final_mc[z] / 1000.0));
	char cpus[256];
	zd_cpuset_format(&pol->cpus, cpus, sizeof(cpus));
	json_t *o = json_pack(
	    "{s:i, s:s, s:f, s:f, s:f, s:f, s:o}", "run", run, "cpus", cpus,
	    "makespan_s", r->makespan_s, "energy_j", r->energy_j, "avg_power_w",
	    r->avg_power_w, "throttled_s", r->throttled_s, "zones", zones);
	json_object_set_new(o, "measured_energy_j",
			    isnan(r->measured_energy_j)
				? json_null()
				: json_real(r->measured_energy_j));
	json_object_set_new(o, "cpu_energy_j", json_real(r->cpu_energy_j));
	json_object_set_new(o, "measured_cpu_energy_j",
			    isnan(r->measured_cpu_energy_j)
				? json_null()
				: json_real(r->measured_cpu_energy_j));
	return o;
}

static void print_result(json_t *r, const char *board, const char *workload,
			 const char *policy)
{
	printf("%s on %s, %s, cpus %s, run %lld\n", workload, board, policy,
	       json_string_value(json_object_get(r, "cpus")),
	       (long long)json_integer_value(json_object_get(r, "run")));
	printf("  makespan %.3f s, energy %.3f J, average power %.3f W, "
	       "throttled %.1f s\n",
	       json_number_value(json_object_get(r, "makespan_s")),
	       json_number_value(json_object_get(r, "energy_j")),
	       json_number_value(json_object_get(r, "avg_power_w")),
	       json_number_value(json_object_get(r, "throttled_s")));
	printf("  energy on the CPU rail %.3f J\n",
	       json_number_value(json_object_get(r, "cpu_energy_j")));
	json_t *m = json_object_get(r, "measured_energy_j");
	json_t *mc = json_object_get(r, "measured_cpu_energy_j");
	if (json_is_number(m))
		printf("  the board's energy sensor would read %.3f J (input)",
		       json_number_value(m));
	if (json_is_number(m) && json_is_number(mc))
		printf(", %.3f J (CPU rail)", json_number_value(mc));
	if (json_is_number(m))
		putchar('\n');
	size_t i;
	json_t *z;
	json_array_foreach(json_object_get(r, "zones"), i, z)
	    printf("  %-14s peak %.1f °C, final %.1f °C\n",
		   json_string_value(json_object_get(z, "name")),
		   json_number_value(json_object_get(z, "peak_c")),
		   json_number_value(json_object_get(z, "final_c")));
}

static int run_sims(const struct sim_opts *o, struct zd_sim *sim,
		    const struct zd_sim_workload *w)
{
	struct zd_err err = {0};
	struct zd_policy *pol = NULL;
	struct trace_file tf = {0};
	int status = 0;
	if (make_policy(o, sim, &pol, &err) != 0) {
		zd_policy_free(pol);
		return cli_error("sim", &err);
	}
	if (o->trace && open_trace(o->trace, sim, &tf) != 0) {
		zd_policy_free(pol);
		return 1;
	}
	json_t *all = json_array();
	for (int run = 1; run <= o->runs && status == 0; run++) {
		struct zd_sim_result r;
		if (zd_sim_run(sim, w, pol, &r, tf.f ? write_trace : NULL, &tf,
			       &err) != 0) {
			status = cli_error("sim", &err);
			break;
		}
		json_t *j = result_json(sim, pol, &r, run);
		if (!o->json)
			print_result(j, o->board, o->workload, pol->ops->name);
		json_array_append_new(all, j);
	}
	if (tf.f != NULL && fclose(tf.f) != 0 && status == 0) {
		fprintf(stderr, "zdvfs sim: cannot write %s\n", o->trace);
		status = 1;
	}
	if (o->json && status == 0)
		status = cli_print_json(json_pack(
		    "{s:s, s:s, s:s, s:o}", "board", o->board, "workload",
		    o->workload, "policy", pol->ops->name, "runs", all));
	else
		json_decref(all);
	zd_policy_free(pol);
	return status;
}

int cmd_sim(int argc, char **argv)
{
	struct sim_opts o;
	int rc = parse_sim_opts(argc, argv, &o);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	struct zd_err err = {0};
	struct zd_board *b = NULL;
	struct zd_sim *sim = NULL;
	struct zd_sim_workload w;
	if (zd_board_load(o.board, o.platform_dir, &b, &err) != 0)
		return cli_error("sim", &err);
	if ((o.profile != NULL
		 ? zd_profile_load_file(o.profile, o.board, &w, &err)
		 : zd_profile_load(o.workload_dir, o.board, o.workload, &w,
				   &err)) != 0) {
		zd_board_free(b);
		return cli_error("sim", &err);
	}
	if (o.profile != NULL)
		o.workload = w.name;
	if (zd_sim_new(b, o.seed, &sim, &err) != 0) /* frees b */
		return cli_error("sim", &err);
	zd_sim_set_noise(sim, o.noise);
	if (!isnan(o.ambient_c)) {
		zd_sim_set_ambient_mc(sim, (int)lround(o.ambient_c * 1000));
		zd_sim_reset(sim);
	}
	if (o.start == 1) /* idle */
		zd_sim_idle_steady(sim);
	rc = run_sims(&o, sim, &w);
	zd_sim_free(sim);
	return rc;
}
