/* restore.c - `zdvfs restore`: after zdvfs itself was killed (kill -9, a
 * crash, power loss of the session), write back the original values from
 * the state file it left. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"
#include "zdvfs/state.h"
#include "zdvfs/sysfs.h"

static const char *const restore_usage[] = {"zdvfs restore [--state FILE]",
					    NULL};

static bool owner_alive(pid_t pid)
{
	return pid > 0 && pid != getpid() &&
	    (kill(pid, 0) == 0 || errno == EPERM);
}

static int restore_file(const char *path, bool forced)
{
	struct zd_state *s = NULL;
	struct zd_err err = {0};
	if (zd_state_load(path, &s, &err) != 0)
		return cli_error("restore", &err);
	if (!forced && owner_alive(zd_state_pid(s))) {
		printf("%s: zdvfs pid %ld is still running; it restores this "
		       "itself (use --state to force)\n",
		       path, (long)zd_state_pid(s));
		zd_state_free(s);
		return 0;
	}
	struct zd_sysfs fs;
	int n = zd_state_count(s);
	const char *root =
	    zd_state_sysfs_root(s)[0] ? zd_state_sysfs_root(s) : "/";
	int rc = zd_sysfs_init(&fs, root, &err);
	if (rc == 0)
		rc = zd_state_apply(s, &fs, &err);
	if (rc == 0)
		printf("%s: restored %d setting%s under %s\n", path, n,
		       n == 1 ? "" : "s", root);
	zd_state_free(s);
	return rc == 0 ? 0 : cli_error("restore", &err);
}

static int restore_all(void)
{
	char dir[2048];
	struct zd_err err = {0};
	if (zd_state_dir(dir, sizeof(dir), &err) != 0)
		return cli_error("restore", &err);
	DIR *d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "zdvfs restore: cannot list %s: %s\n", dir,
			strerror(errno));
		return 1;
	}
	int found = 0, status = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (strncmp(de->d_name, "state-", 6) != 0 || len < 6 ||
		    strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		found++;
		int rc = restore_file(path, false);
		if (rc != 0)
			status = rc;
	}
	closedir(d);
	if (found == 0)
		printf("nothing to restore (no state file in %s)\n", dir);
	return status;
}

int cmd_restore(int argc, char **argv)
{
	const char *state = NULL;
	struct cli_option options[] = {
	    OPT_TEXT("Writes back the settings a zdvfs that did not finish "
		     "had changed, from its state file (default: every state "
		     "file in the state directory — $ZDVFS_STATE_DIR, "
		     "/run/zdvfs as root, else $XDG_RUNTIME_DIR/zdvfs — whose "
		     "zdvfs is no longer running). Removes each file once "
		     "restored."),
	    OPT_STRING(0, "state", &state, "FILE",
		       "restore this state file, even if its zdvfs still "
		       "runs"),
	    OPT_END(),
	};
	int status = 0;
	int n = cli_parse_options("restore", restore_usage, options, 0, argc,
				  argv, &status);
	if (n < 0)
		return status;
	if (n > 0)
		return cli_usage_error("restore", "unexpected argument '%s'",
				       argv[0]);
	return state ? restore_file(state, true) : restore_all();
}
