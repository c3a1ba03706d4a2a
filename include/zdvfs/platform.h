/* platform.h - the hardware interface: one ops table per backend, like the
 * kernel's struct cpufreq_driver. Commands that drive a real machine talk
 * to a struct zd_platform and never to sysfs directly. The simulator
 * (include/zdvfs/sim.h) is not a backend: it runs a policy against its own
 * model of the board and offers the same struct zd_platform_info to it.
 *
 * How to add a backend:
 *   1. write src/hw/NAME.c defining `const struct zd_platform_ops
 *      zd_NAME_ops` (open/close required, the rest may be NULL where the
 *      hardware has no such thing: callers get -EOPNOTSUPP);
 *   2. declare it below, add it to the table in src/hw/platform.c and the
 *      file to src/hw/CMakeLists.txt;
 *   3. fill p->info in open(): what the machine offers, and p->notes: what it
 *      does not (shown by `zdvfs status`).
 * Nothing else changes.
 *
 * Every change a backend makes is recorded before it is made
 * (zd_platform_begin_change) and undone by zd_platform_restore, also after a
 * crash through `zdvfs restore` and the state file.
 */
#ifndef ZDVFS_PLATFORM_H
#define ZDVFS_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "zdvfs/cpuset.h"
#include "zdvfs/err.h"
#include "zdvfs/types.h"

/* One frequency domain: a cpufreq policy, i.e. a cluster. */
struct zd_freq_domain {
	int id;        /* N of policyN */
	char name[32]; /* "policy0" */
	struct zd_cpuset cpus;
	uint32_t
	    freqs_khz[64]; /* available, rising; 0 entries: only min..max */
	int nfreqs;
	uint32_t min_khz, max_khz; /* hardware limits (cpuinfo_*) */
	char driver[32];
	char governor[32];   /* governor at discovery */
	char governors[256]; /* available governors, space-separated */
	bool has_userspace;  /* userspace governor + scaling_setspeed */
};

struct zd_zone_trip {
	int temp_mc;
	char type[16];
};

struct zd_thermal_zone {
	int id;        /* N of thermal_zoneN */
	char type[64]; /* e.g. BCPU-therm, x86_pkg_temp */
	struct zd_zone_trip trips[ZD_MAX_TRIPS];
	int ntrips;
};

enum zd_reading_kind {
	ZD_READING_COUNTER_UJ, /* monotonic counter that wraps at max_uj */
	ZD_READING_POWER_MW,   /* instantaneous power, to be integrated */
};

struct zd_energy_source {
	char name[64]; /* "package-0", "VDD_SYS_CPU", ... */
	char kind[24]; /* "rapl", "ina3221-iio", "ina3221-hwmon", "sim" */
	enum zd_reading_kind reading;
	uint64_t max_uj; /* counter range, for wrap-around */
};

struct zd_energy_reading {
	enum zd_reading_kind kind;
	uint64_t counter_uj;
	double power_mw;
};

/* Per-CPU time counters (as /proc/stat gives them) for utilisation. */
struct zd_cpu_times {
	uint64_t busy;
	uint64_t total;
};

struct zd_platform_info {
	const char *backend; /* "linux", "sim" */
	bool is_host;        /* this machine's own hardware (not a fake root) */
	struct zd_cpuset online;
	struct zd_freq_domain domains[ZD_MAX_DOMAINS];
	int ndomains;
	struct zd_thermal_zone zones[ZD_MAX_ZONES];
	int nzones;
	struct zd_energy_source energy[ZD_MAX_ENERGY];
	int nenergy;
};

struct zd_platform;

struct zd_platform_ops {
	const char *name;
	/* arg: the sysfs root for linux (NULL = default), the board for sim. */
	int (*open)(struct zd_platform *p, const char *arg, struct zd_err *err);
	void (*close)(struct zd_platform *p);
	int (*get_freq)(struct zd_platform *p, int domain, uint32_t *khz,
			struct zd_err *err);
	int (*set_freq)(struct zd_platform *p, int domain, uint32_t khz,
			struct zd_err *err);
	int (*get_governor)(struct zd_platform *p, int domain, char *buf,
			    size_t len, struct zd_err *err);
	int (*set_governor)(struct zd_platform *p, int domain,
			    const char *governor, struct zd_err *err);
	int (*confine)(struct zd_platform *p, pid_t pid,
		       const struct zd_cpuset *cpus, struct zd_err *err);
	int (*read_energy)(struct zd_platform *p, int source,
			   struct zd_energy_reading *r, struct zd_err *err);
	int (*read_temp)(struct zd_platform *p, int zone, int *temp_mc,
			 struct zd_err *err);
	/* times[cpu] for every online CPU; others left zero. */
	int (*read_cpu_times)(struct zd_platform *p, struct zd_cpu_times *times,
			      int max_cpus, struct zd_err *err);
	/* Start recording: from now on every change can be undone. */
	int (*snapshot)(struct zd_platform *p, struct zd_err *err);
	/* Undo every change since snapshot; keeps going past failures. */
	int (*restore)(struct zd_platform *p, struct zd_err *err);
};

struct zd_platform {
	const struct zd_platform_ops *ops;
	struct zd_platform_info info;
	char notes[2048]; /* what this machine cannot do, one line each */
	bool changing;    /* between snapshot and restore */
	void *priv;       /* the backend's own state */
};

extern const struct zd_platform_ops zd_linux_ops;

/* Open a backend by name ("linux"). */
int zd_platform_open(const char *backend, const char *arg,
		     struct zd_platform **out, struct zd_err *err);
/* Restores anything still changed, then releases everything. */
void zd_platform_close(struct zd_platform *p);
void zd_platform_note(struct zd_platform *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

int zd_platform_begin_change(struct zd_platform *p, struct zd_err *err);
int zd_platform_restore(struct zd_platform *p, struct zd_err *err);
int zd_platform_get_freq(struct zd_platform *p, int domain, uint32_t *khz,
			 struct zd_err *err);
int zd_platform_set_freq(struct zd_platform *p, int domain, uint32_t khz,
			 struct zd_err *err);
int zd_platform_get_governor(struct zd_platform *p, int domain, char *buf,
			     size_t len, struct zd_err *err);
int zd_platform_set_governor(struct zd_platform *p, int domain,
			     const char *governor, struct zd_err *err);
int zd_platform_confine(struct zd_platform *p, pid_t pid,
			const struct zd_cpuset *cpus, struct zd_err *err);
int zd_platform_read_energy(struct zd_platform *p, int source,
			    struct zd_energy_reading *r, struct zd_err *err);
int zd_platform_read_temp(struct zd_platform *p, int zone, int *temp_mc,
			  struct zd_err *err);
int zd_platform_read_cpu_times(struct zd_platform *p,
			       struct zd_cpu_times *times, int max_cpus,
			       struct zd_err *err);

/* The domain (cluster) holding `cpu`, or -1. */
int zd_platform_domain_of_cpu(const struct zd_platform *p, int cpu);
/* A domain's frequencies, for every layer (governors, board matching,
 * commands): its lowest and highest, the lowest available at or above `khz`
 * (CPUFREQ_RELATION_L) or the highest at or below it (CPUFREQ_RELATION_H). */
uint32_t zd_domain_min_khz(const struct zd_freq_domain *d);
uint32_t zd_domain_max_khz(const struct zd_freq_domain *d);
uint32_t zd_domain_khz_at_least(const struct zd_freq_domain *d, uint32_t khz);
uint32_t zd_domain_khz_at_most(const struct zd_freq_domain *d, uint32_t khz);
/* The available frequency nearest to `khz` (the hardware limits when the
 * domain lists none). */
uint32_t zd_domain_nearest_khz(const struct zd_freq_domain *d, uint32_t khz);

/* Utilisation (0..1) of each CPU between two readings. */
void zd_cpu_util(const struct zd_cpu_times *before,
		 const struct zd_cpu_times *after, int ncpus, double *util);

#endif
