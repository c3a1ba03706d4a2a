/* profiler.c - the profiler agent: a branching dueling double DQN
 * (Tavakoli, Pardo and Kormushev 2018) over cores and level per cluster.
 *
 * One network, state -> hidden -> hidden -> [V, A_1(.), ..., A_B(.)],
 * with two branches per cluster (cores 0..max, level 0..nlevels-1), so the
 * output grows with the sum of the branch sizes, not their product: the
 * TX2's 924 actions need 31 advantage outputs. The dueling combination
 * Q_b(s,k) = V(s) + A_b(s,k) - mean_j A_b(s,j) is done here, outside the
 * MLP, and so is its backward pass.
 *
 * An action's score is the mean of its branches' Q; a cluster given no
 * core idles at level 0, so its level branch contributes entry 0. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mlp.h"
#include "rng.h"

#define NBRANCH_MAX (2 * ZD_MAX_CLUSTERS)

/* Transitions (s, a, r, s') in a ring: the newest replace the oldest. */
struct replay {
	int cap, len, head;
	float *state, *next; /* cap x state_dim */
	int *action;         /* action index in the space */
	float *reward;
	unsigned char *has_next;
};

struct zd_profiler_agent {
	struct zd_action_space space;
	struct zd_profiler_agent_opts opts;
	struct zd_mlp *online, *target;
	int nbranch;           /* 2 per cluster: cores, then level */
	int boff[NBRANCH_MAX]; /* first output of each branch (V is 0) */
	int blen[NBRANCH_MAX];
	int nout;
	float *q, *q_next; /* per-output Q scratch, nout (q[0] unused) */
	float *grad;       /* d(loss)/d(output), nout */
	float *grad_batch; /* the same for a minibatch, batch x nout */
	int *slots;        /* a minibatch's transitions, batch */
	struct replay rb;
	struct zd_adam adam;
	uint64_t rng;
	double eps;
	long updates;
};

static int cores_branch(int c)
{
	return 2 * c;
}

static int level_branch(int c)
{
	return 2 * c + 1;
}

void zd_profiler_agent_default_opts(struct zd_profiler_agent_opts *o,
				    int state_dim)
{
	memset(o, 0, sizeof(*o));
	o->state_dim = state_dim;
	o->hidden[0] = 64;
	o->hidden[1] = 64;
	o->gamma = 0.0;
	o->lr = 1e-3;
	o->huber_delta = 1.0;
	o->batch = 32;
	o->replay_capacity = 4096;
	o->target_sync = 100;
	o->eps_start = 1.0;
	o->eps_min = 0.05;
	o->eps_decay = 0.995;
	o->seed = 1;
}

static int check_opts(const struct zd_profiler_agent_opts *o,
		      struct zd_err *err)
{
	if (o->state_dim < 1 || o->state_dim > ZD_MLP_MAX_WIDTH)
		return zd_bad_input(err,
				    "profiler agent: state_dim %d is outside "
				    "1..%d",
				    o->state_dim, ZD_MLP_MAX_WIDTH);
	for (int i = 0; i < 2; i++)
		if (o->hidden[i] < 1 || o->hidden[i] > ZD_MLP_MAX_WIDTH)
			return zd_bad_input(err,
					    "profiler agent: hidden[%d] %d is "
					    "outside 1..%d",
					    i, o->hidden[i], ZD_MLP_MAX_WIDTH);
	if (!(o->gamma >= 0.0 && o->gamma < 1.0))
		return zd_bad_input(err,
				    "profiler agent: gamma %g is outside "
				    "[0, 1)",
				    o->gamma);
	if (!(o->lr > 0.0 && o->lr <= 1.0) || !(o->huber_delta >= 0.0))
		return zd_bad_input(err,
				    "profiler agent: lr must be in (0, 1] "
				    "and huber_delta >= 0");
	if (o->batch < 1 || o->batch > 4096 || o->replay_capacity < 1 ||
	    o->replay_capacity > (1 << 22) || o->target_sync < 1)
		return zd_bad_input(err,
				    "profiler agent: batch 1..4096, "
				    "replay_capacity 1..%d, target_sync >= 1",
				    1 << 22);
	if (!(o->eps_start >= 0.0 && o->eps_start <= 1.0) ||
	    !(o->eps_min >= 0.0 && o->eps_min <= 1.0) ||
	    !(o->eps_decay > 0.0 && o->eps_decay <= 1.0))
		return zd_bad_input(err,
				    "profiler agent: eps_start and eps_min "
				    "must be in [0, 1], eps_decay in (0, 1]");
	return 0;
}

static void replay_free(struct replay *rb)
{
	free(rb->state);
	free(rb->next);
	free(rb->action);
	free(rb->reward);
	free(rb->has_next);
	memset(rb, 0, sizeof(*rb));
}

static int replay_init(struct replay *rb, int cap, int dim, struct zd_err *err)
{
	size_t n = (size_t)cap * (size_t)dim;
	rb->cap = cap;
	rb->state = calloc(n, sizeof(float));
	rb->next = calloc(n, sizeof(float));
	rb->action = calloc((size_t)cap, sizeof(int));
	rb->reward = calloc((size_t)cap, sizeof(float));
	rb->has_next = calloc((size_t)cap, 1);
	if (!rb->state || !rb->next || !rb->action || !rb->reward ||
	    !rb->has_next) {
		replay_free(rb);
		return zd_fail(err, ENOMEM, "out of memory");
	}
	return 0;
}

void zd_profiler_agent_free(struct zd_profiler_agent *p)
{
	if (p == NULL)
		return;
	zd_mlp_free(p->online);
	zd_mlp_free(p->target);
	free(p->q);
	free(p->q_next);
	free(p->grad);
	free(p->grad_batch);
	free(p->slots);
	replay_free(&p->rb);
	free(p);
}

/* The agent around `net` (taken over, also on failure), or around a fresh
 * network from the seed when net is NULL. */
static int profiler_alloc(const struct zd_action_space *space,
			  const struct zd_profiler_agent_opts *o,
			  struct zd_mlp *net, struct zd_profiler_agent **out,
			  struct zd_err *err)
{
	int rc = check_opts(o, err);
	if (rc == 0 && (space->nclusters < 1 || space->count < 1))
		rc = zd_bad_input(err,
				  "profiler agent: the action space is empty");
	struct zd_profiler_agent *p = rc == 0 ? calloc(1, sizeof(*p)) : NULL;
	if (rc == 0 && p == NULL)
		rc = zd_fail(err, ENOMEM, "out of memory");
	if (rc != 0) {
		zd_mlp_free(net);
		return rc;
	}
	p->space = *space;
	p->opts = *o;
	p->online = net;
	p->nbranch = 2 * space->nclusters;
	p->nout = 1;
	for (int c = 0; c < space->nclusters; c++) {
		p->blen[cores_branch(c)] = space->max_cores[c] + 1;
		p->blen[level_branch(c)] = space->nlevels[c];
	}
	for (int b = 0; b < p->nbranch; b++) {
		p->boff[b] = p->nout;
		p->nout += p->blen[b];
	}
	int sizes[4] = {o->state_dim, o->hidden[0], o->hidden[1], p->nout};
	if (p->online == NULL)
		rc = zd_mlp_new(sizes, 4, o->seed, &p->online, err);
	else if (zd_mlp_ninputs(net) != o->state_dim ||
		 zd_mlp_noutputs(net) != p->nout)
		rc = zd_bad_input(err,
				  "profiler agent: network shape does not "
				  "fit the state and the action space");
	if (rc == 0)
		rc = zd_mlp_clone(p->online, &p->target, err);
	if (rc == 0)
		rc = replay_init(&p->rb, o->replay_capacity, o->state_dim, err);
	p->q = calloc((size_t)p->nout, sizeof(float));
	p->q_next = calloc((size_t)p->nout, sizeof(float));
	p->grad = calloc((size_t)p->nout, sizeof(float));
	p->grad_batch =
	    calloc((size_t)o->batch * (size_t)p->nout, sizeof(float));
	p->slots = calloc((size_t)o->batch, sizeof(int));
	if (rc == 0 &&
	    (!p->q || !p->q_next || !p->grad || !p->grad_batch || !p->slots))
		rc = zd_fail(err, ENOMEM, "out of memory");
	if (rc != 0) {
		zd_profiler_agent_free(p);
		return rc;
	}
	p->adam = zd_adam_default((float)o->lr);
	/* the exploration stream differs from the weights' stream */
	p->rng = o->seed ^ UINT64_C(0x5851f42d4c957f2d);
	p->eps = o->eps_start;
	*out = p;
	return 0;
}

int zd_profiler_agent_new(const struct zd_action_space *space,
			  const struct zd_profiler_agent_opts *o,
			  struct zd_profiler_agent **out, struct zd_err *err)
{
	return profiler_alloc(space, o, NULL, out, err);
}

const struct zd_action_space *
zd_profiler_agent_space(const struct zd_profiler_agent *p)
{
	return &p->space;
}

int zd_profiler_agent_state_dim(const struct zd_profiler_agent *p)
{
	return p->opts.state_dim;
}

size_t zd_profiler_agent_nparams(const struct zd_profiler_agent *p)
{
	return zd_mlp_nparams(p->online);
}

double zd_profiler_agent_epsilon(const struct zd_profiler_agent *p)
{
	return p->eps;
}

void zd_profiler_agent_set_epsilon(struct zd_profiler_agent *p, double eps)
{
	p->eps = eps < 0.0 ? 0.0 : eps > 1.0 ? 1.0 : eps;
}

/* Q of every branch entry: q[boff[b] + k] = V + A_b[k] - mean A_b. */
static void branch_q(const struct zd_profiler_agent *p, struct zd_mlp *net,
		     const float *state, float *q)
{
	const float *out = zd_mlp_forward_cached(net, state);
	q[0] = out[0];
	for (int b = 0; b < p->nbranch; b++) {
		const float *adv = out + p->boff[b];
		float mean = 0.0f;
		for (int k = 0; k < p->blen[b]; k++)
			mean += adv[k];
		mean /= (float)p->blen[b];
		for (int k = 0; k < p->blen[b]; k++)
			q[p->boff[b] + k] = out[0] + adv[k] - mean;
	}
}

static int argmax(const float *x, int n)
{
	int best = 0;
	for (int i = 1; i < n; i++)
		if (x[i] > x[best])
			best = i;
	return best;
}

/* The output index of each branch's entry for action a: cores, then
 * level, per cluster. An idle cluster's level entry is 0, its only
 * value. */
static void action_entries(const struct zd_profiler_agent *p,
			   const struct zd_action *a, int *entry)
{
	for (int c = 0; c < p->space.nclusters; c++) {
		entry[cores_branch(c)] = p->boff[cores_branch(c)] + a->cores[c];
		entry[level_branch(c)] = p->boff[level_branch(c)] + a->level[c];
	}
}

/* The action's score: the mean of its branches' Q. */
static float joint_q(const struct zd_profiler_agent *p, const float *q,
		     const struct zd_action *a)
{
	int entry[NBRANCH_MAX];
	action_entries(p, a, entry);
	float sum = 0.0f;
	for (int b = 0; b < p->nbranch; b++)
		sum += q[entry[b]];
	return sum / (float)p->nbranch;
}

/* The greedy action: per cluster the level branch's best level, and the
 * cores branch's best count, where "no core" is weighed together with
 * the level it implies (0). If that leaves every cluster idle, the
 * cluster that loses least by running gets its best count. This is the
 * exact argmax of joint_q over the space; levels[c] gets each cluster's
 * best level, idle or not. */
static void greedy(const struct zd_profiler_agent *p, const float *q,
		   struct zd_action *a, int *levels)
{
	const struct zd_action_space *s = &p->space;
	float gain[ZD_MAX_CLUSTERS];
	int busy_cores[ZD_MAX_CLUSTERS], total = 0;
	memset(a, 0, sizeof(*a));
	for (int c = 0; c < s->nclusters; c++) {
		const float *qc = q + p->boff[cores_branch(c)];
		const float *ql = q + p->boff[level_branch(c)];
		levels[c] = argmax(ql, p->blen[level_branch(c)]);
		busy_cores[c] = s->max_cores[c] > 0
		    ? 1 + argmax(qc + 1, s->max_cores[c])
		    : 0;
		gain[c] = busy_cores[c] > 0
		    ? qc[busy_cores[c]] + ql[levels[c]] - qc[0] - ql[0]
		    : -INFINITY;
		if (gain[c] > 0.0f) {
			a->cores[c] = busy_cores[c];
			a->level[c] = levels[c];
			total += a->cores[c];
		}
	}
	if (total > 0)
		return;
	int best = -1;
	for (int c = 0; c < s->nclusters; c++)
		if (busy_cores[c] > 0 && (best < 0 || gain[c] > gain[best]))
			best = c;
	if (best >= 0) { /* always: the space has a usable core */
		a->cores[best] = busy_cores[best];
		a->level[best] = levels[best];
	}
}

/* ε-greedy per branch (as Tavakoli et al. explore): each sub-action is
 * replaced by a uniform one with probability ε, the others stay greedy.
 * Uniform over the whole space instead would almost never try the
 * neighbours of the greedy action (1 in 924 on the TX2). A cluster that
 * exploration wakes up runs at its best level; if exploration idles
 * every cluster, the greedy action stands. */
static void explore_branches(struct zd_profiler_agent *p, const int *levels,
			     struct zd_action *a)
{
	const struct zd_action_space *s = &p->space;
	struct zd_action greedy_a = *a;
	int total = 0;
	for (int c = 0; c < s->nclusters; c++) {
		if (zd_rng_uniform(&p->rng) < p->eps)
			a->cores[c] =
			    zd_rng_below(&p->rng, s->max_cores[c] + 1);
		a->level[c] = levels[c];
		if (zd_rng_uniform(&p->rng) < p->eps)
			a->level[c] = zd_rng_below(&p->rng, s->nlevels[c]);
		if (a->cores[c] == 0)
			a->level[c] = 0;
		total += a->cores[c];
	}
	if (total == 0)
		*a = greedy_a;
}

void zd_profiler_agent_act(struct zd_profiler_agent *p, const float *state,
			   bool explore, struct zd_action *a)
{
	int levels[ZD_MAX_CLUSTERS];
	branch_q(p, p->online, state, p->q);
	greedy(p, p->q, a, levels);
	if (!explore)
		return;
	explore_branches(p, levels, a);
	double next = p->eps * p->opts.eps_decay;
	p->eps = next > p->opts.eps_min ? next : p->opts.eps_min;
}

void zd_profiler_agent_q_all(struct zd_profiler_agent *p, const float *state,
			     float *q)
{
	branch_q(p, p->online, state, p->q);
	for (int i = 0; i < p->space.count; i++) {
		struct zd_action a;
		zd_action_at(&p->space, i, &a);
		q[i] = joint_q(p, p->q, &a);
	}
}

void zd_profiler_agent_remember(struct zd_profiler_agent *p, const float *state,
				const struct zd_action *a, double reward,
				const float *state_next)
{
	struct replay *rb = &p->rb;
	int index = zd_action_index(&p->space, a);
	if (index < 0)
		return; /* not an action of this space: nothing to learn */
	size_t dim = (size_t)p->opts.state_dim;
	int slot = rb->head;
	memcpy(rb->state + (size_t)slot * dim, state, dim * sizeof(float));
	if (state_next)
		memcpy(rb->next + (size_t)slot * dim, state_next,
		       dim * sizeof(float));
	rb->has_next[slot] = state_next != NULL;
	rb->action[slot] = index;
	rb->reward[slot] = (float)reward;
	rb->head = (rb->head + 1) % rb->cap;
	if (rb->len < rb->cap)
		rb->len++;
}

/* The double-DQN target: r + gamma * Q_target(s', argmax_a Q_online(s')),
 * the argmax being the repaired greedy action. */
static float td_target(struct zd_profiler_agent *p, int slot)
{
	const struct replay *rb = &p->rb;
	float y = rb->reward[slot];
	if (p->opts.gamma <= 0.0 || !rb->has_next[slot])
		return y;
	const float *next = rb->next + (size_t)slot * (size_t)p->opts.state_dim;
	struct zd_action a_next;
	int levels[ZD_MAX_CLUSTERS];
	branch_q(p, p->online, next, p->q_next);
	greedy(p, p->q_next, &a_next, levels);
	branch_q(p, p->target, next, p->q_next);
	return y + (float)p->opts.gamma * joint_q(p, p->q_next, &a_next);
}

static float huber(float d, float delta, float *grad)
{
	if (delta > 0.0f && fabsf(d) > delta) {
		*grad = d > 0 ? delta : -delta;
		return delta * (fabsf(d) - 0.5f * delta);
	}
	*grad = d;
	return 0.5f * d * d;
}

/* Loss of one transition; its gradient goes into the online network.
 *
 * The action's score, the mean Q of the branches it decides, is fitted to
 * the target: Huber(mean_b Q_b(a_b) - y). This is value decomposition
 * (Sunehag et al. 2018) over the branches. Fitting each branch alone to
 * y, as Tavakoli et al. do, makes Q_b(k) the reward averaged over
 * whatever the other branches did in the replayed runs; with one decision
 * per run and early random runs in the buffer that average misleads, and
 * the greedy action stalls where no single branch can improve. The joint
 * fit attributes the reward to the branches together.
 *
 * Through the dueling mean, d Q_b(k)/d V = 1 and d Q_b(k)/d A_b(j) =
 * [j == k] - 1/len_b. */
/* The loss of one transition at the online network's Q (p->q, from its
 * state); d(loss)/d(output) into grad (nout values). */
static float transition_grad(struct zd_profiler_agent *p, int slot, float y,
			     float *grad)
{
	struct zd_action a;
	zd_action_at(&p->space, p->rb.action[slot], &a);
	int entry[NBRANCH_MAX];
	action_entries(p, &a, entry);
	float g,
	    loss =
		huber(joint_q(p, p->q, &a) - y, (float)p->opts.huber_delta, &g);
	g /= (float)p->nbranch; /* d joint / d Q_b */
	memset(grad, 0, (size_t)p->nout * sizeof(float));
	for (int b = 0; b < p->nbranch; b++) {
		grad[0] += g;
		for (int k = 0; k < p->blen[b]; k++)
			grad[p->boff[b] + k] -= g / (float)p->blen[b];
		grad[entry[b]] += g;
	}
	return loss;
}

static const float *slot_state(const struct zd_profiler_agent *p, int slot)
{
	return p->rb.state + (size_t)slot * (size_t)p->opts.state_dim;
}

/* Loss of one transition; its gradient goes into the online network.
 *
 * The action's score, the mean Q of the branches it decides, is fitted to
 * the target: Huber(mean_b Q_b(a_b) - y). This is value decomposition
 * (Sunehag et al. 2018) over the branches. Fitting each branch alone to
 * y, as Tavakoli et al. do, makes Q_b(k) the reward averaged over
 * whatever the other branches did in the replayed runs; with one decision
 * per run and early random runs in the buffer that average misleads, and
 * the greedy action stalls where no single branch can improve. The joint
 * fit attributes the reward to the branches together.
 *
 * Through the dueling mean, d Q_b(k)/d V = 1 and d Q_b(k)/d A_b(j) =
 * [j == k] - 1/len_b. */
static float learn_one(struct zd_profiler_agent *p, int slot)
{
	float y = td_target(p, slot);
	branch_q(p, p->online, slot_state(p, slot), p->q);
	float loss = transition_grad(p, slot, y, p->grad);
	zd_mlp_backward(p->online, p->grad);
	return loss;
}

/* Without bootstrapping (gamma 0, the default) a target is the reward,
 * so transitions of one state (all of zero-shot planning's) share one
 * forward pass and their gradients go back together: the same sums as
 * learn_one's, sample after sample. */
static double learn_batch(struct zd_profiler_agent *p, const int *slots, int n)
{
	double loss = 0.0;
	int run = 0; /* samples pending in p->grad_batch, of slots[i - run] */
	for (int i = 0; i <= n; i++) {
		if (run > 0 &&
		    (i == n ||
		     memcmp(slot_state(p, slots[i]),
			    slot_state(p, slots[i - 1]),
			    (size_t)p->opts.state_dim * sizeof(float)) != 0)) {
			zd_mlp_backward_n(p->online, p->grad_batch, run);
			run = 0;
		}
		if (i == n)
			break;
		if (run == 0)
			branch_q(p, p->online, slot_state(p, slots[i]), p->q);
		loss += transition_grad(p, slots[i], p->rb.reward[slots[i]],
					p->grad_batch +
					    (size_t)run * (size_t)p->nout);
		run++;
	}
	return loss;
}

double zd_profiler_agent_learn(struct zd_profiler_agent *p)
{
	if (p->rb.len == 0)
		return 0.0;
	double loss = 0.0;
	if (p->opts.gamma <= 0.0) {
		int *slots = p->slots;
		for (int i = 0; i < p->opts.batch; i++)
			slots[i] = zd_rng_below(&p->rng, p->rb.len);
		loss = learn_batch(p, slots, p->opts.batch);
	} else {
		for (int i = 0; i < p->opts.batch; i++)
			loss += learn_one(p, zd_rng_below(&p->rng, p->rb.len));
	}
	zd_mlp_adam_step(p->online, &p->adam, 1.0f / (float)p->opts.batch);
	if (++p->updates % p->opts.target_sync == 0)
		zd_mlp_copy_params(p->target, p->online);
	return loss / p->opts.batch;
}

/* ---- JSON ------------------------------------------------------------------ */

json_t *zd_profiler_agent_to_json(const struct zd_profiler_agent *p)
{
	const struct zd_profiler_agent_opts *o = &p->opts;
	json_t *j = json_object(), *clusters = json_array();
	json_t *net = zd_mlp_to_json(p->online);
	if (!j || !clusters || !net) {
		json_decref(j);
		json_decref(clusters);
		json_decref(net);
		return NULL;
	}
	json_object_set_new(j, "state_dim", json_integer(o->state_dim));
	json_object_set_new(j, "hidden",
			    json_pack("[ii]", o->hidden[0], o->hidden[1]));
	json_object_set_new(j, "gamma", json_real(o->gamma));
	json_object_set_new(j, "lr", json_real(o->lr));
	json_object_set_new(j, "huber_delta", json_real(o->huber_delta));
	json_object_set_new(j, "batch", json_integer(o->batch));
	json_object_set_new(j, "replay_capacity",
			    json_integer(o->replay_capacity));
	json_object_set_new(j, "target_sync", json_integer(o->target_sync));
	json_object_set_new(j, "eps_start", json_real(o->eps_start));
	json_object_set_new(j, "eps_min", json_real(o->eps_min));
	json_object_set_new(j, "eps_decay", json_real(o->eps_decay));
	json_object_set_new(j, "epsilon", json_real(p->eps));
	json_object_set_new(j, "seed", zd_jr_u64_new(o->seed));
	json_object_set_new(j, "rng", zd_jr_u64_new(p->rng));
	json_object_set_new(j, "updates", json_integer(p->updates));
	for (int c = 0; c < p->space.nclusters; c++)
		json_array_append_new(
		    clusters,
		    json_pack("{sisi}", "max_cores", p->space.max_cores[c],
			      "nlevels", p->space.nlevels[c]));
	json_object_set_new(j, "clusters", clusters);
	json_object_set_new(j, "net", net);
	return j;
}

/* The saved clusters must be the space's: the branches are sized by them. */
static int check_clusters(const json_t *j, const struct zd_jr *v,
			  const char *where, const struct zd_action_space *s)
{
	json_t *arr;
	int rc =
	    zd_jr_array(v, j, where, "clusters", (size_t)s->nclusters, &arr);
	for (int c = 0; rc == 0 && c < s->nclusters; c++) {
		char path[300];
		snprintf(path, sizeof(path), "%s.clusters[%d]", where, c);
		json_t *cl = json_array_get(arr, (size_t)c);
		long long max_cores, nlevels;
		if (!json_is_object(cl))
			return zd_jr_bad(v, path, "must be an object");
		if ((rc = zd_jr_int(v, cl, path, "max_cores", s->max_cores[c],
				    s->max_cores[c], &max_cores)) != 0 ||
		    (rc = zd_jr_int(v, cl, path, "nlevels", s->nlevels[c],
				    s->nlevels[c], &nlevels)) != 0)
			return rc;
	}
	return rc;
}

static int read_opts(const json_t *j, const struct zd_jr *v, const char *where,
		     struct zd_profiler_agent_opts *o)
{
	long long dim, batch, cap, sync;
	json_t *hidden;
	char path[300];
	int rc;
	if ((rc = zd_jr_int(v, j, where, "state_dim", 1, ZD_MLP_MAX_WIDTH,
			    &dim)) != 0 ||
	    (rc = zd_jr_array(v, j, where, "hidden", 2, &hidden)) != 0)
		return rc;
	zd_profiler_agent_default_opts(o, (int)dim);
	snprintf(path, sizeof(path), "%s%shidden", where, where[0] ? "." : "");
	for (int i = 0; i < 2; i++) {
		json_t *h = json_array_get(hidden, (size_t)i);
		if (!json_is_integer(h) || json_integer_value(h) < 1 ||
		    json_integer_value(h) > ZD_MLP_MAX_WIDTH)
			return zd_jr_bad(v, path,
					 "entry %d must be an integer "
					 "1..%d",
					 i, ZD_MLP_MAX_WIDTH);
		o->hidden[i] = (int)json_integer_value(h);
	}
	if ((rc = zd_jr_number(v, j, where, "gamma", 0.0, 0.999999,
			       &o->gamma)) ||
	    (rc = zd_jr_number(v, j, where, "lr", 1e-12, 1.0, &o->lr)) ||
	    (rc = zd_jr_number(v, j, where, "huber_delta", 0.0, 1e6,
			       &o->huber_delta)) ||
	    (rc = zd_jr_int(v, j, where, "batch", 1, 4096, &batch)) ||
	    (rc =
		 zd_jr_int(v, j, where, "replay_capacity", 1, 1 << 22, &cap)) ||
	    (rc = zd_jr_int(v, j, where, "target_sync", 1, 1L << 30, &sync)) ||
	    (rc = zd_jr_number(v, j, where, "eps_start", 0.0, 1.0,
			       &o->eps_start)) ||
	    (rc =
		 zd_jr_number(v, j, where, "eps_min", 0.0, 1.0, &o->eps_min)) ||
	    (rc = zd_jr_number(v, j, where, "eps_decay", 1e-12, 1.0,
			       &o->eps_decay)) ||
	    (rc = zd_jr_u64(v, j, where, "seed", &o->seed)))
		return rc;
	o->batch = (int)batch;
	o->replay_capacity = (int)cap;
	o->target_sync = (int)sync;
	return 0;
}

int zd_profiler_agent_from_json(const json_t *j, const struct zd_jr *v,
				const char *where,
				const struct zd_action_space *space,
				struct zd_profiler_agent **out)
{
	struct zd_profiler_agent_opts o;
	double eps;
	long long updates;
	uint64_t rng;
	char path[300];
	struct zd_mlp *net = NULL;
	if (!json_is_object(j))
		return zd_jr_bad(v, where, "must be an object");
	int rc = read_opts(j, v, where, &o);
	if (rc == 0)
		rc = check_clusters(j, v, where, space);
	if (rc == 0)
		rc = zd_jr_number(v, j, where, "epsilon", 0.0, 1.0, &eps);
	if (rc == 0)
		rc = zd_jr_int(v, j, where, "updates", 0, INT64_MAX, &updates);
	if (rc == 0)
		rc = zd_jr_u64(v, j, where, "rng", &rng);
	if (rc != 0)
		return rc;
	snprintf(path, sizeof(path), "%s%snet", where, where[0] ? "." : "");
	json_t *jnet = json_object_get(j, "net");
	if (jnet == NULL)
		return zd_jr_bad(v, path, "missing required field");
	if ((rc = zd_mlp_from_json(jnet, v, path, &net)) != 0)
		return rc;
	int want[4] = {o.state_dim, o.hidden[0], o.hidden[1], 1};
	for (int c = 0; c < space->nclusters; c++)
		want[3] += space->max_cores[c] + 1 + space->nlevels[c];
	bool fits = zd_mlp_nlayers(net) == 3;
	for (int l = 0; fits && l < 4; l++)
		fits = zd_mlp_size(net, l) == want[l];
	if (!fits) {
		zd_mlp_free(net);
		return zd_jr_bad(v, path,
				 "layer sizes must be [%d, %d, %d, %d] "
				 "(state_dim, hidden, the space's branches)",
				 want[0], want[1], want[2], want[3]);
	}
	struct zd_profiler_agent *p = NULL;
	if ((rc = profiler_alloc(space, &o, net, &p, v->err)) != 0)
		return rc;
	p->eps = eps;
	p->updates = (long)updates;
	p->rng = rng;
	*out = p;
	return 0;
}
