/* fakesys.c - fake sysfs/procfs trees of real boards for the Linux backend's
 * tests: board data in tables, one small builder per subsystem.
 *
 * Every value is written byte for byte as the kernel's show() function
 * prints it (trailing spaces and newlines included); README.md next to this
 * file gives the kernel source or board document behind each layout.
 */
#define _XOPEN_SOURCE 700 /* nftw, openat, mkdirat, symlinkat, fchmodat */

#include "fakesys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* File modes as sysfs shows them: writable attributes are 0644, the rest
 * 0444, and a few are root-only (cpuinfo_cur_freq, RAPL energy_uj). */
#define FK_RO 0444
#define FK_RW 0644
#define FK_ROOT 0400

#define FK_TEXT_MAX 16384 /* largest file we write (x86 /proc/cpuinfo) */
#define FK_MAX_CPUS 32    /* CPU masks are one unsigned int */

/* ------------------------------------------------------------------ */
/* Board data                                                          */
/* ------------------------------------------------------------------ */

struct fk_coretype { /* one arm64 /proc/cpuinfo block */
	unsigned implementer, variant, part, revision;
	const char *bogomips;
	const char *features;
};

struct fk_cpu {
	unsigned package;               /* physical_package_id */
	unsigned core;                  /* core_id */
	unsigned cluster;               /* cluster_id (kernels >= 5.16 only) */
	const struct fk_coretype *type; /* NULL on x86 */
};

struct fk_policy {
	unsigned first;            /* policyN is named after its first CPU */
	unsigned mask;             /* related_cpus */
	const unsigned *khz;       /* scaling_available_frequencies, rising */
	unsigned nkhz;             /* 0: no table (intel_pstate) */
	unsigned min_khz, max_khz; /* used when there is no table */
	unsigned cur_khz;
};

struct fk_trip {
	const char *type;
	int temp_mc;
	int hyst_mc;
};

struct fk_zone {
	const char *type;
	int temp_mc;
	const struct fk_trip *trips;
	unsigned ntrips;
	mode_t trip_mode; /* FK_RW where the driver lets trip temps be set */
};

/* Which topology files the board's kernel has. */
enum fk_topo {
	FK_TOPO_4_9,   /* core_id, physical_package_id, *_siblings */
	FK_TOPO_5_10,  /* + core_cpus, package_cpus (5.3+) */
	FK_TOPO_6_ARM, /* + cluster_id, cluster_cpus (5.16+) */
	FK_TOPO_6_X86, /* + die_id, die_cpus */
};

enum fk_energy {
	FK_ENERGY_NONE,
	FK_ENERGY_INA3221_IIO,   /* TX2-era NVIDIA iio driver */
	FK_ENERGY_INA3221_HWMON, /* Orin-era mainline hwmon driver */
	FK_ENERGY_RAPL,          /* powercap intel-rapl */
};

struct fk_x86 { /* what differs between the two x86 /proc/cpuinfo */
	const char *model_name;
	unsigned model, stepping;
	const char *microcode;
	unsigned cache_kb;
	const char *mhz;      /* "cpu MHz" */
	unsigned apic_stride; /* 2: HT-capable part with HT off */
	const char *bogomips;
	const char *flags;
};

struct fk_board {
	const char *name;
	const char *version; /* /proc/version */
	unsigned ncpus;
	const struct fk_cpu *cpus;
	const struct fk_x86 *x86; /* NULL on arm64 */
	enum fk_topo topo;
	const char *driver;    /* scaling_driver; NULL: no cpufreq driver */
	const char *governors; /* scaling_available_governors, as printed */
	const char *governor;
	unsigned latency_ns;
	bool setpolicy;   /* intel_pstate active mode: no ->get, no table */
	bool boost_freqs; /* driver lists scaling_boost_frequencies */
	const struct fk_policy *policies;
	unsigned npolicies;
	const struct fk_zone *zones;
	unsigned nzones;
	enum fk_energy energy;
	bool acpi; /* acpi-cpufreq: table printed in _PSS order (falling),
		    * bios_limit, freqdomain_cpus, the global boost switch */
};

/* -- Jetson TX2 (L4T R32.7, kernel 4.9, driver tegra_cpufreq) -- */

static const struct fk_coretype tx2_a57 = {
    0x41, 0x1, 0xd07, 3, "62.50", "fp asimd evtstrm aes pmull sha1 sha2 crc32"};
static const struct fk_coretype tx2_denver = {
    0x4e, 0x0, 0x003, 0, "62.50", "fp asimd evtstrm aes pmull sha1 sha2 crc32"};
/* cpu1-2 are the Denver2 cluster (MPIDR cluster 0), cpu0,3-5 the A57s. */
static const struct fk_cpu tx2_cpus[] = {
    {1, 0, 1, &tx2_a57}, {0, 0, 0, &tx2_denver}, {0, 1, 0, &tx2_denver},
    {1, 1, 1, &tx2_a57}, {1, 2, 1, &tx2_a57},    {1, 3, 1, &tx2_a57},
};
static const unsigned tx2_khz[] = {
    345600,  499200,  652800,  806400,  960000,  1113600,
    1267200, 1420800, 1574400, 1728000, 1881600, 2035200,
};
static const struct fk_policy tx2_policies[] = {
    {0, 0x39, tx2_khz, N(tx2_khz), 0, 0, 1267200}, /* cpu0,3,4,5 A57 */
    {1, 0x06, tx2_khz, N(tx2_khz), 0, 0, 345600},  /* cpu1,2 Denver */
};
static const struct fk_trip tx2_soc_trips[] = {
    {"critical", 101000, 0},
    {"passive", 70000, 2000},
};
static const struct fk_trip tx2_crit_trips[] = {{"critical", 101000, 0}};
static const struct fk_zone tx2_zones[] = {
    {"BCPU-therm", 38000, tx2_soc_trips, N(tx2_soc_trips), FK_RO},
    {"MCPU-therm", 38000, tx2_soc_trips, N(tx2_soc_trips), FK_RO},
    {"GPU-therm", 36500, tx2_soc_trips, N(tx2_soc_trips), FK_RO},
    {"PLL-therm", 38000, tx2_crit_trips, N(tx2_crit_trips), FK_RO},
    {"AO-therm", 36500, tx2_crit_trips, N(tx2_crit_trips), FK_RO},
    {"Tboard_tegra", 35000, NULL, 0, FK_RO},
    {"Tdiode_tegra", 36000, NULL, 0, FK_RO},
    {"PMIC-Die", 100000, NULL, 0, FK_RO}, /* reads 100 C on every TX2 */
    {"thermal-fan-est", 37600, NULL, 0, FK_RO},
};
static const struct fk_board tx2_board = {
    "tx2",
    "Linux version 4.9.253-tegra (buildbrain@mobile-u64-5494-d8000) "
    "(gcc version 7.3.1 20180425 [linaro-7.3-2018.05 revision "
    "d29120a424ecfbc167ef90065c0eeb7f91977701] (Linaro GCC 7.3-2018.05) ) "
    "#1 SMP PREEMPT Sat Feb 19 08:59:22 PST 2022\n",
    N(tx2_cpus),
    tx2_cpus,
    NULL,
    FK_TOPO_4_9,
    "tegra_cpufreq",
    "interactive conservative ondemand userspace powersave performance "
    "schedutil \n",
    "schedutil",
    300000,
    false,
    false,
    tx2_policies,
    N(tx2_policies),
    tx2_zones,
    N(tx2_zones),
    FK_ENERGY_INA3221_IIO,
    false,
};

/* -- Jetson Orin NX 16GB (L4T R35, kernel 5.10, driver tegra194) -- */

static const struct fk_coretype orin_a78ae = {
    0x41,
    0x0,
    0xd42,
    1,
    "62.50",
    "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid "
    "asimdrdm lrcpc dcpop asimddp uscat ilrcpc flagm paca pacg"};
/* Before 5.16 arm64 reports each cpu-map cluster as a package. */
static const struct fk_cpu orin_cpus[] = {
    {0, 0, 0, &orin_a78ae}, {0, 1, 0, &orin_a78ae}, {0, 2, 0, &orin_a78ae},
    {0, 3, 0, &orin_a78ae}, {1, 0, 1, &orin_a78ae}, {1, 1, 1, &orin_a78ae},
    {1, 2, 1, &orin_a78ae}, {1, 3, 1, &orin_a78ae},
};
/* 12 steps of the driver's table grid plus ndiv_max, as init_freq_table
 * builds it; 13 levels 115.2-1984 MHz as in the ZeroDVFS paper. */
static const unsigned orin_khz[] = {
    115200,  268800,  422400,  576000,  729600,  883200,  1036800,
    1190400, 1344000, 1497600, 1651200, 1804800, 1984000,
};
static const struct fk_policy orin_policies[] = {
    {0, 0x0f, orin_khz, N(orin_khz), 0, 0, 729600},
    {4, 0xf0, orin_khz, N(orin_khz), 0, 0, 729600},
};
/* Trips of tegra234-p3767.dtsi (mainline, before the move to tj-thermal). */
static const struct fk_trip orin_soc_trips[] = {
    {"critical", 104500, 0},
    {"hot", 99000, 1000},
    {"passive", 95000, 2000},
};
static const struct fk_trip orin_tj_trips[] = {
    {"active", 74000, 4000},
    {"active", 95000, 4000},
};
static const struct fk_zone orin_zones[] = {
    {"cpu-thermal", 43531, orin_soc_trips, N(orin_soc_trips), FK_RO},
    {"gpu-thermal", 42937, orin_soc_trips, N(orin_soc_trips), FK_RO},
    {"soc0-thermal", 41218, orin_soc_trips, N(orin_soc_trips), FK_RO},
    {"soc1-thermal", 41843, orin_soc_trips, N(orin_soc_trips), FK_RO},
    {"soc2-thermal", 42531, orin_soc_trips, N(orin_soc_trips), FK_RO},
    {"tj-thermal", 43531, orin_tj_trips, N(orin_tj_trips), FK_RO},
};
static const struct fk_board orin_board = {
    "orin",
    "Linux version 5.10.120-tegra (buildbrain@mobile-u64-5333-d8000) "
    "(aarch64-buildroot-linux-gnu-gcc.br_real (Buildroot 2020.08) 9.3.0, "
    "GNU ld (GNU Binutils) 2.33.1) #1 SMP PREEMPT Tue Aug 1 12:32:50 PDT "
    "2023\n",
    N(orin_cpus),
    orin_cpus,
    NULL,
    FK_TOPO_5_10,
    "tegra194",
    "conservative ondemand userspace powersave performance schedutil \n",
    "schedutil",
    300000,
    false,
    false,
    orin_policies,
    N(orin_policies),
    orin_zones,
    N(orin_zones),
    FK_ENERGY_INA3221_HWMON,
    false,
};

/* -- RUBIK Pi 3, QCS6490 (kernel 6.6, driver qcom-cpufreq-hw) -- */

#define RUBIK_FEATURES                                                         \
	"fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp "     \
	"cpuid "                                                               \
	"asimdrdm lrcpc dcpop asimddp"
static const struct fk_coretype rubik_a55 = {0x41, 0x2,     0xd05,
					     0,    "38.40", RUBIK_FEATURES};
static const struct fk_coretype rubik_a78 = {0x41, 0x1,     0xd41,
					     0,    "38.40", RUBIK_FEATURES};
/* sc7280.dtsi has one cpu-map cluster holding all eight cores. */
static const struct fk_cpu rubik_cpus[] = {
    {0, 0, 0, &rubik_a55}, {0, 1, 0, &rubik_a55}, {0, 2, 0, &rubik_a55},
    {0, 3, 0, &rubik_a55}, {0, 4, 0, &rubik_a78}, {0, 5, 0, &rubik_a78},
    {0, 6, 0, &rubik_a78}, {0, 7, 0, &rubik_a78},
};
/* The EPSS LUT tables as sc7280.dtsi's cpu0/cpu4/cpu7_opp_table list them
 * (rubikpi-ai/linux, the RUBIK Pi 3 kernel). */
static const unsigned rubik_a55_khz[] = {
    300000,  691200,  806400,  940800,  1152000, 1324800,
    1516800, 1651200, 1804800, 1958400, 2016000,
};
static const unsigned rubik_a78_khz[] = {
    691200,  940800,  1228800, 1344000, 1516800, 1651200, 1900800,
    2054400, 2112000, 2131200, 2208000, 2400000, 2611200,
};
static const unsigned rubik_prime_khz[] = {
    806400,  1056000, 1324800, 1516800, 1766400, 1862400, 2035200,
    2112000, 2208000, 2380800, 2400000, 2515200, 2707200, 3014400,
};
/* Three cpufreq-hw domains: cpu0-3, cpu4-6 and the prime core cpu7. */
static const struct fk_policy rubik_policies[] = {
    {0, 0x0f, rubik_a55_khz, N(rubik_a55_khz), 0, 0, 691200},
    {4, 0x70, rubik_a78_khz, N(rubik_a78_khz), 0, 0, 691200},
    {7, 0x80, rubik_prime_khz, N(rubik_prime_khz), 0, 0, 806400},
};
/* Trips as in sc7280.dtsi. */
static const struct fk_trip rubik_cpu_trips[] = {
    {"passive", 90000, 2000},
    {"passive", 95000, 2000},
    {"critical", 110000, 0},
};
static const struct fk_trip rubik_hot_trips[] = {
    {"hot", 90000, 2000},
    {"critical", 110000, 0},
};
static const struct fk_trip rubik_gpu_trips[] = {
    {"passive", 95000, 2000},
    {"critical", 110000, 0},
};
#define RUBIK_CPU_ZONE(name, t)                                                \
	{                                                                      \
		name, t, rubik_cpu_trips, N(rubik_cpu_trips), FK_RO            \
	}
#define RUBIK_HOT_ZONE(name, t)                                                \
	{                                                                      \
		name, t, rubik_hot_trips, N(rubik_hot_trips), FK_RO            \
	}
static const struct fk_zone rubik_zones[] = {
    RUBIK_CPU_ZONE("cpu0-thermal", 45500),
    RUBIK_CPU_ZONE("cpu1-thermal", 45800),
    RUBIK_CPU_ZONE("cpu2-thermal", 45200),
    RUBIK_CPU_ZONE("cpu3-thermal", 45600),
    RUBIK_CPU_ZONE("cpu4-thermal", 47100),
    RUBIK_CPU_ZONE("cpu5-thermal", 47400),
    RUBIK_CPU_ZONE("cpu6-thermal", 46900),
    RUBIK_CPU_ZONE("cpu7-thermal", 47700),
    RUBIK_CPU_ZONE("cpu8-thermal", 47300),
    RUBIK_CPU_ZONE("cpu9-thermal", 47000),
    RUBIK_CPU_ZONE("cpu10-thermal", 47500),
    RUBIK_CPU_ZONE("cpu11-thermal", 47200),
    RUBIK_HOT_ZONE("aoss0-thermal", 44100),
    RUBIK_HOT_ZONE("aoss1-thermal", 44300),
    RUBIK_HOT_ZONE("cpuss0-thermal", 45900),
    RUBIK_HOT_ZONE("cpuss1-thermal", 46200),
    {"gpuss0-thermal", 43800, rubik_gpu_trips, N(rubik_gpu_trips), FK_RO},
    {"gpuss1-thermal", 43900, rubik_gpu_trips, N(rubik_gpu_trips), FK_RO},
    RUBIK_HOT_ZONE("nspss0-thermal", 43600),
    RUBIK_HOT_ZONE("nspss1-thermal", 43700),
    RUBIK_HOT_ZONE("video-thermal", 43500),
    RUBIK_HOT_ZONE("ddr-thermal", 44000),
};
static const struct fk_board rubik_board = {
    "rubik",
    "Linux version 6.6.52-qli-1.3-ver.1.1 (oe-user@oe-host) "
    "(aarch64-qcom-linux-gcc (GCC) 13.3.0, GNU ld (GNU Binutils) "
    "2.42.0.20240716) "
    "#1 SMP PREEMPT Thu Nov 14 09:28:49 UTC 2024\n",
    N(rubik_cpus),
    rubik_cpus,
    NULL,
    FK_TOPO_6_ARM,
    "qcom-cpufreq-hw",
    "conservative powersave performance schedutil \n",
    "schedutil",
    0,
    false,
    true,
    rubik_policies,
    N(rubik_policies),
    rubik_zones,
    N(rubik_zones),
    FK_ENERGY_NONE,
    false,
};

/* -- Intel Core i7-8700, HT off (Debian 12, kernel 6.1, intel_pstate) -- */

#define X86_FLAGS_COMMON                                                       \
	"fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat "   \
	"pse36 "                                                               \
	"clflush mmx fxsr sse sse2 ss syscall nx pdpe1gb rdtscp lm "           \
	"constant_tsc "                                                        \
	"arch_perfmon rep_good nopl xtopology cpuid pni pclmulqdq ssse3 fma "  \
	"cx16 "                                                                \
	"pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave " \
	"avx "                                                                 \
	"f16c rdrand lahf_lm abm 3dnowprefetch invpcid_single ssbd ibrs ibpb " \
	"stibp "                                                               \
	"fsgsbase bmi1 avx2 smep bmi2 erms invpcid rdseed adx smap "           \
	"clflushopt "                                                          \
	"xsaveopt xsavec xgetbv1 xsaves arat md_clear arch_capabilities"
static const struct fk_x86 intel_x86 = {
    "Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz",
    158,
    10,
    "0xf8",
    12288,
    "800.000",
    2,
    "6399.96",
    X86_FLAGS_COMMON
    " dts acpi ht tm pbe pebs bts nonstop_tsc aperfmperf "
    "dtes64 monitor ds_cpl vmx est tm2 sdbg xtpr pdcm epb tpr_shadow "
    "flexpriority ept vpid ept_ad tsc_adjust intel_pt dtherm ida pln pts "
    "hwp hwp_notify hwp_act_window hwp_epp flush_l1d"};
/* cluster_id on x86 is the L2 id: one per core on Coffee Lake. */
static const struct fk_cpu intel_cpus[] = {
    {0, 0, 0, NULL}, {0, 1, 1, NULL}, {0, 2, 2, NULL},
    {0, 3, 3, NULL}, {0, 4, 4, NULL}, {0, 5, 5, NULL},
};
/* intel_pstate has one policy per CPU and no frequency table. */
static const struct fk_policy intel_policies[] = {
    {0, 0x01, NULL, 0, 800000, 4600000, 800021},
    {1, 0x02, NULL, 0, 800000, 4600000, 4299878},
    {2, 0x04, NULL, 0, 800000, 4600000, 800147},
    {3, 0x08, NULL, 0, 800000, 4600000, 1131420},
    {4, 0x10, NULL, 0, 800000, 4600000, 800009},
    {5, 0x20, NULL, 0, 800000, 4600000, 800232},
};
static const struct fk_trip intel_acpitz_trips[] = {{"critical", 119000, 0}};
/* x86_pkg_temp trips are the package thermal interrupt thresholds: 0 until
 * someone sets them, and writable. */
static const struct fk_trip intel_pkg_trips[] = {{"passive", 0, 0},
						 {"passive", 0, 0}};
static const struct fk_zone intel_zones[] = {
    {"acpitz", 27800, intel_acpitz_trips, N(intel_acpitz_trips), FK_RO},
    {"x86_pkg_temp", 45000, intel_pkg_trips, N(intel_pkg_trips), FK_RW},
};
static const struct fk_board intel_board = {
    "intel",
    "Linux version 6.1.0-27-amd64 (debian-kernel@lists.debian.org) "
    "(gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) "
    "#1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01)\n",
    N(intel_cpus),
    intel_cpus,
    &intel_x86,
    FK_TOPO_6_X86,
    "intel_pstate",
    "performance powersave\n", /* setpolicy drivers: fixed, no trailing space */
    "powersave",
    0,
    true,
    false,
    intel_policies,
    N(intel_policies),
    intel_zones,
    N(intel_zones),
    FK_ENERGY_RAPL,
    false,
};

/* -- The same i7-8700 booted with intel_pstate=disable: acpi-cpufreq -- */

/* The BIOS _PSS table: base 3.2 GHz down to 800 MHz in 200 MHz steps and
 * the turbo entry, 1 MHz above base (Linux intel_pstate.rst: the whole
 * turbo range is one _PSS item, base + 1 MHz). Rising here, printed
 * falling as acpi-cpufreq keeps _PSS order. */
static const unsigned i7acpi_khz[] = {
    800000,  1000000, 1200000, 1400000, 1600000, 1800000, 2000000,
    2200000, 2400000, 2600000, 2800000, 3000000, 3200000, 3201000,
};
/* Per-CPU policies: Intel BIOSes declare hardware coordination (_PSD
 * HW_ALL), so each CPU is its own policy. */
static const struct fk_policy i7acpi_policies[] = {
    {0, 0x01, i7acpi_khz, N(i7acpi_khz), 0, 0, 800000},
    {1, 0x02, i7acpi_khz, N(i7acpi_khz), 0, 0, 3201000},
    {2, 0x04, i7acpi_khz, N(i7acpi_khz), 0, 0, 800000},
    {3, 0x08, i7acpi_khz, N(i7acpi_khz), 0, 0, 1400000},
    {4, 0x10, i7acpi_khz, N(i7acpi_khz), 0, 0, 800000},
    {5, 0x20, i7acpi_khz, N(i7acpi_khz), 0, 0, 800000},
};
static const struct fk_board i7acpi_board = {
    "i7-acpi",
    "Linux version 6.1.0-27-amd64 (debian-kernel@lists.debian.org) "
    "(gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) "
    "#1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01)\n",
    N(intel_cpus),
    intel_cpus,
    &intel_x86,
    FK_TOPO_6_X86,
    "acpi-cpufreq",
    "conservative ondemand userspace powersave performance schedutil \n",
    "schedutil",
    10000, /* FFH P-state control: 10 us, as the _PSS entries give */
    false,
    false,
    i7acpi_policies,
    N(i7acpi_policies),
    intel_zones,
    N(intel_zones),
    FK_ENERGY_RAPL,
    true,
};

/* -- KVM guest, 4 vCPUs (Debian 12, kernel 6.1): no cpufreq at all -- */

static const struct fk_x86 vm_x86 = {"Intel Xeon Processor (Skylake, IBRS)",
				     85,
				     4,
				     "0x1",
				     16384,
				     "2099.998",
				     1,
				     "4199.99",
				     X86_FLAGS_COMMON
				     " hypervisor tsc_known_freq"};
static const struct fk_cpu vm_cpus[] = {
    {0, 0, 0, NULL},
    {0, 1, 1, NULL},
    {0, 2, 2, NULL},
    {0, 3, 3, NULL},
};
static const struct fk_board vm_board = {
    "vm",
    "Linux version 6.1.0-27-amd64 (debian-kernel@lists.debian.org) "
    "(gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) "
    "#1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01)\n",
    N(vm_cpus),
    vm_cpus,
    &vm_x86,
    FK_TOPO_6_X86,
    NULL,
    NULL,
    NULL,
    0,
    false,
    false,
    NULL,
    0,
    NULL,
    0,
    FK_ENERGY_NONE,
    false,
};

static const struct fk_board *const fk_boards[] = {
    [ZT_FAKE_TX2] = &tx2_board,     [ZT_FAKE_ORIN] = &orin_board,
    [ZT_FAKE_RUBIK] = &rubik_board, [ZT_FAKE_INTEL] = &intel_board,
    [ZT_FAKE_VM] = &vm_board,       [ZT_FAKE_I7ACPI] = &i7acpi_board,
};

/* ------------------------------------------------------------------ */
/* Writing files relative to the root                                  */
/* ------------------------------------------------------------------ */

/* A build in progress. The first failure sticks and makes every later
 * call a no-op, so builders read as plain lists of files. */
struct fk {
	int rootfd;
	int err; /* 0 or the first -errno */
};

static void fk_fail(struct fk *f, int err)
{
	if (f->err == 0)
		f->err = err;
}

static bool fk_join(char *out, size_t len, const char *dir, const char *name)
{
	int n = snprintf(out, len, "%s/%s", dir, name);

	return n >= 0 && (size_t)n < len;
}

/* mkdir -p DIR under the root. */
static void fk_mkdirs(struct fk *f, const char *dir)
{
	char buf[PATH_MAX];
	int n = snprintf(buf, sizeof(buf), "%s", dir);

	if (f->err)
		return;
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		fk_fail(f, -ENAMETOOLONG);
		return;
	}
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdirat(f->rootfd, buf, 0755) != 0 && errno != EEXIST) {
			fk_fail(f, -errno);
			return;
		}
		if (c == '\0')
			return;
		*p = c;
	}
}

static int fk_write_all(int fd, const char *text, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, text, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Creates DIR/NAME (and DIR) holding the formatted text, with MODE. */
__attribute__((format(printf, 5, 6))) static void
fk_put(struct fk *f, const char *dir, const char *name, mode_t mode,
       const char *fmt, ...)
{
	char path[PATH_MAX], text[FK_TEXT_MAX];
	va_list ap;
	int n, fd, err;

	if (f->err)
		return;
	if (!fk_join(path, sizeof(path), dir, name)) {
		fk_fail(f, -ENAMETOOLONG);
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(text)) {
		fk_fail(f, -EOVERFLOW);
		return;
	}
	fk_mkdirs(f, dir);
	if (f->err)
		return;
	fd = openat(f->rootfd, path,
		    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		fk_fail(f, -errno);
		return;
	}
	err = fk_write_all(fd, text, (size_t)n);
	/* fchmod after writing: the mode must not depend on the umask. */
	if (err == 0 && fchmod(fd, mode) != 0)
		err = -errno;
	if (close(fd) != 0 && err == 0)
		err = -errno;
	if (err)
		fk_fail(f, err);
}

/* Creates the symlink DIR/NAME -> TARGET (TARGET relative, as in sysfs). */
static void fk_link(struct fk *f, const char *dir, const char *name,
		    const char *target)
{
	char path[PATH_MAX];

	if (f->err)
		return;
	if (!fk_join(path, sizeof(path), dir, name)) {
		fk_fail(f, -ENAMETOOLONG);
		return;
	}
	fk_mkdirs(f, dir);
	if (f->err == 0 && symlinkat(target, f->rootfd, path) != 0)
		fk_fail(f, -errno);
}

/* snprintf into a fixed buffer; overflow fails the build. */
__attribute__((format(printf, 4, 5))) static void
fk_fmt(struct fk *f, char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		buf[0] = '\0';
		fk_fail(f, -ENAMETOOLONG);
	}
}

/* ------------------------------------------------------------------ */
/* CPU masks in the kernel's three spellings                           */
/* ------------------------------------------------------------------ */

/* cpufreq_show_cpus(): "0 3 4 5" */
static void mask_spaced(unsigned mask, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned cpu = 0; cpu < FK_MAX_CPUS; cpu++) {
		if (!(mask & (1u << cpu)))
			continue;
		int n =
		    snprintf(buf + used, len - used, used ? " %u" : "%u", cpu);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

/* "%*pbl": "0,3-5" */
static void mask_list(unsigned mask, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned cpu = 0; cpu < FK_MAX_CPUS; cpu++) {
		if (!(mask & (1u << cpu)))
			continue;
		unsigned last = cpu;
		while (last + 1 < FK_MAX_CPUS && (mask & (1u << (last + 1))))
			last++;
		const char *sep = used ? "," : "";
		int n = last == cpu
		    ? snprintf(buf + used, len - used, "%s%u", sep, cpu)
		    : snprintf(buf + used, len - used, "%s%u-%u", sep, cpu,
			       last);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
		cpu = last;
	}
}

/* "%*pb" with nr_cpu_ids bits: zero-padded hex, one digit per 4 CPUs. */
static void mask_hex(unsigned mask, unsigned ncpus, char *buf, size_t len)
{
	snprintf(buf, len, "%0*x", (int)((ncpus + 3) / 4), mask);
}

static unsigned mask_where(const struct fk_board *b, unsigned cpu,
			   bool same_package, bool same_cluster, bool same_core)
{
	const struct fk_cpu *me = &b->cpus[cpu];
	unsigned mask = 0;

	for (unsigned i = 0; i < b->ncpus; i++) {
		const struct fk_cpu *c = &b->cpus[i];
		if (same_package && c->package != me->package)
			continue;
		if (same_cluster && c->cluster != me->cluster)
			continue;
		if (same_core &&
		    (c->core != me->core || c->package != me->package))
			continue;
		mask |= 1u << i;
	}
	return mask;
}

/* Writes NAME (hex mask) and NAME_list (list) into DIR. */
static void fk_put_mask(struct fk *f, const struct fk_board *b, const char *dir,
			const char *name, unsigned mask)
{
	char hex[64], list[128], name_list[64];

	mask_hex(mask, b->ncpus, hex, sizeof(hex));
	mask_list(mask, list, sizeof(list));
	fk_fmt(f, name_list, sizeof(name_list), "%s_list", name);
	fk_put(f, dir, name, FK_RO, "%s\n", hex);
	fk_put(f, dir, name_list, FK_RO, "%s\n", list);
}

/* ------------------------------------------------------------------ */
/* sys/devices/system/cpu and /proc                                    */
/* ------------------------------------------------------------------ */

static void fk_topology(struct fk *f, const struct fk_board *b, unsigned cpu)
{
	const struct fk_cpu *c = &b->cpus[cpu];
	unsigned package = mask_where(b, cpu, true, false, false);
	unsigned core = mask_where(b, cpu, true, false, true);
	char dir[128];

	fk_fmt(f, dir, sizeof(dir), "sys/devices/system/cpu/cpu%u/topology",
	       cpu);
	fk_put(f, dir, "physical_package_id", FK_RO, "%u\n", c->package);
	fk_put(f, dir, "core_id", FK_RO, "%u\n", c->core);
	fk_put_mask(f, b, dir, "core_siblings", package);
	fk_put_mask(f, b, dir, "thread_siblings", core);
	if (b->topo >= FK_TOPO_5_10) {
		fk_put_mask(f, b, dir, "core_cpus", core);
		fk_put_mask(f, b, dir, "package_cpus", package);
	}
	if (b->topo >= FK_TOPO_6_ARM) {
		fk_put(f, dir, "cluster_id", FK_RO, "%u\n", c->cluster);
		fk_put_mask(f, b, dir, "cluster_cpus",
			    mask_where(b, cpu, true, true, false));
	}
	if (b->topo == FK_TOPO_6_X86) {
		fk_put(f, dir, "die_id", FK_RO, "%u\n", 0u);
		fk_put_mask(f, b, dir, "die_cpus", package);
	}
}

static void fk_cpus(struct fk *f, const struct fk_board *b)
{
	const char *top = "sys/devices/system/cpu";
	unsigned all = (b->ncpus >= FK_MAX_CPUS) ? ~0u : (1u << b->ncpus) - 1;
	char list[128], dir[128];

	mask_list(all, list, sizeof(list));
	fk_put(f, top, "possible", FK_RO, "%s\n", list);
	fk_put(f, top, "present", FK_RO, "%s\n", list);
	fk_put(f, top, "online", FK_RO, "%s\n", list);
	fk_put(f, top, "offline", FK_RO, "\n");
	for (unsigned cpu = 0; cpu < b->ncpus; cpu++) {
		fk_fmt(f, dir, sizeof(dir), "%s/cpu%u", top, cpu);
		/* The boot CPU cannot be unplugged, so it has no "online". */
		if (cpu != 0)
			fk_put(f, dir, "online", FK_RW, "1\n");
		fk_topology(f, b, cpu);
	}
}

static void fk_proc_stat(struct fk *f, const struct fk_board *b)
{
	char text[FK_TEXT_MAX];
	unsigned long long sum[10] = {0};
	unsigned long long v[FK_MAX_CPUS][10];
	size_t used = 0;

	/* Plausible tick counts a few hours after boot; the backend only
	 * looks at differences between two reads. */
	for (unsigned cpu = 0; cpu < b->ncpus; cpu++) {
		unsigned long long row[10] = {
		    152340ULL + 3911ULL * cpu,
		    12ULL + cpu,
		    40511ULL + 977ULL * cpu,
		    2310042ULL + 1513ULL * cpu,
		    1204ULL + 31ULL * cpu,
		    0,
		    731ULL + 13ULL * cpu,
		    0,
		    0,
		    0,
		};
		for (int i = 0; i < 10; i++) {
			v[cpu][i] = row[i];
			sum[i] += row[i];
		}
	}
#define STAT_FMT "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu\n"
#define STAT_ARGS(a) a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]
	used += (size_t)snprintf(text + used, sizeof(text) - used,
				 "cpu  " STAT_FMT, STAT_ARGS(sum));
	for (unsigned cpu = 0; cpu < b->ncpus && used < sizeof(text); cpu++)
		used +=
		    (size_t)snprintf(text + used, sizeof(text) - used,
				     "cpu%u " STAT_FMT, cpu, STAT_ARGS(v[cpu]));
#undef STAT_FMT
#undef STAT_ARGS
	if (used >= sizeof(text)) {
		fk_fail(f, -EOVERFLOW);
		return;
	}
	fk_put(
	    f, "proc", "stat", FK_RO,
	    "%sintr 48213907 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
	    "ctxt 91834551\n"
	    "btime 1732262400\n"
	    "processes 40312\n"
	    "procs_running 1\n"
	    "procs_blocked 0\n"
	    "softirq 20411877 3 5102256 21 389771 0 0 331 9101442 0 5518053\n",
	    text);
}

static void fk_cpuinfo_arm64(struct fk *f, const struct fk_board *b)
{
	char text[FK_TEXT_MAX];
	size_t used = 0;

	for (unsigned cpu = 0; cpu < b->ncpus && used < sizeof(text); cpu++) {
		const struct fk_coretype *t = b->cpus[cpu].type;
		used += (size_t)snprintf(text + used, sizeof(text) - used,
					 "processor\t: %u\n"
					 "BogoMIPS\t: %s\n"
					 "Features\t: %s\n"
					 "CPU implementer\t: 0x%02x\n"
					 "CPU architecture: 8\n"
					 "CPU variant\t: 0x%x\n"
					 "CPU part\t: 0x%03x\n"
					 "CPU revision\t: %u\n\n",
					 cpu, t->bogomips, t->features,
					 t->implementer, t->variant, t->part,
					 t->revision);
	}
	if (used >= sizeof(text)) {
		fk_fail(f, -EOVERFLOW);
		return;
	}
	fk_put(f, "proc", "cpuinfo", FK_RO, "%s", text);
}

static void fk_cpuinfo_x86(struct fk *f, const struct fk_board *b)
{
	const struct fk_x86 *x = b->x86;
	char text[FK_TEXT_MAX];
	size_t used = 0;

	for (unsigned cpu = 0; cpu < b->ncpus && used < sizeof(text); cpu++) {
		unsigned core = b->cpus[cpu].core;
		used += (size_t)snprintf(
		    text + used, sizeof(text) - used,
		    "processor\t: %u\n"
		    "vendor_id\t: GenuineIntel\n"
		    "cpu family\t: 6\n"
		    "model\t\t: %u\n"
		    "model name\t: %s\n"
		    "stepping\t: %u\n"
		    "microcode\t: %s\n"
		    "cpu MHz\t\t: %s\n"
		    "cache size\t: %u KB\n"
		    "physical id\t: 0\n"
		    "siblings\t: %u\n"
		    "core id\t\t: %u\n"
		    "cpu cores\t: %u\n"
		    "apicid\t\t: %u\n"
		    "initial apicid\t: %u\n"
		    "fpu\t\t: yes\n"
		    "fpu_exception\t: yes\n"
		    "cpuid level\t: 22\n"
		    "wp\t\t: yes\n"
		    "flags\t\t: %s\n"
		    "bogomips\t: %s\n"
		    "clflush size\t: 64\n"
		    "cache_alignment\t: 64\n"
		    "address sizes\t: 39 bits physical, 48 bits virtual\n"
		    "power management:\n\n",
		    cpu, x->model, x->model_name, x->stepping, x->microcode,
		    x->mhz, x->cache_kb, b->ncpus, core, b->ncpus,
		    core * x->apic_stride, core * x->apic_stride, x->flags,
		    x->bogomips);
	}
	if (used >= sizeof(text)) {
		fk_fail(f, -EOVERFLOW);
		return;
	}
	fk_put(f, "proc", "cpuinfo", FK_RO, "%s", text);
}

static void fk_proc(struct fk *f, const struct fk_board *b)
{
	fk_put(f, "proc", "version", FK_RO, "%s", b->version);
	fk_proc_stat(f, b);
	if (b->x86)
		fk_cpuinfo_x86(f, b);
	else
		fk_cpuinfo_arm64(f, b);
}

/* ------------------------------------------------------------------ */
/* cpufreq                                                             */
/* ------------------------------------------------------------------ */

static void fk_policy(struct fk *f, const struct fk_board *b,
		      const struct fk_policy *p)
{
	unsigned min = p->nkhz ? p->khz[0] : p->min_khz;
	unsigned max = p->nkhz ? p->khz[p->nkhz - 1] : p->max_khz;
	char dir[128], cpus[128];

	fk_fmt(f, dir, sizeof(dir), "sys/devices/system/cpu/cpufreq/policy%u",
	       p->first);
	mask_spaced(p->mask, cpus, sizeof(cpus));
	fk_put(f, dir, "affected_cpus", FK_RO, "%s\n", cpus);
	fk_put(f, dir, "related_cpus", FK_RO, "%s\n", cpus);
	fk_put(f, dir, "cpuinfo_min_freq", FK_RO, "%u\n", min);
	fk_put(f, dir, "cpuinfo_max_freq", FK_RO, "%u\n", max);
	fk_put(f, dir, "cpuinfo_transition_latency", FK_RO, "%u\n",
	       b->latency_ns);
	fk_put(f, dir, "scaling_min_freq", FK_RW, "%u\n", min);
	fk_put(f, dir, "scaling_max_freq", FK_RW, "%u\n", max);
	fk_put(f, dir, "scaling_cur_freq", FK_RO, "%u\n", p->cur_khz);
	fk_put(f, dir, "scaling_driver", FK_RO, "%s\n", b->driver);
	fk_put(f, dir, "scaling_governor", FK_RW, "%s\n", b->governor);
	fk_put(f, dir, "scaling_available_governors", FK_RO, "%s",
	       b->governors);
	/* A default attribute of every policy; only the userspace governor
	 * has show_setspeed(). */
	if (strcmp(b->governor, "userspace") == 0)
		fk_put(f, dir, "scaling_setspeed", FK_RW, "%u\n", p->cur_khz);
	else
		fk_put(f, dir, "scaling_setspeed", FK_RW, "<unsupported>\n");
	if (!b->setpolicy) /* only drivers with ->get() have it, root-only */
		fk_put(f, dir, "cpuinfo_cur_freq", FK_ROOT, "%u\n", p->cur_khz);
	if (p->nkhz) {
		char text[1024];
		size_t used = 0;
		/* show_available_freqs(): "%d " per entry, then "\n";
		 * in table order, which acpi-cpufreq keeps falling */
		for (unsigned i = 0; i < p->nkhz && used < sizeof(text); i++)
			used += (size_t)snprintf(
			    text + used, sizeof(text) - used, "%u ",
			    p->khz[b->acpi ? p->nkhz - 1 - i : i]);
		if (used >= sizeof(text))
			fk_fail(f, -EOVERFLOW);
		else
			fk_put(f, dir, "scaling_available_frequencies", FK_RO,
			       "%s\n", text);
	}
	if (b->acpi) { /* acpi-cpufreq's own attributes */
		fk_put(f, dir, "bios_limit", FK_RO, "%u\n", max);
		fk_put(f, dir, "freqdomain_cpus", FK_RO, "0 1 2 3 4 5\n");
	}
	if (b->boost_freqs) /* same printer; no boost entries here */
		fk_put(f, dir, "scaling_boost_frequencies", FK_RO, "\n");
	if (b->setpolicy) { /* intel_pstate HWP attributes */
		fk_put(f, dir, "base_frequency", FK_RO, "%u\n", 3200000u);
		fk_put(f, dir, "energy_performance_preference", FK_RW,
		       "balance_performance\n");
		fk_put(f, dir, "energy_performance_available_preferences",
		       FK_RO,
		       "default performance balance_performance balance_power "
		       "power \n");
	}
}

static void fk_intel_pstate(struct fk *f)
{
	const char *dir = "sys/devices/system/cpu/intel_pstate";

	/* i7-8700: P-states 8..46 (x100 MHz), base 32. */
	fk_put(f, dir, "status", FK_RW, "active\n");
	fk_put(f, dir, "no_turbo", FK_RW, "0\n");
	fk_put(f, dir, "max_perf_pct", FK_RW, "100\n");
	fk_put(f, dir, "min_perf_pct", FK_RW, "18\n");
	fk_put(f, dir, "num_pstates", FK_RO, "39\n");
	fk_put(f, dir, "turbo_pct", FK_RO, "36\n");
	fk_put(f, dir, "hwp_dynamic_boost", FK_RW, "0\n");
}

static void fk_cpufreq(struct fk *f, const struct fk_board *b)
{
	char dir[128], target[64];

	/* The cpufreq core creates this directory even without a driver. */
	fk_mkdirs(f, "sys/devices/system/cpu/cpufreq");
	if (!b->driver)
		return;
	for (unsigned i = 0; i < b->npolicies; i++) {
		const struct fk_policy *p = &b->policies[i];
		fk_policy(f, b, p);
		for (unsigned cpu = 0; cpu < b->ncpus; cpu++) {
			if (!(p->mask & (1u << cpu)))
				continue;
			fk_fmt(f, dir, sizeof(dir),
			       "sys/devices/system/cpu/cpu%u", cpu);
			fk_fmt(f, target, sizeof(target), "../cpufreq/policy%u",
			       p->first);
			fk_link(f, dir, "cpufreq", target);
		}
	}
	if (b->setpolicy)
		fk_intel_pstate(f);
	if (b->acpi) /* drivers with boost support: the global switch */
		fk_put(f, "sys/devices/system/cpu/cpufreq", "boost", FK_RW,
		       "1\n");
}

/* ------------------------------------------------------------------ */
/* Thermal zones                                                       */
/* ------------------------------------------------------------------ */

static void fk_zone(struct fk *f, unsigned n, const struct fk_zone *z)
{
	char dir[128], name[64], target[96];

	fk_fmt(f, dir, sizeof(dir),
	       "sys/devices/virtual/thermal/thermal_zone%u", n);
	fk_put(f, dir, "type", FK_RO, "%s\n", z->type);
	fk_put(f, dir, "temp", FK_RO, "%d\n", z->temp_mc);
	fk_put(f, dir, "mode", FK_RW, "enabled\n");
	fk_put(f, dir, "policy", FK_RW, "step_wise\n");
	for (unsigned k = 0; k < z->ntrips; k++) {
		fk_fmt(f, name, sizeof(name), "trip_point_%u_temp", k);
		fk_put(f, dir, name, z->trip_mode, "%d\n", z->trips[k].temp_mc);
		fk_fmt(f, name, sizeof(name), "trip_point_%u_type", k);
		fk_put(f, dir, name, FK_RO, "%s\n", z->trips[k].type);
		fk_fmt(f, name, sizeof(name), "trip_point_%u_hyst", k);
		fk_put(f, dir, name, FK_RO, "%d\n", z->trips[k].hyst_mc);
	}
	fk_fmt(f, name, sizeof(name), "thermal_zone%u", n);
	fk_fmt(f, target, sizeof(target),
	       "../../devices/virtual/thermal/thermal_zone%u", n);
	fk_link(f, "sys/class/thermal", name, target);
}

static void fk_thermal(struct fk *f, const struct fk_board *b)
{
	fk_mkdirs(f, "sys/class/thermal");
	for (unsigned i = 0; i < b->nzones; i++)
		fk_zone(f, i, &b->zones[i]);
}

/* ------------------------------------------------------------------ */
/* Energy and power sensors                                            */
/* ------------------------------------------------------------------ */

struct fk_rail {
	const char *name;
	int mv, ma;
};

/* One INA3221 of the NVIDIA iio driver (L4T 4.9): values "%d\n". */
static void fk_ina_iio(struct fk *f, const char *addr, unsigned dev,
		       const struct fk_rail rails[3])
{
	char devdir[128], iio[160], name[64], target[160];

	fk_fmt(f, devdir, sizeof(devdir), "sys/devices/3160000.i2c/i2c-0/%s",
	       addr);
	fk_fmt(f, iio, sizeof(iio), "%s/iio:device%u", devdir, dev);
	fk_put(f, devdir, "name", FK_RO, "ina3221x\n");
	fk_put(f, iio, "name", FK_RO, "ina3221x\n");
	for (unsigned ch = 0; ch < 3; ch++) {
		const struct fk_rail *r = &rails[ch];
		int mw = r->mv * r->ma / 1000;
		fk_fmt(f, name, sizeof(name), "rail_name_%u", ch);
		fk_put(f, iio, name, FK_RW, "%s\n", r->name);
		fk_fmt(f, name, sizeof(name), "in_voltage%u_input", ch);
		fk_put(f, iio, name, FK_RO, "%d\n", r->mv);
		fk_fmt(f, name, sizeof(name), "in_current%u_input", ch);
		fk_put(f, iio, name, FK_RO, "%d\n", r->ma);
		fk_fmt(f, name, sizeof(name), "in_current%u_trigger_input", ch);
		fk_put(f, iio, name, FK_RO, "%d\n", r->ma);
		fk_fmt(f, name, sizeof(name), "in_power%u_input", ch);
		fk_put(f, iio, name, FK_RO, "%d\n", mw);
		fk_fmt(f, name, sizeof(name), "in_power%u_trigger_input", ch);
		fk_put(f, iio, name, FK_RO, "%d\n", mw);
	}
	fk_fmt(f, target, sizeof(target),
	       "../../../../devices/3160000.i2c/i2c-0/%s", addr);
	fk_link(f, "sys/bus/i2c/drivers/ina3221x", addr, target);
	fk_fmt(f, target, sizeof(target),
	       "../../../devices/3160000.i2c/i2c-0/%s", addr);
	fk_link(f, "sys/bus/i2c/devices", addr, target);
	fk_fmt(f, name, sizeof(name), "iio:device%u", dev);
	fk_fmt(f, target, sizeof(target),
	       "../../../devices/3160000.i2c/i2c-0/%s/iio:device%u", addr, dev);
	fk_link(f, "sys/bus/iio/devices", name, target);
}

static void fk_energy_tx2(struct fk *f)
{
	/* Channel map of the TX2 module (quill device tree, L4T 32). */
	static const struct fk_rail m40[3] = {
	    {"VDD_SYS_GPU", 19104, 24},
	    {"VDD_SYS_SOC", 19104, 40},
	    {"VDD_4V0_WIFI", 4008, 10},
	};
	static const struct fk_rail m41[3] = {
	    {"VDD_IN", 19104, 120},
	    {"VDD_SYS_CPU", 19104, 16},
	    {"VDD_SYS_DDR", 19104, 20},
	};

	fk_ina_iio(f, "0-0040", 0, m40);
	fk_ina_iio(f, "0-0041", 1, m41);
}

static void fk_energy_orin(struct fk *f)
{
	/* tegra234-p3767: INA3221 at 0x40 on i2c@c240000 (bus 1), 5 mOhm shunts. */
	static const struct fk_rail r[3] = {
	    {"VDD_IN", 5008, 1104},
	    {"VDD_CPU_GPU_CV", 5000, 312},
	    {"VDD_SOC", 5000, 288},
	};
	const char *dev = "sys/devices/platform/c240000.i2c/i2c-1/1-0040";
	const char *hw =
	    "sys/devices/platform/c240000.i2c/i2c-1/1-0040/hwmon/hwmon3";
	const int shunt_uohm = 5000;
	char name[64];
	int sum_ma = 0, sum_shunt_mv = 0;

	fk_put(f, dev, "name", FK_RO, "ina3221\n");
	fk_put(f, hw, "name", FK_RO, "ina3221\n");
	fk_link(f, hw, "device", "../../../1-0040");
	for (unsigned ch = 1; ch <= 3; ch++) {
		const struct fk_rail *x = &r[ch - 1];
		int shunt_mv = x->ma * shunt_uohm / 1000000;
		sum_ma += x->ma;
		sum_shunt_mv += shunt_mv;
		fk_fmt(f, name, sizeof(name), "in%u_label", ch);
		fk_put(f, hw, name, FK_RO, "%s\n", x->name);
		fk_fmt(f, name, sizeof(name), "in%u_enable", ch);
		fk_put(f, hw, name, FK_RW, "1\n");
		fk_fmt(f, name, sizeof(name), "in%u_input", ch);
		fk_put(f, hw, name, FK_RO, "%d\n", x->mv);
		fk_fmt(f, name, sizeof(name), "in%u_input",
		       ch + 3); /* shunt voltage */
		fk_put(f, hw, name, FK_RO, "%d\n", shunt_mv);
		fk_fmt(f, name, sizeof(name), "curr%u_input", ch);
		fk_put(f, hw, name, FK_RO, "%d\n", x->ma);
		/* Power-on limit registers (0x7ff8 = 163.8 mV over 5 mOhm). */
		fk_fmt(f, name, sizeof(name), "curr%u_crit", ch);
		fk_put(f, hw, name, FK_RW, "32760\n");
		fk_fmt(f, name, sizeof(name), "curr%u_crit_alarm", ch);
		fk_put(f, hw, name, FK_RO, "0\n");
		fk_fmt(f, name, sizeof(name), "curr%u_max", ch);
		fk_put(f, hw, name, FK_RW, "32760\n");
		fk_fmt(f, name, sizeof(name), "curr%u_max_alarm", ch);
		fk_put(f, hw, name, FK_RO, "0\n");
		fk_fmt(f, name, sizeof(name), "shunt%u_resistor", ch);
		fk_put(f, hw, name, FK_RW, "%d\n", shunt_uohm);
	}
	fk_put(f, hw, "in7_label", FK_RO, "sum of shunt voltages\n");
	fk_put(f, hw, "in7_input", FK_RO, "%d\n", sum_shunt_mv);
	fk_put(f, hw, "curr4_input", FK_RO, "%d\n", sum_ma);
	fk_put(f, hw, "curr4_crit", FK_RW, "32760\n");
	fk_put(f, hw, "curr4_crit_alarm", FK_RO, "0\n");
	fk_put(f, hw, "samples", FK_RW, "1\n");
	fk_put(f, hw, "update_interval", FK_RW, "7\n");
	fk_link(f, "sys/class/hwmon", "hwmon3",
		"../../devices/platform/c240000.i2c/i2c-1/1-0040/hwmon/hwmon3");
	fk_link(f, "sys/bus/i2c/drivers/ina3221", "1-0040",
		"../../../../devices/platform/c240000.i2c/i2c-1/1-0040");
	fk_link(f, "sys/bus/i2c/devices", "1-0040",
		"../../../devices/platform/c240000.i2c/i2c-1/1-0040");
}

struct fk_rapl {
	const char *dir; /* under sys/devices/virtual/powercap/intel-rapl */
	const char *id;  /* sys/class/powercap entry */
	const char *name;
	unsigned long long energy_uj;
	bool enabled;
	const char *limit_uw[2]; /* long_term, short_term; NULL: absent */
	const char *window_us[2];
};

static void fk_rapl_zone(struct fk *f, const struct fk_rapl *z)
{
	static const char *const cname[2] = {"long_term", "short_term"};
	char dir[160], name[64], target[160];

	fk_fmt(f, dir, sizeof(dir),
	       "sys/devices/virtual/powercap/intel-rapl/%s", z->dir);
	fk_put(f, dir, "name", FK_RO, "%s\n", z->name);
	/* Root-only since the 2020 PLATYPUS fix. */
	fk_put(f, dir, "energy_uj", FK_ROOT, "%llu\n", z->energy_uj);
	fk_put(f, dir, "max_energy_range_uj", FK_RO, "%llu\n", 262143328850ULL);
	fk_put(f, dir, "enabled", FK_RW, "%d\n", z->enabled ? 1 : 0);
	for (unsigned c = 0; c < 2; c++) {
		if (!z->limit_uw[c])
			continue;
		fk_fmt(f, name, sizeof(name), "constraint_%u_name", c);
		fk_put(f, dir, name, FK_RO, "%s\n", cname[c]);
		fk_fmt(f, name, sizeof(name), "constraint_%u_power_limit_uw",
		       c);
		fk_put(f, dir, name, FK_RW, "%s\n", z->limit_uw[c]);
		fk_fmt(f, name, sizeof(name), "constraint_%u_time_window_us",
		       c);
		fk_put(f, dir, name, FK_RW, "%s\n", z->window_us[c]);
	}
	fk_fmt(f, target, sizeof(target),
	       "../../devices/virtual/powercap/intel-rapl/%s", z->dir);
	fk_link(f, "sys/class/powercap", z->id, target);
}

static void fk_energy_intel(struct fk *f)
{
	/* i7-8700: PL1 65 W over 28 s, PL2 = 1.25 x PL1. */
	static const struct fk_rapl zones[] = {
	    {"intel-rapl:0",
	     "intel-rapl:0",
	     "package-0",
	     48213745612ULL,
	     true,
	     {"65000000", "81250000"},
	     {"27983872", "2440"}},
	    {"intel-rapl:0/intel-rapl:0:0",
	     "intel-rapl:0:0",
	     "core",
	     31876543210ULL,
	     false,
	     {"0", NULL},
	     {"976", NULL}},
	    {"intel-rapl:0/intel-rapl:0:1",
	     "intel-rapl:0:1",
	     "uncore",
	     1203456789ULL,
	     false,
	     {"0", NULL},
	     {"976", NULL}},
	};
	const char *hw;

	fk_put(f, "sys/devices/virtual/powercap/intel-rapl", "enabled", FK_RW,
	       "1\n");
	fk_link(f, "sys/class/powercap", "intel-rapl",
		"../../devices/virtual/powercap/intel-rapl");
	for (unsigned i = 0; i < N(zones); i++)
		fk_rapl_zone(f, &zones[i]);

	/* coretemp: per-core temperatures (temp2.. = Core 0..), and the
	 * hwmon the thermal core adds for acpitz, so a scan must pick. */
	hw = "sys/devices/virtual/thermal/thermal_zone0/hwmon0";
	fk_put(f, hw, "name", FK_RO, "acpitz\n");
	fk_put(f, hw, "temp1_input", FK_RO, "27800\n");
	fk_put(f, hw, "temp1_crit", FK_RO, "119000\n");
	fk_link(f, "sys/class/hwmon", "hwmon0",
		"../../devices/virtual/thermal/thermal_zone0/hwmon0");
	hw = "sys/devices/platform/coretemp.0/hwmon/hwmon1";
	fk_put(f, hw, "name", FK_RO, "coretemp\n");
	fk_put(f, hw, "temp1_label", FK_RO, "Package id 0\n");
	fk_put(f, hw, "temp1_input", FK_RO, "45000\n");
	fk_put(f, hw, "temp1_max", FK_RO, "80000\n");
	fk_put(f, hw, "temp1_crit", FK_RO, "100000\n");
	fk_put(f, hw, "temp1_crit_alarm", FK_RO, "0\n");
	for (unsigned core = 0; core < 6; core++) {
		char name[32];
		unsigned t = core + 2;
		fk_fmt(f, name, sizeof(name), "temp%u_label", t);
		fk_put(f, hw, name, FK_RO, "Core %u\n", core);
		fk_fmt(f, name, sizeof(name), "temp%u_input", t);
		fk_put(f, hw, name, FK_RO, "%u\n", 42000u + 1000u * core);
		fk_fmt(f, name, sizeof(name), "temp%u_max", t);
		fk_put(f, hw, name, FK_RO, "80000\n");
		fk_fmt(f, name, sizeof(name), "temp%u_crit", t);
		fk_put(f, hw, name, FK_RO, "100000\n");
		fk_fmt(f, name, sizeof(name), "temp%u_crit_alarm", t);
		fk_put(f, hw, name, FK_RO, "0\n");
	}
	fk_link(f, "sys/class/hwmon", "hwmon1",
		"../../devices/platform/coretemp.0/hwmon/hwmon1");
}

static void fk_energy(struct fk *f, const struct fk_board *b)
{
	switch (b->energy) {
	case FK_ENERGY_INA3221_IIO: fk_energy_tx2(f); break;
	case FK_ENERGY_INA3221_HWMON: fk_energy_orin(f); break;
	case FK_ENERGY_RAPL: fk_energy_intel(f); break;
	case FK_ENERGY_NONE: break;
	}
}

/* ------------------------------------------------------------------ */
/* Public functions                                                    */
/* ------------------------------------------------------------------ */

static const char *const fk_names[] = {
    [ZT_FAKE_TX2] = "tx2",     [ZT_FAKE_ORIN] = "orin",
    [ZT_FAKE_RUBIK] = "rubik", [ZT_FAKE_INTEL] = "intel",
    [ZT_FAKE_VM] = "vm",       [ZT_FAKE_I7ACPI] = "i7-acpi",
};

const char *zt_fake_kind_name(enum zt_fake_kind kind)
{
	if ((unsigned)kind >= N(fk_names))
		return "?";
	return fk_names[kind];
}

int zt_fake_kind_from_name(const char *name, enum zt_fake_kind *kind)
{
	if (!name || !kind)
		return -EINVAL;
	for (unsigned i = 0; i < N(fk_names); i++) {
		if (strcmp(name, fk_names[i]) == 0) {
			*kind = (enum zt_fake_kind)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* nftw callbacks: post-order (FTW_DEPTH), symlinks not followed (FTW_PHYS). */
static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DNR || flag == FTW_NS)
		return EACCES;
	return remove(path) == 0 ? 0 : errno;
}

static int rm_below_root(const char *path, const struct stat *st, int flag,
			 struct FTW *ftw)
{
	if (ftw->level == 0)
		return 0;
	return rm_entry(path, st, flag, ftw);
}

static int fk_walk(const char *root,
		   int (*fn)(const char *, const struct stat *, int,
			     struct FTW *))
{
	int r;

	errno = 0;
	r = nftw(root, fn, 16, FTW_DEPTH | FTW_PHYS);
	if (r == 0)
		return 0;
	if (r > 0)
		return -r; /* a callback's errno */
	return errno ? -errno : -EIO;
}

static int fk_is_empty_dir(const char *root)
{
	DIR *d = opendir(root);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return -errno;
	errno = 0;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0) {
			ret = -ENOTEMPTY;
			break;
		}
	}
	if (ret == 0 && errno != 0)
		ret = -errno;
	closedir(d);
	return ret;
}

int zt_fake_create(enum zt_fake_kind kind, const char *root)
{
	const struct fk_board *b;
	struct fk f = {-1, 0};
	int err;

	if (!root || !*root || (unsigned)kind >= N(fk_boards))
		return -EINVAL;
	b = fk_boards[kind];
	if (b->ncpus > FK_MAX_CPUS)
		return -EINVAL;
	err = fk_is_empty_dir(root);
	if (err)
		return err;
	f.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f.rootfd < 0)
		return -errno;

	fk_put(&f, ".", ZT_FAKE_MARKER, FK_RO, "zdvfs fake sysfs tree: %s\n",
	       b->name);
	fk_cpus(&f, b);
	fk_cpufreq(&f, b);
	fk_thermal(&f, b);
	fk_energy(&f, b);
	fk_proc(&f, b);

	close(f.rootfd);
	if (f.err)
		fk_walk(root, rm_below_root); /* leave ROOT empty, as it came */
	return f.err;
}

int zt_fake_remove(const char *root)
{
	char marker[PATH_MAX];
	struct stat st;

	if (!root || !*root || strcmp(root, "/") == 0)
		return -EINVAL;
	if (!fk_join(marker, sizeof(marker), root, ZT_FAKE_MARKER))
		return -ENAMETOOLONG;
	if (lstat(root, &st) != 0)
		return -errno;
	if (lstat(marker, &st) != 0)
		return errno == ENOENT ? -EPERM : -errno;
	return fk_walk(root, rm_entry);
}

/* ROOT/RELPATH into OUT; RELPATH must stay inside ROOT. */
static int fk_path(char *out, size_t len, const char *root, const char *rel)
{
	const char *p;

	if (!root || !rel || !*rel || rel[0] == '/')
		return -EINVAL;
	for (p = rel; (p = strstr(p, "..")) != NULL; p += 2) {
		bool starts = p == rel || p[-1] == '/';
		bool ends = p[2] == '\0' || p[2] == '/';
		if (starts && ends)
			return -EINVAL;
	}
	return fk_join(out, len, root, rel) ? 0 : -ENAMETOOLONG;
}

int zt_fake_write(const char *root, const char *relpath, const char *text)
{
	char path[PATH_MAX];
	struct stat st;
	size_t n;
	int fd, err, restore = 0;

	memset(&st, 0, sizeof(st));
	if (!text)
		return -EINVAL;
	err = fk_path(path, sizeof(path), root, relpath);
	if (err)
		return err;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0 && errno == EACCES && stat(path, &st) == 0 &&
	    chmod(path, st.st_mode | S_IWUSR) == 0) {
		/* A read-only attribute (temp, energy_uj): the test plays the
		 * kernel here, so lift the mode for this one write. */
		restore = 1;
		fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	}
	if (fd < 0) {
		err = -errno;
	} else {
		n = strlen(text);
		err = fk_write_all(fd, text, n);
		if (err == 0 && (n == 0 || text[n - 1] != '\n'))
			err = fk_write_all(fd, "\n", 1);
		if (close(fd) != 0 && err == 0)
			err = -errno;
	}
	if (restore && chmod(path, st.st_mode & 07777) != 0 && err == 0)
		err = -errno;
	return err;
}

int zt_fake_read(const char *root, const char *relpath, char *buf, size_t len)
{
	char path[PATH_MAX], chunk[512];
	size_t used = 0;
	bool held_nl = false; /* a newline read when BUF was already full */
	int fd, err;

	if (!buf || len == 0)
		return -EINVAL;
	buf[0] = '\0';
	err = fk_path(path, sizeof(path), root, relpath);
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (err == 0) {
		ssize_t r = read(fd, chunk, sizeof(chunk));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			err = -errno;
		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r && err == 0; i++) {
			if (held_nl)
				err = -EOVERFLOW; /* it was not the last byte */
			else if (used < len - 1)
				buf[used++] = chunk[i];
			else if (chunk[i] == '\n')
				held_nl = true; /* fine if it ends the file */
			else
				err = -EOVERFLOW;
		}
	}
	close(fd);
	if (err) {
		buf[0] = '\0';
		return err;
	}
	if (!held_nl && used > 0 && buf[used - 1] == '\n')
		used--;
	buf[used] = '\0';
	return used > INT_MAX ? -EOVERFLOW : (int)used;
}
