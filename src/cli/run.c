/* run.c - `zdvfs run`: decide cores and frequencies for a program (a
 * learned policy, or a governor), apply the decision, run the program,
 * measure, store and learn, and put the machine back whatever happens.
 * This file has the options and the real board; run_sim.c the simulator. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"
#include "run.h"
#include "zdvfs/launch.h"
#include "zdvfs/meter.h"
#include "zdvfs/runner.h"

static const char *const run_usage[] = {
    "zdvfs run [OPTIONS] [--source FILE...] -- CMD [ARGS]",
    "zdvfs run --board sim:NAME --workload W|--profile FILE [OPTIONS]", NULL};

static const char *const explore_whens[] = {"never", "auto", NULL};

/* ---- options ------------------------------------------------------------- */

static int add_source(struct run_opts *o, const char *file)
{
	const char **v =
	    realloc(o->sources, ((size_t)o->nsources + 1) * sizeof(*v));
	if (v == NULL) {
		fprintf(stderr, "zdvfs run: out of memory\n");
		return 1;
	}
	o->sources = v;
	o->sources[o->nsources++] = file;
	return 0;
}

static int on_source(const struct cli_option *opt, const char *arg,
		     const char *cmd)
{
	(void)cmd;
	return add_source(opt->value, arg);
}

static int check_policy(const char *name)
{
	if (zd_policy_find(name) != NULL && strcmp(name, "userspace") != 0)
		return 0;
	char names[256] = "zerodvfs";
	for (const char *const *n = zd_policy_names(); *n; n++)
		if (strcmp(*n, "userspace") != 0 &&
		    strcmp(*n, "zerodvfs") != 0) {
			size_t used = strlen(names);
			snprintf(names + used, sizeof(names) - used, ", %s",
				 *n);
		}
	if (strcmp(name, "userspace") == 0)
		return cli_usage_error("run",
				       "policy userspace needs a "
				       "frequency: use `zdvfs exec "
				       "--freq` (policies: %s)",
				       names);
	return cli_usage_error("run", "unknown policy '%s' (available: %s)",
			       name, names);
}

/* The n arguments left after the options: with --source, those before a
 * "--" are more sources; the command is what follows the "--" (or, without
 * one, every argument). */
static int take_operands(int n, char **args, struct run_opts *o)
{
	int dashdash = -1;
	for (int i = 0; i < n && dashdash < 0; i++)
		if (strcmp(args[i], "--") == 0)
			dashdash = i;
	int first = 0; /* of the command */
	if (dashdash == 0) {
		first = 1;
	} else if (dashdash > 0 && o->nsources > 0) {
		for (int i = 0; i < dashdash; i++)
			if (add_source(o, args[i]) != 0)
				return 1;
		first = dashdash + 1;
	}
	o->argv = args + first;
	return 0;
}

static int check_combination(struct run_opts *o)
{
	bool sim = strncmp(o->board ? o->board : "", "sim:", 4) == 0;
	if (sim && o->argv[0] != NULL)
		return cli_usage_error("run",
				       "--board %s runs a --workload in "
				       "the simulator, not '%s'",
				       o->board, o->argv[0]);
	if (sim && (o->workload == NULL) == (o->profile == NULL))
		return cli_usage_error("run",
				       "--board %s needs --workload NAME "
				       "(see `zdvfs workloads`) or --profile "
				       "FILE",
				       o->board);
	if (!sim && (o->workload != NULL || o->profile != NULL))
		return cli_usage_error("run",
				       "--workload and --profile run in the "
				       "simulator: give --board sim:NAME");
	if (!sim && o->runs != 1)
		return cli_usage_error("run",
				       "--runs is for the simulator "
				       "(--board sim:NAME)");
	if (!sim && o->argv[0] == NULL)
		return cli_usage_error("run",
				       "no program to run (put it after "
				       "--)");
	return 0;
}

static int parse_run_opts(int argc, char **argv, struct run_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->policy = "zerodvfs";
	o->runs = 1;
	o->seed = 1;
	o->interval_ms = 100;
	int explore = 1; /* auto */
	struct cli_option options[] = {
	    OPT_TEXT("Decides how many and which cores CMD gets and at which "
		     "frequency each cluster runs, applies it (CPU affinity; "
		     "OMP_NUM_THREADS, OMP_PLACES and OMP_PROC_BIND unless "
		     "set; each cpufreq policy through userspace and "
		     "scaling_setspeed, or scaling_min_freq = "
		     "scaling_max_freq), runs CMD, measures makespan, energy "
		     "and temperatures, stores the run and learns from it; "
		     "then restores every setting it changed, also on error, "
		     "crash of CMD, SIGINT, SIGTERM or SIGHUP. It says what it "
		     "decided and why, and what this machine did not let it "
		     "control. The exit status is CMD's (128+N if it died of "
		     "signal N, 127 if it could not be found)."),
	    OPT_TEXT("With --board sim:NAME the simulated board runs the "
		     "measured profile of a workload instead, --runs times in "
		     "a row (heat carries over)."),
	    OPT_STRING(0, "policy", &o->policy, "P",
		       "zerodvfs (default: the engine, from the program's code "
		       "features), qlearn (the same agents without a model, "
		       "exploring; its rewards need a performance and a "
		       "powersave run of the program), table (every decision "
		       "measured, the lowest energy x delay kept: the oracle), "
		       "performance, powersave (their fixed decisions), "
		       "ondemand, conservative, schedutil (set as the kernel's "
		       "governor for the run)"),
	    OPT_STRING(0, "board", &o->board, "NAME",
		       "the board description (default: the one matching this "
		       "machine's CPUs and clusters; zerodvfs needs one)"),
	    OPT_CALLBACK(0, "source", o, "FILE...", on_source,
			 "the program's C or C++ sources, for its code "
			 "features (repeat, or list them before --)"),
	    CLI_SOURCE_OPTIONS(&o->src),
	    OPT_STRING(0, "program", &o->program, "NAME",
		       "its name in the store (default: CMD's file name, or "
		       "the workload's)"),
	    OPT_DB(&o->db),
	    OPT_MODEL(&o->model),
	    OPT_GUARD(&o->guard_c,
		      "thermal limit in °C for zerodvfs (default: the board's "
		      "lowest CPU throttle point minus 5)"),
	    OPT_BOOL(0, "no-learn", &o->no_learn,
		     "store the run but do not learn from it"),
	    OPT_CHOICE(0, "explore", &explore, "WHEN", explore_whens,
		       "zerodvfs: auto (default) tries a decision it is unsure "
		       "of while its expected gain over the best measured one "
		       "exceeds the noise, then settles; never keeps to the "
		       "best predicted decision"),
	    OPT_SEED(&o->seed,
		     "seed of the agents and of the simulator (default 1)"),
	    OPT_INT(0, "interval", &o->interval_ms, "MS", 1, 60000,
		    "sampling period for energy and temperature (100)"),
	    OPT_BOOL(0, "json", &o->json,
		     "report as JSON (with the stored run's id)"),
	    OPT_STRING('o', "output", &o->output, "FILE",
		       "write the report to FILE (default: stderr for CMD, "
		       "stdout for the simulator)"),
	    OPT_STRING(0, "sysfs-root", &o->root, "DIR",
		       "sysfs/procfs root (default: $ZDVFS_SYSFS_ROOT or /)"),
	    OPT_BOOL(0, "yes-sweep", &o->yes_sweep,
		     "table on a real board: run CMD once under every decision "
		     "of the board first (hours; each run is stored as a sweep "
		     "run)"),
	    OPT_GROUP("the simulator (--board sim:NAME):"),
	    OPT_STRING(0, "workload", &o->workload, "NAME",
		       "see `zdvfs workloads`"),
	    OPT_STRING(0, "profile", &o->profile, "FILE",
		       "a profile of the board made by `zdvfs characterize` of "
		       "any program, in place of --workload; its features come "
		       "from --source, else from the source the profile "
		       "records (characterize --source)"),
	    OPT_INT(0, "runs", &o->runs, "N", 1, 100000,
		    "N runs in a row (default 1)"),
	    OPT_GROUP("where things are:"),
	    OPT_PLATFORM_DIR(&o->platform_dir),
	    OPT_WORKLOAD_DIR(&o->workload_dir),
	    OPT_END(),
	};
	int status = 0;
	/* stop at CMD, whose own options are its; a "--" is kept: with
	 * --source, arguments before it are more sources */
	int n =
	    cli_parse_options("run", run_usage, options,
			      CLI_PARSE_STOP_AT_ARG | CLI_PARSE_KEEP_DASHDASH,
			      argc, argv, &status);
	if (n < 0)
		return status ? status : -1;
	o->no_explore = explore == 0;
	o->src.workload_dir = o->workload_dir;
	int rc = take_operands(n, argv, o);
	if (rc == 0)
		rc = check_policy(o->policy);
	if (rc == 0)
		rc = check_combination(o);
	return rc;
}

/* ---- a real board ---------------------------------------------------------- */

struct real_run {
	const struct run_opts *o;
	struct run_ctx ctx;
	struct zd_platform *p;
	struct zd_board *board; /* owned; NULL: none known */
	char board_how[256];    /* how it was found, or why there is none */
	struct run_choice choice;
	struct zd_launch_plan plan;
	bool applied;               /* the frequencies are the decision's */
	int start_mc[ZD_MAX_ZONES]; /* per board zone */
	json_t *controlled, *not_controlled;
	int swept;           /* table: decisions run so far */
	const char *sweeper; /* who sweeps, for messages: "table" */
};

static void note(json_t *list, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void note(json_t *list, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(list, json_string(msg));
}

/* --board NAME, else the description that matches this machine. */
static int find_board(struct real_run *rr, struct zd_err *err)
{
	const struct run_opts *o = rr->o;
	if (o->board != NULL) {
		int rc =
		    zd_board_load(o->board, o->platform_dir, &rr->board, err);
		snprintf(rr->board_how, sizeof(rr->board_how),
			 "named by "
			 "--board");
		return rc;
	}
	char why[200] = "";
	int rc = zd_board_match(&rr->p->info, o->platform_dir, &rr->board, why,
				sizeof(why), err);
	if (rc != 0)
		return rc;
	if (rr->board != NULL) {
		snprintf(rr->board_how, sizeof(rr->board_how),
			 "matched by its CPUs and clusters");
		return 0;
	}
	if (run_is_learned(o))
		return zd_bad_input(err,
				    "which board is this? %s; give --board "
				    "NAME (see `zdvfs platforms`) or a "
				    "governor with --policy",
				    why);
	snprintf(rr->board_how, sizeof(rr->board_how),
		 "no board description: %s", why);
	return 0;
}

/* A named board that is not this machine is worth a warning: the
 * decision may name CPUs or levels it does not have. */
static void check_board_fits(struct real_run *rr)
{
	char why[200];
	if (rr->board == NULL || rr->ctx.board_fits)
		return;
	zd_board_map_fits(&rr->ctx.map, rr->board, &rr->p->info, why,
			  sizeof(why));
	note(rr->not_controlled, "this machine is not quite %s (%s)",
	     rr->board->name, why);
}

/* Every board zone now; a zone this machine lacks counts as ambient. */
static void read_start_temps(struct real_run *rr, int *start_mc)
{
	const struct zd_board *b = rr->board;
	int ambient = b->ambient_mc.present ? (int)b->ambient_mc.value : 25000;
	for (int z = 0; z < b->nzones; z++) {
		struct zd_err ignored = {0};
		int zone = rr->ctx.map.zone[z];
		start_mc[z] = ambient;
		if (zone >= 0)
			zd_platform_read_temp(rr->p, zone, &start_mc[z],
					      &ignored);
	}
}

static void plan_choice(struct real_run *rr, const struct run_choice *ch,
			struct zd_launch_plan *plan)
{
	const struct zd_platform_info *info = &rr->p->info;
	char cpus[256];
	memset(plan, 0, sizeof(*plan));
	plan->confined = true;
	plan->cpus = ch->machine.cpus;
	zd_cpuset_format(&plan->cpus, cpus, sizeof(cpus));
	note(rr->controlled, "CPUs pinned to %s", cpus);
	for (int d = 0; d < info->ndomains; d++) {
		struct zd_launch_target *t = &plan->targets[d];
		if (ch->reactive) {
			t->selected = true;
			snprintf(t->governor, sizeof(t->governor), "%s",
				 rr->o->policy);
		} else if (ch->machine.khz[d] != 0) {
			t->selected = true;
			t->khz = ch->machine.khz[d];
		} else {
			note(rr->not_controlled,
			     "%s is in no cluster of %s: "
			     "left as it is",
			     info->domains[d].name,
			     rr->board ? rr->board->name : "the board");
		}
	}
	if (rr->board == NULL)
		return;
	for (int c = 0; c < rr->board->nclusters; c++) {
		bool found = false;
		for (int d = 0; d < info->ndomains; d++)
			found = found || rr->ctx.map.cluster[d] == c;
		if (!found && info->ndomains > 0)
			note(rr->not_controlled,
			     "cluster %s has no cpufreq "
			     "policy here: its frequency not set",
			     rr->board->clusters[c].name);
	}
}

/* Like exec without --strict: what the machine refuses (no root, a
 * driver that says no) is reported and the program runs without it. */
static int apply_plan(struct real_run *rr, const struct zd_launch_plan *plan,
		      bool *applied, struct zd_err *err)
{
	const struct zd_platform_info *info = &rr->p->info;
	*applied = false;
	if (info->ndomains == 0) {
		note(rr->not_controlled, "no cpufreq: frequencies not set");
		return 0;
	}
	int rc = zd_launch_apply(rr->p, plan, err);
	if (rc == 0) {
		*applied = zd_launch_has_targets(rr->p, plan);
		char list[1024] = "";
		for (int d = 0; d < info->ndomains; d++) {
			const struct zd_launch_target *t = &plan->targets[d];
			size_t used = strlen(list);
			if (!t->selected)
				continue;
			if (t->khz)
				snprintf(list + used, sizeof(list) - used,
					 "%s%s %u kHz", used ? ", " : "",
					 info->domains[d].name, t->khz);
			else
				snprintf(list + used, sizeof(list) - used,
					 "%s%s governor %s", used ? ", " : "",
					 info->domains[d].name, t->governor);
		}
		if (list[0])
			note(rr->controlled, "frequencies: %s", list);
		return 0;
	}
	if (rc == -EBUSY || err->exit == ZD_EXIT_USAGE || rr->p->changing)
		return rc;
	note(rr->not_controlled,
	     "frequencies not set: %s (nothing was left "
	     "changed)",
	     err->msg);
	zd_err_clear(err);
	return 0;
}

/* The machine's energy source that stands for the board's, or -1. */
static int energy_source(const struct real_run *rr, const struct zd_meter *m)
{
	if (rr->board != NULL)
		return rr->ctx.map.energy >= 0 &&
			m->energy[rr->ctx.map.energy].valid
		    ? rr->ctx.map.energy
		    : -1;
	for (int i = 0; i < rr->p->info.nenergy; i++)
		if (m->energy[i].valid)
			return i;
	return -1;
}

/* What was measured, in the board's terms where there is one (zones,
 * and the hottest of them); `complete` says whether it can be stored:
 * energy and every zone of the board measured. */
static json_t *measured_json(struct real_run *rr, const struct zd_meter *m,
			     double wall_s, struct zd_outcome *out,
			     bool *complete)
{
	const struct zd_platform_info *info = &rr->p->info;
	const struct zd_board *b = rr->board;
	int src = energy_source(rr, m);
	memset(out, 0, sizeof(*out));
	out->makespan_s = wall_s;
	out->hottest_c = -273.15;
	*complete = src >= 0 && wall_s > 0;
	if (src >= 0) {
		out->energy_j = m->energy[src].energy_uj / 1e6;
		out->avg_power_w = wall_s > 0 ? out->energy_j / wall_s : 0;
		*complete = *complete && out->avg_power_w > 0;
	} else {
		note(rr->not_controlled, "energy not measured (%s)",
		     info->nenergy == 0 ? "no sensor"
			 : b && rr->ctx.map.energy < 0
			 ? "none of the board's rails is here"
			 : "the sensor could not be read");
	}
	json_t *zones = json_array();
	for (int i = 0; i < info->nzones; i++) {
		if (!m->zones[i].valid)
			continue;
		double peak = m->zones[i].peak_mc / 1000.0;
		json_array_append_new(zones,
				      json_pack("{s:s, s:f, s:f, s:f}", "name",
						info->zones[i].type, "start_c",
						m->zones[i].start_mc / 1000.0,
						"peak_c", peak, "final_c",
						m->zones[i].last_mc / 1000.0));
		if (b == NULL && peak > out->hottest_c)
			out->hottest_c = peak;
	}
	if (info->nzones == 0)
		note(rr->not_controlled,
		     "temperature not measured (no thermal "
		     "zone)");
	for (int z = 0; b != NULL && z < b->nzones; z++) {
		int i = rr->ctx.map.zone[z];
		if (i < 0 || !m->zones[i].valid) {
			if (info->nzones > 0)
				note(rr->not_controlled, "zone %s not measured",
				     b->zones[z].name);
			*complete = false;
			continue;
		}
		out->peak_c[z] = m->zones[i].peak_mc / 1000.0;
		out->final_c[z] = m->zones[i].last_mc / 1000.0;
		if (out->peak_c[z] > out->hottest_c)
			out->hottest_c = out->peak_c[z];
	}
	out->nzones = b != NULL ? b->nzones : 0;
	json_t *j = json_pack(
	    "{s:f, s:o, s:o, s:o, s:o}", "makespan_s", wall_s, "energy_j",
	    src >= 0 ? json_real(out->energy_j) : json_null(), "avg_power_w",
	    src >= 0 ? json_real(out->avg_power_w) : json_null(), "hottest_c",
	    out->hottest_c > -273 ? json_real(out->hottest_c) : json_null(),
	    "zones", zones);
	if (src >= 0)
		json_object_set_new(j, "energy_source",
				    json_string(info->energy[src].name));
	return j;
}

/* Why this run cannot be stored, or NULL. */
static const char *not_storable(const struct real_run *rr,
				const struct zd_child_result *child,
				bool complete)
{
	if (!child->started || child->exit_code != 0)
		return "the program did not run to success";
	if (rr->board == NULL)
		return "no board description (give --board)";
	if (rr->ctx.prog.features == NULL)
		return "no code features of the program (give --source)";
	if (rr->choice.reactive)
		return "a reactive governor is no single decision";
	if (!rr->choice.has_action)
		return "the decision is not one of the board's";
	if (!rr->applied)
		return "the frequencies were not set, so the run is not the "
		       "decision's";
	if (!complete)
		return "energy or a zone's temperature was not measured";
	return NULL;
}

static json_t *report_json(struct real_run *rr,
			   const struct zd_launch_result *res, json_t *measured,
			   int64_t run_id, bool learnt, const char *why_not)
{
	json_t *cmd = json_array();
	for (char **a = rr->o->argv; *a; a++)
		json_array_append_new(cmd, json_string(*a));
	json_t *r =
	    json_pack("{s:o, s:s, s:s?, s:s, s:s, s:o, s:i, s:o, s:O, s:O}",
		      "command", cmd, "program", rr->ctx.prog.name, "board",
		      rr->board ? rr->board->name : NULL, "board_found",
		      rr->board_how, "policy", rr->o->policy, "decision",
		      run_choice_json(&rr->ctx, &rr->choice), "exit_status",
		      res->child.exit_code, "measured", measured, "controlled",
		      rr->controlled, "not_controlled", rr->not_controlled);
	if (res->child.term_signal)
		json_object_set_new(r, "signal",
				    json_integer(res->child.term_signal));
	json_object_set_new(r, "run_id",
			    run_id ? json_integer(run_id) : json_null());
	json_object_set_new(r, "db",
			    rr->ctx.store && run_id
				? json_string(zd_store_path(rr->ctx.store))
				: json_null());
	json_object_set_new(r, "learnt", json_boolean(learnt));
	json_object_set_new(r, "not_stored",
			    why_not ? json_string(why_not) : json_null());
	return r;
}

static void print_list(FILE *out, const char *title, json_t *list)
{
	size_t i;
	json_t *v;
	if (json_array_size(list) == 0)
		return;
	fprintf(out, "  %s: ", title);
	json_array_foreach(list, i, v)
	    fprintf(out, "%s%s", i ? "; " : "", json_string_value(v));
	fprintf(out, "\n");
}

static void print_report(FILE *out, json_t *r)
{
	json_t *d = json_object_get(r, "decision");
	json_t *board = json_object_get(r, "board");
	fprintf(out, "zdvfs run: %s on %s (%s), policy %s\n",
		json_string_value(json_object_get(r, "program")),
		json_is_string(board) ? json_string_value(board)
				      : "this machine",
		json_string_value(json_object_get(r, "board_found")),
		json_string_value(json_object_get(r, "policy")));
	fprintf(out, "  decided: ");
	if (json_object_get(d, "action"))
		cli_print_action(out, d);
	else
		fprintf(out, "cpus %s",
			json_string_value(json_object_get(d, "cpus")));
	fprintf(out, "\n  why: ");
	cli_print_why(out, d);
	fprintf(out, "\n");
	run_print_table(out, d, false);
	print_list(out, "controlled", json_object_get(r, "controlled"));
	print_list(out, "not controlled", json_object_get(r, "not_controlled"));
	fprintf(
	    out, "  exit status %lld; ",
	    (long long)json_integer_value(json_object_get(r, "exit_status")));
	cli_print_outcome(out, json_object_get(r, "measured"),
			  json_object_get(d, "predicted"));
	fprintf(out, "\n");
	size_t i;
	json_t *z;
	json_array_foreach(
	    json_object_get(json_object_get(r, "measured"), "zones"), i, z)
	    fprintf(out, "    %-16s peak %.1f °C (start %.1f, end %.1f)\n",
		    json_string_value(json_object_get(z, "name")),
		    json_number_value(json_object_get(z, "peak_c")),
		    json_number_value(json_object_get(z, "start_c")),
		    json_number_value(json_object_get(z, "final_c")));
	json_t *id = json_object_get(r, "run_id");
	if (json_is_integer(id))
		fprintf(out, "  stored: run %lld in %s%s\n",
			(long long)json_integer_value(id),
			json_string_value(json_object_get(r, "db")),
			json_is_true(json_object_get(r, "learnt")) ? "; learnt"
								   : "");
	else
		fprintf(out, "  not stored: %s\n",
			json_string_value(json_object_get(r, "not_stored")));
}

/* After the run, with the machine restored: store, learn, report. */
static int finish_real(struct real_run *rr, const struct zd_launch_result *res,
		       const struct zd_meter *meter)
{
	struct zd_err err = {0};
	struct zd_outcome outcome;
	bool complete, learnt = false;
	int64_t run_id = 0;
	json_t *measured =
	    measured_json(rr, meter, res->child.wall_s, &outcome, &complete);
	const char *why_not = not_storable(rr, &res->child, complete);
	int status = 0;
	if (why_not == NULL &&
	    run_record(&rr->ctx, &rr->choice, 0, rr->start_mc, &outcome,
		       &run_id, &learnt, &err) != 0) {
		status = cli_error("run", &err);
		why_not = "storing failed";
	}
	json_t *report =
	    report_json(rr, res, measured, run_id, learnt, why_not);
	int wrc = 1;
	if (report)
		wrc = cli_write_report("run", rr->o->output, rr->o->json,
				       report, print_report);
	json_decref(report);
	return status ? status : wrc;
}

/* ---- the table's sweep on a real board ------------------------------------ */

/* The first note of a list, or `dflt`. */
static const char *first_note(json_t *list, const char *dflt)
{
	json_t *v = json_array_get(list, 0);
	return json_is_string(v) ? json_string_value(v) : dflt;
}

/* Store a measured decision of the sweep, where the program can be (its
 * features known): hours of runs are worth keeping, as sweep runs. */
static int store_swept(struct real_run *rr, const struct run_choice *ch,
		       const int *start_mc, const struct zd_outcome *o,
		       struct zd_err *err)
{
	int64_t id = 0;
	if (rr->ctx.store == NULL || rr->ctx.prog.features == NULL ||
	    !ch->has_action)
		return 0;
	return run_store(&rr->ctx, "sweep", &ch->action, &ch->machine.cpus, 0,
			 start_mc, o, &id, err);
}

/* After CMD ran under one decision of the sweep: whether it measured the
 * decision; anything less stops the sweep (a table of guesses is no
 * oracle, a profile of them no data). */
static int check_swept(struct real_run *rr, const char *action,
		       const struct zd_launch_result *res, bool complete,
		       struct zd_err *err)
{
	if (zd_signals_pending())
		return zd_fail(err, EINTR,
			       "%s: interrupted at %s; the "
			       "decisions measured so far are stored",
			       rr->sweeper, action);
	if (!res->child.started || res->child.exit_code != 0)
		return zd_fail(err, ECHILD,
			       "%s: %s failed under %s (exit "
			       "status %d): the sweep stops",
			       rr->sweeper, rr->o->argv[0], action,
			       res->child.exit_code);
	if (!complete)
		return zd_fail(err, ENODATA,
			       "%s: %s under %s: %s; the sweep "
			       "compares decisions by energy and heat",
			       rr->sweeper, rr->o->argv[0], action,
			       first_note(rr->not_controlled,
					  "no energy measured, or a zone's "
					  "temperature missing"));
	return 0;
}

/* One decision for real, with the run's machinery: applied, CMD run and
 * measured, everything restored; start_mc is per board zone before it. */
static int sweep_one(struct real_run *rr, const struct run_choice *ch,
		     const char *action, int *start_mc, struct zd_outcome *o,
		     struct zd_err *err)
{
	struct zd_launch_plan plan;
	struct zd_launch_result res;
	bool applied = false, complete = false;
	read_start_temps(rr, start_mc);
	plan_choice(rr, ch, &plan);
	int rc = apply_plan(rr, &plan, &applied, err);
	if (rc == 0 && !applied)
		rc = zd_fail(err, EPERM,
			     "%s: the frequencies of %s could not "
			     "be set here (%s), so the sweep would not measure "
			     "the decisions",
			     rr->sweeper, action,
			     first_note(rr->not_controlled, "no cpufreq"));
	struct zd_meter *meter = rc == 0 ? calloc(1, sizeof(*meter)) : NULL;
	if (rc == 0 && meter == NULL)
		rc = zd_fail(err, ENOMEM, "out of memory");
	if (rc == 0) {
		rc = zd_launch_run(rr->p, &plan, rr->o->argv,
				   rr->o->interval_ms, meter, &res, err);
		if (res.restore_rc != 0) {
			*err = res.restore_err; /* what stays changed first */
			rc = -1;
		}
	}
	if (rc == 0) {
		json_decref(
		    measured_json(rr, meter, res.child.wall_s, o, &complete));
		rc = check_swept(rr, action, &res, complete, err);
	}
	free(meter);
	return rc;
}

/* A decision in the board's terms measured by sweep_one. Its notes are
 * its own, not the report's (which would repeat them once per decision). */
static int measure_decision(struct real_run *rr,
			    const struct zd_decision *board_dec,
			    struct run_choice *ch, char *action, size_t len,
			    int *start_mc, struct zd_outcome *o,
			    struct zd_err *err)
{
	snprintf(action, len, "a decision that is no action of the board");
	memset(ch, 0, sizeof(*ch));
	ch->board_dec = *board_dec;
	ch->has_action = run_action_of(&rr->ctx.space, board_dec, &ch->action);
	if (ch->has_action)
		zd_action_format(&rr->ctx.space, &ch->action, action, len);
	zd_board_map_decision(&rr->ctx.map, &rr->p->info, board_dec,
			      &ch->machine);
	json_t *report_controlled = rr->controlled;
	json_t *report_not_controlled = rr->not_controlled;
	rr->controlled = json_array();
	rr->not_controlled = json_array();
	int rc = sweep_one(rr, ch, action, start_mc, o, err);
	json_decref(rr->controlled);
	json_decref(rr->not_controlled);
	rr->controlled = report_controlled;
	rr->not_controlled = report_not_controlled;
	return rc;
}

/* The table's way to measure a decision (learned.h's measure). */
static int sweep_measure(void *arg, const struct zd_decision *board_dec,
			 struct zd_outcome *o, struct zd_err *err)
{
	struct real_run *rr = arg;
	struct run_choice ch;
	char action[128];
	int start_mc[ZD_MAX_ZONES] = {0};
	int rc = measure_decision(rr, board_dec, &ch, action, sizeof(action),
				  start_mc, o, err);
	if (rc == 0)
		rc = store_swept(rr, &ch, start_mc, o, err);
	if (rc == 0)
		fprintf(stderr,
			"zdvfs run: table: %d/%d %s: makespan %.3f s, "
			"energy %.3f J, hottest %.1f °C\n",
			++rr->swept, rr->ctx.space.count, action, o->makespan_s,
			o->energy_j, o->hottest_c);
	return rc;
}

int run_measure_real(const struct run_real_target *t,
		     const struct zd_decision *board_dec, int *start_mc,
		     struct zd_outcome *o, struct zd_err *err)
{
	struct run_opts opts = {.policy = t->sweeper,
				.argv = t->argv,
				.interval_ms = t->interval_ms};
	/* the board is only read here; real_run owns it in `zdvfs run` */
	struct real_run rr = {.o = &opts,
			      .p = t->p,
			      .board = (struct zd_board *)t->board,
			      .sweeper = t->sweeper,
			      .controlled = json_array(),
			      .not_controlled = json_array()};
	struct run_choice ch;
	char action[128];
	int rc;
	rr.ctx.map = *t->map;
	rr.ctx.space = *t->space;
	if (rr.controlled == NULL || rr.not_controlled == NULL)
		rc = zd_fail(err, ENOMEM, "out of memory");
	else
		rc = measure_decision(&rr, board_dec, &ch, action,
				      sizeof(action), start_mc, o, err);
	json_decref(rr.controlled);
	json_decref(rr.not_controlled);
	return rc;
}

/* A sweep runs CMD once per decision of the board: only when asked to. */
static int check_sweep(struct real_run *rr, struct zd_err *err)
{
	const struct zd_action_space *s = &rr->ctx.space;
	if (strcmp(rr->o->policy, "table") != 0)
		return 0;
	if (!rr->o->yes_sweep)
		return zd_bad_input(
		    err,
		    "policy table runs %s once under each "
		    "of the %d decisions of %s before deciding, "
		    "which takes hours on a real board: give "
		    "--yes-sweep to do so (or try it on the "
		    "simulator: --board sim:%s --workload NAME)",
		    rr->o->argv[0], s->count, rr->board->name, rr->board->name);
	fprintf(stderr,
		"zdvfs run: table: sweeping %d decisions of %s, one "
		"run of %s each\n",
		s->count, rr->board->name, rr->o->argv[0]);
	return 0;
}

static int run_program(struct real_run *rr)
{
	struct zd_err err = {0};
	struct zd_launch_result res;
	static struct zd_meter meter;
	int rc = find_board(rr, &err);
	rr->ctx.o = rr->o;
	rr->ctx.board = rr->board;
	rr->ctx.info = &rr->p->info;
	rr->ctx.backend = "linux";
	rr->ctx.measure = sweep_measure;
	rr->ctx.measure_ctx = rr;
	char name[64];
	cli_program_name(rr->o->argv[0], name, sizeof(name));
	if (rc == 0)
		rc = run_ctx_open(
		    &rr->ctx, rr->o->program ? rr->o->program : name,
		    rr->o->sources, rr->o->nsources, &rr->o->src, &err);
	if (rc == 0 && rr->board != NULL) {
		check_board_fits(rr);
		rc = check_sweep(rr, &err);
		read_start_temps(rr, rr->start_mc);
	}
	if (rc == 0)
		rc = run_choose(&rr->ctx, rr->board ? rr->start_mc : NULL,
				&rr->choice, &err);
	if (rc == 0 && rr->choice.by_learned && !rr->choice.by_engine)
		read_start_temps(rr, rr->start_mc); /* after the sweep's runs */
	if (rc == 0) {
		plan_choice(rr, &rr->choice, &rr->plan);
		rc = apply_plan(rr, &rr->plan, &rr->applied, &err);
	}
	if (rc != 0)
		return cli_error("run", &err);
	rc = zd_launch_run(rr->p, &rr->plan, rr->o->argv, rr->o->interval_ms,
			   &meter, &res, &err);
	if (res.restore_rc != 0)
		cli_error("run", &res.restore_err);
	if (res.never_released)
		return zd_signals_pending() ? 1 : cli_error("run", &err);
	if (rc != 0)
		cli_error("run", &err);
	int frc = finish_real(rr, &res, &meter);
	if (res.restore_rc != 0)
		return 1;
	if (!res.child.started && res.child.exec_errno != 0)
		return res.child.exit_code;
	return frc != 0 ? frc : res.child.exit_code;
}

static int run_real(const struct run_opts *o)
{
	struct zd_err err = {0};
	if (zd_signals_install(&err) != 0)
		return cli_error("run", &err);
	struct real_run rr = {
	    .o = o,
	    .sweeper = "table",
	    .controlled = json_array(),
	    .not_controlled = json_array(),
	};
	int rc;
	if (zd_platform_open("linux", o->root, &rr.p, &err) != 0) {
		rc = cli_error("run", &err);
	} else {
		rc = run_program(&rr);
		zd_platform_close(rr.p); /* restores if anything is changed */
	}
	run_choice_free(&rr.choice);
	run_ctx_close(&rr.ctx);
	zd_board_free(rr.board);
	json_decref(rr.controlled);
	json_decref(rr.not_controlled);
	zd_signals_reraise();
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	zd_learned_policies_register(); /* zerodvfs, qlearn, table by name */
	int rc = parse_run_opts(argc, argv, &o);
	if (rc == 0)
		rc = strncmp(o.board ? o.board : "", "sim:", 4) == 0
		    ? run_sim(&o)
		    : run_real(&o);
	else if (rc < 0)
		rc = 0;
	free(o.sources);
	cli_source_opts_free(&o.src);
	return rc;
}
