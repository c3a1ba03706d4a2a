/* status.c - `zdvfs status`: what this machine offers (cpufreq policies,
 * thermal zones, energy sensors) and, plainly, what it does not. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "options.h"
#include "zdvfs/platform.h"

static const char *const status_usage[] = {
    "zdvfs status [--sysfs-root DIR] [--json]", NULL};

static json_t *domain_json(struct zd_platform *p, int i)
{
	const struct zd_freq_domain *d = &p->info.domains[i];
	char cpus[256];
	uint32_t cur = 0;
	struct zd_err err = {0};
	zd_cpuset_format(&d->cpus, cpus, sizeof(cpus));
	json_t *freqs = json_array();
	for (int k = 0; k < d->nfreqs; k++)
		json_array_append_new(freqs, json_integer(d->freqs_khz[k]));
	json_t *o =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:o, s:b}", "name",
		      d->name, "cpus", cpus, "driver", d->driver, "governor",
		      d->governor, "governors", d->governors, "min_khz",
		      (json_int_t)d->min_khz, "max_khz", (json_int_t)d->max_khz,
		      "available_khz", freqs, "userspace", d->has_userspace);
	if (zd_platform_get_freq(p, i, &cur, &err) == 0)
		json_object_set_new(o, "cur_khz", json_integer(cur));
	return o;
}

static json_t *zone_json(struct zd_platform *p, int i)
{
	const struct zd_thermal_zone *z = &p->info.zones[i];
	json_t *trips = json_array();
	for (int k = 0; k < z->ntrips; k++)
		json_array_append_new(trips,
				      json_pack("{s:s, s:i}", "type",
						z->trips[k].type, "temp_mc",
						z->trips[k].temp_mc));
	json_t *o = json_pack("{s:i, s:s, s:o}", "id", z->id, "type", z->type,
			      "trips", trips);
	int mc;
	struct zd_err err = {0};
	if (zd_platform_read_temp(p, i, &mc, &err) == 0)
		json_object_set_new(o, "temp_mc", json_integer(mc));
	else
		json_object_set_new(o, "error", json_string(err.msg));
	return o;
}

static json_t *energy_json(struct zd_platform *p, int i)
{
	const struct zd_energy_source *s = &p->info.energy[i];
	json_t *o = json_pack("{s:s, s:s}", "name", s->name, "kind", s->kind);
	struct zd_energy_reading r;
	struct zd_err err = {0};
	if (zd_platform_read_energy(p, i, &r, &err) != 0)
		json_object_set_new(o, "error", json_string(err.msg));
	else if (r.kind == ZD_READING_COUNTER_UJ) {
		json_object_set_new(o, "energy_uj",
				    json_integer((json_int_t)r.counter_uj));
		json_object_set_new(o, "max_energy_range_uj",
				    json_integer((json_int_t)s->max_uj));
	} else {
		json_object_set_new(o, "power_mw", json_real(r.power_mw));
	}
	return o;
}

static json_t *status_json(struct zd_platform *p, const char *root)
{
	char online[256];
	zd_cpuset_format(&p->info.online, online, sizeof(online));
	json_t *domains = json_array(), *zones = json_array(),
	       *energy = json_array(), *notes = json_array();
	for (int i = 0; i < p->info.ndomains; i++)
		json_array_append_new(domains, domain_json(p, i));
	for (int i = 0; i < p->info.nzones; i++)
		json_array_append_new(zones, zone_json(p, i));
	for (int i = 0; i < p->info.nenergy; i++)
		json_array_append_new(energy, energy_json(p, i));
	char *save = NULL, buf[sizeof(p->notes)];
	snprintf(buf, sizeof(buf), "%s", p->notes);
	for (char *line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		json_array_append_new(notes, json_string(line));
	return json_pack("{s:s, s:s, s:b, s:b, s:s, s:o, s:o, s:o, s:o}",
			 "version", ZDVFS_VERSION, "sysfs_root", root,
			 "this_machine", p->info.is_host, "root_user",
			 geteuid() == 0, "cpus_online", online, "cpufreq",
			 domains, "thermal_zones", zones, "energy", energy,
			 "missing", notes);
}

static void print_domain(json_t *d)
{
	printf("  %-8s cpus %-8s %-16s governor %-12s",
	       json_string_value(json_object_get(d, "name")),
	       json_string_value(json_object_get(d, "cpus")),
	       json_string_value(json_object_get(d, "driver")),
	       json_string_value(json_object_get(d, "governor")));
	json_t *cur = json_object_get(d, "cur_khz");
	if (cur != NULL)
		printf(" now %lld kHz", (long long)json_integer_value(cur));
	printf("\n           range %lld..%lld kHz",
	       (long long)json_integer_value(json_object_get(d, "min_khz")),
	       (long long)json_integer_value(json_object_get(d, "max_khz")));
	printf(", fixed frequency by %s\n",
	       json_is_true(json_object_get(d, "userspace"))
		   ? "userspace governor"
		   : "scaling_min_freq = scaling_max_freq");
	json_t *freqs = json_object_get(d, "available_khz");
	size_t i;
	json_t *f;
	if (json_array_size(freqs) > 0) {
		printf("           levels (%zu):", json_array_size(freqs));
		json_array_foreach(freqs, i, f)
		    printf(" %lld", (long long)json_integer_value(f));
		printf("\n");
	}
	printf("           governors: %s\n",
	       json_string_value(json_object_get(d, "governors")));
}

static void print_zone(json_t *z)
{
	printf("  thermal_zone%-3lld %-16s",
	       (long long)json_integer_value(json_object_get(z, "id")),
	       json_string_value(json_object_get(z, "type")));
	json_t *t = json_object_get(z, "temp_mc");
	if (t != NULL)
		printf(" %6.1f °C", (double)json_integer_value(t) / 1000.0);
	else
		printf(" unreadable (%s)",
		       json_string_value(json_object_get(z, "error")));
	size_t i;
	json_t *trip;
	json_array_foreach(json_object_get(z, "trips"), i, trip) printf(
	    "%s %s %.1f", i == 0 ? "  trips:" : ",",
	    json_string_value(json_object_get(trip, "type")),
	    (double)json_integer_value(json_object_get(trip, "temp_mc")) /
		1000.0);
	printf("\n");
}

static void print_energy(json_t *e)
{
	printf("  %-16s %-14s", json_string_value(json_object_get(e, "name")),
	       json_string_value(json_object_get(e, "kind")));
	json_t *v;
	if ((v = json_object_get(e, "power_mw")) != NULL)
		printf(" %.0f mW\n", json_number_value(v));
	else if ((v = json_object_get(e, "energy_uj")) != NULL)
		printf(" counter %lld uJ (wraps at %lld)\n",
		       (long long)json_integer_value(v),
		       (long long)json_integer_value(
			   json_object_get(e, "max_energy_range_uj")));
	else
		printf(" unreadable (%s)\n",
		       json_string_value(json_object_get(e, "error")));
}

static void print_status(json_t *s)
{
	size_t i;
	json_t *v;
	printf("zdvfs %s: sysfs root %s%s\n",
	       json_string_value(json_object_get(s, "version")),
	       json_string_value(json_object_get(s, "sysfs_root")),
	       json_is_true(json_object_get(s, "this_machine"))
		   ? " (this machine)"
		   : " (not this machine: a captured or fake tree)");
	printf("CPUs online: %s\n",
	       json_string_value(json_object_get(s, "cpus_online")));
	json_t *dom = json_object_get(s, "cpufreq");
	printf("cpufreq policies: %zu\n", json_array_size(dom));
	json_array_foreach(dom, i, v) print_domain(v);
	json_t *zones = json_object_get(s, "thermal_zones");
	printf("thermal zones: %zu\n", json_array_size(zones));
	json_array_foreach(zones, i, v) print_zone(v);
	json_t *energy = json_object_get(s, "energy");
	printf("energy sensors: %zu\n", json_array_size(energy));
	json_array_foreach(energy, i, v) print_energy(v);
	if (!json_is_true(json_object_get(s, "root_user")) &&
	    json_array_size(dom) > 0)
		printf("note: not running as root: frequencies can be read "
		       "but not set\n");
	json_array_foreach(json_object_get(s, "missing"), i, v)
	    printf("missing: %s\n", json_string_value(v));
}

int cmd_status(int argc, char **argv)
{
	const char *root = NULL;
	bool json = false;
	struct cli_option options[] = {
	    OPT_TEXT("Shows the machine's cpufreq policies (governor, current "
		     "and available frequencies), thermal zones with "
		     "temperatures and trip points, and energy sensors (RAPL, "
		     "INA3221), and says what is missing."),
	    OPT_STRING(0, "sysfs-root", &root, "DIR",
		       "read sysfs and procfs under DIR instead of / "
		       "(default: $ZDVFS_SYSFS_ROOT, else /)"),
	    OPT_BOOL(0, "json", &json, "machine-readable output"),
	    OPT_END(),
	};
	int status = 0;
	int n = cli_parse_options("status", status_usage, options,
				  CLI_PARSE_STOP_AT_ARG, argc, argv, &status);
	if (n < 0)
		return status;
	if (n > 0)
		return cli_usage_error("status", "unexpected argument '%s'",
				       argv[0]);
	struct zd_platform *p = NULL;
	struct zd_err err = {0};
	if (zd_platform_open("linux", root, &p, &err) != 0)
		return cli_error("status", &err);
	const char *shown = getenv("ZDVFS_SYSFS_ROOT");
	shown = root ? root : (shown && shown[0] ? shown : "/");
	json_t *s = status_json(p, shown);
	zd_platform_close(p);
	if (json)
		return cli_print_json(s);
	if (s == NULL)
		return 1;
	print_status(s);
	json_decref(s);
	return 0;
}
