/* walk.c - one translation unit's AST into the program model: statements,
 * loops (variable, bounds, trip class), the OpenMP directives attached to
 * the statements they govern, and at the end of each loop nest the checks
 * that need all of its accesses: stride classes, reuse, dependences,
 * scalar recurrences, writes other threads may share.
 *
 * The unit is parsed without -fopenmp: libclang 14's cursors stop at the
 * CapturedStmt of an OpenMP directive, so with -fopenmp the body of every
 * parallel loop would be invisible. Directives come from the tokens of the
 * sources instead (tokens.c) and are attached here by position: a
 * directive governs the first statement that starts after it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walker.h"

static void walk_child(struct walker *w, CXCursor c);
static void nest_close(struct walker *w);

/* ---- directives --------------------------------------------------------- */

static void emit_standalone(struct walker *w, const struct fx_pragma *pr)
{
	uint32_t d = pr->dir;
	if (d & (FX_D_BARRIER | FX_D_TASKWAIT | FX_D_FLUSH))
		for (int i = 0; i < w->nst; i++)
			w->p->loops[w->st[i].loop].par_events++;
	if (d & FX_D_TASKWAIT)
		w->p->funcs[w->func].has_taskwait = true;
	if (d & (FX_D_ORDERED | FX_D_BARRIER)) {
		struct fx_loop *l = fxw_cur_loop(w);
		if (d & FX_D_ORDERED)
			fxw_sync(w, l);
		fxw_example(l, FX_EX_SYNC, pr->loc);
	}
}

/* Consume the pragmas of stmt's file up to its start: standalone ones
 * happen here, the others govern stmt. */
static int take_pragmas(struct walker *w, CXCursor stmt, struct fx_pragma **att,
			int max)
{
	int n = 0, fi;
	unsigned off;
	if (w->ninl > 0 ||
	    !fxw_where(w, clang_getRangeStart(clang_getCursorExtent(stmt)), &fi,
		       &off) ||
	    !w->files[fi].own || fxw_tokenize(w, fi) != 0)
		return 0;
	struct wfile *f = &w->files[fi];
	while (f->next < f->nprag && f->prag[f->next].offset <= off) {
		struct fx_pragma *pr = &f->prag[f->next++];
		if (pr->declarative)
			continue;
		if (pr->standalone)
			emit_standalone(w, pr);
		else if (n < max)
			att[n++] = pr;
	}
	return n;
}

/* Standalone directives left before end (the end of a block). */
static void flush_pragmas(struct walker *w, int fi, unsigned end, bool emit)
{
	if (w->ninl > 0 || fi < 0 || !w->files[fi].own)
		return;
	struct wfile *f = &w->files[fi];
	while (f->next < f->nprag && f->prag[f->next].offset < end) {
		struct fx_pragma *pr = &f->prag[f->next++];
		if (emit && pr->standalone && !pr->declarative)
			emit_standalone(w, pr);
	}
}

static void directive_effects(struct walker *w, uint32_t d,
			      struct fx_pragma **att, int n)
{
	struct fx_prog *p = w->p;
	struct fx_func *f = &p->funcs[w->func];
	struct fx_loc loc = att[0]->loc;
	bool par = (d & (FX_D_PARALLEL | FX_D_TEAMS)) != 0;
	uint32_t work = FX_D_FOR | FX_D_TASK | FX_D_TASKLOOP | FX_D_SECTIONS |
	    FX_D_DISTRIBUTE;
	if (d & (FX_D_FOR | FX_D_SECTIONS | FX_D_TASKLOOP | FX_D_DISTRIBUTE))
		f->has_worksharing = true;
	/* tasks are created without waiting: only the other constructs
	 * are events that synchronise the team each iteration */
	bool sync = par || (d & (work & ~(uint32_t)FX_D_TASK));
	if (par || (d & work))
		for (int i = 0; i < w->nst; i++) {
			w->p->loops[w->st[i].loop].encloses_par = true;
			w->p->loops[w->st[i].loop].par_events += sync;
		}
	if (par) {
		if (w->nst > 0)
			p->regions_in_loops++;
		p->any_parallel = true;
		f->has_parallel = true;
		if (p->first_region.file < 0)
			p->first_region = loc;
	}
	struct fx_loop *l = fxw_cur_loop(w);
	if (d & (FX_D_TASK | FX_D_TASKLOOP)) {
		p->any_task = true;
		f->has_task = true;
		if (p->first_task.file < 0)
			p->first_task = loc;
		l->tasks++;
		for (int i = 0; i < n; i++) {
			if (att[i]->cutoff_clause)
				f->task_cutoff = true;
			if (att[i]->depend) {
				f->has_depend = true;
				if (p->first_depend.file < 0)
					p->first_depend = att[i]->loc;
			}
		}
	}
	bool plain = (d & FX_D_ATOMIC) && !(d & (FX_D_CRITICAL | FX_D_ORDERED));
	for (int i = 0; plain && i < n; i++)
		plain = !(att[i]->dir & FX_D_ATOMIC) || att[i]->atomic_rw;
	if (d & (FX_D_CRITICAL | FX_D_ATOMIC | FX_D_ORDERED)) {
		if (!plain) /* atomic read/write: a plain access */
			fxw_sync(w, l);
		fxw_example(l, FX_EX_SYNC, loc);
		if ((d & FX_D_CRITICAL) && p->first_critical.file < 0)
			p->first_critical = loc;
		if ((d & FX_D_ATOMIC) && p->first_atomic.file < 0)
			p->first_atomic = loc;
	}
}

static void walk_directed(struct walker *w, CXCursor c, struct fx_pragma **att,
			  int n)
{
	uint32_t d = 0;
	struct dirinfo di = {0};
	di.collapse = 1;
	for (int i = 0; i < n; i++) {
		const struct fx_pragma *pr = att[i];
		att[i]->used = true;
		d |= pr->dir;
		if (pr->dir &
		    (FX_D_FOR | FX_D_TASKLOOP | FX_D_DISTRIBUTE | FX_D_SIMD)) {
			di.set = true;
			di.parallel |=
			    (pr->dir &
			     (FX_D_FOR | FX_D_TASKLOOP | FX_D_DISTRIBUTE)) != 0;
			di.simd |= (pr->dir & FX_D_SIMD) != 0;
			if (pr->sched != FX_SCHED_NONE) {
				di.sched = pr->sched;
				di.chunk = pr->chunk;
			}
			if (pr->collapse > di.collapse)
				di.collapse = pr->collapse;
		}
	}
	if (di.parallel && di.sched == FX_SCHED_NONE && (d & FX_D_FOR))
		di.sched = FX_SCHED_STATIC;
	directive_effects(w, d, att, n);
	bool par = (d & (FX_D_PARALLEL | FX_D_TEAMS)) != 0;
	bool task = (d & FX_D_TASK) != 0;
	struct extent e;
	bool pushed = false;
	if ((par || task) && w->nreg < 16 && fxw_extent(w, c, &e)) {
		w->reg[w->nreg++] = e;
		pushed = true;
	}
	int na = 0;
	for (int i = 0; i < n && w->nactive < 32; i++, na++)
		w->active[w->nactive++] = att[i];
	w->region_depth += par;
	w->task_depth += task;
	w->critical_depth += (d & FX_D_CRITICAL) != 0;
	w->atomic_depth += (d & FX_D_ATOMIC) != 0;
	w->pend = di;
	fxw_stmt(w, c);
	w->pend.set = false;
	w->region_depth -= par;
	w->task_depth -= task;
	w->critical_depth -= (d & FX_D_CRITICAL) != 0;
	w->atomic_depth -= (d & FX_D_ATOMIC) != 0;
	w->nactive -= na;
	if (pushed)
		w->nreg--;
}

/* ---- loops -------------------------------------------------------------- */

enum { STEP_NONE, STEP_CONST, STEP_SYM, STEP_LOG };

/* The variable the increment of a for loop steps, and how. */
static uint64_t ivar_of(struct walker *w, CXCursor inc, int *kind,
			int64_t *step)
{
	*kind = STEP_NONE;
	*step = 0;
	inc = fxw_strip(inc);
	struct kids ks;
	fxw_kids(inc, &ks);
	CXCursor var = clang_getNullCursor(), val = clang_getNullCursor();
	char op[4] = "";
	enum CXCursorKind k = clang_getCursorKind(inc);
	if (k == CXCursor_UnaryOperator && ks.n == 1) {
		fxw_unop(w, inc, ks.v[0], op);
		var = ks.v[0];
		if (strcmp(op, "++") == 0 || strcmp(op, "--") == 0) {
			*kind = STEP_CONST;
			*step = op[0] == '+' ? 1 : -1;
		}
	} else if ((k == CXCursor_CompoundAssignOperator ||
		    k == CXCursor_BinaryOperator) &&
		   ks.n == 2) {
		fxw_binop(w, ks.v[0], ks.v[1], op);
		var = ks.v[0];
		val = ks.v[1];
	}
	fxw_kids_free(&ks);
	if (strcmp(op, ",") == 0) /* i++, j-- : the first */
		return 0;
	var = fxw_strip(var);
	if (clang_Cursor_isNull(var) ||
	    clang_getCursorKind(var) != CXCursor_DeclRefExpr)
		return 0;
	uint64_t key = fxw_var_key(w, clang_getCursorReferenced(var));
	if (*kind != STEP_NONE)
		return key;
	struct aff a;
	if (!clang_Cursor_isNull(val))
		fxw_eval(w, val, &a, 0);
	if (strcmp(op, "+=") == 0 || strcmp(op, "-=") == 0) {
		*kind = fxw_is_const(&a) ? STEP_CONST : STEP_SYM;
		*step = op[0] == '+' ? a.cval : -a.cval;
	} else if (strcmp(op, "*=") == 0 || strcmp(op, "/=") == 0 ||
		   strcmp(op, ">>=") == 0 || strcmp(op, "<<=") == 0) {
		*kind = STEP_LOG;
	} else if (strcmp(op, "=") == 0) {
		/* i = i + c, i = i * 2 */
		struct kids vk;
		CXCursor v = fxw_strip(val);
		fxw_kids(v, &vk);
		char op2[4] = "";
		if (clang_getCursorKind(v) == CXCursor_BinaryOperator &&
		    vk.n == 2)
			fxw_binop(w, vk.v[0], vk.v[1], op2);
		fxw_kids_free(&vk);
		if (op2[0] == '*' || op2[0] == '/' || strcmp(op2, ">>") == 0 ||
		    strcmp(op2, "<<") == 0)
			*kind = STEP_LOG;
		else if (op2[0] == '+' || op2[0] == '-') {
			for (int i = 0; i < a.nsym; i++) /* drop i itself */
				if (a.sym[i] == key) {
					a.sym[i] = a.sym[--a.nsym];
					a.symc[i] = a.symc[a.nsym];
					break;
				}
			*kind = fxw_is_const(&a) ? STEP_CONST : STEP_SYM;
			*step = a.cval;
		}
	}
	return key;
}

/* The initial value of key in the init part of a for loop. */
static bool lower_of(struct walker *w, CXCursor init, uint64_t key,
		     struct aff *lb)
{
	struct kids ks;
	bool found = false;
	enum CXCursorKind k = clang_getCursorKind(init);
	fxw_kids(init, &ks);
	if (k == CXCursor_DeclStmt) {
		for (int i = 0; i < ks.n && !found; i++) {
			if (fxw_var_key(w, ks.v[i]) != key)
				continue;
			struct kids vk;
			fxw_kids(ks.v[i], &vk);
			if (vk.n > 0 &&
			    clang_isExpression(
				clang_getCursorKind(vk.v[vk.n - 1]))) {
				fxw_eval(w, vk.v[vk.n - 1], lb, 0);
				found = true;
			}
			fxw_kids_free(&vk);
		}
	} else if (k == CXCursor_BinaryOperator && ks.n == 2) {
		char op[4];
		fxw_binop(w, ks.v[0], ks.v[1], op);
		CXCursor l = fxw_strip(ks.v[0]);
		if (strcmp(op, "=") == 0 &&
		    clang_getCursorKind(l) == CXCursor_DeclRefExpr &&
		    fxw_var_key(w, clang_getCursorReferenced(l)) == key) {
			fxw_eval(w, ks.v[1], lb, 0);
			found = true;
		} else if (strcmp(op, ",") == 0) {
			found = lower_of(w, ks.v[0], key, lb) ||
			    lower_of(w, ks.v[1], key, lb);
		}
	}
	fxw_kids_free(&ks);
	return found;
}

static bool is_key(struct walker *w, CXCursor c, uint64_t key)
{
	c = fxw_strip(c);
	return clang_getCursorKind(c) == CXCursor_DeclRefExpr &&
	    fxw_var_key(w, clang_getCursorReferenced(c)) == key;
}

/* The bound key is compared with in a loop condition. */
static bool upper_of(struct walker *w, CXCursor cond, uint64_t key,
		     struct aff *ub, int depth)
{
	cond = fxw_strip(cond);
	if (depth > 8 || clang_getCursorKind(cond) != CXCursor_BinaryOperator)
		return false;
	struct kids ks;
	fxw_kids(cond, &ks);
	bool found = false;
	if (ks.n == 2) {
		char op[4];
		fxw_binop(w, ks.v[0], ks.v[1], op);
		if (strcmp(op, "&&") == 0)
			found = upper_of(w, ks.v[0], key, ub, depth + 1) ||
			    upper_of(w, ks.v[1], key, ub, depth + 1);
		else if (op[0] == '<' || op[0] == '>' ||
			 strcmp(op, "!=") == 0) {
			if (is_key(w, ks.v[0], key)) {
				fxw_eval(w, ks.v[1], ub, 0);
				found = true;
			} else if (is_key(w, ks.v[1], key)) {
				fxw_eval(w, ks.v[0], ub, 0);
				found = true;
			}
		}
	}
	fxw_kids_free(&ks);
	return found;
}

static bool has_thread(const struct aff *a)
{
	for (int i = 0; i < a->nterms; i++)
		if (a->t[i].level == FX_LVL_THREAD)
			return true;
	return false;
}

/* A trip set by the function's parameters only (j0..j1): remembered so
 * that calls which make it constant (a tile) are recognised. */
static void param_bound(struct walker *w, struct fx_loop *l,
			const struct aff *diff)
{
	if (diff->sym_other || diff->nonlin || diff->ind_level >= 0 ||
	    diff->nsym == 0 || diff->nsym > 3)
		return;
	struct fx_func *f = &w->p->funcs[w->func];
	l->pb_n = 0;
	for (int i = 0; i < diff->nsym; i++) {
		int k = 0;
		while (k < w->nparams && w->params[k] != diff->sym[i])
			k++;
		if (k == w->nparams)
			return;
		l->pb_param[l->pb_n] = k;
		l->pb_coef[l->pb_n++] = diff->symc[i];
	}
	l->pb_const = diff->cval;
	l->pb_ord = f->npb++;
}

static void classify_trip(struct walker *w, struct fx_loop *l, bool have_lb,
			  struct aff *lb, bool have_ub, struct aff *ub,
			  int step_kind, int64_t step)
{
	l->trip = FX_TRIP_UNKNOWN;
	if (!have_ub)
		return;
	if (step_kind == STEP_LOG) {
		l->trip = FX_TRIP_LOG;
		return;
	}
	struct aff zero;
	fxw_aff_init(&zero);
	if (!have_lb) { /* for (; j > 0; j--): starts wherever it was */
		l->trip =
		    fxw_has_terms(ub) ? FX_TRIP_TRIANGULAR : FX_TRIP_PARAM;
		if (l->trip == FX_TRIP_TRIANGULAR && w->nst > 0)
			l->tri_on = w->st[w->nst - 1].loop;
		return;
	}
	if (ub->ind_level >= 0 || lb->ind_level >= 0 ||
	    (ub->sym_other && !ub->nonlin && ub->nsym == 0))
		l->data_bound = ub->ind_level >= 0 || lb->ind_level >= 0;
	/* for (i = tid * chunk; i < (tid + 1) * chunk; ...): hand-made
	 * worksharing */
	if (has_thread(lb) || has_thread(ub)) {
		l->parallel = true;
		l->trip = FX_TRIP_PARAM;
		return;
	}
	struct aff diff = *ub;
	fxw_aff_add(&diff, lb, -1);
	bool moving = fxw_has_terms(lb) || fxw_has_terms(ub);
	if (diff.nonlin) {
		l->trip = moving ? FX_TRIP_TRIANGULAR : FX_TRIP_PARAM;
		if (moving &&
		    w->nst > 0) /* which one is not known: the nearest */
			l->tri_on = w->st[w->nst - 1].loop;
		return;
	}
	if (!fxw_has_terms(&diff)) {
		if (diff.nsym == 0 && !diff.sym_other && diff.ind_level < 0) {
			int64_t span = diff.cval < 0 ? -diff.cval : diff.cval;
			int64_t s = step_kind == STEP_CONST && step != 0
			    ? (step < 0 ? -step : step)
			    : 1;
			double t = (double)(span / s);
			/* a size written as a constant (a macro, a static
			 * array's extent) is still the problem's size: so
			 * long a loop counts as one bounded by a parameter,
			 * so that `#define N 4000` and `long n` mean the
			 * same (small constant loops stay constant) */
			if (!moving && t >= FX_SIZE_CONST) {
				l->trip = FX_TRIP_PARAM;
				l->size_const =
				    t; /* rules.c: unless time steps */
				return;
			}
			l->trip = FX_TRIP_CONST;
			l->trip_const = t < 1 ? 1 : t;
			l->tile = moving;
			return;
		}
		if (moving) { /* j .. j + B: a tile of a parameter's width */
			l->trip = FX_TRIP_CONST;
			l->trip_const = 32;
			l->tile = true;
			return;
		}
		l->trip = FX_TRIP_PARAM;
		param_bound(w, l, &diff);
		return;
	}
	/* follows enclosing loops: triangular unless they are bounded */
	double most = 1;
	int deepest = -1;
	bool bounded = true;
	for (int i = 0; i < diff.nterms; i++) {
		int lvl = diff.t[i].level;
		if (lvl == FX_LVL_THREAD || lvl >= w->nst)
			continue;
		const struct fx_loop *o = &w->p->loops[w->st[lvl].loop];
		if (lvl > deepest)
			deepest = lvl;
		if (o->trip != FX_TRIP_CONST)
			bounded = false;
		else if (o->trip_const > most)
			most = o->trip_const;
	}
	if (!bounded) {
		l->trip = FX_TRIP_TRIANGULAR;
		l->tri_on = deepest >= 0 ? w->st[deepest].loop : -1;
		return;
	}
	l->trip = FX_TRIP_CONST;
	l->trip_const = most / 2 < 1 ? 1 : most / 2;
}

/* init, cond, inc and body of a for statement: libclang leaves out the
 * parts that are absent, so they are told apart by the ';' tokens. */
static void for_parts(struct walker *w, CXCursor c, const struct kids *ks,
		      CXCursor part[4])
{
	for (int i = 0; i < 4; i++)
		part[i] = clang_getNullCursor();
	if (ks->n == 0)
		return;
	part[3] = ks->v[ks->n - 1];
	int n = ks->n - 1;
	if (n == 3) {
		for (int i = 0; i < 3; i++)
			part[i] = ks->v[i];
		return;
	}
	struct extent e;
	if (n == 0 || !fxw_extent(w, c, &e) || !w->files[e.file].own ||
	    fxw_tokenize(w, e.file) != 0)
		return;
	const struct wfile *f = &w->files[e.file];
	int t = fxw_tok_at(f, e.start);
	unsigned semi[2] = {0, 0};
	int nsemi = 0, depth = 0;
	for (int i = t + 1; i < f->ntok && f->tok[i].off < e.end; i++) {
		if (fxw_tok_is(f, &f->tok[i], "("))
			depth++;
		else if (fxw_tok_is(f, &f->tok[i], ")") && --depth == 0)
			break;
		else if (depth == 1 && fxw_tok_is(f, &f->tok[i], ";") &&
			 nsemi < 2)
			semi[nsemi++] = f->tok[i].off;
	}
	if (nsemi < 2)
		return;
	for (int i = 0; i < n; i++) {
		struct extent ce;
		if (!fxw_extent(w, ks->v[i], &ce))
			continue;
		int which = ce.start < semi[0] ? 0 : ce.start < semi[1] ? 1 : 2;
		part[which] = ks->v[i];
	}
}

static void cond_vars(struct walker *w, CXCursor c, struct frame *fr, int depth)
{
	c = fxw_strip(c);
	if (depth > 6)
		return;
	if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
		if (fr->ncond < 4)
			fr->cond[fr->ncond++] =
			    fxw_var_key(w, clang_getCursorReferenced(c));
		return;
	}
	struct kids ks;
	fxw_kids(c, &ks);
	for (int i = 0; i < ks.n; i++)
		cond_vars(w, ks.v[i], fr, depth + 1);
	fxw_kids_free(&ks);
}

/* A while loop's trip from how its condition's variables change. */
static void while_trip(struct walker *w, const struct frame *fr)
{
	struct fx_loop *l = &w->p->loops[fr->loop];
	for (int i = 0; i < w->nev; i++) {
		const struct event *e = &w->ev[i];
		if (e->loop != fr->loop)
			continue;
		for (int k = 0; k < fr->ncond; k++) {
			if (e->key != fr->cond[k])
				continue;
			if (e->kind == EV_MULDIV)
				l->trip = FX_TRIP_LOG;
			else if ((e->kind == EV_INC || e->kind == EV_CHASE) &&
				 l->trip == FX_TRIP_UNKNOWN)
				l->trip = FX_TRIP_PARAM;
		}
	}
}

static int open_loop(struct walker *w, CXCursor c, bool is_while)
{
	int li = fxw_new_loop(w);
	if (li < 0)
		return -1;
	struct fx_prog *p = w->p;
	struct fx_loop *l = &p->loops[li];
	struct dirinfo d = w->pend;
	w->pend.set = false;
	if (!d.set && w->collapse_left > 0) {
		d = w->collapse_info;
		w->collapse_left--;
	} else if (d.set && d.collapse > 1) {
		w->collapse_info = d;
		w->collapse_info.collapse = 1;
		w->collapse_left = d.collapse - 1;
	} else {
		w->collapse_left = 0;
	}
	l->loc = fxw_loc(w, c);
	l->is_while = is_while;
	l->lex_region = w->region_depth > 0 || w->task_depth > 0;
	l->parallel = d.set && d.parallel;
	l->simd = d.set && d.simd;
	l->sched = d.set ? d.sched : FX_SCHED_NONE;
	l->chunk = d.set ? d.chunk : 0;
	l->depth = w->nst + w->extra + 1;
	l->bounded = w->bounded > 0;
	if (w->nst > 0) {
		l->parent = w->st[w->nst - 1].loop;
		p->loops[l->parent].has_child = true;
	}
	if (l->loc.file >= 0 && l->loc.file < p->nmain) {
		p->counts.loop_count++;
		if (l->depth > p->counts.loop_depth)
			p->counts.loop_depth = l->depth;
	}
	return li;
}

static void push_frame(struct walker *w, int li, uint64_t ivar, CXCursor c)
{
	if (w->nst == FX_MAX_NEST) {
		w->extra++;
		return;
	}
	struct frame *fr = &w->st[w->nst];
	memset(fr, 0, sizeof(*fr));
	fr->loop = li;
	fr->ivar = ivar;
	struct extent e = {-1, 0, 0};
	fxw_extent(w, c, &e);
	fr->file = e.file;
	fr->start = e.start;
	fr->end = e.end;
	w->nst++;
	if (fx_grow(&w->nl, &w->capnl, w->nnl + 1, sizeof(struct nloop)) == 0)
		w->nl[w->nnl++] =
		    (struct nloop){li, ivar, e.file, e.start, e.end};
}

static void pop_frame(struct walker *w, bool pushed)
{
	if (!pushed) {
		w->extra--;
		return;
	}
	struct frame *fr = &w->st[--w->nst];
	struct fx_loop *l = &w->p->loops[fr->loop];
	if (l->is_while)
		while_trip(w, fr);
	/* a sequential loop around parallel work in called functions: every
	 * iteration may wait for the previous one's results (what is
	 * written here, the pairs of accesses decide at the nest's end) */
	if (!l->parallel && l->encloses_par && l->par_events > 0 && fr->calls) {
		l->cross = true;
		fxw_example(l, FX_EX_CROSS, l->loc);
	}
	if (w->nst == 0)
		nest_close(w);
}

static void walk_loop(struct walker *w, CXCursor c, enum CXCursorKind k)
{
	struct kids ks;
	fxw_kids(c, &ks);
	CXCursor part[4]; /* init, cond, inc, body */
	for (int i = 0; i < 4; i++)
		part[i] = clang_getNullCursor();
	if (k == CXCursor_ForStmt)
		for_parts(w, c, &ks, part);
	else if (k == CXCursor_WhileStmt && ks.n == 2) {
		part[1] = ks.v[0];
		part[3] = ks.v[1];
	} else if (k == CXCursor_DoStmt && ks.n == 2) {
		part[3] = ks.v[0];
		part[1] = ks.v[1];
	} else if (ks.n > 0) {
		part[3] = ks.v[ks.n - 1];
	}
	fxw_kids_free(&ks);
	if (!clang_Cursor_isNull(part[0])) {
		if (clang_getCursorKind(part[0]) == CXCursor_DeclStmt)
			fxw_stmt(w, part[0]);
		else
			fxw_expr(w, part[0], M_CTRL);
	}
	int step_kind = STEP_NONE;
	int64_t step = 0;
	uint64_t iv = 0;
	struct aff lb, ub;
	bool have_lb = false, have_ub = false;
	if (!clang_Cursor_isNull(part[2]))
		iv = ivar_of(w, part[2], &step_kind, &step);
	if (iv != 0) {
		have_lb = !clang_Cursor_isNull(part[0]) &&
		    lower_of(w, part[0], iv, &lb);
		have_ub = !clang_Cursor_isNull(part[1]) &&
		    upper_of(w, part[1], iv, &ub, 0);
	}
	int li = open_loop(w, c, k != CXCursor_ForStmt);
	if (li < 0)
		return;
	struct fx_loop *l = &w->p->loops[li];
	l->has_ivar = iv != 0;
	if (iv != 0)
		classify_trip(w, l, have_lb, &lb, have_ub, &ub, step_kind,
			      step);
	else
		l->trip = FX_TRIP_UNKNOWN;
	if (l->tile)
		fxw_example(l, FX_EX_TILE, l->loc);
	bool pushed = w->nst < FX_MAX_NEST;
	push_frame(w, li, iv, c);
	if (pushed && k != CXCursor_ForStmt && !clang_Cursor_isNull(part[1]))
		cond_vars(w, part[1], &w->st[w->nst - 1], 0);
	/* a for loop's test is loop control; a while loop's is its work */
	if (!clang_Cursor_isNull(part[1]))
		fxw_expr(w, part[1], k == CXCursor_ForStmt ? M_CTRL : 0);
	if (!clang_Cursor_isNull(part[3]))
		walk_child(w, part[3]);
	if (!clang_Cursor_isNull(part[2])) /* after the body, as it runs */
		fxw_expr(w, part[2], M_CTRL);
	pop_frame(w, pushed);
}

/* ---- statements --------------------------------------------------------- */

/* Has the variable an initialiser ('=' after its name and array
 * declarators)? libclang 14 has no call for it. */
static bool has_init(struct walker *w, CXCursor var)
{
	int fi;
	unsigned off;
	if (!fxw_where(w, clang_getCursorLocation(var), &fi, &off) ||
	    !w->files[fi].own || fxw_tokenize(w, fi) != 0)
		return false;
	const struct wfile *f = &w->files[fi];
	int i = fxw_tok_at(f, off) + 1;
	while (i < f->ntok && fxw_tok_is(f, &f->tok[i], "[")) {
		int depth = 0;
		for (; i < f->ntok; i++) {
			if (fxw_tok_is(f, &f->tok[i], "["))
				depth++;
			else if (fxw_tok_is(f, &f->tok[i], "]") && --depth == 0)
				break;
		}
		i++;
	}
	return i < f->ntok && fxw_tok_is(f, &f->tok[i], "=");
}

static void walk_decl(struct walker *w, CXCursor c)
{
	struct kids ks;
	fxw_kids(c, &ks);
	for (int i = 0; i < ks.n; i++) {
		if (clang_getCursorKind(ks.v[i]) != CXCursor_VarDecl ||
		    !has_init(w, ks.v[i]))
			continue;
		struct kids vk;
		fxw_kids(ks.v[i], &vk);
		CXCursor init =
		    vk.n > 0 ? vk.v[vk.n - 1] : clang_getNullCursor();
		fxw_kids_free(&vk);
		if (clang_Cursor_isNull(init) ||
		    !clang_isExpression(clang_getCursorKind(init)))
			continue;
		fxw_expr(w, init, 0);
		struct aff a;
		fxw_eval(w, init, &a, 0);
		int div = 0;
		int shape = fxw_arg_shape(w, init, &div, 0);
		struct var *v = fxw_var(w, fxw_var_key(w, ks.v[i]), true);
		if (v == NULL)
			continue;
		v->flags = 0;
		/* loop-local indices and pointers, thread ids, row pointers:
		 * their value stands in for them in later subscripts */
		if (!a.nonlin &&
		    (a.nterms > 0 || a.ptr != 0 || a.ind_level >= 0 ||
		     (fxw_is_const(&a) && (w->nst > 0 || w->ninl > 0)))) {
			v->aff = a;
			v->flags |= V_AFF;
		}
		fxw_var_set_shape(v, shape, div);
	}
	fxw_kids_free(&ks);
}

static void walk_compound(struct walker *w, CXCursor c)
{
	struct kids ks;
	fxw_kids(c, &ks);
	for (int i = 0; i < ks.n && !w->err; i++)
		walk_child(w, ks.v[i]);
	fxw_kids_free(&ks);
	struct extent e;
	if (fxw_extent(w, c, &e))
		flush_pragmas(w, e.file, e.end, true);
}

/* Which branch of `if (n < C)` keeps a parameter below a constant: 1 the
 * then branch, 2 the else branch, 0 neither. Calls and loops there work on
 * bounded sizes (the serial base case below a cutoff). */
static int bounded_branch(struct walker *w, CXCursor cond)
{
	cond = fxw_strip(cond);
	if (clang_getCursorKind(cond) != CXCursor_BinaryOperator)
		return 0;
	struct kids ks;
	fxw_kids(cond, &ks);
	int which = 0;
	if (ks.n == 2) {
		char op[4];
		fxw_binop(w, ks.v[0], ks.v[1], op);
		struct aff l, r;
		fxw_eval(w, ks.v[0], &l, 0);
		fxw_eval(w, ks.v[1], &r, 0);
		bool lc = fxw_is_const(&l), rc = fxw_is_const(&r);
		const struct aff *v = lc ? &r : &l;
		bool sizes = (lc != rc) && !fxw_has_terms(v) && v->nsym > 0 &&
		    !v->nonlin && v->ind_level < 0;
		for (int i = 0; sizes && i < v->nsym; i++) {
			bool param = false;
			for (int k = 0; k < w->nparams; k++)
				param |= w->params[k] == v->sym[i];
			sizes = param && v->symc[i] > 0;
		}
		bool less = op[0] == '<' && op[1] != '<';
		bool more = op[0] == '>' && op[1] != '>';
		if (sizes && (less || more))
			which = (less == rc) ? 1 : 2;
	}
	fxw_kids_free(&ks);
	return which;
}

static void walk_if(struct walker *w, CXCursor c)
{
	struct kids ks;
	fxw_kids(c, &ks);
	fxw_count_op(w, 0, 1);
	int small = 0;
	for (int i = 0; i < ks.n; i++) {
		if (i == 0 &&
		    clang_isExpression(clang_getCursorKind(ks.v[i]))) {
			fxw_expr(w, ks.v[i], 0);
			small = bounded_branch(w, ks.v[i]);
			continue;
		}
		bool b = small == i;
		bool calls = w->branch_call, returns = w->branch_return;
		w->branch_call = w->branch_return = false;
		w->bounded += b;
		w->if_depth++;
		walk_child(w, ks.v[i]);
		w->if_depth--;
		w->bounded -= b;
		struct fx_func *f = &w->p->funcs[w->func];
		if (w->branch_call && w->branch_return && !f->has_task &&
		    w->nst == 0 && w->ninl == 0)
			f->serial_fallback = true;
		if (w->branch_return && w->nst == 0 && w->if_depth == 0)
			w->guarded = 1;
		w->branch_call |= calls;
		w->branch_return |= returns;
	}
	fxw_kids_free(&ks);
}

static void stmt_at(struct walker *w, CXCursor c)
{
	enum CXCursorKind k = clang_getCursorKind(c);
	struct kids ks;
	switch (k) {
	case CXCursor_CompoundStmt: walk_compound(w, c); return;
	case CXCursor_ForStmt:
	case CXCursor_WhileStmt:
	case CXCursor_DoStmt: walk_loop(w, c, k); return;
	case CXCursor_IfStmt: walk_if(w, c); return;
	case CXCursor_DeclStmt: walk_decl(w, c); return;
	case CXCursor_ReturnStmt:
		w->branch_return = true;
		/* fall through */
	case CXCursor_BreakStmt:
	case CXCursor_GotoStmt:
		if (w->nst > 0 && w->ninl == 0) {
			struct fx_loop *l = fxw_cur_loop(w);
			l->early_exit = true;
			fxw_example(l, FX_EX_EXIT, fxw_loc(w, c));
		}
		break;
	case CXCursor_SwitchStmt: fxw_count_op(w, 0, 1); break;
	case CXCursor_NullStmt:
	case CXCursor_ContinueStmt: return;
	default:
		if (clang_isExpression(k)) {
			fxw_expr(w, c, 0);
			return;
		}
		break;
	}
	fxw_kids(c, &ks);
	for (int i = 0; i < ks.n; i++) {
		enum CXCursorKind ck = clang_getCursorKind(ks.v[i]);
		if (clang_isExpression(ck))
			fxw_expr(w, ks.v[i], 0);
		else if (clang_isStatement(ck))
			walk_child(w, ks.v[i]);
	}
	fxw_kids_free(&ks);
}

void fxw_stmt(struct walker *w, CXCursor c)
{
	if (w->err)
		return;
	if (w->rdepth >= FX_MAX_RDEPTH) {
		w->too_deep = true;
		return;
	}
	w->rdepth++;
	stmt_at(w, c);
	w->rdepth--;
}

/* A statement where a directive may govern it. */
static void walk_child(struct walker *w, CXCursor c)
{
	struct fx_pragma *att[8];
	int n = take_pragmas(w, c, att, 8);
	int saved = w->stmt;
	w->stmt = ++w->stmt_next;
	if (n > 0)
		walk_directed(w, c, att, n);
	else
		fxw_stmt(w, c);
	w->stmt = saved;
}

/* ---- the end of a loop nest --------------------------------------------- */

static int cmp_event(const void *x, const void *y)
{
	const struct event *a = x, *b = y;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->order - b->order;
}

static bool is_ancestor(const struct fx_prog *p, int anc, int loop)
{
	for (int x = loop, n = 0; x >= 0 && n < 64; x = p->loops[x].parent, n++)
		if (x == anc)
			return true;
	return false;
}

/* The deepest level of a's path whose loop holds loop. */
static int level_holding(const struct fx_prog *p, const struct access *a,
			 int loop)
{
	for (int l = a->level; l >= 0; l--)
		if (is_ancestor(p, a->path[l], loop))
			return l;
	return -1;
}

static int first_event(const struct walker *w, uint64_t key)
{
	int lo = 0, hi = w->nev;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (w->ev[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Variables of a subscript that change inside the nest: counters (k++)
 * step like loop variables, pointer chases are random, the rest unknown. */
static void resolve_syms(struct walker *w, struct access *a)
{
	for (int d = 0; d < a->ndims; d++) {
		struct aff *x = &a->dim[d];
		for (int s = 0; s < x->nsym; s++) {
			for (int e = first_event(w, x->sym[s]);
			     e < w->nev && w->ev[e].key == x->sym[s]; e++) {
				const struct event *ev = &w->ev[e];
				if (ev->kind == EV_READ)
					continue;
				int l = level_holding(w->p, a, ev->loop);
				if (l < 0)
					continue;
				if (ev->kind == EV_INC)
					fxw_add_term(
					    x, l,
					    ev->loop == a->path[l] ? C_CONST
								   : C_SYM,
					    ev->inc != 0 ? ev->inc : 1);
				else if (ev->kind == EV_CHASE) {
					if (l > x->ind_level)
						x->ind_level = l;
				} else if (l == a->level)
					x->nonlin = true;
				else
					fxw_add_term(x, l, C_SYM, 1);
			}
		}
	}
}

static int classify(const struct fx_prog *p, const struct access *a)
{
	int k = a->level;
	for (int d = 0; d < a->ndims; d++)
		if (a->dim[d].ind_level == k)
			return FX_ACC_RANDOM;
	if (p->loops[a->path[k]].chase)
		return FX_ACC_RANDOM;
	for (int d = 0; d < a->ndims; d++)
		if (a->dim[d].nonlin)
			return FX_ACC_UNKNOWN;
	int cls = FX_ACC_INVARIANT;
	for (int d = 0; d < a->ndims; d++) {
		for (int t = 0; t < a->dim[d].nterms; t++) {
			const struct term *tm = &a->dim[d].t[t];
			if (tm->level != k)
				continue;
			int64_t v = tm->val < 0 ? -tm->val : tm->val;
			int c = FX_ACC_STRIDED;
			if (d == a->ndims - 1 && tm->kind == C_CONST)
				c = v == 1
				    ? (a->elem_big ? FX_ACC_SMALL : FX_ACC_UNIT)
				    : v <= 8 ? FX_ACC_SMALL
					     : FX_ACC_STRIDED;
			if (cls == FX_ACC_INVARIANT || c == FX_ACC_STRIDED)
				cls = c;
		}
	}
	return cls;
}

static bool same_terms(const struct aff *x, const struct aff *y)
{
	if (x->nterms != y->nterms || x->nsym != y->nsym || x->sym_other ||
	    y->sym_other || x->nonlin || y->nonlin)
		return false;
	for (int i = 0; i < x->nterms; i++) {
		bool found = false;
		for (int j = 0; j < y->nterms && !found; j++)
			found = x->t[i].level == y->t[j].level &&
			    x->t[i].kind == y->t[j].kind &&
			    (x->t[i].kind == C_SYM ||
			     x->t[i].val == y->t[j].val);
		if (!found)
			return false;
	}
	for (int i = 0; i < x->nsym; i++) {
		bool found = false;
		for (int j = 0; j < y->nsym && !found; j++)
			found =
			    x->sym[i] == y->sym[j] && x->symc[i] == y->symc[j];
		if (!found)
			return false;
	}
	return true;
}

static bool same_loop_terms(const struct aff *x, const struct aff *y)
{
	struct aff xs = *x, ys = *y;
	xs.nsym = ys.nsym = 0;
	xs.sym_other = ys.sym_other = false;
	return same_terms(&xs, &ys);
}

/* 0: different shape, 1: same element, 2: neighbours (a[i], a[i+1]),
 * 3: neighbours a row or a plane apart (a[p], a[p + n]). */
static int relation(const struct access *a, const struct access *b)
{
	if (a->base != b->base || a->base == 0 || a->ndims != b->ndims)
		return 0;
	bool differ = false, far = false;
	for (int d = 0; d < a->ndims; d++) {
		if (!same_terms(&a->dim[d], &b->dim[d])) {
			if (!same_loop_terms(&a->dim[d], &b->dim[d]) ||
			    a->dim[d].nonlin || b->dim[d].nonlin)
				return 0;
			far = true;
		}
		if (a->dim[d].cval != b->dim[d].cval)
			differ = true;
	}
	return far ? 3 : differ ? 2 : 1;
}

/* Reuse of a's data: 1 for the same element every iteration, less the
 * more loop levels lie between reuses, 0 when nothing is reused. */
static double reuse_score(const struct fx_prog *p, const struct access *a,
			  int cls)
{
	if (cls == FX_ACC_RANDOM || cls == FX_ACC_UNKNOWN)
		return 0;
	int m = -1;
	for (int l = a->level; l >= 0 && m < 0; l--) {
		bool uses = !p->loops[a->path[l]].has_ivar;
		for (int d = 0; d < a->ndims && !uses; d++)
			for (int t = 0; t < a->dim[d].nterms; t++)
				if (a->dim[d].t[t].level == l)
					uses = true;
		if (!uses)
			m = l;
	}
	if (m < 0)
		return 0;
	if (m == a->level)
		return 1;
	int between = 0;
	bool tiled = false;
	for (int l = m + 1; l <= a->level; l++) {
		const struct fx_loop *lp = &p->loops[a->path[l]];
		if (lp->trip != FX_TRIP_CONST)
			between++;
		tiled |= lp->tile;
	}
	if (between == 0)
		return 0.9;
	if (between == 1)
		return 0.7;
	if (between == 2)
		return tiled ? 0.8 : 0.3;
	return 0.1;
}

static void score_accesses(struct walker *w)
{
	struct fx_prog *p = w->p;
	for (int i = 0; i < w->nacc; i++) {
		struct access *a = &w->acc[i];
		int cls = classify(p, a);
		double score = reuse_score(p, a, cls);
		/* a neighbour or repeat in the same loop is a cache hit; the
		 * same elements in a sibling loop of the same iteration (a
		 * row produced, then consumed) are reused one loop away */
		int seen = 0;
		bool repeat = false;
		for (int j = i - 1; j >= 0 && seen < 64; j--) {
			const struct access *b = &w->acc[j];
			if (b->level != a->level ||
			    memcmp(b->path, a->path,
				   (size_t)a->level * sizeof(int)) != 0)
				continue;
			seen++;
			int r = relation(a, b);
			bool same_loop = b->path[b->level] == a->path[a->level];
			if (r == 1 && same_loop)
				repeat = true;
			else if (r == 2 && same_loop && score < 0.6)
				score = 0.6;
			else if (r == 3 && same_loop && score < 0.45)
				score = 0.45;
			else if (r != 0 && !same_loop && score < 0.7)
				score = 0.7;
		}
		/* the same element again in the same iteration (read, then
		 * written) is one access: neither traffic nor reuse */
		if (repeat && cls != FX_ACC_INVARIANT) {
			struct fx_loop *l = &p->loops[a->path[a->level]];
			l->nacc[FX_ACC_INVARIANT]++;
			continue;
		}
		struct fx_loop *l = &p->loops[a->path[a->level]];
		l->nacc[cls]++;
		if (cls != FX_ACC_INVARIANT)
			l->temporal += score;
		if (cls != FX_ACC_INVARIANT)
			l->mem += 1;
		fxw_example(l, cls, a->loc);
		if (score >= 0.6)
			fxw_example(l, FX_EX_REUSE, a->loc);
		for (int d = 0; d < a->ndims; d++)
			if (a->write && a->dim[d].ind_level >= 0 && !a->sync) {
				l->indirect_write = true;
				fxw_example(l, FX_EX_INDIRECT_WRITE, a->loc);
			}
	}
}

static int outer_level(const struct aff *x, int common)
{
	int lvl = common;
	for (int t = 0; t < x->nterms; t++)
		if (x->t[t].level < lvl)
			lvl = x->t[t].level;
	return lvl;
}

/* The loop level that carries a dependence between a and b (one writes):
 * -1 none, -2 an accumulation into one element (a reduction). */
static int carried_level(const struct fx_prog *p, const struct access *a,
			 const struct access *b)
{
	int c = 0;
	while (c <= a->level && c <= b->level && a->path[c] == b->path[c])
		c++;
	if (c == 0)
		return -1;
	if (a->ndims != b->ndims)
		return 0;
	int dist = c, may = c;
	bool appears[FX_MAX_NEST] = {false};
	for (int d = 0; d < a->ndims; d++) {
		const struct aff *x = &a->dim[d], *y = &b->dim[d];
		if (x->nonlin || y->nonlin || x->ind_level >= 0 ||
		    y->ind_level >= 0) {
			may = 0;
			continue;
		}
		bool x_free = false, y_free = false, equal = true;
		int differ = c;
		for (int t = 0; t < x->nterms; t++) {
			const struct term *tm = &x->t[t];
			if (tm->level >= c) {
				x_free = true;
				continue;
			}
			appears[tm->level] = true;
			bool found = false;
			for (int u = 0; u < y->nterms && !found; u++)
				found = y->t[u].level == tm->level &&
				    y->t[u].kind == tm->kind &&
				    y->t[u].val == tm->val;
			if (!found) {
				equal = false;
				if (tm->level < differ)
					differ = tm->level;
			}
		}
		for (int t = 0; t < y->nterms; t++) {
			const struct term *tm = &y->t[t];
			if (tm->level >= c) {
				y_free = true;
				continue;
			}
			appears[tm->level] = true;
			bool found = false;
			for (int u = 0; u < x->nterms && !found; u++)
				found = x->t[u].level == tm->level;
			if (!found) {
				equal = false;
				if (tm->level < differ)
					differ = tm->level;
			}
		}
		if (!equal) {
			if (differ < may)
				may = differ;
			continue;
		}
		if (x_free || y_free)
			continue;
		struct aff xs = *x, ys = *y;
		xs.nterms = ys.nterms = 0;
		if (!same_terms(&xs, &ys)) {
			int o = outer_level(x, c);
			if (o < may)
				may = o;
			continue;
		}
		int64_t delta = x->cval - y->cval;
		if (delta == 0)
			continue;
		int common_terms = 0, lvl = -1;
		int64_t coef = 0;
		for (int t = 0; t < x->nterms; t++)
			if (x->t[t].level < c) {
				common_terms++;
				lvl = x->t[t].level;
				coef =
				    x->t[t].kind == C_CONST ? x->t[t].val : 0;
			}
		if (common_terms == 0)
			return -1; /* fixed, different elements */
		if (common_terms == 1 && coef != 0) {
			if (delta % coef != 0)
				return -1;
			if (lvl < dist)
				dist = lvl;
		} else if (lvl < may) {
			may = lvl;
		}
	}
	int lvl = dist < may ? dist : may;
	if (lvl < c)
		return lvl;
	/* the same elements in every iteration of a loop whose variable
	 * neither uses: carried by it, unless it is one accumulation */
	for (int l = 0; l < c; l++) {
		if (appears[l] || !p->loops[a->path[l]].has_ivar)
			continue;
		return a->stmt == b->stmt ? -2 : l;
	}
	return -1;
}

static int cmp_base(const void *x, const void *y)
{
	const struct access *a = x, *b = y;
	if (a->base != b->base)
		return a->base < b->base ? -1 : 1;
	return a->order - b->order;
}

static void mark_carried(struct walker *w, const struct access *a, int lvl)
{
	struct fx_loop *l = &w->p->loops[a->path[lvl]];
	if (l->parallel)
		return;
	if (l->encloses_par) {
		l->cross = true;
		fxw_example(l, FX_EX_CROSS, a->loc);
	} else {
		l->carried = true;
		fxw_example(l, FX_EX_CARRIED, a->loc);
	}
}

static void dependences(struct walker *w)
{
	if (w->nacc > 1)
		qsort(w->acc, (size_t)w->nacc, sizeof(struct access), cmp_base);
	for (int i = 0; i < w->nacc;) {
		int j = i;
		while (j < w->nacc && w->acc[j].base == w->acc[i].base)
			j++;
		if (w->acc[i].base == 0) {
			i = j;
			continue;
		}
		int end = j - i > 200 ? i + 200 : j; /* unrolled giants */
		for (int x = i; x < end; x++) {
			if (!w->acc[x].write || w->acc[x].sync)
				continue;
			for (int y = i; y < end; y++) {
				if (y == x || (w->acc[y].write && y < x))
					continue;
				int lvl =
				    carried_level(w->p, &w->acc[x], &w->acc[y]);
				if (lvl >= 0)
					mark_carried(w, &w->acc[x], lvl);
				else if (lvl == -2)
					w->p->loops[w->acc[x]
							.path[w->acc[x].level]]
					    .reduction = true;
			}
		}
		i = j;
	}
}

/* A scalar read before it is assigned in an iteration, and used beyond
 * its own update: its value flows from one iteration to the next. */
static void recurrences(struct walker *w)
{
	struct fx_prog *p = w->p;
	for (int i = 0; i < w->nev;) {
		int j = i;
		while (j < w->nev && w->ev[j].key == w->ev[i].key)
			j++;
		uint64_t key = w->ev[i].key;
		bool ivar = false;
		for (int k = 0; k < w->nnl; k++)
			ivar |= w->nl[k].ivar == key;
		for (int k = 0; k < w->nnl && !ivar && j - i <= 256; k++) {
			const struct nloop *nl = &w->nl[k];
			if (p->loops[nl->loop].parallel ||
			    fxw_decl_inside(key, nl->file, nl->start, nl->end))
				continue;
			int first = -1, writers[16], nw = 0;
			bool assign = false, outside = false;
			for (int e = i; e < j; e++) {
				const struct event *ev = &w->ev[e];
				if (!is_ancestor(p, nl->loop, ev->loop))
					continue;
				if (first < 0)
					first = ev->kind;
				if (ev->kind == EV_ASSIGN)
					assign = true;
				if (ev->kind != EV_READ && nw < 16)
					writers[nw++] = ev->stmt;
			}
			for (int e = i; e < j && assign && first == EV_READ;
			     e++) {
				const struct event *ev = &w->ev[e];
				if (ev->kind != EV_READ ||
				    !is_ancestor(p, nl->loop, ev->loop))
					continue;
				bool own = false;
				for (int x = 0; x < nw; x++)
					own |= writers[x] == ev->stmt;
				outside |= !own;
			}
			if (assign && first == EV_READ && outside) {
				struct fx_loop *l = &p->loops[nl->loop];
				if (l->encloses_par)
					l->cross = true;
				else
					l->carried = true;
				fxw_example(l,
					    l->encloses_par ? FX_EX_CROSS
							    : FX_EX_CARRIED,
					    l->loc);
			}
		}
		i = j;
	}
}

/* Writes of a parallel loop's iterations to neighbouring elements: with
 * small chunks, threads share cache lines. */
static void parallel_writes(struct walker *w, const struct access *a)
{
	if (!a->write || a->sync)
		return;
	int pl = -1;
	for (int l = a->level; l >= 0 && pl < 0; l--)
		if (w->p->loops[a->path[l]].parallel)
			pl = l;
	if (pl < 0)
		return;
	struct fx_loop *l = &w->p->loops[a->path[pl]];
	int risk = 1;
	for (int d = 0; d < a->ndims; d++)
		for (int t = 0; t < a->dim[d].nterms; t++) {
			const struct term *tm = &a->dim[d].t[t];
			if (tm->level != pl || d != a->ndims - 1 ||
			    tm->kind != C_CONST)
				continue;
			long chunk = l->chunk > 0 ? l->chunk : 0;
			if (chunk == 0 && l->sched == FX_SCHED_STATIC)
				continue; /* large contiguous blocks */
			if (chunk == 0)
				chunk = l->sched == FX_SCHED_GUIDED ? 8 : 1;
			double v =
			    tm->val < 0 ? -(double)tm->val : (double)tm->val;
			double bytes = (double)chunk * v * a->elem;
			risk = bytes < 64 ? 3 : bytes < 512 ? 2 : 1;
		}
	struct fx_loop *at = &w->p->loops[a->path[a->level]];
	if (risk > at->par_write)
		at->par_write = risk;
	if (risk >= 2)
		fxw_example(at, FX_EX_SHARED_WRITE, a->loc);
}

static void nest_close(struct walker *w)
{
	if (w->nev > 1)
		qsort(w->ev, (size_t)w->nev, sizeof(struct event), cmp_event);
	for (int i = 0; i < w->nacc; i++)
		resolve_syms(w, &w->acc[i]);
	score_accesses(w);
	for (int i = 0; i < w->nacc; i++) {
		struct access *a = &w->acc[i];
		fxw_check_write(a, &w->p->loops[a->path[a->level]]);
		parallel_writes(w, a);
	}
	dependences(w);
	recurrences(w);
	w->nacc = 0;
	w->nev = 0;
	w->nnl = 0;
}

/* ---- functions and the unit --------------------------------------------- */

static void walk_function(struct walker *w, CXCursor fn)
{
	CXString u = clang_getCursorUSR(fn);
	char *name = fxw_name(fn);
	int fi = fx_func_index(w->p, clang_getCString(u), name ? name : "?");
	clang_disposeString(u);
	if (fi < 0 || name == NULL) {
		free(name);
		w->err = -ENOMEM;
		return;
	}
	struct fx_func *f = &w->p->funcs[fi];
	if (f->defined) { /* from a header already walked in another unit */
		free(name);
		return;
	}
	f->defined = true;
	f->loc = fxw_loc(w, fn);
	f->is_main = strcmp(name, "main") == 0;
	free(name);
	/* counts cover the given files; headers are analysed, not counted */
	if (f->loc.file >= 0 && f->loc.file < w->p->nmain)
		w->p->counts.functions++;
	w->func = fi;
	fxw_vars_reset(w);
	w->nst = w->extra = 0;
	w->region_depth = w->task_depth = 0;
	w->critical_depth = w->atomic_depth = 0;
	w->nreg = w->nactive = w->ninl = 0;
	w->pend.set = false;
	w->collapse_left = 0;
	w->bounded = 0;
	w->if_depth = 0;
	w->guarded = 0;
	w->nparams = 0;
	int na = clang_Cursor_getNumArguments(fn);
	for (int i = 0; i < na && i < 16; i++)
		w->params[w->nparams++] =
		    fxw_var_key(w, clang_Cursor_getArgument(fn, i));
	w->p->funcs[fi].first_loop = w->p->nloops;
	struct extent e = {-1, 0, 0};
	if (fxw_extent(w, fn, &e))
		flush_pragmas(w, e.file, e.start, false);
	struct kids ks;
	fxw_kids(fn, &ks);
	CXCursor body = ks.n > 0 ? ks.v[ks.n - 1] : clang_getNullCursor();
	fxw_kids_free(&ks);
	if (clang_getCursorKind(body) == CXCursor_CompoundStmt)
		fxw_stmt(w, body);
	if (w->nst > 0) { /* cut short by an error: close what is open */
		w->nst = 0;
		nest_close(w);
	}
	if (e.file >= 0)
		flush_pragmas(w, e.file, e.end, false);
	w->p->funcs[fi].end_loop = w->p->nloops;
}

struct top {
	struct walker *w;
	CXCursor *fns;
	int nfns, capfns;
	CXCursor *macros;
	int nmacros, capmacros;
};

static enum CXChildVisitResult top_visit(CXCursor c, CXCursor parent,
					 CXClientData data)
{
	(void)parent;
	struct top *t = data;
	enum CXCursorKind k = clang_getCursorKind(c);
	CXSourceLocation loc = clang_getCursorLocation(c);
	if (clang_Location_isInSystemHeader(loc))
		return CXChildVisit_Continue;
	CXFile f = NULL;
	clang_getExpansionLocation(loc, &f, NULL, NULL, NULL);
	if (f == NULL)
		return CXChildVisit_Continue;
	if (k == CXCursor_FunctionDecl && clang_isCursorDefinition(c)) {
		if (fx_grow(&t->fns, &t->capfns, t->nfns + 1, sizeof(CXCursor)))
			return CXChildVisit_Break;
		t->fns[t->nfns++] = c;
	} else if (k == CXCursor_MacroExpansion) {
		if (fx_grow(&t->macros, &t->capmacros, t->nmacros + 1,
			    sizeof(CXCursor)))
			return CXChildVisit_Break;
		t->macros[t->nmacros++] = c;
	}
	return CXChildVisit_Continue;
}

/* Macros whose replacement holds _Pragma("omp ..."): each expansion of
 * them in a project file is that directive at the expansion. */
static void macro_pragmas(struct walker *w, const struct top *t)
{
	bool added = false;
	for (int i = 0; i < t->nmacros; i++) {
		CXCursor def = clang_getCursorReferenced(t->macros[i]);
		struct extent de, xe;
		if (clang_Cursor_isNull(def) || !fxw_extent(w, def, &de) ||
		    !w->files[de.file].own || fxw_tokenize(w, de.file) != 0 ||
		    !fxw_extent(w, t->macros[i], &xe) || !w->files[xe.file].own)
			continue;
		const struct wfile *df = &w->files[de.file];
		for (int k = fxw_tok_at(df, de.start);
		     k + 3 < df->ntok && df->tok[k].off < de.end; k++) {
			if (!fxw_tok_is(df, &df->tok[k], "_Pragma") ||
			    df->tok[k + 2].kind != 's')
				continue;
			struct fx_ptok pt[96];
			const struct wtok *s = &df->tok[k + 2];
			int n = fx_pragma_lex(df->buf + s->off, s->end - s->off,
					      pt, 96);
			fxw_tokenize(w, xe.file);
			fxw_add_pragma(w, &w->files[xe.file], pt, n, xe.start);
			added = true;
		}
	}
	if (!added)
		return;
	for (int fi = 0; fi < w->nfiles; fi++) { /* stable: insertion sort */
		struct wfile *f = &w->files[fi];
		for (int i = 1; i < f->nprag; i++) {
			struct fx_pragma x = f->prag[i];
			int j = i - 1;
			while (j >= 0 && f->prag[j].offset > x.offset) {
				f->prag[j + 1] = f->prag[j];
				j--;
			}
			f->prag[j + 1] = x;
		}
	}
}

/* Lines that hold a token, comments and #if-skipped lines aside. */
static int code_lines(const struct wfile *f)
{
	int lines = 0, line = 1;
	int last = 0;
	unsigned pos = 0;
	for (int i = 0; i < f->ntok; i++) {
		const struct wtok *t = &f->tok[i];
		for (; pos < t->off && pos < f->size; pos++)
			if (f->buf[pos] == '\n')
				line++;
		if (t->kind == 'c')
			continue;
		bool skipped = false;
		for (int s = 0; s < f->nskip; s++)
			skipped |= t->off >= f->skip[2 * s] &&
			    t->off < f->skip[2 * s + 1];
		if (!skipped && line != last) {
			lines++;
			last = line;
		}
	}
	return lines;
}

static void walker_free(struct walker *w)
{
	for (int i = 0; i < w->nfiles; i++) {
		free(w->files[i].tok);
		free(w->files[i].prag);
		free(w->files[i].skip);
	}
	free(w->files);
	free(w->vars);
	free(w->acc);
	free(w->ev);
	free(w->nl);
	for (int i = 0; i < w->nleaf; i++)
		free(w->leaf[i].usr);
	free(w->leaf);
}

/* Pragmas of a given file, counted once per program. */
static void count_file_pragmas(struct walker *w, int fi)
{
	const struct wfile *f = &w->files[fi];
	struct fx_prog *p = w->p;
	if (!f->own || f->path < 0 || f->path >= p->nmain || !f->tokenized)
		return;
	for (int i = 0; i < p->ncounted; i++)
		if (p->counted[i] == f->path)
			return;
	if (fx_grow(&p->counted, &p->capcounted, p->ncounted + 1, sizeof(int)))
		return;
	p->counted[p->ncounted++] = f->path;
	for (int i = 0; i < f->nprag; i++)
		fxw_count_pragma(p, &f->prag[i]);
}

int fx_walk_tu(struct fx_prog *p, CXTranslationUnit tu, const char *main_path,
	       bool count_lines)
{
	struct walker *w = calloc(1, sizeof(*w));
	struct top t = {0};
	if (w == NULL)
		return -ENOMEM;
	w->p = p;
	w->tu = tu;
	w->dummy.func = -1;
	t.w = w;
	clang_visitChildren(clang_getTranslationUnitCursor(tu), top_visit, &t);
	CXFile mf = clang_getFile(tu, main_path);
	int main_fi = -1;
	if (mf != NULL) {
		main_fi =
		    fxw_file(w, mf, clang_getLocationForOffset(tu, mf, 0));
		if (main_fi >= 0)
			fxw_tokenize(w, main_fi);
	}
	macro_pragmas(w, &t);
	for (int i = 0; i < t.nfns && !w->err; i++)
		walk_function(w, t.fns[i]);
	if (w->too_deep)
		fx_diag(p,
			"%s: nesting deeper than %d levels: the deepest "
			"parts were not analysed",
			main_path, FX_MAX_RDEPTH);
	for (int fi = 0; fi < w->nfiles; fi++)
		count_file_pragmas(w, fi);
	if (count_lines && main_fi >= 0)
		p->counts.lines_of_code += code_lines(&w->files[main_fi]);
	int err = w->err;
	free(t.fns);
	free(t.macros);
	walker_free(w);
	free(w);
	return err;
}
