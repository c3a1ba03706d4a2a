/* boardmap.c - a board description laid over a machine. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdvfs/boardmap.h"

/* Frequencies within this fraction are the same level: drivers round
 * (e.g. 1996800 vs 1996000 kHz on some Qualcomm tables). */
#define SAME_KHZ_TOLERANCE 0.005

static bool cpuset_within(const struct zd_cpuset *inner,
			  const struct zd_cpuset *outer)
{
	struct zd_cpuset both = *inner;
	zd_cpuset_and(&both, outer);
	return zd_cpuset_equal(&both, inner);
}

static bool same_khz(uint32_t a, uint32_t b)
{
	double hi = a > b ? a : b, lo = a > b ? b : a;
	return hi - lo <= hi * SAME_KHZ_TOLERANCE;
}

int zd_board_map_init(struct zd_board_map *m, const struct zd_board *b,
		      const struct zd_platform_info *info, struct zd_err *err)
{
	memset(m, 0, sizeof(*m));
	if (b->nclusters > ZD_MAX_CLUSTERS || b->nzones > ZD_MAX_ZONES)
		return zd_bad_input(err,
				    "board %s: %d clusters and %d zones; "
				    "zdvfs handles up to %d and %d",
				    b->name, b->nclusters, b->nzones,
				    ZD_MAX_CLUSTERS, ZD_MAX_ZONES);
	m->ndomains = info->ndomains;
	for (int d = 0; d < info->ndomains; d++) {
		m->cluster[d] = -1;
		for (int c = 0; c < b->nclusters; c++)
			if (cpuset_within(&info->domains[d].cpus,
					  &b->clusters[c].cpus))
				m->cluster[d] = c;
	}
	m->nzones = b->nzones;
	for (int z = 0; z < b->nzones; z++) {
		m->zone[z] = -1;
		for (int i = 0; i < info->nzones; i++)
			if (strcmp(info->zones[i].type, b->zones[z].name) == 0)
				m->zone[z] = i;
	}
	m->energy = -1;
	for (int r = 0; r < b->energy.nrails && m->energy < 0; r++)
		for (int i = 0; i < info->nenergy; i++)
			if (strcmp(info->energy[i].name,
				   b->energy.rails[r].name) == 0)
				m->energy = i;
	return 0;
}

static bool say(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record why not (when asked) and answer "no". */
static bool say(char *why, size_t len, const char *fmt, ...)
{
	if (why != NULL && len > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return false;
}

static bool cluster_fits(const struct zd_board_map *m, const struct zd_board *b,
			 int c, const struct zd_platform_info *info, char *why,
			 size_t len)
{
	const struct zd_cluster_desc *cl = &b->clusters[c];
	struct zd_cpuset covered;
	zd_cpuset_zero(&covered);
	if (cl->nopps == 0)
		return say(why, len, "cluster %s has no levels", cl->name);
	uint32_t low = cl->opps[0].khz, top = cl->opps[cl->nopps - 1].khz;
	for (int d = 0; d < info->ndomains; d++) {
		if (m->cluster[d] != c)
			continue;
		const struct zd_freq_domain *dom = &info->domains[d];
		uint32_t dmin = zd_domain_min_khz(dom),
			 dmax = zd_domain_max_khz(dom);
		if (!same_khz(dmin, low) ||
		    (top > dmax && !same_khz(top, dmax)))
			return say(why, len,
				   "%s runs %u..%u kHz, cluster %s %u..%u kHz",
				   dom->name, dmin, dmax, cl->name, low, top);
		/* A turbo entry is acpi-cpufreq's: only a table whose top is
		 * that very entry (base + 1 MHz, within SAME_KHZ_TOLERANCE of
		 * base) is the board's; intel_pstate's bare range is not. */
		if (cl->turbo_level >= 0 && (dom->nfreqs == 0 || dmax != top))
			return say(why, len,
				   "%s %s, cluster %s ends in acpi-cpufreq's "
				   "turbo entry %u kHz",
				   dom->name,
				   dom->nfreqs == 0 ? "lists no frequency table"
						    : "lists no turbo entry",
				   cl->name, top);
		for (int cpu = zd_cpuset_first(&dom->cpus); cpu >= 0;
		     cpu = zd_cpuset_next(&dom->cpus, cpu))
			zd_cpuset_add(&covered, cpu);
	}
	if (!zd_cpuset_equal(&covered, &cl->cpus))
		return say(why, len,
			   "cluster %s has no cpufreq policy for "
			   "each of its CPUs",
			   cl->name);
	return true;
}

bool zd_board_map_fits(const struct zd_board_map *m, const struct zd_board *b,
		       const struct zd_platform_info *info, char *why,
		       size_t len)
{
	if (info->ndomains == 0)
		return say(why, len,
			   "no cpufreq: the cluster layout cannot be "
			   "seen");
	struct zd_cpuset all;
	zd_cpuset_zero(&all);
	for (int c = 0; c < b->nclusters; c++)
		for (int cpu = zd_cpuset_first(&b->clusters[c].cpus); cpu >= 0;
		     cpu = zd_cpuset_next(&b->clusters[c].cpus, cpu))
			zd_cpuset_add(&all, cpu);
	if (!zd_cpuset_equal(&all, &info->online)) {
		char want[256], have[256];
		zd_cpuset_format(&all, want, sizeof(want));
		zd_cpuset_format(&info->online, have, sizeof(have));
		return say(why, len, "CPUs %s online, %s has %s", have, b->name,
			   want);
	}
	for (int d = 0; d < info->ndomains; d++)
		if (m->cluster[d] < 0)
			return say(why, len, "%s spans clusters of %s",
				   info->domains[d].name, b->name);
	for (int c = 0; c < b->nclusters; c++)
		if (!cluster_fits(m, b, c, info, why, len))
			return false;
	return true;
}

/* Append "name" to a list of names for a message. */
static void append_name(char *buf, size_t len, const char *name)
{
	size_t used = strlen(buf);
	if (used < len)
		snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
			 name);
}

int zd_board_match(const struct zd_platform_info *info, const char *dir,
		   struct zd_board **out, char *why, size_t len,
		   struct zd_err *err)
{
	char **names = NULL;
	int count = 0, matches = 0;
	char matched[256] = "";
	*out = NULL;
	int rc = zd_board_list(dir, &names, &count, err);
	for (int i = 0; rc == 0 && i < count; i++) {
		struct zd_board *b = NULL;
		struct zd_board_map m;
		if ((rc = zd_board_load(names[i], dir, &b, err)) != 0)
			break;
		struct zd_err ignored = {0};
		if (zd_board_map_init(&m, b, info, &ignored) == 0 &&
		    zd_board_map_fits(&m, b, info, NULL, 0)) {
			matches++;
			append_name(matched, sizeof(matched), b->name);
			if (*out == NULL) {
				*out = b;
				b = NULL;
			}
		}
		zd_board_free(b);
	}
	zd_board_names_free(names, count);
	if (rc != 0 || matches > 1) {
		zd_board_free(*out);
		*out = NULL;
	}
	if (rc == 0 && matches == 0)
		snprintf(why, len, "%s",
			 info->ndomains == 0
			     ? "this machine has no cpufreq, so its "
			       "clusters cannot be seen"
			     : "no board description has this machine's "
			       "CPUs, clusters and levels");
	else if (rc == 0 && matches > 1)
		snprintf(why, len, "several board descriptions fit: %s",
			 matched);
	return rc;
}

void zd_board_map_decision(const struct zd_board_map *m,
			   const struct zd_platform_info *info,
			   const struct zd_decision *board_dec,
			   struct zd_decision *machine_dec)
{
	struct zd_decision out;
	memset(&out, 0, sizeof(out));
	out.cpus = board_dec->cpus;
	for (int d = 0; d < m->ndomains && d < info->ndomains; d++)
		if (m->cluster[d] >= 0)
			out.khz[d] = zd_domain_nearest_khz(
			    &info->domains[d], board_dec->khz[m->cluster[d]]);
	*machine_dec = out;
}

static int nearest_level(const struct zd_action_space *s, int c, uint32_t khz)
{
	int best = 0;
	for (int l = 1; l < s->nlevels[c]; l++) {
		long dl = labs((long)s->khz[c][l] - (long)khz);
		long db = labs((long)s->khz[c][best] - (long)khz);
		if (dl < db)
			best = l;
	}
	return best;
}

bool zd_board_map_action(const struct zd_board_map *m,
			 const struct zd_action_space *space,
			 const struct zd_platform_info *info,
			 const struct zd_decision *machine_dec,
			 struct zd_action *a)
{
	memset(a, 0, sizeof(*a));
	int used = 0;
	for (int c = 0; c < space->nclusters; c++) {
		struct zd_cpuset mine = machine_dec->cpus;
		zd_cpuset_and(&mine, &space->usable[c]);
		a->cores[c] = zd_cpuset_count(&mine);
		used += a->cores[c];
		for (int d = 0;
		     a->cores[c] > 0 && d < m->ndomains && d < info->ndomains;
		     d++) {
			struct zd_cpuset both = info->domains[d].cpus;
			zd_cpuset_and(&both, &mine);
			if (m->cluster[d] == c && zd_cpuset_count(&both) > 0) {
				a->level[c] = nearest_level(
				    space, c, machine_dec->khz[d]);
				break;
			}
		}
	}
	return used == zd_cpuset_count(&machine_dec->cpus) &&
	    zd_action_index(space, a) >= 0;
}
