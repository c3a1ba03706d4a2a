/* mkfakesys.c - `mkfakesys KIND DIR`: builds a fake sysfs/procfs tree of a
 * real board under DIR for shell tests (see fakesys.h).
 *
 * Exit status: 0 tree built, 1 it could not be built, 2 bad usage.
 */
#define _XOPEN_SOURCE 700

#include "fakesys.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: mkfakesys KIND DIR\n"
    "Builds a fake /sys and /proc of a real board under DIR (created if\n"
    "missing, must be empty), for the Linux backend's tests.\n"
    "KIND: tx2, orin, rubik, intel, vm, i7-acpi\n";

/* mkdir -p PATH; 0 or -errno. */
static int make_dirs(const char *path)
{
	char buf[PATH_MAX];
	int n = snprintf(buf, sizeof(buf), "%s", path);

	if (n < 0 || (size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -errno;
		if (c == '\0')
			return 0;
		*p = c;
	}
}

int main(int argc, char **argv)
{
	enum zt_fake_kind kind;
	int err;

	if (argc == 2 &&
	    (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc != 3) {
		fputs(usage, stderr);
		return 2;
	}
	if (zt_fake_kind_from_name(argv[1], &kind) != 0) {
		fprintf(stderr,
			"mkfakesys: unknown kind '%s' (want tx2, orin, rubik, "
			"intel, vm or i7-acpi)\n",
			argv[1]);
		return 2;
	}
	err = make_dirs(argv[2]);
	if (err) {
		fprintf(stderr, "mkfakesys: cannot create directory %s: %s\n",
			argv[2], strerror(-err));
		return 1;
	}
	err = zt_fake_create(kind, argv[2]);
	if (err == -ENOTEMPTY) {
		fprintf(stderr,
			"mkfakesys: %s is not empty; give an empty or missing "
			"directory\n",
			argv[2]);
		return 1;
	}
	if (err) {
		fprintf(stderr,
			"mkfakesys: cannot build the %s tree in %s: %s\n",
			argv[1], argv[2], strerror(-err));
		return 1;
	}
	return 0;
}
