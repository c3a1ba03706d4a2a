/* policy.h - everything that decides, behind one interface, like the
 * kernel's struct cpufreq_governor: the Linux governors (performance,
 * powersave, userspace, ondemand, conservative, schedutil) here, and the
 * learned ones (table oracle, model-free Q-learning, ZeroDVFS) registered by
 * the engine (include/zdvfs/learned.h). The same policy drives the
 * simulator and a real board.
 *
 * A policy is asked once at the start of a run (start) and, if it is
 * reactive (sample_period_us > 0), at every sampling tick with the
 * utilisation each CPU had since the last tick (tick). It answers with a
 * frequency per domain; start may also choose the CPUs.
 *
 * How to add a policy:
 *   1. write src/policy/NAME.c defining `const struct zd_policy_ops
 *      zd_policy_NAME` (start required; tick required if sample_period_us > 0);
 *   2. declare it below, add it to the table in src/policy/policy.c and the
 *      file to src/policy/CMakeLists.txt (a policy that needs the model or
 *      the agents lives in src/engine and calls zd_policy_register);
 *   3. cite the source of every constant (kernel file and name) next to it.
 */
#ifndef ZDVFS_POLICY_H
#define ZDVFS_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "zdvfs/cpuset.h"
#include "zdvfs/err.h"
#include "zdvfs/platform.h"

/* What a reactive policy sees at a tick. */
struct zd_tick {
	double now_s;
	/* busy fraction of each CPU since the previous tick, 0..1 */
	double util[ZD_MAX_CPUS];
	/* frequency each domain ran at since the previous tick */
	uint32_t cur_khz[ZD_MAX_DOMAINS];
};

struct zd_policy;

struct zd_policy_ops {
	const char *name;
	const char *summary;
	/* Sampling period of a reactive policy in microseconds; 0 = decides
	 * once at start. May depend on the platform: see period_us(). */
	uint32_t (*period_us)(const struct zd_policy *pol);
	int (*init)(struct zd_policy *pol, struct zd_err *err);
	void (*fini)(struct zd_policy *pol);
	int (*start)(struct zd_policy *pol, struct zd_decision *d,
		     struct zd_err *err);
	/* Set khz[d] for every domain; leave it to keep the frequency. */
	int (*tick)(struct zd_policy *pol, const struct zd_tick *t,
		    uint32_t *khz, struct zd_err *err);
};

/* What a learned policy decides for: the program (include/zdvfs/learned.h). */
struct zd_policy_program;

struct zd_policy {
	const struct zd_policy_ops *ops;
	const struct zd_policy_program *program; /* learned policies only */
	const struct zd_platform_info *info; /* the machine it decides for */
	/* userspace: the fixed frequency (kHz) per domain, 0 = the maximum;
	 * every policy: CPUs to use (empty = all online CPUs). */
	uint32_t fixed_khz[ZD_MAX_DOMAINS];
	struct zd_cpuset cpus;
	void *priv;
};

extern const struct zd_policy_ops zd_policy_performance;
extern const struct zd_policy_ops zd_policy_powersave;
extern const struct zd_policy_ops zd_policy_userspace;
extern const struct zd_policy_ops zd_policy_ondemand;
extern const struct zd_policy_ops zd_policy_conservative;
extern const struct zd_policy_ops zd_policy_schedutil;

/* Add a policy defined in a library above this one (the learned ones:
 * zd_learned_policies_register); -1 if the name is taken or the table
 * full. */
int zd_policy_register(const struct zd_policy_ops *ops);
/* Look a policy up by name; NULL if there is none. */
const struct zd_policy_ops *zd_policy_find(const char *name);
/* The names of all policies, NULL-terminated. */
const char *const *zd_policy_names(void);

/* Create a policy for the machine `info` describes (info must outlive it).
 * cpus may be NULL (all online CPUs). */
int zd_policy_new(const char *name, const struct zd_platform_info *info,
		  const struct zd_cpuset *cpus, struct zd_policy **out,
		  struct zd_err *err);
void zd_policy_free(struct zd_policy *pol);
uint32_t zd_policy_period_us(const struct zd_policy *pol);
int zd_policy_start(struct zd_policy *pol, struct zd_decision *d,
		    struct zd_err *err);
int zd_policy_tick(struct zd_policy *pol, const struct zd_tick *t,
		   uint32_t *khz, struct zd_err *err);

#endif
