/* test_state.c - the state file that survives a killed zdvfs: written before
 * every change, enough to restore from alone, and refused when forged. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"
#include "zdvfs/platform.h"
#include "zdvfs/state.h"

static void write_file(const char *path, const char *text, mode_t mode)
{
	unlink(path);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static int first_state_file(const char *dir, char *path, size_t len)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return -1;
	struct dirent *de;
	int found = -1;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "state-", 6) == 0 &&
		    strstr(de->d_name, ".tmp") == NULL) {
			snprintf(path, len, "%s/%s", dir, de->d_name);
			found = 0;
		}
	closedir(d);
	return found;
}

/* What `zdvfs restore` does after a kill -9: only the file is left. */
static void restore_from_the_file_alone(void **state)
{
	(void)state;
	struct fake_root fr;
	assert_int_equal(fake_root_make(&fr, ZT_FAKE_TX2), 0);
	char *before = tree_fingerprint(fr.tree);
	struct zd_platform *p = NULL;
	struct zd_err err = {0};
	assert_int_equal(zd_platform_open("linux", fr.tree, &p, &err), 0);
	assert_int_equal(zd_platform_begin_change(p, &err), 0);
	assert_int_equal(zd_platform_set_freq(p, 0, 652800, &err), 0);
	assert_int_equal(zd_platform_set_freq(p, 1, 652800, &err), 0);
	/* "crash": take the file before the platform restores, keep a copy */
	char path[512], copy[600];
	assert_int_equal(first_state_file(fr.state, path, sizeof(path)), 0);
	snprintf(copy, sizeof(copy), "%s/saved.json", fr.dir);
	assert_int_equal(link(path, copy), 0);
	zd_platform_close(p);
	/* put the tree back into the changed state and restore from the copy */
	zt_fake_write(fr.tree,
		      "sys/devices/system/cpu/cpufreq/policy0/scaling_governor",
		      "userspace");
	zt_fake_write(fr.tree,
		      "sys/devices/system/cpu/cpufreq/policy1/scaling_governor",
		      "userspace");
	struct zd_state *s = NULL;
	if (zd_state_load(copy, &s, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(zd_state_count(s), 2);
	assert_string_equal(zd_state_sysfs_root(s), fr.tree);
	struct zd_sysfs fs;
	assert_int_equal(zd_sysfs_init(&fs, zd_state_sysfs_root(s), &err), 0);
	assert_int_equal(zd_state_apply(s, &fs, &err), 0);
	assert_int_equal(access(copy, F_OK), -1); /* removed once restored */
	zd_state_free(s);
	char *after = tree_fingerprint(fr.tree);
	assert_string_equal(before, after);
	free(before);
	free(after);
	fake_root_drop(&fr);
}

static void expect_refused(const char *path, const char *words)
{
	struct zd_state *s = NULL;
	struct zd_err err = {0};
	assert_int_not_equal(zd_state_load(path, &s, &err), 0);
	assert_null(s);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	if (strstr(err.msg, words) == NULL || strstr(err.msg, path) == NULL)
		fail_msg("'%s' should name %s and say '%s'", err.msg, path,
			 words);
}

static void forged_or_broken_files_are_refused(void **state)
{
	(void)state;
	char dir[] = "/tmp/zdvfs-test-state-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], link_path[256];
	snprintf(path, sizeof(path), "%s/state-1.json", dir);
	write_file(
	    path,
	    "{\"format\": \"zdvfs-state 1\", \"pid\": 1, \"sysfs_root\": "
	    "\"\", \"entries\": [{\"path\": \"etc/shadow\", \"value\": "
	    "\"x\"}]}",
	    0600);
	expect_refused(path, "not a cpufreq attribute");
	write_file(
	    path,
	    "{\"format\": \"zdvfs-state 1\", \"pid\": 1, \"sysfs_root\": "
	    "\"\", \"entries\": [{\"path\": "
	    "\"sys/devices/system/cpu/../../../etc/shadow\", \"value\": "
	    "\"x\"}]}",
	    0600);
	expect_refused(path, "not a cpufreq attribute");
	write_file(path,
		   "{\"format\": \"zdvfs-state 9\", \"pid\": 1, "
		   "\"sysfs_root\": \"\", \"entries\": []}",
		   0600);
	expect_refused(path, "zdvfs-state 1");
	write_file(path, "{\"format\": \"zdvfs-state 1\", \"pid\": 1}", 0600);
	expect_refused(path, "not a zdvfs state file");
	write_file(path, "{\"format\": \"zdvfs-st", 0600);
	expect_refused(path, path);
	write_file(path,
		   "{\"format\": \"zdvfs-state 1\", \"pid\": 1, "
		   "\"sysfs_root\": \"\", \"entries\": []}",
		   0666);
	expect_refused(path, "writable only by you");
	chmod(path, 0600);
	snprintf(link_path, sizeof(link_path), "%s/state-2.json", dir);
	assert_int_equal(symlink(path, link_path), 0);
	expect_refused(link_path, "cannot open");
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void unsafe_state_directory_is_refused(void **state)
{
	(void)state;
	char dir[] = "/tmp/zdvfs-test-sdir-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char target[300], linkdir[300], out[512];
	snprintf(target, sizeof(target), "%s/real", dir);
	snprintf(linkdir, sizeof(linkdir), "%s/link", dir);
	assert_int_equal(mkdir(target, 0700), 0);
	assert_int_equal(symlink(target, linkdir), 0);
	struct zd_err err = {0};
	setenv("ZDVFS_STATE_DIR", linkdir, 1);
	assert_int_not_equal(zd_state_dir(out, sizeof(out), &err), 0);
	assert_non_null(strstr(err.msg, "symlink"));
	zd_err_clear(&err);
	chmod(target, 0777);
	setenv("ZDVFS_STATE_DIR", target, 1);
	assert_int_not_equal(zd_state_dir(out, sizeof(out), &err), 0);
	assert_non_null(strstr(err.msg, "writable by others"));
	zd_err_clear(&err);
	/* created 0700 when missing */
	char fresh[300];
	snprintf(fresh, sizeof(fresh), "%s/fresh", dir);
	setenv("ZDVFS_STATE_DIR", fresh, 1);
	assert_int_equal(zd_state_dir(out, sizeof(out), &err), 0);
	struct stat st;
	assert_int_equal(stat(fresh, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	unsetenv("ZDVFS_STATE_DIR");
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(restore_from_the_file_alone),
	    cmocka_unit_test(forged_or_broken_files_are_refused),
	    cmocka_unit_test(unsafe_state_directory_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
