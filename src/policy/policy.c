/* policy.c - the table of policies and the calls every caller makes on one
 * (new, start, tick, free), plus the frequency-level helpers governors share.
 * Like the kernel's cpufreq core: it owns the object and calls the ops. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdvfs/policy.h"

/* Adding a policy: one entry here and one in `names` below, same order. */
static const struct zd_policy_ops *const table[] = {
    &zd_policy_performance, &zd_policy_powersave,    &zd_policy_userspace,
    &zd_policy_ondemand,    &zd_policy_conservative, &zd_policy_schedutil,
};

#define NPOLICIES (sizeof(table) / sizeof(table[0]))
#define MAX_REGISTERED 8

/* String literals, because an ops struct's name is not a constant
 * expression; the unit test checks both lists agree. Registered policies
 * append theirs. */
static const char *names[NPOLICIES + MAX_REGISTERED + 1] = {
    "performance",  "powersave", "userspace", "ondemand",
    "conservative", "schedutil", NULL,
};

/* Policies from libraries above this one (the learned ones need the
 * model and the agents) add themselves at run time. */
static const struct zd_policy_ops *registered[MAX_REGISTERED];
static size_t nregistered;

int zd_policy_register(const struct zd_policy_ops *ops)
{
	for (size_t i = 0; i < nregistered; i++)
		if (registered[i] == ops)
			return 0;
	if (nregistered == MAX_REGISTERED || zd_policy_find(ops->name))
		return -1;
	registered[nregistered] = ops;
	names[NPOLICIES + nregistered] = ops->name;
	nregistered++;
	names[NPOLICIES + nregistered] = NULL;
	return 0;
}

const struct zd_policy_ops *zd_policy_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < NPOLICIES; i++)
		if (strcmp(table[i]->name, name) == 0)
			return table[i];
	for (size_t i = 0; i < nregistered; i++)
		if (strcmp(registered[i]->name, name) == 0)
			return registered[i];
	return NULL;
}

const char *const *zd_policy_names(void)
{
	return names;
}

/* "performance, powersave, ..." for messages. */
static void names_list(char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; names[i] && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
				 names[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* Every domain needs levels or a usable min..max range: governors divide
 * by and step within it. */
static int check_domains(const struct zd_platform_info *info,
			 struct zd_err *err)
{
	if (info->ndomains < 0 || info->ndomains > ZD_MAX_DOMAINS)
		return zd_fail(err, EINVAL,
			       "platform reports %d frequency "
			       "domains (at most %d)",
			       info->ndomains, ZD_MAX_DOMAINS);
	for (int i = 0; i < info->ndomains; i++) {
		const struct zd_freq_domain *d = &info->domains[i];
		if (d->nfreqs < 0 || d->nfreqs > 64)
			return zd_fail(err, EINVAL,
				       "domain %s lists %d "
				       "frequencies (at most 64)",
				       d->name, d->nfreqs);
		if (zd_domain_min_khz(d) == 0 ||
		    zd_domain_max_khz(d) < zd_domain_min_khz(d))
			return zd_fail(err, EINVAL,
				       "domain %s has no usable "
				       "frequency range (%u..%u kHz)",
				       d->name, zd_domain_min_khz(d),
				       zd_domain_max_khz(d));
	}
	return 0;
}

/* A CPU list naming offline CPUs is a user mistake worth saying so. */
static int check_cpus(const struct zd_platform_info *info,
		      const struct zd_cpuset *cpus, struct zd_err *err)
{
	struct zd_cpuset off = *cpus;
	for (int c = zd_cpuset_first(cpus); c >= 0; c = zd_cpuset_next(cpus, c))
		if (zd_cpuset_has(&info->online, c))
			off.bits[c / 64] &= ~(UINT64_C(1) << (c % 64));
	if (zd_cpuset_count(&off) == 0)
		return 0;
	char bad[256], online[256];
	zd_cpuset_format(&off, bad, sizeof(bad));
	zd_cpuset_format(&info->online, online, sizeof(online));
	return zd_bad_input(err,
			    "CPUs %s are not online on this machine "
			    "(online: %s)",
			    bad, online);
}

int zd_policy_new(const char *name, const struct zd_platform_info *info,
		  const struct zd_cpuset *cpus, struct zd_policy **out,
		  struct zd_err *err)
{
	*out = NULL;
	const struct zd_policy_ops *ops = zd_policy_find(name);
	if (ops == NULL) {
		char avail[256];
		names_list(avail, sizeof(avail));
		return zd_bad_input(err, "unknown policy '%s' (available: %s)",
				    name ? name : "", avail);
	}
	if (info == NULL)
		return zd_fail(err, EINVAL,
			       "policy %s: no platform to decide "
			       "for",
			       name);
	int rc = check_domains(info, err);
	if (rc == 0 && cpus != NULL)
		rc = check_cpus(info, cpus, err);
	if (rc != 0)
		return rc;

	struct zd_policy *pol = calloc(1, sizeof(*pol));
	if (pol == NULL)
		return zd_fail(err, ENOMEM, "policy %s: out of memory", name);
	pol->ops = ops;
	pol->info = info;
	if (cpus != NULL)
		pol->cpus = *cpus;
	if (ops->init != NULL && (rc = ops->init(pol, err)) != 0) {
		free(pol);
		return rc;
	}
	*out = pol;
	return 0;
}

void zd_policy_free(struct zd_policy *pol)
{
	if (pol == NULL)
		return;
	if (pol->ops->fini != NULL)
		pol->ops->fini(pol);
	free(pol);
}

uint32_t zd_policy_period_us(const struct zd_policy *pol)
{
	return pol->ops->period_us != NULL ? pol->ops->period_us(pol) : 0;
}

int zd_policy_start(struct zd_policy *pol, struct zd_decision *d,
		    struct zd_err *err)
{
	const struct zd_platform_info *info = pol->info;
	memset(d, 0, sizeof(*d));
	d->cpus = zd_cpuset_count(&pol->cpus) ? pol->cpus : info->online;
	/* A governor that forgets a domain leaves it idle, not at 0 kHz. */
	for (int i = 0; i < info->ndomains; i++)
		d->khz[i] = zd_domain_min_khz(&info->domains[i]);
	return pol->ops->start(pol, d, err);
}

int zd_policy_tick(struct zd_policy *pol, const struct zd_tick *t,
		   uint32_t *khz, struct zd_err *err)
{
	if (pol->ops->tick == NULL)
		return 0; /* decides once at start */
	if (t == NULL || khz == NULL)
		return zd_fail(err, EINVAL,
			       "policy %s: tick without samples "
			       "or without frequencies to set",
			       pol->ops->name);
	return pol->ops->tick(pol, t, khz, err);
}
