/* linux.c - the real-machine backend: cpufreq, thermal zones, RAPL and
 * INA3221 energy sensors, /proc/stat, all read relative to a sysfs root so
 * tests run on fake trees. Every write is journaled first (state.c). */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zdvfs/platform.h"
#include "zdvfs/state.h"
#include "zdvfs/sysfs.h"

#define CPU_DIR "sys/devices/system/cpu"
#define CPUFREQ_DIR CPU_DIR "/cpufreq"
#define THERMAL_DIR "sys/class/thermal"
#define POWERCAP_DIR "sys/class/powercap"
#define IIO_INA_DIR "sys/bus/i2c/drivers/ina3221x"
#define HWMON_DIR "sys/class/hwmon"

enum energy_access { ACCESS_RAPL, ACCESS_IIO, ACCESS_HWMON };

struct energy_files {
	enum energy_access access;
	char value_rel[1024]; /* energy_uj, in_powerN_input or inN_input */
	char curr_rel[1024];  /* hwmon: currN_input */
};

struct linux_priv {
	struct zd_sysfs fs;
	struct zd_state *state;
	int lock_fd[ZD_MAX_DOMAINS];
	struct energy_files energy[ZD_MAX_ENERGY];
};

static struct linux_priv *priv_of(struct zd_platform *p)
{
	return p->priv;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Names in `rel` that start with `prefix` followed by a number, sorted by
 * that number; returns how many (at most max). */
static int list_numbered(const struct zd_sysfs *fs, const char *rel,
			 const char *prefix, int *numbers, int max)
{
	char path[4096];
	if (zd_sysfs_path(fs, rel, path, sizeof(path)) != 0)
		return 0;
	DIR *d = opendir(path);
	if (d == NULL)
		return 0;
	int n = 0;
	size_t plen = strlen(prefix);
	struct dirent *de;
	while ((de = readdir(d)) != NULL && n < max) {
		if (strncmp(de->d_name, prefix, plen) != 0)
			continue;
		char *end = NULL;
		long v = strtol(de->d_name + plen, &end, 10);
		if (end == de->d_name + plen || *end != '\0' || v < 0)
			continue;
		numbers[n++] = (int)v;
	}
	closedir(d);
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && numbers[j - 1] > numbers[j]; j--) {
			int t = numbers[j];
			numbers[j] = numbers[j - 1];
			numbers[j - 1] = t;
		}
	return n;
}

static int read_khz_list(const struct zd_sysfs *fs, const char *rel,
			 uint32_t *out, int max)
{
	char buf[2048];
	struct zd_err ignored = {0};
	if (zd_sysfs_read_str(fs, rel, buf, sizeof(buf), &ignored) != 0)
		return 0;
	int n = 0;
	char *save = NULL;
	for (char *tok = strtok_r(buf, " \t", &save); tok && n < max;
	     tok = strtok_r(NULL, " \t", &save)) {
		char *end = NULL;
		unsigned long v = strtoul(tok, &end, 10);
		if (*end != '\0' || v == 0)
			return 0; /* garbage: treat as absent */
		out[n++] = (uint32_t)v;
	}
	/* Some drivers list frequencies falling; keep them rising. */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && out[j - 1] > out[j]; j--) {
			uint32_t t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

static int discover_domain(struct zd_platform *p, int policy,
			   struct zd_err *err)
{
	struct linux_priv *lp = priv_of(p);
	struct zd_freq_domain *d = &p->info.domains[p->info.ndomains];
	char rel[256], buf[256];
	memset(d, 0, sizeof(*d));
	d->id = policy;
	snprintf(d->name, sizeof(d->name), "policy%d", policy);

	snprintf(rel, sizeof(rel), CPUFREQ_DIR "/policy%d/related_cpus",
		 policy);
	int rc = zd_sysfs_read_str(&lp->fs, rel, buf, sizeof(buf), err);
	if (rc == 0)
		rc = zd_cpuset_parse(&d->cpus, buf, rel, err);
	if (rc != 0)
		return rc;
	uint64_t v;
	snprintf(rel, sizeof(rel), CPUFREQ_DIR "/policy%d/cpuinfo_min_freq",
		 policy);
	if ((rc = zd_sysfs_read_u64(&lp->fs, rel, &v, err)) != 0)
		return rc;
	d->min_khz = (uint32_t)v;
	snprintf(rel, sizeof(rel), CPUFREQ_DIR "/policy%d/cpuinfo_max_freq",
		 policy);
	if ((rc = zd_sysfs_read_u64(&lp->fs, rel, &v, err)) != 0)
		return rc;
	d->max_khz = (uint32_t)v;
	if (d->min_khz == 0 || d->max_khz < d->min_khz)
		return zd_fail(err, EINVAL,
			       "policy%d: cpuinfo_min_freq %u kHz and "
			       "cpuinfo_max_freq %u kHz make no range",
			       policy, d->min_khz, d->max_khz);

	snprintf(rel, sizeof(rel),
		 CPUFREQ_DIR "/policy%d/scaling_available_frequencies", policy);
	d->nfreqs = read_khz_list(&lp->fs, rel, d->freqs_khz, 64);

	struct zd_err ignored = {0};
	snprintf(rel, sizeof(rel), CPUFREQ_DIR "/policy%d/scaling_driver",
		 policy);
	zd_sysfs_read_str(&lp->fs, rel, d->driver, sizeof(d->driver), &ignored);
	snprintf(rel, sizeof(rel), CPUFREQ_DIR "/policy%d/scaling_governor",
		 policy);
	zd_sysfs_read_str(&lp->fs, rel, d->governor, sizeof(d->governor),
			  &ignored);
	snprintf(rel, sizeof(rel),
		 CPUFREQ_DIR "/policy%d/scaling_available_governors", policy);
	zd_sysfs_read_str(&lp->fs, rel, d->governors, sizeof(d->governors),
			  &ignored);
	snprintf(rel, sizeof(rel), CPUFREQ_DIR "/policy%d/scaling_setspeed",
		 policy);
	char padded[300];
	snprintf(padded, sizeof(padded), " %s ", d->governors);
	d->has_userspace = strstr(padded, " userspace ") != NULL &&
	    zd_sysfs_exists(&lp->fs, rel);
	p->info.ndomains++;
	return 0;
}

static int discover_cpufreq(struct zd_platform *p, struct zd_err *err)
{
	int policies[ZD_MAX_DOMAINS];
	int n = list_numbered(&priv_of(p)->fs, CPUFREQ_DIR, "policy", policies,
			      ZD_MAX_DOMAINS);
	if (n == 0) {
		zd_platform_note(p,
				 "no cpufreq: CPU frequencies can be neither "
				 "read nor set (a VM, or a kernel without CPU "
				 "frequency scaling)");
		return 0;
	}
	for (int i = 0; i < n; i++) {
		struct zd_err step = {0};
		if (discover_domain(p, policies[i], &step) != 0)
			zd_platform_note(p, "cpufreq policy%d ignored: %s",
					 policies[i], step.msg);
	}
	(void)err;
	return 0;
}

static void discover_zone(struct zd_platform *p, int id)
{
	struct linux_priv *lp = priv_of(p);
	struct zd_thermal_zone *z = &p->info.zones[p->info.nzones];
	struct zd_err ignored = {0};
	char rel[256];
	memset(z, 0, sizeof(*z));
	z->id = id;
	snprintf(rel, sizeof(rel), THERMAL_DIR "/thermal_zone%d/type", id);
	if (zd_sysfs_read_str(&lp->fs, rel, z->type, sizeof(z->type),
			      &ignored) != 0)
		snprintf(z->type, sizeof(z->type), "thermal_zone%d", id);
	for (int t = 0; t < ZD_MAX_TRIPS; t++) {
		int64_t temp;
		snprintf(rel, sizeof(rel),
			 THERMAL_DIR "/thermal_zone%d/trip_point_%d_temp", id,
			 t);
		if (zd_sysfs_read_s64(&lp->fs, rel, &temp, &ignored) != 0)
			break;
		struct zd_zone_trip *trip = &z->trips[z->ntrips++];
		trip->temp_mc = (int)temp;
		snprintf(rel, sizeof(rel),
			 THERMAL_DIR "/thermal_zone%d/trip_point_%d_type", id,
			 t);
		if (zd_sysfs_read_str(&lp->fs, rel, trip->type,
				      sizeof(trip->type), &ignored) != 0)
			snprintf(trip->type, sizeof(trip->type), "?");
	}
	p->info.nzones++;
}

static void discover_thermal(struct zd_platform *p)
{
	int ids[ZD_MAX_ZONES];
	int n = list_numbered(&priv_of(p)->fs, THERMAL_DIR, "thermal_zone", ids,
			      ZD_MAX_ZONES);
	for (int i = 0; i < n; i++)
		discover_zone(p, ids[i]);
	if (n == 0)
		zd_platform_note(p,
				 "no thermal zones: temperatures cannot be "
				 "read, the thermal guard has nothing to "
				 "watch");
}

static struct zd_energy_source *add_energy(struct zd_platform *p,
					   const char *name, const char *kind,
					   enum zd_reading_kind reading)
{
	if (p->info.nenergy >= ZD_MAX_ENERGY)
		return NULL;
	struct zd_energy_source *s = &p->info.energy[p->info.nenergy];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->kind, sizeof(s->kind), "%s", kind);
	s->reading = reading;
	return s;
}

static void discover_rapl(struct zd_platform *p)
{
	struct linux_priv *lp = priv_of(p);
	char path[4096];
	if (zd_sysfs_path(&lp->fs, POWERCAP_DIR, path, sizeof(path)) != 0)
		return;
	DIR *d = opendir(path);
	if (d == NULL)
		return;
	struct dirent *de;
	char names[ZD_MAX_ENERGY][256];
	int n = 0;
	while ((de = readdir(d)) != NULL && n < ZD_MAX_ENERGY)
		if (strncmp(de->d_name, "intel-rapl:", 11) == 0)
			snprintf(names[n++], sizeof(names[0]), "%s",
				 de->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), compare_names);
	for (int i = 0; i < n; i++) {
		struct zd_err step = {0};
		char rel[512], label[64];
		uint64_t max_uj;
		snprintf(rel, sizeof(rel), POWERCAP_DIR "/%s/name", names[i]);
		if (zd_sysfs_read_str(&lp->fs, rel, label, sizeof(label),
				      &step) != 0)
			continue;
		snprintf(rel, sizeof(rel),
			 POWERCAP_DIR "/%s/max_energy_range_uj", names[i]);
		if (zd_sysfs_read_u64(&lp->fs, rel, &max_uj, &step) != 0 ||
		    max_uj == 0) {
			zd_platform_note(p, "RAPL %s (%s) ignored: %s",
					 names[i], label, step.msg);
			continue;
		}
		int idx = p->info.nenergy;
		struct zd_energy_source *s =
		    add_energy(p, label, "rapl", ZD_READING_COUNTER_UJ);
		if (s == NULL)
			return;
		s->max_uj = max_uj;
		lp->energy[idx].access = ACCESS_RAPL;
		snprintf(lp->energy[idx].value_rel,
			 sizeof(lp->energy[idx].value_rel),
			 POWERCAP_DIR "/%s/energy_uj", names[i]);
		uint64_t probe;
		if (zd_sysfs_read_u64(&lp->fs, lp->energy[idx].value_rel,
				      &probe, &step) != 0)
			zd_platform_note(p,
					 "RAPL %s: energy_uj is not readable "
					 "(%s); recent kernels allow it to "
					 "root only",
					 label, step.msg);
		p->info.nenergy++;
	}
}

/* TX2-era kernels: iio devices of the ina3221x driver, one power channel per
 * rail, named by rail_name_N. */
static void discover_iio_rails(struct zd_platform *p)
{
	struct linux_priv *lp = priv_of(p);
	char path[4096];
	if (zd_sysfs_path(&lp->fs, IIO_INA_DIR, path, sizeof(path)) != 0)
		return;
	DIR *d = opendir(path);
	if (d == NULL)
		return;
	char devs[8][256];
	int ndev = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL && ndev < 8)
		if (de->d_name[0] != '.' && strchr(de->d_name, '-') != NULL)
			snprintf(devs[ndev++], sizeof(devs[0]), "%s",
				 de->d_name);
	closedir(d);
	qsort(devs, (size_t)ndev, sizeof(devs[0]), compare_names);
	for (int i = 0; i < ndev; i++) {
		char rel[1024];
		int iio[8];
		snprintf(rel, sizeof(rel), IIO_INA_DIR "/%s", devs[i]);
		int nio = list_numbered(&lp->fs, rel, "iio:device", iio, 8);
		for (int k = 0; k < nio; k++)
			for (int ch = 0; ch < 8; ch++) {
				struct zd_err ignored = {0};
				char base[768], name[64];
				snprintf(base, sizeof(base),
					 IIO_INA_DIR "/%s/iio:device%d",
					 devs[i], iio[k]);
				snprintf(rel, sizeof(rel), "%s/rail_name_%d",
					 base, ch);
				if (zd_sysfs_read_str(&lp->fs, rel, name,
						      sizeof(name),
						      &ignored) != 0)
					continue;
				int idx = p->info.nenergy;
				if (add_energy(p, name, "ina3221-iio",
					       ZD_READING_POWER_MW) == NULL)
					return;
				lp->energy[idx].access = ACCESS_IIO;
				snprintf(lp->energy[idx].value_rel,
					 sizeof(lp->energy[idx].value_rel),
					 "%s/in_power%d_input", base, ch);
				p->info.nenergy++;
			}
	}
}

/* Orin-era kernels: hwmon devices named ina3221, voltage (mV) and current
 * (mA) per labelled channel. */
static void discover_hwmon_rails(struct zd_platform *p)
{
	struct linux_priv *lp = priv_of(p);
	int ids[32];
	int n = list_numbered(&lp->fs, HWMON_DIR, "hwmon", ids, 32);
	for (int i = 0; i < n; i++) {
		struct zd_err ignored = {0};
		char rel[256], name[64];
		snprintf(rel, sizeof(rel), HWMON_DIR "/hwmon%d/name", ids[i]);
		if (zd_sysfs_read_str(&lp->fs, rel, name, sizeof(name),
				      &ignored) != 0 ||
		    strcmp(name, "ina3221") != 0)
			continue;
		for (int ch = 1; ch <= 8; ch++) {
			char label[64], curr[256];
			snprintf(rel, sizeof(rel),
				 HWMON_DIR "/hwmon%d/in%d_label", ids[i], ch);
			snprintf(curr, sizeof(curr),
				 HWMON_DIR "/hwmon%d/curr%d_input", ids[i], ch);
			if (zd_sysfs_read_str(&lp->fs, rel, label,
					      sizeof(label), &ignored) != 0 ||
			    !zd_sysfs_exists(&lp->fs, curr))
				continue;
			int idx = p->info.nenergy;
			if (add_energy(p, label, "ina3221-hwmon",
				       ZD_READING_POWER_MW) == NULL)
				return;
			lp->energy[idx].access = ACCESS_HWMON;
			snprintf(lp->energy[idx].value_rel,
				 sizeof(lp->energy[idx].value_rel),
				 HWMON_DIR "/hwmon%d/in%d_input", ids[i], ch);
			snprintf(lp->energy[idx].curr_rel,
				 sizeof(lp->energy[idx].curr_rel), "%s", curr);
			p->info.nenergy++;
		}
	}
}

static void discover_energy(struct zd_platform *p)
{
	discover_rapl(p);
	discover_iio_rails(p);
	discover_hwmon_rails(p);
	if (p->info.nenergy == 0)
		zd_platform_note(p,
				 "no energy sensor (RAPL powercap, INA3221 "
				 "iio or hwmon): energy cannot be measured");
}

static int discover_cpus(struct zd_platform *p, struct zd_err *err)
{
	struct linux_priv *lp = priv_of(p);
	char buf[1024];
	int rc = zd_sysfs_read_str(&lp->fs, CPU_DIR "/online", buf, sizeof(buf),
				   err);
	if (rc == 0)
		rc = zd_cpuset_parse(&p->info.online, buf, CPU_DIR "/online",
				     err);
	return rc;
}

static int linux_open(struct zd_platform *p, const char *root,
		      struct zd_err *err)
{
	struct linux_priv *lp = calloc(1, sizeof(*lp));
	if (lp == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	for (int i = 0; i < ZD_MAX_DOMAINS; i++)
		lp->lock_fd[i] = -1;
	p->priv = lp;
	int rc = zd_sysfs_init(&lp->fs, root, err);
	if (rc == 0)
		rc = discover_cpus(p, err);
	if (rc == 0)
		rc = discover_cpufreq(p, err);
	if (rc != 0) {
		free(lp);
		p->priv = NULL;
		return rc;
	}
	p->info.is_host = lp->fs.is_host;
	discover_thermal(p);
	discover_energy(p);
	return 0;
}

static void release_locks(struct linux_priv *lp)
{
	for (int i = 0; i < ZD_MAX_DOMAINS; i++)
		if (lp->lock_fd[i] >= 0) {
			close(lp->lock_fd[i]);
			lp->lock_fd[i] = -1;
		}
}

static void linux_close(struct zd_platform *p)
{
	struct linux_priv *lp = priv_of(p);
	release_locks(lp);
	zd_state_free(lp->state);
	free(lp);
}

static void policy_rel(const struct zd_freq_domain *d, const char *attr,
		       char *out, size_t len)
{
	snprintf(out, len, CPUFREQ_DIR "/policy%d/%s", d->id, attr);
}

static int linux_get_freq(struct zd_platform *p, int domain, uint32_t *khz,
			  struct zd_err *err)
{
	struct linux_priv *lp = priv_of(p);
	char rel[256];
	uint64_t v;
	policy_rel(&p->info.domains[domain], "scaling_cur_freq", rel,
		   sizeof(rel));
	int rc = zd_sysfs_read_u64(&lp->fs, rel, &v, err);
	if (rc == 0)
		*khz = (uint32_t)v;
	return rc;
}

static int linux_get_governor(struct zd_platform *p, int domain, char *buf,
			      size_t len, struct zd_err *err)
{
	char rel[256];
	policy_rel(&p->info.domains[domain], "scaling_governor", rel,
		   sizeof(rel));
	return zd_sysfs_read_str(&priv_of(p)->fs, rel, buf, len, err);
}

static int lock_domain(struct zd_platform *p, int domain, struct zd_err *err)
{
	struct linux_priv *lp = priv_of(p);
	if (lp->lock_fd[domain] >= 0)
		return 0;
	int fd = zd_state_lock_domain(&lp->fs, p->info.domains[domain].id, err);
	if (fd < 0)
		return fd;
	lp->lock_fd[domain] = fd;
	return 0;
}

/* Journal first, then write: the state file always covers the change. */
static int journaled_write(struct zd_platform *p, const char *rel,
			   const char *value, struct zd_err *err)
{
	struct linux_priv *lp = priv_of(p);
	int rc = zd_state_record(lp->state, &lp->fs, rel, err);
	if (rc != 0)
		return rc;
	return zd_sysfs_write_str(&lp->fs, rel, value, err);
}

static int linux_set_governor(struct zd_platform *p, int domain,
			      const char *governor, struct zd_err *err)
{
	const struct zd_freq_domain *d = &p->info.domains[domain];
	char padded[300], want[64], rel[256];
	snprintf(padded, sizeof(padded), " %s ", d->governors);
	snprintf(want, sizeof(want), " %s ", governor);
	if (strstr(padded, want) == NULL)
		return zd_bad_input(err,
				    "%s has no governor '%s' (available: %s)",
				    d->name, governor, d->governors);
	int rc = lock_domain(p, domain, err);
	if (rc != 0)
		return rc;
	policy_rel(d, "scaling_governor", rel, sizeof(rel));
	return journaled_write(p, rel, governor, err);
}

/* Without the userspace governor (intel_pstate, qcom-cpufreq-hw) a fixed
 * frequency is min = max. The order keeps min <= max at every step. */
static int clamp_min_max(struct zd_platform *p, int domain, uint32_t khz,
			 struct zd_err *err)
{
	struct linux_priv *lp = priv_of(p);
	const struct zd_freq_domain *d = &p->info.domains[domain];
	char min_rel[256], max_rel[256], value[32];
	uint64_t cur_min;
	policy_rel(d, "scaling_min_freq", min_rel, sizeof(min_rel));
	policy_rel(d, "scaling_max_freq", max_rel, sizeof(max_rel));
	int rc = zd_sysfs_read_u64(&lp->fs, min_rel, &cur_min, err);
	if (rc != 0)
		return rc;
	snprintf(value, sizeof(value), "%u", khz);
	const char *first = khz < cur_min ? min_rel : max_rel;
	const char *second = khz < cur_min ? max_rel : min_rel;
	/* Journal both before touching either. */
	if ((rc = zd_state_record(lp->state, &lp->fs, min_rel, err)) != 0 ||
	    (rc = zd_state_record(lp->state, &lp->fs, max_rel, err)) != 0)
		return rc;
	if ((rc = zd_sysfs_write_str(&lp->fs, first, value, err)) != 0)
		return rc;
	return zd_sysfs_write_str(&lp->fs, second, value, err);
}

static int linux_set_freq(struct zd_platform *p, int domain, uint32_t khz,
			  struct zd_err *err)
{
	struct linux_priv *lp = priv_of(p);
	const struct zd_freq_domain *d = &p->info.domains[domain];
	if (khz < d->min_khz || khz > d->max_khz)
		return zd_bad_input(err,
				    "%u kHz is outside %s's range %u..%u kHz",
				    khz, d->name, d->min_khz, d->max_khz);
	int rc = lock_domain(p, domain, err);
	if (rc != 0)
		return rc;
	if (!d->has_userspace)
		return clamp_min_max(p, domain, khz, err);
	char rel[256], gov[64], value[32];
	if ((rc = linux_get_governor(p, domain, gov, sizeof(gov), err)) != 0)
		return rc;
	if (strcmp(gov, "userspace") != 0) {
		policy_rel(d, "scaling_governor", rel, sizeof(rel));
		if ((rc = journaled_write(p, rel, "userspace", err)) != 0)
			return rc;
	}
	/* scaling_setspeed holds state only when the user already ran the
	 * userspace governor; otherwise it reads "<unsupported>" and restoring
	 * the governor is what undoes our setting. */
	policy_rel(d, "scaling_setspeed", rel, sizeof(rel));
	if (strcmp(gov, "userspace") == 0 &&
	    (rc = zd_state_record(lp->state, &lp->fs, rel, err)) != 0)
		return rc;
	snprintf(value, sizeof(value), "%u", khz);
	return zd_sysfs_write_str(&lp->fs, rel, value, err);
}

static int linux_confine(struct zd_platform *p, pid_t pid,
			 const struct zd_cpuset *cpus, struct zd_err *err)
{
	struct zd_cpuset outside = *cpus;
	for (int c = zd_cpuset_first(cpus); c >= 0; c = zd_cpuset_next(cpus, c))
		if (zd_cpuset_has(&p->info.online, c))
			outside.bits[c / 64] &= ~(UINT64_C(1) << (c % 64));
	if (zd_cpuset_count(cpus) == 0 || zd_cpuset_count(&outside) > 0) {
		char list[256], online[256];
		zd_cpuset_format(&outside, list, sizeof(list));
		zd_cpuset_format(&p->info.online, online, sizeof(online));
		return zd_bad_input(err, "CPUs %s are not online (online: %s)",
				    zd_cpuset_count(cpus) ? list : "(none)",
				    online);
	}
	cpu_set_t set;
	CPU_ZERO(&set);
	for (int c = zd_cpuset_first(cpus); c >= 0; c = zd_cpuset_next(cpus, c))
		CPU_SET(c, &set);
	if (sched_setaffinity(pid, sizeof(set), &set) != 0) {
		char list[256];
		zd_cpuset_format(cpus, list, sizeof(list));
		return zd_fail(err, errno,
			       "cannot confine pid %ld to CPUs %s: %s%s",
			       (long)pid, list, strerror(errno),
			       p->info.is_host ? ""
					       : " (the sysfs root is not this "
						 "machine: its CPUs may not "
						 "exist here)");
	}
	return 0;
}

static int linux_read_energy(struct zd_platform *p, int source,
			     struct zd_energy_reading *r, struct zd_err *err)
{
	struct linux_priv *lp = priv_of(p);
	const struct energy_files *f = &lp->energy[source];
	uint64_t v, ma;
	int rc = zd_sysfs_read_u64(&lp->fs, f->value_rel, &v, err);
	if (rc != 0)
		return rc;
	switch (f->access) {
	case ACCESS_RAPL:
		r->kind = ZD_READING_COUNTER_UJ;
		r->counter_uj = v;
		return 0;
	case ACCESS_IIO:
		r->kind = ZD_READING_POWER_MW;
		r->power_mw = (double)v;
		return 0;
	case ACCESS_HWMON:
		if ((rc = zd_sysfs_read_u64(&lp->fs, f->curr_rel, &ma, err)) !=
		    0)
			return rc;
		r->kind = ZD_READING_POWER_MW;
		r->power_mw = (double)v * (double)ma / 1000.0;
		return 0;
	}
	return zd_fail(err, EINVAL, "internal: unknown energy access");
}

static int linux_read_temp(struct zd_platform *p, int zone, int *temp_mc,
			   struct zd_err *err)
{
	char rel[256];
	int64_t v;
	snprintf(rel, sizeof(rel), THERMAL_DIR "/thermal_zone%d/temp",
		 p->info.zones[zone].id);
	int rc = zd_sysfs_read_s64(&priv_of(p)->fs, rel, &v, err);
	if (rc == 0)
		*temp_mc = (int)v;
	return rc;
}

static int parse_stat_line(char *line, struct zd_cpu_times *times, int max_cpus)
{
	char *end = NULL;
	long cpu = strtol(line + 3, &end, 10);
	if (end == line + 3 || cpu < 0 || cpu >= max_cpus)
		return 0;
	unsigned long long f[8] = {0};
	int n = sscanf(end, "%llu %llu %llu %llu %llu %llu %llu %llu", &f[0],
		       &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7]);
	if (n < 4)
		return -1;
	/* user nice system idle iowait irq softirq steal */
	times[cpu].busy = f[0] + f[1] + f[2] + f[5] + f[6] + f[7];
	times[cpu].total = times[cpu].busy + f[3] + f[4];
	return 0;
}

static int linux_read_cpu_times(struct zd_platform *p,
				struct zd_cpu_times *times, int max_cpus,
				struct zd_err *err)
{
	char path[4096];
	zd_sysfs_path(&priv_of(p)->fs, "proc/stat", path, sizeof(path));
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return zd_fail(err, errno, "cannot read %s: %s", path,
			       strerror(errno));
	char line[512];
	int rc = 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "cpu", 3) == 0 && line[3] >= '0' &&
		    line[3] <= '9' &&
		    parse_stat_line(line, times, max_cpus) != 0)
			rc = zd_fail(err, EINVAL, "%s: malformed line '%.40s'",
				     path, line);
	fclose(f);
	return rc;
}

static int linux_snapshot(struct zd_platform *p, struct zd_err *err)
{
	struct linux_priv *lp = priv_of(p);
	if (lp->state != NULL)
		return 0;
	return zd_state_new(&lp->fs, &lp->state, err);
}

static int linux_restore(struct zd_platform *p, struct zd_err *err)
{
	struct linux_priv *lp = priv_of(p);
	int rc = 0;
	if (lp->state != NULL) {
		rc = zd_state_apply(lp->state, &lp->fs, err);
		if (rc != 0) {
			char msg[1024];
			snprintf(msg, sizeof(msg), "%s", err->msg);
			snprintf(err->msg, sizeof(err->msg),
				 "%.600s; the original values stay in %.300s "
				 "for `zdvfs restore`",
				 msg, zd_state_path(lp->state));
			return rc;
		}
		zd_state_free(lp->state);
		lp->state = NULL;
	}
	release_locks(lp);
	return rc;
}

const struct zd_platform_ops zd_linux_ops = {
    .name = "linux",
    .open = linux_open,
    .close = linux_close,
    .get_freq = linux_get_freq,
    .set_freq = linux_set_freq,
    .get_governor = linux_get_governor,
    .set_governor = linux_set_governor,
    .confine = linux_confine,
    .read_energy = linux_read_energy,
    .read_temp = linux_read_temp,
    .read_cpu_times = linux_read_cpu_times,
    .snapshot = linux_snapshot,
    .restore = linux_restore,
};
