/* meter.h - what a run cost: energy integrated from counters (with
 * wrap-around) or power rails (trapezoids between samples), peak
 * temperatures, and CPU utilisation, from periodic platform readings. */
#ifndef ZDVFS_METER_H
#define ZDVFS_METER_H

#include <stdbool.h>
#include <stdint.h>

#include "zdvfs/platform.h"

struct zd_meter_source {
	bool valid;       /* every reading so far succeeded */
	double energy_uj; /* since start */
	uint64_t last_counter;
	double last_mw;
};

struct zd_meter_zone {
	bool valid;
	int start_mc;
	int peak_mc;
	int last_mc;
};

struct zd_meter {
	struct zd_meter_source energy[ZD_MAX_ENERGY];
	struct zd_meter_zone zones[ZD_MAX_ZONES];
	struct zd_cpu_times cpu_start[ZD_MAX_CPUS];
	double util[ZD_MAX_CPUS]; /* after zd_meter_stop */
	bool util_valid;
	double start_s, last_s;
	int samples;
};

/* Energy used between two readings of a counter that wraps after max_uj
 * (RAPL's max_energy_range_uj). */
uint64_t zd_counter_delta(uint64_t prev, uint64_t cur, uint64_t max_uj);

void zd_meter_start(struct zd_meter *m, struct zd_platform *p, double now_s);
void zd_meter_sample(struct zd_meter *m, struct zd_platform *p, double now_s);
void zd_meter_stop(struct zd_meter *m, struct zd_platform *p, double now_s);

#endif
