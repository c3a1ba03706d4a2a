/* platform.c - the backend table and the checked entry points every caller
 * uses, so a missing capability is one clear error and not a NULL call. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdvfs/platform.h"

static const struct zd_platform_ops *const backends[] = {
    &zd_linux_ops,
};

int zd_platform_open(const char *backend, const char *arg,
		     struct zd_platform **out, struct zd_err *err)
{
	*out = NULL;
	const struct zd_platform_ops *ops = NULL;
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(backends[i]->name, backend) == 0)
			ops = backends[i];
	if (ops == NULL)
		return zd_bad_input(err, "no platform backend named '%s'",
				    backend);
	struct zd_platform *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	p->ops = ops;
	p->info.backend = ops->name;
	int rc = ops->open(p, arg, err);
	if (rc != 0) {
		free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void zd_platform_close(struct zd_platform *p)
{
	if (p == NULL)
		return;
	if (p->changing) {
		struct zd_err err = {0};
		if (zd_platform_restore(p, &err) != 0)
			fprintf(stderr, "zdvfs: restore failed: %s\n", err.msg);
	}
	p->ops->close(p);
	free(p);
}

void zd_platform_note(struct zd_platform *p, const char *fmt, ...)
{
	size_t used = strlen(p->notes);
	if (used + 2 >= sizeof(p->notes))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->notes + used, sizeof(p->notes) - used - 1, fmt, ap);
	va_end(ap);
	used = strlen(p->notes);
	p->notes[used] = '\n';
	p->notes[used + 1] = '\0';
}

static int unsupported(struct zd_platform *p, const char *what,
		       struct zd_err *err)
{
	return zd_fail(err, EOPNOTSUPP, "the %s platform cannot %s",
		       p->ops->name, what);
}

static int check_domain(struct zd_platform *p, int domain, struct zd_err *err)
{
	if (domain < 0 || domain >= p->info.ndomains)
		return zd_bad_input(err,
				    "no frequency domain %d (this machine "
				    "has %d)",
				    domain, p->info.ndomains);
	return 0;
}

int zd_platform_begin_change(struct zd_platform *p, struct zd_err *err)
{
	if (p->changing)
		return 0;
	if (p->ops->snapshot == NULL)
		return unsupported(p, "record its state", err);
	int rc = p->ops->snapshot(p, err);
	if (rc == 0)
		p->changing = true;
	return rc;
}

int zd_platform_restore(struct zd_platform *p, struct zd_err *err)
{
	if (!p->changing)
		return 0;
	int rc = p->ops->restore(p, err);
	if (rc == 0)
		p->changing = false;
	return rc;
}

int zd_platform_get_freq(struct zd_platform *p, int domain, uint32_t *khz,
			 struct zd_err *err)
{
	int rc = check_domain(p, domain, err);
	if (rc != 0)
		return rc;
	if (p->ops->get_freq == NULL)
		return unsupported(p, "read frequencies", err);
	return p->ops->get_freq(p, domain, khz, err);
}

int zd_platform_set_freq(struct zd_platform *p, int domain, uint32_t khz,
			 struct zd_err *err)
{
	int rc = check_domain(p, domain, err);
	if (rc != 0)
		return rc;
	if (p->ops->set_freq == NULL)
		return unsupported(p, "set frequencies", err);
	if (!p->changing)
		return zd_fail(err, EPERM,
			       "internal: frequency change before "
			       "zd_platform_begin_change");
	return p->ops->set_freq(p, domain, khz, err);
}

int zd_platform_get_governor(struct zd_platform *p, int domain, char *buf,
			     size_t len, struct zd_err *err)
{
	int rc = check_domain(p, domain, err);
	if (rc != 0)
		return rc;
	if (p->ops->get_governor == NULL)
		return unsupported(p, "read governors", err);
	return p->ops->get_governor(p, domain, buf, len, err);
}

int zd_platform_set_governor(struct zd_platform *p, int domain,
			     const char *governor, struct zd_err *err)
{
	int rc = check_domain(p, domain, err);
	if (rc != 0)
		return rc;
	if (p->ops->set_governor == NULL)
		return unsupported(p, "set governors", err);
	if (!p->changing)
		return zd_fail(err, EPERM,
			       "internal: governor change before "
			       "zd_platform_begin_change");
	return p->ops->set_governor(p, domain, governor, err);
}

int zd_platform_confine(struct zd_platform *p, pid_t pid,
			const struct zd_cpuset *cpus, struct zd_err *err)
{
	if (p->ops->confine == NULL)
		return unsupported(p, "confine processes to CPUs", err);
	return p->ops->confine(p, pid, cpus, err);
}

int zd_platform_read_energy(struct zd_platform *p, int source,
			    struct zd_energy_reading *r, struct zd_err *err)
{
	if (source < 0 || source >= p->info.nenergy)
		return zd_bad_input(err, "no energy source %d", source);
	if (p->ops->read_energy == NULL)
		return unsupported(p, "read energy", err);
	return p->ops->read_energy(p, source, r, err);
}

int zd_platform_read_temp(struct zd_platform *p, int zone, int *temp_mc,
			  struct zd_err *err)
{
	if (zone < 0 || zone >= p->info.nzones)
		return zd_bad_input(err, "no thermal zone %d", zone);
	if (p->ops->read_temp == NULL)
		return unsupported(p, "read temperatures", err);
	return p->ops->read_temp(p, zone, temp_mc, err);
}

int zd_platform_read_cpu_times(struct zd_platform *p,
			       struct zd_cpu_times *times, int max_cpus,
			       struct zd_err *err)
{
	if (p->ops->read_cpu_times == NULL)
		return unsupported(p, "read utilisation", err);
	memset(times, 0, sizeof(*times) * (size_t)max_cpus);
	return p->ops->read_cpu_times(p, times, max_cpus, err);
}

int zd_platform_domain_of_cpu(const struct zd_platform *p, int cpu)
{
	for (int i = 0; i < p->info.ndomains; i++)
		if (zd_cpuset_has(&p->info.domains[i].cpus, cpu))
			return i;
	return -1;
}

uint32_t zd_domain_nearest_khz(const struct zd_freq_domain *d, uint32_t khz)
{
	if (d->nfreqs == 0) {
		if (khz < d->min_khz)
			return d->min_khz;
		return khz > d->max_khz ? d->max_khz : khz;
	}
	uint32_t best = d->freqs_khz[0];
	for (int i = 1; i < d->nfreqs; i++) {
		uint32_t f = d->freqs_khz[i];
		uint32_t df = f > khz ? f - khz : khz - f;
		uint32_t db = best > khz ? best - khz : khz - best;
		if (df < db)
			best = f;
	}
	return best;
}

void zd_cpu_util(const struct zd_cpu_times *before,
		 const struct zd_cpu_times *after, int ncpus, double *util)
{
	for (int i = 0; i < ncpus; i++) {
		uint64_t total = after[i].total - before[i].total;
		uint64_t busy = after[i].busy - before[i].busy;
		util[i] = (total == 0 || after[i].total < before[i].total)
		    ? 0.0
		    : (double)busy / (double)total;
		if (util[i] > 1.0)
			util[i] = 1.0;
	}
}

/* Levels are scanned in full rather than trusting their order: the helpers
 * stay right even for a list a backend forgot to sort. */
uint32_t zd_domain_min_khz(const struct zd_freq_domain *d)
{
	if (d->nfreqs <= 0)
		return d->min_khz;
	uint32_t lo = d->freqs_khz[0];
	for (int i = 1; i < d->nfreqs; i++)
		if (d->freqs_khz[i] < lo)
			lo = d->freqs_khz[i];
	return lo;
}

uint32_t zd_domain_max_khz(const struct zd_freq_domain *d)
{
	if (d->nfreqs <= 0)
		return d->max_khz;
	uint32_t hi = d->freqs_khz[0];
	for (int i = 1; i < d->nfreqs; i++)
		if (d->freqs_khz[i] > hi)
			hi = d->freqs_khz[i];
	return hi;
}

/* The target is first clamped to the domain's limits, as
 * __cpufreq_driver_target() clamps to policy->min..max
 * (drivers/cpufreq/cpufreq.c). */
static uint32_t clamp_khz(const struct zd_freq_domain *d, uint32_t khz)
{
	uint32_t lo = zd_domain_min_khz(d), hi = zd_domain_max_khz(d);
	return khz < lo ? lo : khz > hi ? hi : khz;
}

/* CPUFREQ_RELATION_L (include/linux/cpufreq.h): lowest level >= target. */
uint32_t zd_domain_khz_at_least(const struct zd_freq_domain *d, uint32_t khz)
{
	khz = clamp_khz(d, khz);
	if (d->nfreqs <= 0)
		return khz;
	uint32_t best = zd_domain_max_khz(d);
	for (int i = 0; i < d->nfreqs; i++)
		if (d->freqs_khz[i] >= khz && d->freqs_khz[i] < best)
			best = d->freqs_khz[i];
	return best;
}

/* CPUFREQ_RELATION_H (include/linux/cpufreq.h): highest level <= target. */
uint32_t zd_domain_khz_at_most(const struct zd_freq_domain *d, uint32_t khz)
{
	khz = clamp_khz(d, khz);
	if (d->nfreqs <= 0)
		return khz;
	uint32_t best = zd_domain_min_khz(d);
	for (int i = 0; i < d->nfreqs; i++)
		if (d->freqs_khz[i] <= khz && d->freqs_khz[i] > best)
			best = d->freqs_khz[i];
	return best;
}
