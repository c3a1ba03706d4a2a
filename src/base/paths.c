/* paths.c - finding shipped data at run time: the environment, then the
 * install prefix beside the executable, then the build tree it runs from. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdvfs/paths.h"

struct data_kind {
	const char *name; /* directory name, in share/zdvfs and the trees */
	const char *env;
	bool built; /* made by the build, not kept in the source tree */
};

static const struct data_kind kinds[] = {
    [ZD_DATA_PLATFORMS] = {"platforms", "ZDVFS_PLATFORM_DIR", false},
    [ZD_DATA_WORKLOADS] = {"workloads", "ZDVFS_WORKLOAD_DIR", false},
    [ZD_DATA_MODELS] = {"models", "ZDVFS_MODEL_DIR", true},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The directory of the running executable; "" if /proc is not there. */
static const char *exe_dir(void)
{
	static char dir[PATH_MAX];
	static bool done;
	if (!done) {
		done = true;
		ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
		dir[n > 0 ? n : 0] = '\0';
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			dir[0] = '\0';
	}
	return dir;
}

/* CMakeCache.txt names the source tree as CMAKE_HOME_DIRECTORY. */
static bool read_source_dir(const char *build, char *out, size_t len)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/CMakeCache.txt", build);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return false;
	static const char key[] = "CMAKE_HOME_DIRECTORY:INTERNAL=";
	char line[PATH_MAX + 64];
	bool found = false;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, sizeof(key) - 1) != 0)
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		snprintf(out, len, "%s", line + sizeof(key) - 1);
		found = out[0] != '\0';
	}
	fclose(f);
	return found;
}

static char build_dir[PATH_MAX], source_dir[PATH_MAX];

/* Tests and benchmarks sit one or two levels below the build directory. */
static void find_build_tree(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", exe_dir());
	for (int up = 0; up <= 3 && dir[0] != '\0'; up++) {
		if (read_source_dir(dir, source_dir, sizeof(source_dir))) {
			snprintf(build_dir, sizeof(build_dir), "%s", dir);
			return;
		}
		char *slash = strrchr(dir, '/');
		if (slash == NULL || slash == dir)
			break;
		*slash = '\0';
	}
	source_dir[0] = '\0';
}

const char *zd_build_dir(void)
{
	find_build_tree();
	return build_dir;
}

static void resolve(const struct data_kind *k, char *out, size_t len)
{
	const char *env = getenv(k->env);
	if (env != NULL && env[0] != '\0') {
		snprintf(out, len, "%s", env);
		return;
	}
	snprintf(out, len, "%s/../share/zdvfs/%s", exe_dir(), k->name);
	if (exe_dir()[0] != '\0' && is_dir(out))
		return;
	find_build_tree();
	const char *tree = k->built ? build_dir : source_dir;
	if (tree[0] != '\0') {
		snprintf(out, len, "%s/%s", tree, k->name);
		return;
	}
	snprintf(out, len, "%s", k->name);
}

const char *zd_data_dir(enum zd_data_kind kind)
{
	static char dirs[NKINDS][PATH_MAX];
	static bool done[NKINDS];
	if ((size_t)kind >= NKINDS)
		return ".";
	if (!done[kind]) {
		resolve(&kinds[kind], dirs[kind], sizeof(dirs[kind]));
		done[kind] = true;
	}
	return dirs[kind];
}
