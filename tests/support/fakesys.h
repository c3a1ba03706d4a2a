/* fakesys.h - builds fake Linux sysfs/procfs trees laid out like real boards
 * (same paths, file names and value formats), for tests of the Linux backend.
 *
 * A tree lives under a root directory; the backend under test reads
 * ROOT/sys/... and ROOT/proc/... exactly as it would read /sys and /proc
 * (like hwloc's HWLOC_FSROOT). tests/support/README.md lists what each kind
 * holds and where every value comes from.
 *
 * All functions return 0 (or a length) on success and a negative errno value
 * on failure; none prints anything.
 */
#ifndef ZDVFS_TESTS_FAKESYS_H
#define ZDVFS_TESTS_FAKESYS_H

#include <stddef.h>

enum zt_fake_kind {
	ZT_FAKE_TX2, /* Jetson TX2, L4T 32 (4.9): Denver2 + A57, INA3221 iio */
	ZT_FAKE_ORIN, /* Jetson Orin NX 16GB, L4T 35 (5.10): 2x4 A78AE, INA3221 hwmon */
	ZT_FAKE_RUBIK, /* RUBIK Pi 3 (QCS6490, 6.6): A55 + A78, no power sensor */
	ZT_FAKE_INTEL, /* Core i7-8700 (HT off), Debian 12 (6.1): intel_pstate, RAPL */
	ZT_FAKE_VM, /* 4-vCPU KVM guest, Debian 12: no cpufreq, thermal or energy */
	ZT_FAKE_I7ACPI, /* the same i7 with intel_pstate=disable: acpi-cpufreq */
};

/* Name of the file at the top of every tree; zt_fake_remove refuses a
 * directory without it, so a wrong path can never be wiped. Real trees do
 * not have it; backends only read under sys/ and proc/. */
#define ZT_FAKE_MARKER ".zt-fakesys"

/* Builds the tree of KIND under ROOT, which must exist and be empty.
 * On failure ROOT is left empty again. -ENOTEMPTY if ROOT is not empty. */
int zt_fake_create(enum zt_fake_kind kind, const char *root);

/* Deletes ROOT and everything under it (symlinks are removed, never
 * followed). -EPERM if ROOT is not a tree made by zt_fake_create. */
int zt_fake_remove(const char *root);

/* "tx2", "orin", "rubik", "intel", "vm", "i7-acpi" -> *kind; -EINVAL otherwise. */
int zt_fake_kind_from_name(const char *name, enum zt_fake_kind *kind);

/* The name zt_fake_kind_from_name accepts for KIND; "?" if out of range. */
const char *zt_fake_kind_name(enum zt_fake_kind kind);

/* Overwrites the existing file ROOT/RELPATH with TEXT (a newline is added
 * if TEXT lacks one, as the kernel always prints one). Writes in place, so a
 * descriptor the backend keeps open sees the new value, as on sysfs. Works on
 * read-only (0444/0400) files too. -ENOENT if the file does not exist,
 * -EINVAL if RELPATH is absolute or contains "..". */
int zt_fake_write(const char *root, const char *relpath, const char *text);

/* Reads ROOT/RELPATH into BUF (NUL-terminated, one trailing newline
 * stripped). Returns the length, or -EOVERFLOW if it does not fit in LEN. */
int zt_fake_read(const char *root, const char *relpath, char *buf, size_t len);

#endif /* ZDVFS_TESTS_FAKESYS_H */
