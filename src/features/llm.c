/* llm.c - the optional second opinion: the 13 features of the sources asked
 * of an OpenAI-compatible chat-completions endpoint (llama.cpp's server,
 * ollama) as strict JSON, each answer checked against its value set. Only
 * valid answers are shown as the LLM's; the static result always stands.
 * Transport errors, 429/5xx and unusable answers are retried. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include <jansson.h>

#include "internal.h"

#define LLM_MAX_REPLY (4 << 20)

struct reply {
	char *data;
	size_t len;
	bool too_big;
};

static size_t on_data(char *ptr, size_t size, size_t n, void *user)
{
	struct reply *r = user;
	size_t add = size * n;
	if (r->len + add > LLM_MAX_REPLY) {
		r->too_big = true;
		return 0;
	}
	char *d = realloc(r->data, r->len + add + 1);
	if (d == NULL)
		return 0;
	memcpy(d + r->len, ptr, add);
	r->data = d;
	r->len += add;
	d[r->len] = '\0';
	return add;
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* http://host:port -> .../v1/chat/completions; a full path stays. */
static void endpoint(const char *url, char *buf, size_t len)
{
	size_t n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	const char *scheme = strstr(url, "://");
	const char *path = scheme ? strchr(scheme + 3, '/') : NULL;
	if (strstr(url, "/chat/completions") != NULL)
		snprintf(buf, len, "%.*s", (int)n, url);
	else if (n >= 3 && strncmp(url + n - 3, "/v1", 3) == 0)
		snprintf(buf, len, "%.*s/chat/completions", (int)n, url);
	else if (path == NULL || path >= url + n)
		snprintf(buf, len, "%.*s/v1/chat/completions", (int)n, url);
	else
		snprintf(buf, len, "%.*s", (int)n, url);
}

static char *system_prompt(void)
{
	char *s = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&s, &len);
	if (m == NULL)
		return NULL;
	fprintf(m,
		"You classify OpenMP C programs for a DVFS scheduler. "
		"Answer with one JSON object and nothing else. It has "
		"exactly these keys, each with one of the listed values "
		"(a string, spelled exactly):\n");
	for (int f = 0; f < ZD_FEAT_COUNT; f++) {
		fprintf(m, "\"%s\": ", zd_feature_name(f));
		for (int v = 0; v < zd_feature_nvalues(f); v++)
			fprintf(m, "%s\"%s\"", v ? " | " : "",
				zd_feature_value_name(f, v));
		fprintf(m, "\n");
	}
	fprintf(m,
		"Judge the parallel kernel, not initialisation or result "
		"checks.");
	fclose(m);
	return s;
}

/* The sources, each headed by its name, cut at max bytes in all. */
static char *user_prompt(const struct zd_features *f, size_t max)
{
	char *s = NULL;
	size_t len = 0, used = 0;
	FILE *m = open_memstream(&s, &len);
	if (m == NULL)
		return NULL;
	for (int i = 0; i < f->nfiles && used < max; i++) {
		FILE *in = fopen(f->files[i], "rb");
		if (in == NULL)
			continue;
		fprintf(m, "/* file: %s */\n", f->files[i]);
		char buf[4096];
		size_t n;
		while (used < max &&
		       (n = fread(buf, 1,
				  max - used < sizeof(buf) ? max - used
							   : sizeof(buf),
				  in)) > 0) {
			fwrite(buf, 1, n, m);
			used += n;
		}
		if (used >= max)
			fprintf(m, "\n/* ... cut at %zu bytes */\n", max);
		fclose(in);
	}
	fclose(m);
	char *clean = s != NULL ? fx_utf8(s) : NULL;
	free(s);
	return clean;
}

static char *request_body(const char *model, const struct zd_features *f,
			  size_t max)
{
	char *sys = system_prompt(), *user = user_prompt(f, max);
	char *out = NULL;
	if (sys != NULL && user != NULL) {
		json_t *j = json_pack(
		    "{s:s, s:i, s:{s:s}, s:[{s:s, s:s}, {s:s, s:s}]}", "model",
		    model, "temperature", 0, "response_format", "type",
		    "json_object", "messages", "role", "system", "content", sys,
		    "role", "user", "content", user);
		if (j != NULL)
			out = json_dumps(j, JSON_COMPACT);
		json_decref(j);
	}
	free(sys);
	free(user);
	return out;
}

/* The features object inside a chat-completions reply: the content of
 * the first choice, as JSON, perhaps fenced in ``` or with prose around. */
static json_t *answer_of(const char *reply, char *why, size_t len)
{
	json_t *r = json_loads(reply, 0, NULL);
	const char *content = json_string_value(json_object_get(
	    json_object_get(json_array_get(json_object_get(r, "choices"), 0),
			    "message"),
	    "content"));
	json_t *ans = NULL;
	if (content == NULL) {
		snprintf(why, len, "the reply is not a chat completion");
	} else {
		const char *open = strchr(content, '{');
		const char *close = strrchr(content, '}');
		if (open != NULL && close != NULL && close > open)
			ans = json_loadb(open, (size_t)(close - open + 1), 0,
					 NULL);
		if (!json_is_object(ans)) {
			json_decref(ans);
			ans = NULL;
			snprintf(why, len, "the answer is not a JSON object");
		}
	}
	json_decref(r);
	json_t *inner = json_object_get(ans, "features");
	if (json_is_object(inner)) {
		json_incref(inner);
		json_decref(ans);
		ans = inner;
	}
	return ans;
}

/* Take the valid answers; returns how many there are. */
static int validate(const json_t *ans, struct zd_feat_llm *l)
{
	int valid = 0;
	for (int i = 0; i < ZD_FEAT_COUNT; i++) {
		const json_t *v = json_object_get(ans, zd_feature_name(i));
		if (json_is_object(v))
			v = json_object_get(v, "value");
		const char *s = json_string_value(v);
		free(l->answer[i]);
		l->answer[i] = s != NULL ? fx_utf8(s) : NULL;
		l->value[i] = zd_feature_value_parse(i, s);
		valid += l->value[i] >= 0;
	}
	return valid;
}

static int once(CURL *c, const char *url, const char *body, long timeout_ms,
		struct reply *r, long *status, char *why, size_t len)
{
	struct curl_slist *h =
	    curl_slist_append(NULL, "Content-Type: application/json");
	const char *key = getenv("ZDVFS_LLM_API_KEY");
	char auth[512];
	if (key != NULL && key[0]) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", key);
		h = curl_slist_append(h, auth);
	}
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 timeout_ms < 10000 ? timeout_ms : 10000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	CURLcode rc = curl_easy_perform(c);
	curl_slist_free_all(h);
	*status = 0;
	if (rc != CURLE_OK) {
		snprintf(why, len, "%s%s", curl_easy_strerror(rc),
			 r->too_big ? " (reply over 4 MB)" : "");
		return -EIO;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	if (*status != 200) {
		snprintf(why, len, "HTTP status %ld", *status);
		return -EIO;
	}
	return 0;
}

static void pause_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

int zd_features_llm(struct zd_features *f,
		    const struct zd_feat_llm_request *req, struct zd_err *err)
{
	static bool curl_ready;
	if (req == NULL || req->url == NULL || req->url[0] == '\0')
		return zd_bad_input(err,
				    "--llm needs a URL (http://host:port)");
	if (strncmp(req->url, "http://", 7) != 0 &&
	    strncmp(req->url, "https://", 8) != 0)
		return zd_bad_input(err, "%s: not an http(s) URL", req->url);
	if (!curl_ready) {
		int rc = fx_curl_load(err);
		if (rc != 0)
			return rc;
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return zd_fail(err, EIO, "libcurl would not start");
		curl_ready = true;
	}
	struct zd_feat_llm *l = calloc(1, sizeof(*l));
	char url[2048];
	endpoint(req->url, url, sizeof(url));
	const char *model = req->model ? req->model : "default";
	long timeout = req->timeout_ms > 0 ? req->timeout_ms : 60000;
	int retries = req->retries >= 0 ? req->retries : 2;
	char *body = request_body(
	    model, f, req->max_source_bytes ? req->max_source_bytes : 65536);
	CURL *c = curl_easy_init();
	if (l == NULL || body == NULL || c == NULL) {
		free(l);
		free(body);
		if (c != NULL)
			curl_easy_cleanup(c);
		return zd_fail(err, ENOMEM, "out of memory");
	}
	l->url = fx_strdup(url);
	l->model = fx_strdup(model);
	for (int i = 0; i < ZD_FEAT_COUNT; i++)
		l->value[i] = -1;
	double t0 = now_ms();
	char why[256] = "no attempt";
	bool done = false;
	for (int attempt = 0; attempt <= retries && !done; attempt++) {
		if (attempt > 0)
			pause_ms(200L * attempt);
		l->attempts++;
		struct reply r = {0};
		long status = 0;
		int rc =
		    once(c, url, body, timeout, &r, &status, why, sizeof(why));
		if (rc == 0) {
			json_t *ans =
			    answer_of(r.data ? r.data : "", why, sizeof(why));
			if (ans != NULL) {
				l->valid = validate(ans, l);
				if (l->valid > 0)
					done = true;
				else
					snprintf(
					    why, sizeof(why),
					    "no answer within the value sets");
			}
			json_decref(ans);
		}
		free(r.data);
		/* a client error other than 429 will not get better */
		if (rc != 0 && status >= 400 && status < 500 && status != 429)
			break;
	}
	l->ms = now_ms() - t0;
	if (!done) {
		l->error = fx_utf8(why);
		l->valid = 0;
		for (int i = 0; i < ZD_FEAT_COUNT; i++)
			l->value[i] = -1;
	}
	for (int i = 0; i < ZD_FEAT_COUNT; i++)
		l->agree += l->value[i] >= 0 && l->value[i] == f->feat[i].value;
	curl_easy_cleanup(c);
	free(body);
	if (f->llm != NULL) {
		struct zd_feat_llm *old = f->llm;
		free(old->url);
		free(old->model);
		free(old->error);
		for (int i = 0; i < ZD_FEAT_COUNT; i++)
			free(old->answer[i]);
		free(old);
	}
	f->llm = l;
	return 0;
}
