/* board.h - board descriptions: the data files in platforms/ that say what a
 * board has (clusters, operating points, caches, thermal zones, energy
 * sensors) and the physical constants the simulator uses, each with its
 * source. The format is docs/platform-format.md. */
#ifndef ZDVFS_BOARD_H
#define ZDVFS_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "zdvfs/cpuset.h"
#include "zdvfs/err.h"

struct zd_constant {
	bool present;
	double value;
	char *source;
};

struct zd_cache_geom {
	int size_kb;
	int assoc;
	int line_bytes;
};

struct zd_opp {
	uint32_t khz;
	uint32_t uv;
};

struct zd_cluster_desc {
	char *name;
	char *core_type;
	struct zd_cpuset cpus;
	int ncpus;
	/* The levels cpufreq offers, rising. On an acpi-cpufreq board the
	 * last may be the turbo entry (turbo_level): the _PSS item that stands
	 * for the whole turbo range, 1 MHz above the highest non-turbo level;
	 * asking for it lets the package run the turbo bin for its number of
	 * busy cores. Its uv is the voltage of the all-core bin (what the
	 * entry runs at with every core busy); the file gives none. */
	struct zd_opp *opps;
	int nopps;
	char *opps_source;
	int turbo_level; /* index of the turbo entry in opps, or -1 */
	/* The hardware P-states of the turbo range, above the highest
	 * non-turbo level, rising, with their voltages: what the package runs
	 * (and steps down through under power limits) when the turbo entry is
	 * asked for; none without a turbo entry. */
	struct zd_opp *turbo_opps;
	int nturbo_opps;
	/* Turbo bins: the highest frequency with n cores of the cluster busy
	 * is turbo_khz[n - 1] (Intel's per-active-core ratio limits), each one
	 * of turbo_opps (or of opps on a board without a turbo entry); none
	 * on boards without them. */
	uint32_t *turbo_khz;
	int nturbo;
	char *turbo_source;
	struct zd_cache_geom l1i, l1d, l2;
	bool l2_shared;
	/* simulator constants (docs/platform-format.md) */
	struct zd_constant ceff_nf, leak_mw, leak_doubling_c, speed_rel;
};

enum zd_trip_type {
	ZD_TRIP_PASSIVE,
	ZD_TRIP_ACTIVE,
	ZD_TRIP_HOT,
	ZD_TRIP_CRITICAL,
};

struct zd_trip {
	enum zd_trip_type type;
	int temp_mc;
	int hyst_mc; /* the device tree's hysteresis; 0 if not given */
};

struct zd_zone_desc {
	char *name;
	int *clusters; /* indices into zd_board.clusters */
	int nclusters;
	struct zd_trip *trips;
	int ntrips;
	char *source;
	/* heatsink node to ambient (fan off or at its fixed speed), the die
	 * node to the heatsink, the heatsink with the fan at full duty, and
	 * the thermal governor's polling period while passive */
	struct zd_constant r_k_per_w, c_j_per_k, r_die_k_per_w, c_die_j_per_k,
	    r_fan_k_per_w, polling_ms;
};

enum zd_energy_kind {
	ZD_ENERGY_NONE,
	ZD_ENERGY_INA3221_IIO,
	ZD_ENERGY_INA3221_HWMON,
	ZD_ENERGY_RAPL,
};

struct zd_rail_desc {
	char *name;
	int *clusters;
	int nclusters;
};

struct zd_energy_desc {
	enum zd_energy_kind kind;
	struct zd_rail_desc *rails;
	int nrails;
	struct zd_constant sample_period_us;
	char *source;
};

struct zd_board {
	char *path; /* the file it was loaded from */
	char *name;
	char *model;
	char *description;
	char *default_governor;
	struct zd_cpuset reserved_cpus;
	struct zd_cluster_desc *clusters;
	int nclusters;
	bool has_l3;
	struct zd_cache_geom l3;
	char *caches_source;
	struct zd_zone_desc *zones;
	int nzones;
	struct zd_energy_desc energy;
	struct zd_constant tdp_mw;
	struct zd_constant ambient_mc, idle_power_mw, mem_bandwidth_mbps,
	    mem_latency_ns;
	/* memory-path latency in cycles of the requesting core's clock (ring
	 * and LLC clocked with the cores); conductance between the die nodes
	 * of the board's simulated zones (one die); package power limits */
	struct zd_constant uncore_latency_cycles, coupling_w_per_k, pl1_mw,
	    pl2_mw, pl_tau_s;
};

/* Directory of board descriptions: `dir` if given, else
 * zd_data_dir(ZD_DATA_PLATFORMS) (include/zdvfs/paths.h). */
const char *zd_board_dir(const char *dir);

int zd_board_load_file(const char *path, struct zd_board **out,
		       struct zd_err *err);
/* Load platforms/NAME.json from zd_board_dir(dir). */
int zd_board_load(const char *name, const char *dir, struct zd_board **out,
		  struct zd_err *err);
/* Sorted names of the boards in zd_board_dir(dir); free with
 * zd_board_names_free. */
int zd_board_list(const char *dir, char ***names, int *count,
		  struct zd_err *err);
void zd_board_names_free(char **names, int count);
void zd_board_free(struct zd_board *board);

const char *zd_trip_type_name(enum zd_trip_type type);
const char *zd_energy_kind_name(enum zd_energy_kind kind);
/* The frequency (kHz) and voltage (uV) cluster c runs at `level` of its
 * opps with `busy` of its cores busy, before power limits and throttling:
 * the level itself, except that the turbo entry runs the turbo bin for the
 * busy cores (the all-core bin when busy is 0 or above the cluster's
 * cores). For a model or prior that must not take the turbo entry's
 * nominal 1 MHz above base for its speed. */
struct zd_opp zd_cluster_run_opp(const struct zd_cluster_desc *c, int level,
				 int busy);
/* The first passive trip: where the kernel starts throttling; -1 if none. */
int zd_zone_throttle_mc(const struct zd_zone_desc *zone);
/* The zone's throttle point in degrees C as the model and the guard read
 * it: its passive trip, else ambient + 60; never within 5 of ambient. */
double zd_zone_throttle_c(const struct zd_board *b, int zone);
/* Whether the model heats this zone: it holds CPUs and has R and C. */
bool zd_zone_modelled(const struct zd_zone_desc *zone);
/* The one thermal limit (degrees C) every policy is held to by default and
 * every violation is counted against: the lowest throttle point of the
 * modelled zones minus 5, else 85. */
double zd_board_limit_c(const struct zd_board *b);

#endif
