/* test_correct.c - the arithmetic of learning a program (src/agent/
 * correct.c): Bayesian linear regression recovers known weights and is
 * sure only where it saw data; expected improvement has its textbook
 * values; a correction learnt from runs predicts the runs and the
 * decisions between them, and keeps its uncertainty elsewhere. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "correct.h"

static void test_blr_recovers_weights(void **state)
{
	(void)state;
	struct zd_blr r;
	const double sd[3] = {10, 10, 10};
	zd_blr_init(&r, 3, sd, 0.01);
	for (int i = 0; i < 20; i++) {
		double x = (i % 5) - 2.0, z = (i % 3) - 1.0;
		double phi[3] = {1, x, z};
		zd_blr_add(&r, phi, 0.5 - 0.3 * x + 0.2 * z);
	}
	assert_int_equal(zd_blr_solve(&r), 0);
	assert_true(fabs(r.mean[0] - 0.5) < 1e-3);
	assert_true(fabs(r.mean[1] + 0.3) < 1e-3);
	assert_true(fabs(r.mean[2] - 0.2) < 1e-3);
	/* sure inside the data, less so far outside it */
	const float near[3] = {1, 1, 0}, far[3] = {1, 40, -40};
	assert_true(zd_blr_var(&r, near) < 1e-4);
	assert_true(zd_blr_var(&r, far) > 100 * zd_blr_var(&r, near));
	assert_true(fabs(zd_blr_mean(&r, near) - 0.2) < 1e-3);
}

static void test_blr_prior_only(void **state)
{
	(void)state;
	struct zd_blr r;
	const double sd[2] = {2, 0.5};
	zd_blr_init(&r, 2, sd, 0.1);
	const float phi[2] = {1, 2};
	assert_true(fabs(zd_blr_mean(&r, phi)) < 1e-12);
	/* 2^2 + (2 x 0.5)^2 */
	assert_true(fabs(zd_blr_var(&r, phi) - 5.0) < 1e-9);
}

static void test_expected_improvement(void **state)
{
	(void)state;
	/* at the best with sd 1: phi(0) = 0.39894 */
	assert_true(fabs(zd_corr_expected_improvement(0, 0, 1) - 0.398942) <
		    1e-5);
	/* certain: the plain gain, or nothing */
	assert_true(fabs(zd_corr_expected_improvement(1, 0.25, 0) - 0.75) <
		    1e-12);
	assert_true(zd_corr_expected_improvement(0, 0.25, 0) == 0);
	/* more uncertainty, more to expect; a worse mean, less */
	assert_true(zd_corr_expected_improvement(0, 0.1, 0.2) >
		    zd_corr_expected_improvement(0, 0.1, 0.1));
	assert_true(zd_corr_expected_improvement(0, 0.2, 0.1) <
		    zd_corr_expected_improvement(0, 0.1, 0.1));
}

/* 50 decisions along one descriptor x in [-2, 0]; the model's time is
 * exp(-x) (1 s at x = 0), the truth exp(-0.6 x): a program that scales
 * worse than the model thinks. Power is as predicted. */
static void fill(struct zd_correction *c)
{
	for (int i = 0; i < c->count; i++) {
		struct zd_corr_point *pt = &c->pts[i];
		float x = -2.0f * (float)i / (float)(c->count - 1);
		pt->log_t = -x;
		pt->log_p = 0;
		pt->phi_t[0] = 1;
		pt->phi_t[1] = pt->log_t;
		pt->phi_t[2] = pt->phi_t[3] = x;
		pt->phi_t[4] = 0;
		pt->phi_p[0] = 1;
		pt->phi_p[1] = pt->phi_p[2] = pt->phi_p[3] = 0;
	}
}

static void add(struct zd_correction *c, int i)
{
	struct zd_err err = {0};
	double x = -2.0 * i / (c->count - 1);
	struct zd_corr_run r = {.log_t_pred = c->pts[i].log_t,
				.log_p_pred = 0,
				.rise_pred_c = NAN,
				.makespan_s = exp(-0.6 * x),
				.energy_j = exp(-0.6 * x),
				.rise_c = 0,
				.hottest_c = 25};
	if (zd_corr_add_run(c, i, &r, &err) != 0)
		fail_msg("%s", err.msg);
}

static void test_correction_learns_the_response(void **state)
{
	(void)state;
	struct zd_err err = {0};
	struct zd_correction c;
	assert_int_equal(zd_corr_init(&c, 50, NULL, &err), 0);
	fill(&c);
	struct zd_corr_pred before, after, far;
	zd_corr_predict(&c, 25, &before);
	add(&c, 0);
	add(&c, 10);
	add(&c, 20);
	zd_corr_predict(&c, 15, &after);
	zd_corr_predict(&c, 49, &far);
	double x15 = -2.0 * 15 / 49, x49 = -2.0;
	/* between the runs: close to the truth, and surer than before */
	assert_true(fabs(after.log_t - (-0.6 * x15)) < 0.02);
	assert_true(after.sd_t < before.sd_t);
	/* past them: moved towards the truth from the model's -x */
	assert_true(fabs(far.log_t - (-0.6 * x49)) < fabs(-x49 - (-0.6 * x49)));
	assert_true(far.sd_t > after.sd_t);
	/* a measured decision predicts its run */
	struct zd_corr_pred m;
	zd_corr_predict(&c, 10, &m);
	assert_true(fabs(m.log_t - (-0.6 * (-2.0 * 10 / 49))) < 0.01);
	double best;
	assert_int_equal(zd_corr_best_measured(&c, 0, &best), 0); /* 1 J·s */
	assert_true(fabs(best) < 1e-9);
	/* broken runs are refused */
	struct zd_corr_run bad = {
	    .log_t_pred = 0, .log_p_pred = 0, .makespan_s = -1, .energy_j = 1};
	assert_int_not_equal(zd_corr_add_run(&c, 3, &bad, &err), 0);
	assert_int_not_equal(zd_corr_add_run(&c, 50, &bad, &err), 0);
	zd_corr_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_blr_recovers_weights),
	    cmocka_unit_test(test_blr_prior_only),
	    cmocka_unit_test(test_expected_improvement),
	    cmocka_unit_test(test_correction_learns_the_response),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
