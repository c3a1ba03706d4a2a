/* platforms.c - `zdvfs platforms`: list, show and check board descriptions. */
#include <string.h>

#include "cli.h"
#include "options.h"
#include "zdvfs/board.h"

static const char *const platforms_usage[] = {
    "zdvfs platforms [--json] [--platform-dir DIR]",
    "zdvfs platforms show NAME [--json]", "zdvfs platforms check FILE...",
    NULL};

static json_t *constant_json(const struct zd_constant *c)
{
	if (!c->present)
		return json_null();
	return json_pack("{s:f, s:s}", "value", c->value, "source", c->source);
}

static json_t *cache_json(const struct zd_cache_geom *g)
{
	return json_pack("{s:i, s:i, s:i}", "size_kb", g->size_kb, "assoc",
			 g->assoc, "line_bytes", g->line_bytes);
}

static json_t *cluster_json(const struct zd_cluster_desc *c)
{
	char cpus[256];
	zd_cpuset_format(&c->cpus, cpus, sizeof(cpus));
	json_t *opps = json_array();
	for (int i = 0; i < c->nopps; i++)
		json_array_append_new(
		    opps,
		    i == c->turbo_level
			/* as the file has it: no voltage of its own */
			? json_pack("{s:I, s:b}", "khz",
				    (json_int_t)c->opps[i].khz, "turbo", 1)
			: json_pack("{s:I, s:I}", "khz",
				    (json_int_t)c->opps[i].khz, "uv",
				    (json_int_t)c->opps[i].uv));
	json_t *o = json_pack(
	    "{s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:b, s:{s:o, s:o, "
	    "s:o, s:o}}",
	    "name", c->name, "core_type", c->core_type, "cpus", cpus, "opps",
	    opps, "opps_source", c->opps_source, "l1i", cache_json(&c->l1i),
	    "l1d", cache_json(&c->l1d), "l2", cache_json(&c->l2), "l2_shared",
	    c->l2_shared, "sim", "ceff_nf", constant_json(&c->ceff_nf),
	    "leak_mw", constant_json(&c->leak_mw), "leak_doubling_c",
	    constant_json(&c->leak_doubling_c), "speed_rel",
	    constant_json(&c->speed_rel));
	if (c->nturbo > 0) {
		json_t *bins = json_array();
		for (int i = 0; i < c->nturbo; i++)
			json_array_append_new(
			    bins, json_integer((json_int_t)c->turbo_khz[i]));
		json_object_set_new(o, "turbo_khz", bins);
		if (c->nturbo_opps > 0) {
			json_t *states = json_array();
			for (int i = 0; i < c->nturbo_opps; i++)
				json_array_append_new(
				    states,
				    json_pack("{s:I, s:I}", "khz",
					      (json_int_t)c->turbo_opps[i].khz,
					      "uv",
					      (json_int_t)c->turbo_opps[i].uv));
			json_object_set_new(o, "turbo_opps", states);
		}
		json_object_set_new(o, "turbo_source",
				    json_string(c->turbo_source));
	}
	return o;
}

static json_t *cluster_names(const struct zd_board *b, const int *idx, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(b->clusters[idx[i]].name));
	return a;
}

static json_t *zone_json(const struct zd_board *b, const struct zd_zone_desc *z)
{
	json_t *trips = json_array();
	for (int i = 0; i < z->ntrips; i++)
		json_array_append_new(
		    trips,
		    json_pack("{s:s, s:i, s:i}", "type",
			      zd_trip_type_name(z->trips[i].type), "temp_mc",
			      z->trips[i].temp_mc, "hyst_mc",
			      z->trips[i].hyst_mc));
	return json_pack("{s:s, s:o, s:o, s:s, s:{s:o, s:o, s:o, s:o, s:o, "
			 "s:o}}",
			 "name", z->name, "clusters",
			 cluster_names(b, z->clusters, z->nclusters), "trips",
			 trips, "source", z->source, "sim", "r_k_per_w",
			 constant_json(&z->r_k_per_w), "c_j_per_k",
			 constant_json(&z->c_j_per_k), "r_die_k_per_w",
			 constant_json(&z->r_die_k_per_w), "c_die_j_per_k",
			 constant_json(&z->c_die_j_per_k), "r_fan_k_per_w",
			 constant_json(&z->r_fan_k_per_w), "polling_ms",
			 constant_json(&z->polling_ms));
}

static json_t *board_json(const struct zd_board *b)
{
	char reserved[256];
	zd_cpuset_format(&b->reserved_cpus, reserved, sizeof(reserved));
	json_t *clusters = json_array(), *zones = json_array(),
	       *rails = json_array();
	for (int i = 0; i < b->nclusters; i++)
		json_array_append_new(clusters, cluster_json(&b->clusters[i]));
	for (int i = 0; i < b->nzones; i++)
		json_array_append_new(zones, zone_json(b, &b->zones[i]));
	for (int i = 0; i < b->energy.nrails; i++)
		json_array_append_new(
		    rails,
		    json_pack("{s:s, s:o}", "name", b->energy.rails[i].name,
			      "clusters",
			      cluster_names(b, b->energy.rails[i].clusters,
					    b->energy.rails[i].nclusters)));
	json_t *o = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:{s:s, "
	    "s:o, s:o, s:s}, s:o, s:{s:o, s:o, s:o, s:o}}",
	    "name", b->name, "file", b->path, "model", b->model, "description",
	    b->description, "default_governor", b->default_governor,
	    "reserved_cpus", reserved, "clusters", clusters, "l3",
	    b->has_l3 ? cache_json(&b->l3) : json_null(), "caches_source",
	    b->caches_source, "thermal_zones", zones, "energy", "kind",
	    zd_energy_kind_name(b->energy.kind), "rails", rails,
	    "sample_period_us", constant_json(&b->energy.sample_period_us),
	    "source", b->energy.source, "tdp_mw", constant_json(&b->tdp_mw),
	    "sim", "ambient_mc", constant_json(&b->ambient_mc), "idle_power_mw",
	    constant_json(&b->idle_power_mw), "mem_bandwidth_mbps",
	    constant_json(&b->mem_bandwidth_mbps), "mem_latency_ns",
	    constant_json(&b->mem_latency_ns));
	json_t *sim = json_object_get(o, "sim");
	const struct {
		const char *name;
		const struct zd_constant *c;
	} more[] = {
	    {"uncore_latency_cycles", &b->uncore_latency_cycles},
	    {"coupling_w_per_k", &b->coupling_w_per_k},
	    {"pl1_mw", &b->pl1_mw},
	    {"pl2_mw", &b->pl2_mw},
	    {"pl_tau_s", &b->pl_tau_s},
	};
	for (size_t i = 0; sim != NULL && i < sizeof(more) / sizeof(more[0]);
	     i++)
		json_object_set_new(sim, more[i].name,
				    constant_json(more[i].c));
	return o;
}

/* "2x denver2 + 4x cortex-a57" */
static void cluster_summary(const struct zd_board *b, char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < b->nclusters && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%dx %s",
					 i ? " + " : "", b->clusters[i].ncpus,
					 b->clusters[i].core_type);
}

static int list_boards(const char *dir, bool json)
{
	char **names = NULL;
	int n = 0, status = 0;
	struct zd_err err = {0};
	if (zd_board_list(dir, &names, &n, &err) != 0)
		return cli_error("platforms", &err);
	json_t *all = json_array();
	if (!json)
		printf("%-16s %-34s %-7s %-7s %-14s %s\n", "NAME", "CORES",
		       "LEVELS", "TDP", "ENERGY", "MODEL");
	for (int i = 0; i < n; i++) {
		struct zd_board *b = NULL;
		zd_err_clear(&err);
		if (zd_board_load(names[i], dir, &b, &err) != 0) {
			status = cli_error("platforms", &err);
			continue;
		}
		char cores[128], levels[32] = "";
		cluster_summary(b, cores, sizeof(cores));
		for (int c = 0; c < b->nclusters; c++)
			snprintf(levels + strlen(levels),
				 sizeof(levels) - strlen(levels), "%s%d",
				 c ? "/" : "", b->clusters[c].nopps);
		if (json)
			json_array_append_new(
			    all,
			    json_pack("{s:s, s:s, s:s, s:f, s:s}", "name",
				      b->name, "model", b->model, "cores",
				      cores, "tdp_mw", b->tdp_mw.value,
				      "energy",
				      zd_energy_kind_name(b->energy.kind)));
		else
			printf("%-16s %-34s %-7s %5.1f W %-14s %s\n", b->name,
			       cores, levels, b->tdp_mw.value / 1000.0,
			       zd_energy_kind_name(b->energy.kind), b->model);
		zd_board_free(b);
	}
	zd_board_names_free(names, n);
	if (json) {
		int rc = cli_print_json(all);
		return status ? status : rc;
	}
	json_decref(all);
	return status;
}

static void print_board(const struct zd_board *b)
{
	char cpus[256];
	printf("%s: %s\n  %s\n  file: %s\n  default governor: %s\n", b->name,
	       b->model, b->description, b->path, b->default_governor);
	if (zd_cpuset_count(&b->reserved_cpus) > 0) {
		zd_cpuset_format(&b->reserved_cpus, cpus, sizeof(cpus));
		printf("  reserved for the OS: cpu %s\n", cpus);
	}
	printf("  TDP: %.1f W (%s)\n", b->tdp_mw.value / 1000.0,
	       b->tdp_mw.source);
	for (int i = 0; i < b->nclusters; i++) {
		const struct zd_cluster_desc *c = &b->clusters[i];
		zd_cpuset_format(&c->cpus, cpus, sizeof(cpus));
		printf(
		    "  cluster %s: %d x %s, cpus %s, L1d %d KB, L2 %d KB%s\n",
		    c->name, c->ncpus, c->core_type, cpus, c->l1d.size_kb,
		    c->l2.size_kb, c->l2_shared ? " shared" : " per core");
		printf("    %d levels (kHz @ mV):", c->nopps);
		for (int k = 0; k < c->nopps; k++)
			if (k == c->turbo_level)
				printf(" %u (turbo entry)", c->opps[k].khz);
			else
				printf(" %u@%u", c->opps[k].khz,
				       c->opps[k].uv / 1000);
		printf("\n    source: %s\n", c->opps_source);
		if (c->nturbo > 0) {
			printf("    turbo bins by busy cores (kHz):");
			for (int k = 0; k < c->nturbo; k++)
				printf(" %u", c->turbo_khz[k]);
			printf("\n");
		}
		if (c->nturbo_opps > 0) {
			printf("    turbo P-states (kHz @ mV):");
			for (int k = 0; k < c->nturbo_opps; k++)
				printf(" %u@%u", c->turbo_opps[k].khz,
				       c->turbo_opps[k].uv / 1000);
			printf("\n");
		}
	}
	for (int i = 0; i < b->nzones; i++) {
		const struct zd_zone_desc *z = &b->zones[i];
		printf("  zone %s:", z->name);
		for (int k = 0; k < z->ntrips; k++)
			printf(" %s %.1f °C",
			       zd_trip_type_name(z->trips[k].type),
			       z->trips[k].temp_mc / 1000.0);
		printf("\n");
	}
	printf("  energy: %s", zd_energy_kind_name(b->energy.kind));
	for (int i = 0; i < b->energy.nrails; i++)
		printf("%s%s", i ? ", " : " (", b->energy.rails[i].name);
	printf("%s\n", b->energy.nrails ? ")" : "");
}

static int show_board(const char *name, const char *dir, bool json)
{
	struct zd_board *b = NULL;
	struct zd_err err = {0};
	if (zd_board_load(name, dir, &b, &err) != 0)
		return cli_error("platforms", &err);
	int rc = 0;
	if (json)
		rc = cli_print_json(board_json(b));
	else
		print_board(b);
	zd_board_free(b);
	return rc;
}

static int check_files(int n, char **files)
{
	int status = 0;
	for (int i = 0; i < n; i++) {
		struct zd_board *b = NULL;
		struct zd_err err = {0};
		if (zd_board_load_file(files[i], &b, &err) != 0) {
			status = cli_error("platforms", &err);
			continue;
		}
		printf("%s: ok (%s)\n", files[i], b->name);
		zd_board_free(b);
	}
	return status;
}

int cmd_platforms(int argc, char **argv)
{
	bool json = false;
	const char *dir = NULL;
	struct cli_option options[] = {
	    OPT_TEXT("Lists the boards zdvfs knows (platforms/*.json), shows "
		     "one in full, or validates description files (format: "
		     "docs/platform-format.md)."),
	    OPT_PLATFORM_DIR(&dir),
	    OPT_BOOL(0, "json", &json, "machine-readable output"),
	    OPT_END(),
	};
	int status = 0;
	int nargs = cli_parse_options("platforms", platforms_usage, options, 0,
				      argc, argv, &status);
	if (nargs < 0)
		return status;
	char **args = argv;
	if (nargs == 0 || (nargs == 1 && strcmp(args[0], "list") == 0))
		return list_boards(dir, json);
	if (strcmp(args[0], "show") == 0) {
		if (nargs != 2)
			return cli_usage_error("platforms",
					       "show takes one board name");
		return show_board(args[1], dir, json);
	}
	if (strcmp(args[0], "check") == 0) {
		if (nargs < 2)
			return cli_usage_error("platforms",
					       "check takes one or more files");
		return check_files(nargs - 1, args + 1);
	}
	return cli_usage_error("platforms", "unknown action '%s'", args[0]);
}
