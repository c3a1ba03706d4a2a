/* llm_server.c - a tiny OpenAI-compatible chat-completions server on
 * 127.0.0.1 for the tests of `zdvfs features --llm`: it answers every
 * POST with a canned reply chosen by MODE, and logs the request bodies.
 *
 * usage: llm_server MODE PORTFILE [LOGFILE]
 *   good     the 13 features, all valid
 *   fenced   the same inside ```json ... ``` with prose around
 *   invalid  some values outside the value sets, the rest valid
 *   garbage  prose, no JSON at all
 *   flaky    HTTP 500 for the first request, then good
 *   slow     waits 5 s before answering good
 *   notfound HTTP 404
 * The port goes to PORTFILE once listening. It exits after 60 s without
 * a request, or on SIGTERM. Loopback only; no dependency but libc. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const good_answer =
	"{\\\"memory_access_pattern\\\": \\\"unit_stride\\\", "
	"\\\"spatial_locality\\\": \\\"high\\\", "
	"\\\"temporal_locality\\\": \\\"medium\\\", "
	"\\\"cache_behavior_pattern\\\": \\\"streaming\\\", "
	"\\\"numa_sensitivity\\\": \\\"medium\\\", "
	"\\\"algorithmic_complexity\\\": \\\"O(n^3)\\\", "
	"\\\"dominant_operation\\\": \\\"arithmetic\\\", "
	"\\\"vectorization_potential\\\": \\\"high\\\", "
	"\\\"data_dependency_type\\\": \\\"none\\\", "
	"\\\"false_sharing_risk\\\": \\\"low\\\", "
	"\\\"load_balance_characteristic\\\": \\\"uniform\\\", "
	"\\\"parallelization_overhead\\\": \\\"low\\\", "
	"\\\"scalability_bottleneck\\\": \\\"memory_bandwidth\\\"}";

static const char *const invalid_answer =
	"{\\\"memory_access_pattern\\\": \\\"sequential\\\", "
	"\\\"spatial_locality\\\": \\\"High\\\", "
	"\\\"temporal_locality\\\": 3, "
	"\\\"algorithmic_complexity\\\": \\\"O(n!)\\\", "
	"\\\"dominant_operation\\\": \\\"arithmetic\\\", "
	"\\\"data_dependency_type\\\": \\\"none\\\"}";

static void reply(int fd, int status, const char *content)
{
	char body[8192], head[512];
	int n;
	if (content != NULL)
		n = snprintf(body, sizeof(body),
			     "{\"id\": \"t\", \"object\": \"chat.completion\", "
			     "\"choices\": [{\"index\": 0, \"message\": "
			     "{\"role\": \"assistant\", \"content\": \"%s\"}, "
			     "\"finish_reason\": \"stop\"}]}",
			     content);
	else
		n = snprintf(body, sizeof(body), "{\"error\": \"status %d\"}",
			     status);
	int h = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
			 "Content-Length: %d\r\nConnection: close\r\n\r\n",
			 status, n);
	if (write(fd, head, (size_t)h) < 0 || write(fd, body, (size_t)n) < 0)
		perror("llm_server: write");
}

/* Read one request: headers, then Content-Length bytes of body. */
static char *read_request(int fd)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap + 1);
	long need = -1;
	while (buf != NULL) {
		if (len == cap) {
			char *b = realloc(buf, 2 * cap + 1);
			if (b == NULL)
				break;
			buf = b;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r <= 0)
			break;
		len += (size_t)r;
		buf[len] = '\0';
		char *end = strstr(buf, "\r\n\r\n");
		if (end == NULL)
			continue;
		if (need < 0) {
			char *cl = strcasestr(buf, "Content-Length:");
			need = cl ? strtol(cl + 15, NULL, 10) : 0;
		}
		if ((long)(len - (size_t)(end + 4 - buf)) >= need)
			return buf;
	}
	free(buf);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: llm_server MODE PORTFILE [LOGFILE]\n");
		return 2;
	}
	const char *mode = argv[1];
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t alen = sizeof(a);
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(s, 8) != 0 ||
	    getsockname(s, (struct sockaddr *)&a, &alen) != 0) {
		perror("llm_server: listen");
		return 1;
	}
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
	FILE *pf = fopen(tmp, "w");
	if (pf == NULL || fprintf(pf, "%d\n", ntohs(a.sin_port)) < 0 ||
	    fclose(pf) != 0 || rename(tmp, argv[2]) != 0) {
		perror("llm_server: port file");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	for (int served = 0;; served++) {
		alarm(60);
		int c = accept(s, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			perror("llm_server: accept");
			return 1;
		}
		char *req = read_request(c);
		if (req != NULL && argc > 3) {
			FILE *log = fopen(argv[3], "a");
			const char *body = strstr(req, "\r\n\r\n");
			if (log != NULL) {
				fprintf(log, "%s\n", body ? body + 4 : req);
				fclose(log);
			}
		}
		if (strcmp(mode, "good") == 0)
			reply(c, 200, good_answer);
		else if (strcmp(mode, "fenced") == 0) {
			char content[4096];
			snprintf(content, sizeof(content),
				 "Here you are:\\n```json\\n%s\\n```\\nHope it helps.",
				 good_answer);
			reply(c, 200, content);
		} else if (strcmp(mode, "invalid") == 0)
			reply(c, 200, invalid_answer);
		else if (strcmp(mode, "garbage") == 0)
			reply(c, 200, "I think this program is rather nice.");
		else if (strcmp(mode, "flaky") == 0)
			reply(c, served == 0 ? 500 : 200,
			      served == 0 ? NULL : good_answer);
		else if (strcmp(mode, "slow") == 0) {
			sleep(5);
			reply(c, 200, good_answer);
		} else
			reply(c, 404, NULL);
		free(req);
		close(c);
	}
}
