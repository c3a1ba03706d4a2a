/* exec.c - `zdvfs exec`: run one command on chosen CPUs at a chosen
 * frequency (taskset plus cpupower frequency-set in one step), measure it,
 * and put the machine back as it was, whatever happens. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"
#include "zdvfs/launch.h"
#include "zdvfs/meter.h"
#include "zdvfs/platform.h"
#include "zdvfs/runner.h"

static const char *const exec_usage[] = {
    "zdvfs exec [--cpus LIST] [--freq KHZ | --freq DOMAIN=KHZ,...]\n"
    "                  [--governor G] [--strict] [--interval MS]\n"
    "                  [--json] [-o FILE] [--sysfs-root DIR] -- CMD [ARGS]",
    NULL};

struct exec_opts {
	const char *root;
	const char *cpus_arg;
	const char *freq_arg;
	const char *governor;
	const char *output;
	bool strict;
	bool json;
	int interval_ms;
	char **argv;
};

struct exec_state {
	struct zd_platform *p;
	struct zd_launch_plan plan; /* CPUs, and what each domain gets */
	bool applied;
	bool turbo_said; /* the turbo entry explained once */
	json_t *warnings;
};

static int parse_exec_opts(int argc, char **argv, struct exec_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->interval_ms = 100;
	struct cli_option options[] = {
	    OPT_TEXT("Runs CMD confined to LIST (like taskset; "
		     "OMP_NUM_THREADS, OMP_PLACES and OMP_PROC_BIND are set to "
		     "match unless already set) with the frequency domains "
		     "(cpufreq policies) of those CPUs fixed at KHZ, or under "
		     "governor G; reports wall time, energy and peak "
		     "temperatures where the machine has sensors; then "
		     "restores every setting it changed, also on error, "
		     "SIGINT, SIGTERM or SIGHUP. The exit status is CMD's "
		     "(128+N if it died of signal N, 127 if it could not be "
		     "found)."),
	    OPT_STRING(0, "cpus", &o->cpus_arg, "LIST",
		       "CPUs like 0,2-4 (default: not confined)"),
	    OPT_STRING(0, "freq", &o->freq_arg, "F",
		       "every selected domain at F (1400000, 1400MHz, 1.4GHz; "
		       "rounded to the nearest available level)"),
	    OPT_ITEM("--freq D=F,...", "per domain: D is policyN or N"),
	    OPT_STRING(0, "governor", &o->governor, "G",
		       "set governor G instead of a fixed frequency"),
	    OPT_BOOL(0, "strict", &o->strict,
		     "exit 1 if a setting cannot be applied (default: warn, "
		     "undo any partial change, run without it)"),
	    OPT_INT(0, "interval", &o->interval_ms, "MS", 1, 60000,
		    "sampling period for energy and temperature (100)"),
	    OPT_BOOL(0, "json", &o->json, "report as JSON"),
	    OPT_STRING('o', "output", &o->output, "FILE",
		       "write the report to FILE (default: stderr)"),
	    OPT_STRING(0, "sysfs-root", &o->root, "DIR",
		       "sysfs/procfs root (default: $ZDVFS_SYSFS_ROOT or /)"),
	    OPT_END(),
	};
	int status = 0;
	/* Stop at the first argument, so CMD's own options are its. */
	int n = cli_parse_options("exec", exec_usage, options,
				  CLI_PARSE_STOP_AT_ARG, argc, argv, &status);
	if (n < 0)
		return status ? status : -1;
	if (n == 0)
		return cli_usage_error("exec",
				       "no command to run (put it "
				       "after --)");
	if (o->freq_arg != NULL && o->governor != NULL)
		return cli_usage_error(
		    "exec", "--freq and --governor exclude each other");
	o->argv = argv;
	return 0;
}

static void warn(struct exec_state *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void warn(struct exec_state *st, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "zdvfs exec: warning: %s\n", msg);
	json_array_append_new(st->warnings, json_string(msg));
}

static int find_domain(const struct zd_platform *p, const char *name)
{
	const char *num = strncmp(name, "policy", 6) == 0 ? name + 6 : name;
	char *end = NULL;
	long id = strtol(num, &end, 10);
	if (end == num || *end != '\0')
		return -1;
	for (int i = 0; i < p->info.ndomains; i++)
		if (p->info.domains[i].id == id)
			return i;
	return -1;
}

/* Whether `khz` is the domain's acpi-cpufreq turbo entry: the top of its
 * table, 1 MHz above the level below it - the one _PSS item that stands for
 * the whole turbo range (Linux Documentation/admin-guide/pm/
 * intel_pstate.rst, on acpi-cpufreq). */
static bool is_turbo_entry(const struct zd_freq_domain *dom, uint32_t khz)
{
	if (dom->nfreqs < 2 || khz != zd_domain_max_khz(dom))
		return false;
	uint32_t below = zd_domain_khz_at_most(dom, khz - 1);
	return khz - below == 1000;
}

/* Domain d at the level nearest `khz` (what the user typed: `text`). */
static void set_target(struct exec_state *st, int d, uint32_t khz,
		       const char *text)
{
	const struct zd_freq_domain *dom = &st->p->info.domains[d];
	struct zd_launch_target *t = &st->plan.targets[d];
	t->selected = true;
	t->khz = zd_domain_nearest_khz(dom, khz);
	if (t->khz != khz)
		warn(st, "%s: %s is not one of its levels; using %u kHz",
		     dom->name, text, t->khz);
	if (is_turbo_entry(dom, t->khz) && !st->turbo_said) {
		fprintf(stderr,
			"zdvfs exec: %u kHz is %s's turbo entry (acpi-cpufreq: "
			"1 MHz above its top non-turbo level): the processor "
			"runs whatever turbo frequency its busy cores, power "
			"limits and temperature allow\n",
			t->khz, dom->name);
		st->turbo_said = true;
	}
}

/* Whether the plan touches domain d: it holds one of the confined CPUs. */
static bool plan_covers(const struct exec_state *st, int d)
{
	struct zd_cpuset both = st->p->info.domains[d].cpus;
	if (!st->plan.confined)
		return true;
	zd_cpuset_and(&both, &st->plan.cpus);
	return zd_cpuset_count(&both) > 0;
}

/* One --freq for every covered domain: checked against their joint range. */
static int parse_common_khz(const struct exec_state *st, const char *text,
			    uint32_t *khz, struct zd_err *err)
{
	uint32_t lo = UINT32_MAX, hi = 0;
	for (int d = 0; d < st->p->info.ndomains; d++) {
		if (!plan_covers(st, d))
			continue;
		cli_widen_khz_range(&st->p->info.domains[d], &lo, &hi);
	}
	if (hi == 0)
		return cli_parse_khz(text, khz, err);
	return cli_khz_in_range(text, lo, hi, "the CPUs' clusters", khz, err);
}

/* Which domains get which setting, decided before anything changes. */
static int plan_targets(struct exec_state *st, const struct exec_opts *o,
			struct zd_err *err)
{
	struct zd_platform *p = st->p;
	if (o->freq_arg == NULL && o->governor == NULL)
		return 0;
	if (p->info.ndomains == 0) {
		warn(st, "this machine has no cpufreq: %s cannot be applied",
		     o->freq_arg ? "--freq" : "--governor");
		return o->strict ? zd_fail(err, EOPNOTSUPP,
					   "--strict: no "
					   "cpufreq here")
				 : 0;
	}
	if (o->freq_arg != NULL && strchr(o->freq_arg, '=') != NULL) {
		char buf[512];
		snprintf(buf, sizeof(buf), "%s", o->freq_arg);
		char *save = NULL;
		for (char *item = strtok_r(buf, ",", &save); item;
		     item = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(item, '=');
			if (eq == NULL)
				return zd_bad_input(err,
						    "--freq: '%s' is not "
						    "DOMAIN=FREQ",
						    item);
			*eq = '\0';
			int d = find_domain(p, item);
			if (d < 0)
				return zd_bad_input(err,
						    "--freq: no cpufreq domain "
						    "'%s' (see zdvfs status)",
						    item);
			const struct zd_freq_domain *dom = &p->info.domains[d];
			uint32_t khz;
			int rc = cli_khz_in_range(
			    eq + 1, zd_domain_min_khz(dom),
			    zd_domain_max_khz(dom), dom->name, &khz, err);
			if (rc != 0)
				return rc;
			set_target(st, d, khz, eq + 1);
		}
		return 0;
	}
	uint32_t khz = 0;
	if (o->freq_arg) {
		int rc = parse_common_khz(st, o->freq_arg, &khz, err);
		if (rc != 0)
			return rc;
	}
	for (int d = 0; d < p->info.ndomains; d++) {
		if (!plan_covers(st, d))
			continue;
		if (o->freq_arg)
			set_target(st, d, khz, o->freq_arg);
		st->plan.targets[d].selected = true;
		if (o->governor != NULL)
			snprintf(st->plan.targets[d].governor,
				 sizeof(st->plan.targets[d].governor), "%s",
				 o->governor);
	}
	return 0;
}

/* All or nothing (zd_launch_apply); a failure that is not the user's
 * becomes a warning unless --strict. */
static int apply_targets(struct exec_state *st, const struct exec_opts *o,
			 struct zd_err *err)
{
	if (!zd_launch_has_targets(st->p, &st->plan))
		return 0;
	int rc = zd_launch_apply(st->p, &st->plan, err);
	if (rc == 0) {
		st->applied = true;
		return 0;
	}
	if (rc == -EBUSY || err->exit == ZD_EXIT_USAGE || o->strict ||
	    st->p->changing)
		return rc;
	warn(st,
	     "%s; running without frequency control (nothing was left "
	     "changed)",
	     err->msg);
	zd_err_clear(err);
	return 0;
}

static json_t *report_json(const struct exec_state *st,
			   const struct exec_opts *o,
			   const struct zd_child_result *res,
			   const struct zd_meter *m)
{
	struct zd_platform *p = st->p;
	json_t *cmd = json_array(), *domains = json_array(),
	       *energy = json_array(), *zones = json_array();
	for (char **a = o->argv; *a; a++)
		json_array_append_new(cmd, json_string(*a));
	for (int d = 0; d < p->info.ndomains; d++) {
		const struct zd_launch_target *t = &st->plan.targets[d];
		if (!t->selected)
			continue;
		json_t *j =
		    json_pack("{s:s, s:b}", "name", p->info.domains[d].name,
			      "applied", st->applied);
		if (t->khz)
			json_object_set_new(j, "khz", json_integer(t->khz));
		else
			json_object_set_new(j, "governor",
					    json_string(o->governor));
		json_array_append_new(domains, j);
	}
	for (int i = 0; i < p->info.nenergy; i++) {
		if (!m->energy[i].valid)
			continue;
		double j = m->energy[i].energy_uj / 1e6;
		json_array_append_new(
		    energy,
		    json_pack("{s:s, s:s, s:f, s:f}", "name",
			      p->info.energy[i].name, "kind",
			      p->info.energy[i].kind, "energy_j", j,
			      "avg_power_w",
			      res->wall_s > 0 ? j / res->wall_s : 0.0));
	}
	for (int i = 0; i < p->info.nzones; i++)
		if (m->zones[i].valid)
			json_array_append_new(
			    zones,
			    json_pack("{s:s, s:i, s:i, s:i}", "type",
				      p->info.zones[i].type, "start_mc",
				      m->zones[i].start_mc, "peak_mc",
				      m->zones[i].peak_mc, "end_mc",
				      m->zones[i].last_mc));
	char cpus[256] = "";
	if (st->plan.confined)
		zd_cpuset_format(&st->plan.cpus, cpus, sizeof(cpus));
	/* utilisation of the CPUs the command had (all online ones if not
	 * confined), from /proc/stat */
	json_t *util = json_array();
	const struct zd_cpuset *mine =
	    st->plan.confined ? &st->plan.cpus : &p->info.online;
	for (int c = zd_cpuset_first(mine); m->util_valid && c >= 0;
	     c = zd_cpuset_next(mine, c))
		json_array_append_new(
		    util,
		    json_pack("{s:i, s:f}", "cpu", c, "util", m->util[c]));
	json_t *r = json_pack(
	    "{s:o, s:b, s:i, s:f, s:s?, s:o, s:o, s:o, s:o, s:i, s:O}",
	    "command", cmd, "started", res->started, "exit_status",
	    res->exit_code, "wall_s", res->wall_s, "cpus",
	    st->plan.confined ? cpus : NULL, "frequency", domains, "energy",
	    energy, "temperatures", zones, "cpu_util", util, "samples",
	    m->samples, "warnings", st->warnings);
	if (res->term_signal)
		json_object_set_new(r, "signal",
				    json_integer(res->term_signal));
	return r;
}

static void print_report(FILE *out, json_t *r)
{
	size_t i;
	json_t *v;
	fprintf(
	    out, "zdvfs exec: exit status %lld, wall time %.3f s\n",
	    (long long)json_integer_value(json_object_get(r, "exit_status")),
	    json_number_value(json_object_get(r, "wall_s")));
	if (json_is_string(json_object_get(r, "cpus")))
		fprintf(out, "  cpus: %s\n",
			json_string_value(json_object_get(r, "cpus")));
	json_array_foreach(json_object_get(r, "frequency"), i, v)
	{
		json_t *khz = json_object_get(v, "khz");
		fprintf(out, "  %s: ",
			json_string_value(json_object_get(v, "name")));
		if (khz)
			fprintf(out, "%lld kHz",
				(long long)json_integer_value(khz));
		else
			fprintf(
			    out, "governor %s",
			    json_string_value(json_object_get(v, "governor")));
		fprintf(out, "%s\n",
			json_is_true(json_object_get(v, "applied"))
			    ? ""
			    : " (not applied)");
	}
	json_array_foreach(json_object_get(r, "energy"), i, v)
	    fprintf(out, "  energy %s (%s): %.3f J, %.3f W average\n",
		    json_string_value(json_object_get(v, "name")),
		    json_string_value(json_object_get(v, "kind")),
		    json_number_value(json_object_get(v, "energy_j")),
		    json_number_value(json_object_get(v, "avg_power_w")));
	if (json_array_size(json_object_get(r, "energy")) == 0)
		fprintf(out, "  energy: not measured (no readable sensor)\n");
	json_array_foreach(json_object_get(r, "temperatures"), i, v)
	    fprintf(out, "  %s: peak %.1f °C (start %.1f, end %.1f)\n",
		    json_string_value(json_object_get(v, "type")),
		    json_integer_value(json_object_get(v, "peak_mc")) / 1000.0,
		    json_integer_value(json_object_get(v, "start_mc")) / 1000.0,
		    json_integer_value(json_object_get(v, "end_mc")) / 1000.0);
	if (json_array_size(json_object_get(r, "temperatures")) == 0)
		fprintf(out, "  temperature: not measured (no thermal zone)\n");
	json_t *util = json_object_get(r, "cpu_util");
	if (json_array_size(util) > 0) {
		fprintf(out, "  cpu utilisation:");
		json_array_foreach(util, i, v) fprintf(
		    out, " cpu%lld %.0f%%",
		    (long long)json_integer_value(json_object_get(v, "cpu")),
		    100.0 * json_number_value(json_object_get(v, "util")));
		fprintf(out, "\n");
	}
}

static int run_exec(struct exec_state *st, const struct exec_opts *o)
{
	struct zd_err err = {0};
	struct zd_launch_result res;
	static struct zd_meter meter;
	int rc;
	if (o->cpus_arg != NULL) {
		if ((rc = zd_cpuset_parse(&st->plan.cpus, o->cpus_arg, "--cpus",
					  &err)) != 0)
			return cli_error("exec", &err);
		st->plan.confined = true;
	}
	if ((rc = plan_targets(st, o, &err)) != 0 ||
	    (rc = apply_targets(st, o, &err)) != 0)
		return cli_error("exec", &err);
	rc = zd_launch_run(st->p, &st->plan, o->argv, o->interval_ms, &meter,
			   &res, &err);
	if (res.restore_rc != 0)
		cli_error("exec", &res.restore_err);
	if (res.never_released) {
		/* confinement refused, or a signal came first */
		if (zd_signals_pending())
			return 1;
		return cli_error("exec", &err);
	}
	if (rc != 0)
		cli_error("exec", &err);
	json_t *report = report_json(st, o, &res.child, &meter);
	int wrc = 1;
	if (report)
		wrc = cli_write_report("exec", o->output, o->json, report,
				       print_report);
	json_decref(report);
	if (res.restore_rc != 0)
		return 1;
	if (!res.child.started && res.child.exec_errno != 0)
		return res.child.exit_code;
	return wrc != 0 ? 1 : res.child.exit_code;
}

int cmd_exec(int argc, char **argv)
{
	struct exec_opts o;
	int rc = parse_exec_opts(argc, argv, &o);
	if (rc != 0)
		return rc < 0 ? 0 : rc;
	struct zd_err err = {0};
	if (zd_signals_install(&err) != 0)
		return cli_error("exec", &err);
	struct exec_state st = {.warnings = json_array()};
	if (zd_platform_open("linux", o.root, &st.p, &err) != 0) {
		json_decref(st.warnings);
		return cli_error("exec", &err);
	}
	rc = run_exec(&st, &o);
	zd_platform_close(st.p); /* restores if anything is still changed */
	json_decref(st.warnings);
	zd_signals_reraise();
	return rc;
}
