/* sim.c - the simulated board: execution, power, heat, throttling and
 * sensors, stepped in time under a policy. docs/simulator.md explains the
 * model; every constant here that is not in the board file is named and its
 * origin given next to it. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdvfs/sim.h"
#include "zdvfs/types.h"

/* Instructions per cycle of a Cortex-A57 on these kernels when not waiting
 * for DRAM; other cores scale by their board-file speed_rel. Estimate:
 * A57 sustains ~1 IPC on compiled loop code (Arm's A57 software optimisation
 * guide gives a 3-wide decode; measured SPEC-like IPCs are ~1). */
#define IPC_REFERENCE 1.0
/* Dynamic power of a core stalled on memory, relative to computing
 * (clock still running, pipelines mostly idle). Estimate. */
#define STALL_ACTIVITY 0.35
/* Leakage of a cluster none of whose cores is used: in retention, at its
 * lowest voltage. Estimate. */
#define IDLE_CLUSTER_LEAK 0.25
/* Fraction of the shorter of compute and memory time that does not overlap
 * with the longer (roofline with imperfect overlap). Estimate. */
#define OVERLAP_PENALTY 0.25
/* Cycles per barrier per log2 level of a tree barrier, and per task
 * creation and dispatch, in the OpenMP runtime. Estimates of the order the
 * EPCC OpenMP microbenchmarks report (barrier ~1 us, task ~1-5 us at 2 GHz). */
#define BARRIER_CYCLES 1500.0
#define TASK_CYCLES 3000.0
/* Outstanding cache-line misses one core sustains, hardware prefetch
 * included (memory-level parallelism); per-core bandwidth = MLP x line /
 * latency, ~5 GB/s for an A57 at 125 ns, the order STREAM reports for one
 * core of such SoCs, so that 4 cores saturate a ~20 GB/s LPDDR4. Estimate. */
#define CORE_MLP 10.0
#define LINE_BYTES 64.0
/* The thermal governor's polling period and hysteresis where the board
 * file gives none (sim.polling_ms, trip hyst_mc).
 * drivers/thermal/gov_step_wise.c raises the cooling state one step per
 * poll while above the trip and lowers it while below; Tegra and sc7280
 * device trees poll passive zones every 100-1000 ms. */
#define THROTTLE_POLL_S 0.1
#define THROTTLE_HYST_C 2.0
/* Longest step of the thermal network's solution: each node is solved
 * exactly with its neighbours held for this long, so the coupling lags by
 * at most this; 20 ms against a die time constant of ~1 s. */
#define HEAT_SUBSTEP_S 0.02
/* RAPL's power-limit controller acts within milliseconds; it moves the
 * package's P-state cap one step per simulated step, and releases it once
 * power is this fraction below the limit (no published hysteresis). */
#define PL_RELEASE 0.97
/* Time step of fixed-decision runs. Thermal time constants are tens of
 * seconds, so 20 ms steps follow them closely. */
#define FIXED_STEP_S 0.02
/* RAPL energy status unit on Skylake/Coffee Lake: 2^-14 J (MSR_RAPL_POWER_UNIT
 * ESU = 14, Intel SDM vol. 4). */
#define RAPL_UNIT_J (1.0 / 16384.0)
/* A run longer than this is an error in the inputs, not a workload. */
#define MAX_SIM_S 1e6
/* Hardware P-states of one cluster: its levels, and on a board with a turbo
 * entry its turbo P-states in place of the entry. */
#define MAX_HW_STATES 96

/* The P-states a cluster's hardware runs, rising: what throttling and the
 * package power limit step through. Without a turbo entry, the levels. */
struct hw_states {
	struct zd_opp s[MAX_HW_STATES];
	int n;
	int base; /* highest non-turbo state (the turbo entry's neighbour) */
};

struct zd_sim {
	struct zd_board *b;
	struct zd_platform_info info;
	struct hw_states hw[ZD_MAX_DOMAINS];
	int cluster_of_cpu[ZD_MAX_CPUS];
	double temp_c[ZD_MAX_ZONES]; /* die node: what the sensor reads */
	double sink_c[ZD_MAX_ZONES]; /* heatsink node (= die if single-node) */
	int throttle[ZD_MAX_ZONES];  /* levels removed from the top */
	int fan_state[ZD_MAX_ZONES]; /* active trips in force */
	double next_poll_s[ZD_MAX_ZONES];
	bool zone_simulated[ZD_MAX_ZONES];
	bool neighbours[ZD_MAX_ZONES][ZD_MAX_ZONES]; /* exchange heat */
	double clock_s;  /* simulated time since zd_sim_new, runs and idle */
	double pl_avg_w; /* RAPL's running average of package power */
	int pl_cap;      /* P-states removed from the top by PL1/PL2 */
	double ambient_c;
	double noise;
	uint64_t rng;
};

/* What one configuration does at steady state: per-core load, times. */
struct operating {
	double time_s;            /* whole program at this configuration */
	double util[ZD_MAX_CPUS]; /* busy fraction per CPU */
	double
	    compute_share[ZD_MAX_CPUS]; /* computing (not stalled) fraction */
	double volt[ZD_MAX_DOMAINS];
};

static double cluster_speed(const struct zd_cluster_desc *c)
{
	return c->speed_rel.present ? c->speed_rel.value : 1.0;
}

/* The highest hardware P-state at or below khz (the lowest if none). */
static int hw_index(const struct hw_states *h, uint32_t khz)
{
	int best = 0;
	for (int i = 0; i < h->n; i++)
		if (h->s[i].khz <= khz)
			best = i;
	return best;
}

static double volt_of(const struct hw_states *h, uint32_t khz)
{
	return h->s[hw_index(h, khz)].uv * 1e-6;
}

/* Whether `khz` asks cluster c for its turbo entry (or above it). */
static bool asks_turbo(const struct zd_cluster_desc *c, uint32_t khz)
{
	return c->turbo_level >= 0 && khz >= c->opps[c->turbo_level].khz;
}

static int busy_cores(const struct zd_cluster_desc *c,
		      const struct zd_cpuset *cpus)
{
	int busy = 0;
	for (int cpu = zd_cpuset_first(&c->cpus); cpu >= 0;
	     cpu = zd_cpuset_next(&c->cpus, cpu))
		busy += zd_cpuset_has(cpus, cpu);
	return busy;
}

/* The highest hardware P-state cluster c may run with `cpus` busy: the
 * turbo bin for its number of busy cores, else its top. */
static int bin_top(const struct zd_sim *sim, int c,
		   const struct zd_cpuset *cpus)
{
	const struct zd_cluster_desc *cl = &sim->b->clusters[c];
	const struct hw_states *h = &sim->hw[c];
	int busy = busy_cores(cl, cpus);
	if (cl->nturbo > 0 && busy > 0)
		return hw_index(h, cl->turbo_khz[busy - 1]);
	return h->n - 1;
}

/* What cluster c runs for a request of `want` with no power limit and no
 * throttling: the turbo entry runs the bin for its busy cores, any other
 * level itself (capped by the bin). */
static uint32_t unlimited_khz(const struct zd_sim *sim, int c, uint32_t want,
			      const struct zd_cpuset *cpus)
{
	const struct hw_states *h = &sim->hw[c];
	int top = bin_top(sim, c, cpus);
	int idx =
	    asks_turbo(&sim->b->clusters[c], want) ? top : hw_index(h, want);
	return h->s[idx < top ? idx : top].khz;
}

/* The hardware P-states of cluster c (struct hw_states). */
static int build_hw_states(const struct zd_cluster_desc *cl,
			   struct hw_states *h)
{
	int nlevels = cl->turbo_level >= 0 ? cl->turbo_level : cl->nopps;
	int n = nlevels + (cl->turbo_level >= 0 ? cl->nturbo_opps : 0);
	if (n > MAX_HW_STATES)
		return -1;
	h->n = 0;
	for (int i = 0; i < nlevels; i++)
		h->s[h->n++] = cl->opps[i];
	h->base = h->n - 1;
	for (int i = 0; cl->turbo_level >= 0 && i < cl->nturbo_opps; i++)
		h->s[h->n++] = cl->turbo_opps[i];
	return 0;
}

static int build_info(struct zd_sim *sim, struct zd_err *err)
{
	const struct zd_board *b = sim->b;
	struct zd_platform_info *info = &sim->info;
	memset(info, 0, sizeof(*info));
	info->backend = "sim";
	if (b->nclusters > ZD_MAX_DOMAINS || b->nzones > ZD_MAX_ZONES)
		return zd_bad_input(err,
				    "%s: too many clusters or zones for the "
				    "simulator",
				    b->path);
	for (int i = 0; i < ZD_MAX_CPUS; i++)
		sim->cluster_of_cpu[i] = -1;
	for (int c = 0; c < b->nclusters; c++) {
		const struct zd_cluster_desc *cl = &b->clusters[c];
		struct zd_freq_domain *d = &info->domains[c];
		if (!cl->ceff_nf.present || !cl->leak_mw.present ||
		    !cl->leak_doubling_c.present)
			return zd_bad_input(
			    err,
			    "%s: clusters[%d].sim needs ceff_nf, "
			    "leak_mw and leak_doubling_c for the "
			    "simulator",
			    b->path, c);
		if (build_hw_states(cl, &sim->hw[c]) != 0)
			return zd_bad_input(err,
					    "%s: clusters[%d]: more than %d "
					    "P-states for the simulator",
					    b->path, c, MAX_HW_STATES);
		d->id = zd_cpuset_first(&cl->cpus);
		snprintf(d->name, sizeof(d->name), "policy%d", d->id);
		d->cpus = cl->cpus;
		d->nfreqs = cl->nopps < 64 ? cl->nopps : 64;
		for (int k = 0; k < d->nfreqs; k++)
			d->freqs_khz[k] = cl->opps[k].khz;
		d->min_khz = cl->opps[0].khz;
		d->max_khz = cl->opps[cl->nopps - 1].khz;
		snprintf(d->driver, sizeof(d->driver), "zdvfs-sim");
		snprintf(d->governor, sizeof(d->governor), "%s",
			 b->default_governor);
		snprintf(d->governors, sizeof(d->governors),
			 "performance powersave userspace ondemand "
			 "conservative schedutil");
		d->has_userspace = true;
		for (int cpu = zd_cpuset_first(&cl->cpus); cpu >= 0;
		     cpu = zd_cpuset_next(&cl->cpus, cpu)) {
			zd_cpuset_add(&info->online, cpu);
			sim->cluster_of_cpu[cpu] = c;
		}
	}
	info->ndomains = b->nclusters;
	for (int z = 0; z < b->nzones; z++) {
		const struct zd_zone_desc *zd = &b->zones[z];
		struct zd_thermal_zone *tz = &info->zones[z];
		tz->id = z;
		snprintf(tz->type, sizeof(tz->type), "%s", zd->name);
		for (int t = 0; t < zd->ntrips && t < ZD_MAX_TRIPS; t++) {
			tz->trips[t].temp_mc = zd->trips[t].temp_mc;
			snprintf(tz->trips[t].type, sizeof(tz->trips[t].type),
				 "%s", zd_trip_type_name(zd->trips[t].type));
			tz->ntrips = t + 1;
		}
		sim->zone_simulated[z] = zd->r_k_per_w.present &&
		    zd->c_j_per_k.present && zd->nclusters > 0;
	}
	info->nzones = b->nzones;
	/* every simulated zone of a board sits on the one die: each pair
	 * exchanges heat through the board's coupling_w_per_k */
	for (int i = 0; i < b->nzones; i++)
		for (int j = 0; j < b->nzones; j++)
			sim->neighbours[i][j] = i != j &&
			    sim->zone_simulated[i] && sim->zone_simulated[j];
	if (b->energy.kind != ZD_ENERGY_NONE) {
		struct zd_energy_source *s = &info->energy[0];
		snprintf(s->name, sizeof(s->name), "%s",
			 b->energy.nrails ? b->energy.rails[0].name : "board");
		snprintf(s->kind, sizeof(s->kind), "%s",
			 zd_energy_kind_name(b->energy.kind));
		s->reading = ZD_READING_COUNTER_UJ;
		s->max_uj = UINT64_MAX;
		info->nenergy = 1;
	}
	return 0;
}

int zd_sim_new(struct zd_board *board, uint64_t seed, struct zd_sim **out,
	       struct zd_err *err)
{
	*out = NULL;
	struct zd_sim *sim = calloc(1, sizeof(*sim));
	if (sim == NULL) {
		zd_board_free(board);
		return zd_fail(err, ENOMEM, "out of memory");
	}
	sim->b = board;
	int rc = build_info(sim, err);
	if (rc == 0 &&
	    (!board->ambient_mc.present || !board->idle_power_mw.present ||
	     !board->mem_bandwidth_mbps.present ||
	     !board->mem_latency_ns.present))
		rc = zd_bad_input(err,
				  "%s: sim needs ambient_mc, idle_power_mw, "
				  "mem_bandwidth_mbps and mem_latency_ns",
				  board->path);
	if (rc != 0) {
		zd_sim_free(sim);
		return rc;
	}
	sim->ambient_c = board->ambient_mc.value / 1000.0;
	sim->rng = seed ^ UINT64_C(0x9e3779b97f4a7c15);
	zd_sim_reset(sim);
	*out = sim;
	return 0;
}

void zd_sim_free(struct zd_sim *sim)
{
	if (sim == NULL)
		return;
	zd_board_free(sim->b);
	free(sim);
}

const struct zd_board *zd_sim_board(const struct zd_sim *sim)
{
	return sim->b;
}

const struct zd_platform_info *zd_sim_info(const struct zd_sim *sim)
{
	return &sim->info;
}

void zd_sim_default_cpus(const struct zd_sim *sim, struct zd_cpuset *cpus)
{
	*cpus = sim->info.online;
	for (int c = zd_cpuset_first(&sim->b->reserved_cpus); c >= 0;
	     c = zd_cpuset_next(&sim->b->reserved_cpus, c))
		cpus->bits[c / 64] &= ~(UINT64_C(1) << (c % 64));
}

void zd_sim_set_noise(struct zd_sim *sim, double rel_sigma)
{
	sim->noise = rel_sigma > 0 ? rel_sigma : 0;
}

void zd_sim_reset(struct zd_sim *sim)
{
	for (int z = 0; z < ZD_MAX_ZONES; z++) {
		sim->temp_c[z] = sim->ambient_c;
		sim->sink_c[z] = sim->ambient_c;
		sim->throttle[z] = 0;
		sim->fan_state[z] = 0;
		sim->next_poll_s[z] = sim->clock_s;
	}
	sim->pl_avg_w = sim->b->idle_power_mw.value * 1e-3;
	sim->pl_cap = 0;
}

void zd_sim_set_ambient_mc(struct zd_sim *sim, int mc)
{
	sim->ambient_c = mc / 1000.0;
}

int zd_sim_ambient_mc(const struct zd_sim *sim)
{
	return (int)lround(sim->ambient_c * 1000.0);
}

int zd_sim_fan_state(const struct zd_sim *sim, int zone)
{
	return zone >= 0 && zone < ZD_MAX_ZONES ? sim->fan_state[zone] : 0;
}

int zd_sim_temp_mc(const struct zd_sim *sim, int zone)
{
	return (int)lround(sim->temp_c[zone] * 1000.0);
}

void zd_sim_set_temp_mc(struct zd_sim *sim, int zone, int mc)
{
	if (zone >= 0 && zone < ZD_MAX_ZONES) {
		sim->temp_c[zone] = mc / 1000.0;
		sim->sink_c[zone] = mc / 1000.0;
	}
}

/* splitmix64 and Box-Muller: reproducible noise from the seed. */
static double uniform01(struct zd_sim *sim)
{
	uint64_t z = (sim->rng += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	z ^= z >> 31;
	return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double gaussian(struct zd_sim *sim)
{
	double u = uniform01(sim), v = uniform01(sim);
	return sqrt(-2.0 * log(u)) * cos(2.0 * 3.14159265358979323846 * v);
}

/* Execution of `w` at frequencies khz[] on `cpus`: time and per-core load. */
static void operate(const struct zd_sim *sim, const struct zd_sim_workload *w,
		    const struct zd_cpuset *cpus, const uint32_t *khz,
		    struct operating *op)
{
	const struct zd_board *b = sim->b;
	double rate[ZD_MAX_CPUS] = {0};
	double sum_rate = 0, max_rate = 0, min_rate = INFINITY, sum_hz = 0;
	int n = 0, fastest = -1;
	memset(op, 0, sizeof(*op));
	for (int c = 0; c < b->nclusters; c++)
		op->volt[c] = volt_of(&sim->hw[c], khz[c]);
	for (int cpu = zd_cpuset_first(cpus); cpu >= 0;
	     cpu = zd_cpuset_next(cpus, cpu)) {
		int c = sim->cluster_of_cpu[cpu];
		if (c < 0)
			continue;
		double hz = khz[c] * 1e3;
		rate[cpu] = hz * IPC_REFERENCE * cluster_speed(&b->clusters[c]);
		sum_rate += rate[cpu];
		sum_hz += hz;
		if (rate[cpu] > max_rate) {
			max_rate = rate[cpu];
			fastest = cpu;
		}
		if (rate[cpu] < min_rate)
			min_rate = rate[cpu];
		n++;
	}
	if (n == 0) {
		op->time_s = INFINITY;
		return;
	}
	double s = w->serial_fraction;
	double serial_s = s * w->instructions / max_rate;
	double par_instr = (1.0 - s) * w->instructions;
	/* Tasks balance dynamically over the cores' speeds; static loops give
	 * each core an equal share and wait for the slowest. */
	double par_s = w->tasks
	    ? par_instr / sum_rate
	    : par_instr / n / min_rate * (1.0 + w->imbalance);
	double overhead_s = w->barriers * BARRIER_CYCLES *
		(1.0 + log2((double)n)) / (sum_hz / n) +
	    w->tasks_created * TASK_CYCLES / sum_hz;
	double compute_s = serial_s + par_s + overhead_s;
	/* Each core's memory-level parallelism over its load latency: DRAM
	 * latency plus, where the ring and LLC run on the cores' clock
	 * (uncore_latency_cycles), a part that grows as the clock falls. */
	double uncore_cycles = b->uncore_latency_cycles.present
	    ? b->uncore_latency_cycles.value
	    : 0;
	double sum_core_bw = 0;
	for (int cpu = zd_cpuset_first(cpus); cpu >= 0;
	     cpu = zd_cpuset_next(cpus, cpu)) {
		int c = sim->cluster_of_cpu[cpu];
		if (c < 0)
			continue;
		double lat_s = b->mem_latency_ns.value * 1e-9 +
		    uncore_cycles / (khz[c] * 1e3);
		sum_core_bw += CORE_MLP * LINE_BYTES / lat_s;
	}
	double bw = fmin(b->mem_bandwidth_mbps.value * 1e6, sum_core_bw);
	double mem_s = w->dram_bytes / bw;
	op->time_s =
	    fmax(compute_s, mem_s) + OVERLAP_PENALTY * fmin(compute_s, mem_s);
	double stall_s = op->time_s - compute_s;
	for (int cpu = zd_cpuset_first(cpus); cpu >= 0;
	     cpu = zd_cpuset_next(cpus, cpu)) {
		if (rate[cpu] == 0)
			continue;
		double own =
		    w->tasks ? par_instr / sum_rate : par_instr / n / rate[cpu];
		own += overhead_s;
		if (cpu == fastest)
			own += serial_s;
		/* a core waiting for DRAM is busy to the OS, but computes
		 * only part of the time */
		double busy = own + (stall_s > 0 ? stall_s : 0);
		op->util[cpu] = fmin(1.0, busy / op->time_s);
		op->compute_share[cpu] = fmin(1.0, own / op->time_s);
	}
}

/* Hottest simulated zone sensing cluster c (for its leakage). */
static double cluster_temp(const struct zd_sim *sim, int c)
{
	double t = sim->ambient_c;
	for (int z = 0; z < sim->b->nzones; z++) {
		const struct zd_zone_desc *zd = &sim->b->zones[z];
		if (!sim->zone_simulated[z])
			continue;
		for (int k = 0; k < zd->nclusters; k++)
			if (zd->clusters[k] == c && sim->temp_c[z] > t)
				t = sim->temp_c[z];
	}
	return t;
}

/* Power of each cluster (W) at its frequency and temperature. */
static void cluster_power(const struct zd_sim *sim, const struct operating *op,
			  const struct zd_cpuset *cpus, const uint32_t *khz,
			  const double *temp_c, double *power)
{
	const struct zd_board *b = sim->b;
	for (int c = 0; c < b->nclusters; c++) {
		const struct zd_cluster_desc *cl = &b->clusters[c];
		double v = op->volt[c];
		const struct hw_states *h = &sim->hw[c];
		double vtop = h->s[h->n - 1].uv * 1e-6;
		double hz = khz[c] * 1e3;
		double dyn = 0;
		bool used = false;
		for (int cpu = zd_cpuset_first(&cl->cpus); cpu >= 0;
		     cpu = zd_cpuset_next(&cl->cpus, cpu)) {
			if (!zd_cpuset_has(cpus, cpu))
				continue;
			used = true;
			double activity = op->compute_share[cpu] +
			    STALL_ACTIVITY *
				(op->util[cpu] - op->compute_share[cpu]);
			dyn += cl->ceff_nf.value * 1e-9 * v * v * hz * activity;
		}
		double leak_one = cl->leak_mw.value * 1e-3 *
		    exp2((temp_c[c] - 25.0) / cl->leak_doubling_c.value);
		double vmin = h->s[0].uv * 1e-6;
		double leak = used
		    ? cl->ncpus * leak_one * (v / vtop) * (v / vtop)
		    : cl->ncpus * leak_one * IDLE_CLUSTER_LEAK * (vmin / vtop) *
			(vmin / vtop);
		power[c] = dyn + leak;
	}
}

/* The frequencies the steady-state functions run: each request as the
 * hardware runs it without power limit or throttling. */
static void steady_khz(const struct zd_sim *sim, const struct zd_cpuset *cpus,
		       const uint32_t *want, uint32_t *khz)
{
	for (int c = 0; c < sim->b->nclusters; c++)
		khz[c] = unlimited_khz(sim, c, want[c], cpus);
}

double zd_sim_exec_time_s(const struct zd_sim *sim,
			  const struct zd_sim_workload *w,
			  const struct zd_cpuset *cpus, const uint32_t *want)
{
	struct operating op;
	uint32_t khz[ZD_MAX_DOMAINS];
	steady_khz(sim, cpus, want, khz);
	operate(sim, w, cpus, khz, &op);
	return op.time_s;
}

double zd_sim_power_w(const struct zd_sim *sim, const struct zd_sim_workload *w,
		      const struct zd_cpuset *cpus, const uint32_t *want,
		      int temp_mc)
{
	struct operating op;
	uint32_t khz[ZD_MAX_DOMAINS];
	double temps[ZD_MAX_DOMAINS], power[ZD_MAX_DOMAINS], total;
	steady_khz(sim, cpus, want, khz);
	operate(sim, w, cpus, khz, &op);
	for (int c = 0; c < sim->b->nclusters; c++)
		temps[c] = temp_mc / 1000.0;
	cluster_power(sim, &op, cpus, khz, temps, power);
	total = sim->b->idle_power_mw.value * 1e-3;
	for (int c = 0; c < sim->b->nclusters; c++)
		total += power[c];
	return total;
}

/* Conductance of zone z's heatsink to ambient: the fan's duty adds
 * conductance in proportion (duty = active trips in force / active trips,
 * the pwm-fan cooling levels stepping up with each trip). */
static double sink_conductance(const struct zd_sim *sim, int z)
{
	const struct zd_zone_desc *zd = &sim->b->zones[z];
	double g = 1.0 / zd->r_k_per_w.value;
	if (!zd->r_fan_k_per_w.present)
		return g;
	int nactive = 0;
	for (int t = 0; t < zd->ntrips; t++)
		nactive += zd->trips[t].type == ZD_TRIP_ACTIVE;
	if (nactive == 0)
		return 1.0 / zd->r_fan_k_per_w.value; /* fan always on */
	double duty = (double)sim->fan_state[z] / nactive;
	return g + duty * (1.0 / zd->r_fan_k_per_w.value - g);
}

/* Node temperature after h seconds at conductance g_total to neighbours
 * whose conductance-weighted sum is g_t, heated by p: the exact solution
 * of C dT/dt = p + g_t - g_total T with the neighbours held. */
static double node_step(double t, double c, double p, double g_t,
			double g_total, double h)
{
	double steady = (p + g_t) / g_total;
	return steady + (t - steady) * exp(-h * g_total / c);
}

/* Heat flows for dt seconds with the clusters at `power` and the board's
 * idle power. A zone is a die node (sim.r_die_k_per_w, c_die_j_per_k: the
 * fast response, ~1 s) heated by the clusters it senses, sitting on a
 * heatsink node (r_k_per_w, c_j_per_k: minutes) that carries the whole
 * board's power to ambient - the board has one heatsink, and each zone
 * sees it; die nodes of the board's zones exchange heat through
 * coupling_w_per_k. A zone without a die node is one RC node heated by its
 * clusters and the idle power. */
static void heat(struct zd_sim *sim, const double *power, double dt)
{
	const struct zd_board *b = sim->b;
	double idle_w = b->idle_power_mw.value * 1e-3;
	double g_couple =
	    b->coupling_w_per_k.present ? b->coupling_w_per_k.value : 0;
	double own[ZD_MAX_ZONES] = {0}, all_w = idle_w;
	for (int c = 0; c < b->nclusters; c++)
		all_w += power[c];
	for (int z = 0; z < b->nzones; z++) {
		const struct zd_zone_desc *zd = &b->zones[z];
		for (int k = 0; k < zd->nclusters; k++)
			own[z] += power[zd->clusters[k]];
	}
	for (double done = 0; done < dt;) {
		double h = fmin(HEAT_SUBSTEP_S, dt - done);
		double die[ZD_MAX_ZONES];
		memcpy(die, sim->temp_c, sizeof(die));
		for (int z = 0; z < b->nzones; z++) {
			if (!sim->zone_simulated[z])
				continue;
			const struct zd_zone_desc *zd = &b->zones[z];
			double g_sink = sink_conductance(sim, z);
			double g_t = 0, g_n = 0;
			for (int j = 0; j < b->nzones && g_couple > 0; j++)
				if (sim->neighbours[z][j]) {
					g_t += g_couple * die[j];
					g_n += g_couple;
				}
			if (!zd->r_die_k_per_w.present) {
				sim->temp_c[z] =
				    node_step(die[z], zd->c_j_per_k.value,
					      own[z] + idle_w,
					      g_t + g_sink * sim->ambient_c,
					      g_n + g_sink, h);
				sim->sink_c[z] = sim->temp_c[z];
				continue;
			}
			double g_die = 1.0 / zd->r_die_k_per_w.value;
			sim->temp_c[z] = node_step(
			    die[z], zd->c_die_j_per_k.value, own[z],
			    g_t + g_die * sim->sink_c[z], g_n + g_die, h);
			sim->sink_c[z] = node_step(
			    sim->sink_c[z], zd->c_j_per_k.value, all_w,
			    g_sink * sim->ambient_c, g_sink, h);
		}
		done += h;
	}
}

static double poll_period_s(const struct zd_zone_desc *zd)
{
	return zd->polling_ms.present ? zd->polling_ms.value * 1e-3
				      : THROTTLE_POLL_S;
}

static double trip_hyst_c(const struct zd_trip *t)
{
	return t->hyst_mc > 0 ? t->hyst_mc / 1000.0 : THROTTLE_HYST_C;
}

/* One poll of zone z, as drivers/thermal/gov_step_wise.c does it: the
 * CPU cooling state one step up while above the first passive trip, one
 * down once below it by its hysteresis; the fan one step towards the
 * number of active trips crossed (leaving a trip takes its hysteresis). */
static void poll_zone(struct zd_sim *sim, int z)
{
	const struct zd_zone_desc *zd = &sim->b->zones[z];
	double t = sim->temp_c[z];
	int fan_up = 0, fan_down = 0;
	const struct zd_trip *passive = NULL;
	for (int i = 0; i < zd->ntrips; i++) {
		const struct zd_trip *tr = &zd->trips[i];
		if (tr->type == ZD_TRIP_PASSIVE && passive == NULL)
			passive = tr;
		if (tr->type != ZD_TRIP_ACTIVE)
			continue;
		fan_up += t > tr->temp_mc / 1000.0;
		fan_down += t >= tr->temp_mc / 1000.0 - trip_hyst_c(tr);
	}
	if (fan_up > sim->fan_state[z])
		sim->fan_state[z]++;
	else if (fan_down < sim->fan_state[z])
		sim->fan_state[z]--;
	if (passive == NULL)
		return;
	double trip = passive->temp_mc / 1000.0;
	if (t > trip)
		sim->throttle[z]++;
	else if (t < trip - trip_hyst_c(passive) && sim->throttle[z] > 0)
		sim->throttle[z]--;
}

/* Poll every simulated zone whose polling period has come round by the
 * simulated clock. */
static void throttle_poll(struct zd_sim *sim)
{
	for (int z = 0; z < sim->b->nzones; z++) {
		if (!sim->zone_simulated[z])
			continue;
		double period = poll_period_s(&sim->b->zones[z]);
		while (sim->next_poll_s[z] <= sim->clock_s + 1e-9) {
			poll_zone(sim, z);
			sim->next_poll_s[z] += period;
		}
	}
}

/* The frequency cluster c really runs at: the policy's request (the turbo
 * entry: the top the package allows) capped by the turbo bin for its
 * number of busy cores and the package power limit (neither is
 * throttling), then by the throttling of every zone that senses it. All
 * of it in the cluster's hardware P-states. */
static uint32_t effective_khz(const struct zd_sim *sim, int c, uint32_t want,
			      const struct zd_cpuset *cpus, bool *throttled)
{
	const struct zd_cluster_desc *cl = &sim->b->clusters[c];
	const struct hw_states *h = &sim->hw[c];
	int top = bin_top(sim, c, cpus) - sim->pl_cap;
	if (top < 0)
		top = 0;
	int want_idx = asks_turbo(cl, want) ? top : hw_index(h, want);
	if (want_idx > top)
		want_idx = top;
	int cap = h->n - 1;
	for (int z = 0; z < sim->b->nzones; z++) {
		const struct zd_zone_desc *zd = &sim->b->zones[z];
		for (int k = 0; k < zd->nclusters; k++)
			if (zd->clusters[k] == c &&
			    h->n - 1 - sim->throttle[z] < cap)
				cap = h->n - 1 - sim->throttle[z];
	}
	if (cap < 0)
		cap = 0;
	*throttled = *throttled || want_idx > cap;
	return h->s[want_idx > cap ? cap : want_idx].khz;
}

/* The frequency cpufreq reports for cluster c (the kernel's policy->cur):
 * the hardware's own where it is a level, the turbo entry while the
 * package runs the turbo range - acpi-cpufreq knows no more of it. */
static uint32_t reported_khz(const struct zd_sim *sim, int c, uint32_t run)
{
	const struct zd_cluster_desc *cl = &sim->b->clusters[c];
	const struct hw_states *h = &sim->hw[c];
	if (cl->turbo_level >= 0 && run > h->s[h->base].khz)
		return cl->opps[cl->turbo_level].khz;
	return run;
}

/* RAPL's package power limits (Intel SDM vol. 3B, 14.9; the datasheet's
 * Turbo Boost 2.0 package power control): the running average of package
 * power over tau is held at PL1, the package power itself at PL2, by
 * taking P-states off the top. Package power here is the board power
 * (idle_power_mw is the package's idle on such a board). */
static void power_limit(struct zd_sim *sim, double package_w, double dt)
{
	const struct zd_board *b = sim->b;
	if (!b->pl1_mw.present)
		return;
	double pl1 = b->pl1_mw.value * 1e-3, pl2 = b->pl2_mw.value * 1e-3;
	sim->pl_avg_w +=
	    (package_w - sim->pl_avg_w) * (1 - exp(-dt / b->pl_tau_s.value));
	int max_cap = 0;
	for (int c = 0; c < b->nclusters; c++)
		if (sim->hw[c].n - 1 > max_cap)
			max_cap = sim->hw[c].n - 1;
	if ((sim->pl_avg_w > pl1 || package_w > pl2) && sim->pl_cap < max_cap)
		sim->pl_cap++;
	else if (sim->pl_avg_w < PL_RELEASE * pl1 &&
		 package_w < PL_RELEASE * pl2 && sim->pl_cap > 0)
		sim->pl_cap--;
}

void zd_sim_idle(struct zd_sim *sim, double seconds)
{
	struct zd_cpuset none;
	struct zd_sim_workload idle = {.instructions = 1};
	struct operating op;
	uint32_t khz[ZD_MAX_DOMAINS];
	double power[ZD_MAX_DOMAINS], temps[ZD_MAX_DOMAINS];
	zd_cpuset_zero(&none);
	for (int c = 0; c < sim->b->nclusters; c++)
		khz[c] = sim->b->clusters[c].opps[0].khz;
	operate(sim, &idle, &none, khz, &op);
	for (double t = 0; t < seconds; t += THROTTLE_POLL_S) {
		double dt = fmin(THROTTLE_POLL_S, seconds - t);
		for (int c = 0; c < sim->b->nclusters; c++)
			temps[c] = cluster_temp(sim, c);
		cluster_power(sim, &op, &none, khz, temps, power);
		heat(sim, power, dt);
		power_limit(sim, sim->b->idle_power_mw.value * 1e-3, dt);
		sim->clock_s += dt;
		throttle_poll(sim);
	}
}

void zd_sim_idle_steady(struct zd_sim *sim)
{
	/* idle in 60 s slices until no zone moves by 0.05 K in one, or an
	 * hour: the slowest heatsink time constants are a few minutes */
	for (int slice = 0; slice < 60; slice++) {
		double before[ZD_MAX_ZONES];
		memcpy(before, sim->temp_c, sizeof(before));
		zd_sim_idle(sim, 60);
		bool moved = false;
		for (int z = 0; z < sim->b->nzones; z++)
			moved =
			    moved || fabs(sim->temp_c[z] - before[z]) > 0.05;
		if (!moved)
			return;
	}
}

/* The energy the board's own sensor would report for a run. */
struct sensor {
	enum zd_energy_kind kind;
	double period_s;
	double next_sample_s;
	double energy_j;
};

static void sensor_step(struct sensor *s, double t0, double dt, double power_w)
{
	if (s->kind == ZD_ENERGY_NONE)
		return;
	if (s->kind == ZD_ENERGY_RAPL) {
		s->energy_j += power_w * dt;
		return;
	}
	/* INA3221: a conversion every period; each sample stands for the
	 * whole period (how tegrastats-style integration works). */
	while (s->next_sample_s < t0 + dt) {
		s->energy_j += power_w * s->period_s;
		s->next_sample_s += s->period_s;
	}
}

static double sensor_result(const struct sensor *s)
{
	if (s->kind == ZD_ENERGY_NONE)
		return NAN;
	if (s->kind == ZD_ENERGY_RAPL)
		return floor(s->energy_j / RAPL_UNIT_J) * RAPL_UNIT_J;
	return s->energy_j;
}

static int check_workload(const struct zd_sim_workload *w, struct zd_err *err)
{
	if (!(w->instructions > 0) || !(w->dram_bytes >= 0) ||
	    !(w->serial_fraction >= 0 && w->serial_fraction <= 1) ||
	    !(w->imbalance >= 0) || !(w->barriers >= 0) ||
	    !(w->tasks_created >= 0))
		return zd_bad_input(err,
				    "workload %s: instructions must be > 0, "
				    "serial_fraction in 0..1, the rest >= 0",
				    w->name);
	return 0;
}

struct run_state {
	struct zd_cpuset cpus;
	uint32_t want[ZD_MAX_DOMAINS];
	uint32_t khz[ZD_MAX_DOMAINS];
	struct operating op;
	/* the frequencies op was computed at: the execution model depends on
	 * nothing else that changes during a run, so most steps reuse it */
	uint32_t op_khz[ZD_MAX_DOMAINS];
	bool op_valid;
	double power[ZD_MAX_DOMAINS];
	double board_w;
	double cpu_w; /* the clusters alone: what a CPU rail carries */
	bool throttled;
};

static void settle(struct zd_sim *sim, const struct zd_sim_workload *w,
		   struct run_state *rs, double time_noise, double power_noise)
{
	double temps[ZD_MAX_DOMAINS];
	rs->throttled = false;
	for (int c = 0; c < sim->b->nclusters; c++) {
		rs->khz[c] = effective_khz(sim, c, rs->want[c], &rs->cpus,
					   &rs->throttled);
		temps[c] = cluster_temp(sim, c);
	}
	if (!rs->op_valid ||
	    memcmp(rs->op_khz, rs->khz, sizeof(rs->khz)) != 0) {
		operate(sim, w, &rs->cpus, rs->khz, &rs->op);
		rs->op.time_s *= time_noise;
		memcpy(rs->op_khz, rs->khz, sizeof(rs->khz));
		rs->op_valid = true;
	}
	cluster_power(sim, &rs->op, &rs->cpus, rs->khz, temps, rs->power);
	rs->cpu_w = 0;
	for (int c = 0; c < sim->b->nclusters; c++) {
		rs->power[c] *= power_noise;
		rs->cpu_w += rs->power[c];
	}
	rs->board_w = sim->b->idle_power_mw.value * 1e-3 + rs->cpu_w;
}

static void emit_trace(const struct zd_sim *sim, const struct run_state *rs,
		       double t, double progress, zd_sim_trace_fn trace,
		       void *ctx)
{
	struct zd_sim_sample s;
	memset(&s, 0, sizeof(s));
	s.t_s = t;
	s.progress = progress;
	s.power_w = rs->board_w;
	for (int c = 0; c < sim->b->nclusters; c++)
		s.khz[c] = rs->khz[c];
	for (int z = 0; z < sim->b->nzones; z++)
		s.temp_mc[z] = zd_sim_temp_mc(sim, z);
	memcpy(s.util, rs->op.util, sizeof(s.util));
	trace(ctx, &s);
}

int zd_sim_run(struct zd_sim *sim, const struct zd_sim_workload *w,
	       struct zd_policy *pol, struct zd_sim_result *res,
	       zd_sim_trace_fn trace, void *trace_ctx, struct zd_err *err)
{
	struct run_state rs;
	struct zd_decision d;
	memset(res, 0, sizeof(*res));
	memset(&rs, 0, sizeof(rs));
	int rc = check_workload(w, err);
	if (rc == 0)
		rc = zd_policy_start(pol, &d, err);
	if (rc != 0)
		return rc;
	rs.cpus = d.cpus;
	zd_cpuset_and(&rs.cpus, &sim->info.online);
	if (zd_cpuset_count(&rs.cpus) == 0)
		return zd_bad_input(err, "the decision uses no CPU of %s",
				    sim->b->name);
	memcpy(rs.want, d.khz, sizeof(rs.want));
	uint32_t period_us = zd_policy_period_us(pol);
	double step = period_us ? period_us * 1e-6 : FIXED_STEP_S;
	double time_noise =
	    sim->noise ? fmax(0.5, 1 + sim->noise * gaussian(sim)) : 1;
	double power_noise =
	    sim->noise ? fmax(0.5, 1 + sim->noise * gaussian(sim)) : 1;
	struct sensor sensor = {
	    .kind = sim->b->energy.kind,
	    .period_s = sim->b->energy.sample_period_us.present
		? sim->b->energy.sample_period_us.value * 1e-6
		: 1e-3,
	};
	/* the CPU rail: a rail other than the first (the board input) that
	 * carries clusters; without one, the CPU energy is not measured */
	struct sensor cpu_sensor = sensor;
	bool has_cpu_rail = false;
	for (int r = 1; r < sim->b->energy.nrails; r++)
		has_cpu_rail =
		    has_cpu_rail || sim->b->energy.rails[r].nclusters > 0;
	if (!has_cpu_rail)
		cpu_sensor.kind = ZD_ENERGY_NONE;
	for (int z = 0; z < sim->b->nzones; z++)
		res->peak_mc[z] = zd_sim_temp_mc(sim, z);
	double t = 0, progress = 0;
	settle(sim, w, &rs, time_noise, power_noise);
	while (progress < 1.0) {
		if (!isfinite(rs.op.time_s) || t > MAX_SIM_S)
			return zd_fail(err, ERANGE,
				       "workload %s does not finish on %s "
				       "(simulated %.0f s)",
				       w->name, sim->b->name, t);
		double dt = step;
		double left = (1.0 - progress) * rs.op.time_s;
		if (left < dt)
			dt = left;
		progress = dt == left ? 1.0 : progress + dt / rs.op.time_s;
		sensor_step(&sensor, t, dt, rs.board_w);
		sensor_step(&cpu_sensor, t, dt, rs.cpu_w);
		res->energy_j += rs.board_w * dt;
		res->cpu_energy_j += rs.cpu_w * dt;
		if (rs.throttled)
			res->throttled_s += dt;
		heat(sim, rs.power, dt);
		t += dt;
		res->steps++;
		for (int z = 0; z < sim->b->nzones; z++) {
			int mc = zd_sim_temp_mc(sim, z);
			if (mc > res->peak_mc[z])
				res->peak_mc[z] = mc;
		}
		if (trace != NULL)
			emit_trace(sim, &rs, t, progress, trace, trace_ctx);
		sim->clock_s += dt;
		power_limit(sim, rs.board_w, dt);
		throttle_poll(sim);
		if (period_us && progress < 1.0) {
			struct zd_tick tick;
			memset(&tick, 0, sizeof(tick));
			tick.now_s = t;
			memcpy(tick.util, rs.op.util, sizeof(tick.util));
			for (int c = 0; c < sim->b->nclusters; c++)
				tick.cur_khz[c] =
				    reported_khz(sim, c, rs.khz[c]);
			if ((rc = zd_policy_tick(pol, &tick, rs.want, err)) !=
			    0)
				return rc;
		}
		settle(sim, w, &rs, time_noise, power_noise);
	}
	res->makespan_s = t;
	res->avg_power_w = t > 0 ? res->energy_j / t : 0;
	res->measured_energy_j = sensor_result(&sensor);
	res->measured_cpu_energy_j = sensor_result(&cpu_sensor);
	res->nzones = sim->b->nzones;
	for (int z = 0; z < sim->b->nzones; z++)
		res->final_mc[z] = zd_sim_temp_mc(sim, z);
	return 0;
}

void zd_outcome_from_sim(const struct zd_sim_result *r, struct zd_outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->makespan_s = r->makespan_s;
	o->energy_j = r->energy_j;
	o->avg_power_w = r->avg_power_w;
	o->throttled_s = r->throttled_s;
	o->cpu_energy_j = r->cpu_energy_j;
	o->nzones = r->nzones;
	o->hottest_c = -273.15;
	for (int z = 0; z < r->nzones; z++) {
		o->peak_c[z] = r->peak_mc[z] / 1000.0;
		o->final_c[z] = r->final_mc[z] / 1000.0;
		if (o->peak_c[z] > o->hottest_c)
			o->hottest_c = o->peak_c[z];
	}
}
