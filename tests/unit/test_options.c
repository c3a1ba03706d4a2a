/* test_options.c - the command-line options tables (src/cli/options.c):
 * parsing, ranges, errors that name the option with exit status 2, and a
 * --help that shows every option of its table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "options.h"

struct vals {
	bool flag;
	const char *name;
	int count;
	double ratio;
	uint64_t seed;
	int start;
	int ncalls;
	char last[64];
};

static const char *const start_choices[] = {"cold", "idle", "hot", NULL};
static const char *const usage[] = {"zdvfs t [OPTIONS] FILE...",
				    "zdvfs t --other", NULL};

static int on_item(const struct cli_option *opt, const char *arg,
		   const char *cmd)
{
	struct vals *v = opt->value;
	if (strcmp(arg, "bad") == 0)
		return cli_usage_error(cmd, "--item '%s' is bad", arg);
	v->ncalls++;
	snprintf(v->last, sizeof(v->last), "%s", arg);
	return 0;
}

#define TABLE(v)                                                               \
	{                                                                      \
		OPT_TEXT("A paragraph of prose about the command."),           \
		    OPT_BOOL('q', "quiet", &(v)->flag, "say nothing"),         \
		    OPT_STRING('n', "name", &(v)->name, "NAME", "the name"),   \
		    OPT_INT(0, "count", &(v)->count, "N", 1, 32, "how many"),  \
		    OPT_DOUBLE(0, "ratio", &(v)->ratio, "R", 0, 1, "a share"), \
		    OPT_SEED(&(v)->seed, "the seed"), OPT_GROUP("more:"),      \
		    OPT_CHOICE(0, "start", &(v)->start, "S", start_choices,    \
			       "where to start"),                              \
		    OPT_CALLBACK('i', "item", (v), "X", on_item,               \
				 "repeatable"),                                \
		    OPT_ITEM("a-row", "not an option"), OPT_END()              \
	}

/* Parse a NULL-terminated argv (copied, since parsing moves arguments). */
static int parse(struct vals *v, int flags, int *status, char **out,
		 const char *arg0, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	va_start(ap, arg0);
	for (const char *a = arg0; a != NULL; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	struct cli_option options[] = TABLE(v);
	int n =
	    cli_parse_options("t", usage, options, flags, argc, argv, status);
	for (int i = 0; i < n; i++)
		out[i] = argv[i];
	return n;
}

static void parses_every_type(void **state)
{
	(void)state;
	struct vals v = {0};
	char *rest[32];
	int st = -1;
	int n = parse(&v, 0, &st, rest, "t", "-q", "a.c", "--name=x", "--count",
		      "7", "--ratio", "0.25", "--seed", "4294967295", "--start",
		      "idle", "-i", "one", "--item=two", "b.c", NULL);
	assert_int_equal(n, 2);
	assert_string_equal(rest[0], "a.c");
	assert_string_equal(rest[1], "b.c");
	assert_true(v.flag);
	assert_string_equal(v.name, "x");
	assert_int_equal(v.count, 7);
	assert_true(v.ratio == 0.25);
	assert_true(v.seed == 4294967295ULL);
	assert_int_equal(v.start, 1);
	assert_int_equal(v.ncalls, 2);
	assert_string_equal(v.last, "two");
}

static void short_forms_prefixes_and_dashdash(void **state)
{
	(void)state;
	struct vals v = {0};
	char *rest[32];
	int st = -1;
	/* -qnNAME: a flag, then a short option with its argument attached;
	 * --cou: an unambiguous prefix; after --, options are arguments. */
	int n = parse(&v, 0, &st, rest, "t", "-qnNAME", "--cou", "3", "--",
		      "--count", "-", NULL);
	assert_int_equal(n, 2);
	assert_true(v.flag);
	assert_string_equal(v.name, "NAME");
	assert_int_equal(v.count, 3);
	assert_string_equal(rest[0], "--count");
	assert_string_equal(rest[1], "-");
}

static void stops_at_first_argument(void **state)
{
	(void)state;
	struct vals v = {0};
	char *rest[32];
	int st = -1;
	int n = parse(&v, CLI_PARSE_STOP_AT_ARG, &st, rest, "t", "-q", "./app",
		      "--count", "3", NULL);
	assert_int_equal(n, 3);
	assert_string_equal(rest[0], "./app");
	assert_string_equal(rest[1], "--count");
	assert_int_equal(v.count, 0);

	memset(&v, 0, sizeof(v));
	n = parse(&v, CLI_PARSE_STOP_AT_ARG | CLI_PARSE_KEEP_DASHDASH, &st,
		  rest, "t", "-q", "--", "./app", NULL);
	assert_int_equal(n, 2);
	assert_string_equal(rest[0], "--");
	assert_string_equal(rest[1], "./app");
}

/* Each bad argument is a usage error: -1 with status 2, and a message on
 * stderr that names the option (checked through a temporary file). */
static void expect_error(const char *want, const char *arg0, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	va_start(ap, arg0);
	for (const char *a = arg0; a != NULL; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;

	struct vals v = {0};
	struct cli_option options[] = TABLE(&v);
	fflush(stderr);
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	int saved = dup(fileno(stderr));
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), fileno(stderr)) >= 0);
	int st = -1;
	int n = cli_parse_options("t", usage, options, 0, argc, argv, &st);
	fflush(stderr);
	dup2(saved, fileno(stderr));
	close(saved);
	char msg[1024] = {0};
	rewind(tmp);
	size_t got = fread(msg, 1, sizeof(msg) - 1, tmp);
	msg[got] = '\0';
	fclose(tmp);
	assert_int_equal(n, -1);
	assert_int_equal(st, 2);
	if (strstr(msg, want) == NULL || strstr(msg, "zdvfs t --help") == NULL)
		fail_msg("wanted '%s' in: %s", want, msg);
}

static void bad_values_are_usage_errors(void **state)
{
	(void)state;
	expect_error("zdvfs t: --count '0' is not a number in 1..32", "t",
		     "--count", "0", NULL);
	expect_error("--count '33' is not a number in 1..32", "t", "--count",
		     "33", NULL);
	expect_error("--count 'x' is not a number in 1..32", "t", "--count=x",
		     NULL);
	expect_error("--ratio '1.5' is not a number in 0..1", "t", "--ratio",
		     "1.5", NULL);
	expect_error("--seed '4294967296' is not a number in 0..4294967295",
		     "t", "--seed", "4294967296", NULL);
	expect_error("--seed '-1'", "t", "--seed", "-1", NULL);
	expect_error("--start 'warm' is not cold, idle or hot", "t", "--start",
		     "warm", NULL);
	expect_error("--item 'bad' is bad", "t", "-i", "bad", NULL);
	expect_error("unknown option '--bogus'", "t", "--bogus", NULL);
	expect_error("unknown option '-x'", "t", "-qx", NULL);
	expect_error("--name needs an argument", "t", "--name", NULL);
	expect_error("--quiet takes no argument", "t", "--quiet=1", NULL);
	expect_error("unknown option '--a-row'", "t", "--a-row", NULL);
}

static void ambiguous_prefix_is_an_error(void **state)
{
	(void)state;
	/* --s could be --seed or --start. */
	expect_error("ambiguous option '--s'", "t", "--s", "1", NULL);
}

/* --help: exit status 0, the usage lines, the prose and every option of
 * the table, on stdout. */
static void help_lists_every_option(void **state)
{
	(void)state;
	struct vals v = {0};
	struct cli_option options[] = TABLE(&v);
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	assert_non_null(out);
	cli_usage_with_options(out, usage, options);
	fclose(out);
	assert_non_null(strstr(buf, "usage: zdvfs t [OPTIONS] FILE...\n"));
	assert_non_null(strstr(buf, "   or: zdvfs t --other\n"));
	assert_non_null(strstr(buf, "\nA paragraph of prose"));
	assert_non_null(strstr(buf, "\nmore:\n"));
	for (const struct cli_option *o = options; o->type != CLI_OPT_END;
	     o++) {
		if (o->long_name != NULL) {
			char name[64];
			snprintf(name, sizeof(name), "--%s", o->long_name);
			if (strstr(buf, name) == NULL)
				fail_msg("%s missing from:\n%s", name, buf);
		}
		if (o->help != NULL && strstr(buf, o->help) == NULL)
			fail_msg("'%s' missing from:\n%s", o->help, buf);
	}
	assert_non_null(strstr(buf, "  -q, --quiet       say nothing\n"));
	assert_non_null(strstr(buf, "  --count N         how many\n"));
	assert_non_null(strstr(buf, "  a-row             not an option\n"));
	free(buf);

	int st = -1;
	char *rest[32];
	fflush(stdout);
	assert_int_equal(
	    parse(&v, 0, &st, rest, "t", "--count", "2", "--help", NULL), -1);
	assert_int_equal(st, 0);
}

static void long_help_wraps_at_79_columns(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	assert_non_null(out);
	cli_print_wrapped(out,
			  "one two three four five six seven eight nine ten "
			  "eleven twelve thirteen fourteen fifteen sixteen",
			  20, 20);
	fclose(out);
	const char *nl = strchr(buf, '\n');
	assert_non_null(nl);
	assert_true(20 + (nl - buf) <= 79);
	assert_memory_equal(nl + 1, "                    ", 20);
	assert_true(buf[strlen(buf) - 1] == '\n');
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_every_type),
	    cmocka_unit_test(short_forms_prefixes_and_dashdash),
	    cmocka_unit_test(stops_at_first_argument),
	    cmocka_unit_test(bad_values_are_usage_errors),
	    cmocka_unit_test(ambiguous_prefix_is_an_error),
	    cmocka_unit_test(help_lists_every_option),
	    cmocka_unit_test(long_help_wraps_at_79_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
