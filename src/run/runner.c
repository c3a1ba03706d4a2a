/* runner.c - fork, gate, release, sample, wait; a stop signal (signals.h)
 * wakes the wait through its self-pipe and is forwarded to the child. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zdvfs/runner.h"

/* In the child: wait for the parent's go, then exec; report exec failure
 * through the close-on-exec pipe. Only async-signal-safe calls here. */
static void child_main(char *const *argv, int go_fd, int fail_fd)
{
	zd_signals_default_in_child();
	char go;
	ssize_t n;
	do {
		n = read(go_fd, &go, 1);
	} while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(125); /* the parent gave up before releasing us */
	execvp(argv[0], argv);
	int e = errno;
	if (write(fail_fd, &e, sizeof(e)) < 0) {
		/* nothing left to tell */
	}
	_exit(e == ENOENT ? 127 : 126);
}

static int wait_exec(int fail_fd, int *exec_errno)
{
	ssize_t n;
	do {
		n = read(fail_fd, exec_errno, sizeof(*exec_errno));
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(*exec_errno) ? -1 : 0;
}

static void set_exit_code(struct zd_child_result *res, int status)
{
	if (WIFEXITED(status)) {
		res->exit_code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		res->term_signal = WTERMSIG(status);
		res->exit_code = 128 + res->term_signal;
	} else {
		res->exit_code = 1;
	}
}

/* Wait for the child, sampling every interval and forwarding signals. */
static int supervise(struct zd_platform *p, pid_t pid, int interval_ms,
		     struct zd_meter *meter, int *status)
{
	int forwarded = 0;
	for (;;) {
		int sig = zd_signals_pending();
		if (sig != 0 && forwarded == 0) {
			kill(pid, sig);
			forwarded = sig;
		}
		pid_t w = waitpid(pid, status, WNOHANG);
		if (w == pid)
			return 0;
		if (w < 0 && errno != EINTR)
			return -errno;
		struct pollfd pfd = {.fd = zd_signals_fd(), .events = POLLIN};
		int r = poll(&pfd, 1, interval_ms);
		if (r > 0)
			zd_signals_drain();
		else if (r == 0)
			zd_meter_sample(meter, p, zd_monotonic_s());
	}
}

int zd_child_run(struct zd_platform *p, const struct zd_child_spec *spec,
		 struct zd_meter *meter, struct zd_child_result *res,
		 struct zd_err *err)
{
	int go[2], fail[2];
	memset(res, 0, sizeof(*res));
	if (zd_signals_fd() < 0)
		return zd_fail(err, EINVAL,
			       "internal: zd_signals_install not called");
	if (pipe2(go, O_CLOEXEC) != 0)
		return zd_fail(err, errno, "pipe: %s", strerror(errno));
	if (pipe2(fail, O_CLOEXEC) != 0) {
		int e = errno;
		close(go[0]);
		close(go[1]);
		return zd_fail(err, e, "pipe: %s", strerror(e));
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(go[0]), close(go[1]), close(fail[0]), close(fail[1]);
		return zd_fail(err, e, "fork: %s", strerror(e));
	}
	if (pid == 0) {
		close(go[1]);
		close(fail[0]);
		child_main(spec->argv, go[0], fail[1]);
	}
	close(go[0]);
	close(fail[1]);

	int rc = 0, status = 0;
	if (spec->cpus != NULL)
		rc = zd_platform_confine(p, pid, spec->cpus, err);
	if (rc != 0 || zd_signals_pending()) {
		close(go[1]); /* the child exits 125 without running */
		close(fail[0]);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		return rc;
	}
	zd_meter_start(meter, p, zd_monotonic_s());
	double t0 = zd_monotonic_s();
	if (write(go[1], "x", 1) != 1)
		rc = zd_fail(err, errno, "cannot release the child: %s",
			     strerror(errno));
	close(go[1]);
	if (rc == 0 && wait_exec(fail[0], &res->exec_errno) != 0)
		rc = zd_fail(err, res->exec_errno, "cannot run '%s': %s",
			     spec->argv[0], strerror(res->exec_errno));
	close(fail[0]);
	res->started = rc == 0;
	int wrc = supervise(p, pid, spec->interval_ms, meter, &status);
	double t1 = zd_monotonic_s();
	if (wrc != 0 && rc == 0)
		rc = zd_fail(err, -wrc, "waitpid: %s", strerror(-wrc));
	zd_meter_stop(meter, p, t1);
	res->wall_s = t1 - t0;
	set_exit_code(res, status);
	return rc;
}
