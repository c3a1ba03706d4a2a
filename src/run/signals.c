/* signals.c - the stop signals of every command: one handler that records
 * the first one and wakes a self-pipe (signals.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "zdvfs/signals.h"

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define NSTOP (sizeof(stop_signals) / sizeof(stop_signals[0]))

static int sig_pipe[2] = {-1, -1};
static volatile sig_atomic_t received;
static bool installed;
static struct sigaction old_stop[NSTOP], old_chld;

static void on_signal(int sig)
{
	int saved = errno;
	if (sig != SIGCHLD && received == 0)
		received = sig;
	unsigned char b = (unsigned char)sig;
	if (write(sig_pipe[1], &b, 1) < 0) {
		/* pipe full: a wake-up is already pending */
	}
	errno = saved;
}

int zd_signals_install(struct zd_err *err)
{
	if (installed)
		return 0;
	if (sig_pipe[0] < 0 && pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		return zd_fail(err, errno, "cannot create signal pipe: %s",
			       strerror(errno));
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < NSTOP; i++)
		if (sigaction(stop_signals[i], &sa, &old_stop[i]) != 0) {
			int e = errno;
			while (i-- > 0)
				sigaction(stop_signals[i], &old_stop[i], NULL);
			return zd_fail(err, e, "sigaction: %s", strerror(e));
		}
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	if (sigaction(SIGCHLD, &sa, &old_chld) != 0) {
		int e = errno;
		for (size_t i = 0; i < NSTOP; i++)
			sigaction(stop_signals[i], &old_stop[i], NULL);
		return zd_fail(err, e, "sigaction: %s", strerror(e));
	}
	installed = true;
	return 0;
}

void zd_signals_release(void)
{
	if (!installed)
		return;
	for (size_t i = 0; i < NSTOP; i++)
		sigaction(stop_signals[i], &old_stop[i], NULL);
	sigaction(SIGCHLD, &old_chld, NULL);
	installed = false;
}

int zd_signals_pending(void)
{
	return received;
}

const volatile sig_atomic_t *zd_signals_flag(void)
{
	return &received;
}

void zd_signals_request(int sig)
{
	if (received == 0)
		received = sig;
}

int zd_signals_fd(void)
{
	return sig_pipe[0];
}

void zd_signals_drain(void)
{
	unsigned char buf[64];
	while (sig_pipe[0] >= 0 && read(sig_pipe[0], buf, sizeof(buf)) > 0)
		;
}

int zd_signals_status(void)
{
	return 128 + (received ? received : SIGINT);
}

void zd_signals_reraise(void)
{
	int sig = received;
	if (sig == 0)
		return;
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
}

void zd_signals_default_in_child(void)
{
	for (size_t i = 0; i < NSTOP; i++)
		signal(stop_signals[i], SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
}
