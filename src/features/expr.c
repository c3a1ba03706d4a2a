/* expr.c - expressions for the AST walk: subscripts as affine forms of
 * the loop variables (with helpers such as min() or a stencil point walked
 * through at their calls), array and pointer accesses, the operation mix,
 * scalar reads and writes, calls and what self-calls do to their
 * arguments. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "walker.h"

void fxw_aff_init(struct aff *a)
{
	memset(a, 0, sizeof(*a));
	a->ind_level = -1;
}

/* Index arithmetic stays far from overflow: a value beyond 2^40 (a hash
 * constant, not an index) makes the form unusable instead. */
#define FX_VLIM ((int64_t)1 << 40)

static bool fits(int64_t v)
{
	return v > -FX_VLIM && v < FX_VLIM;
}

static int64_t sum(struct aff *a, int64_t x, int64_t y)
{
	int64_t r;
	if (__builtin_add_overflow(x, y, &r) || !fits(r)) {
		a->nonlin = true;
		return 0;
	}
	return r;
}

static int64_t product(struct aff *a, int64_t x, int64_t y)
{
	int64_t r;
	if (__builtin_mul_overflow(x, y, &r) || !fits(r)) {
		a->nonlin = true;
		return 0;
	}
	return r;
}

void fxw_add_term(struct aff *a, int level, int kind, int64_t val)
{
	for (int i = 0; i < a->nterms; i++) {
		if (a->t[i].level != level)
			continue;
		if (a->t[i].kind == C_CONST && kind == C_CONST) {
			a->t[i].val = sum(a, a->t[i].val, val);
			if (a->t[i].val == 0)
				a->t[i] = a->t[--a->nterms];
		} else {
			a->t[i].kind = C_SYM;
		}
		return;
	}
	if (kind == C_CONST && val == 0)
		return;
	if (a->nterms == FX_MAX_TERMS || !fits(val)) {
		a->nonlin = true;
		return;
	}
	a->t[a->nterms++] = (struct term){level, kind, val};
}

static void add_sym(struct aff *a, uint64_t key, int64_t coef)
{
	for (int i = 0; i < a->nsym; i++) {
		if (a->sym[i] != key)
			continue;
		a->symc[i] = sum(a, a->symc[i], coef);
		if (a->symc[i] == 0) {
			a->nsym--;
			a->sym[i] = a->sym[a->nsym];
			a->symc[i] = a->symc[a->nsym];
		}
		return;
	}
	if (coef == 0)
		return;
	if (a->nsym == FX_MAX_SYMS) {
		a->sym_other = true;
		return;
	}
	a->sym[a->nsym] = key;
	a->symc[a->nsym++] = coef;
}

/* a += sign * b */
void fxw_aff_add(struct aff *a, const struct aff *b, int sign)
{
	for (int i = 0; i < b->nterms; i++)
		fxw_add_term(a, b->t[i].level, b->t[i].kind,
			     sign * b->t[i].val);
	a->cval = sum(a, a->cval, sign * b->cval);
	for (int i = 0; i < b->nsym; i++)
		add_sym(a, b->sym[i], sign * b->symc[i]);
	a->sym_other |= b->sym_other;
	if (a->ptr == 0 && sign > 0)
		a->ptr = b->ptr;
	if (b->ind_level > a->ind_level)
		a->ind_level = b->ind_level;
	a->nonlin |= b->nonlin;
}

bool fxw_is_const(const struct aff *a)
{
	return a->nterms == 0 && a->nsym == 0 && !a->sym_other && !a->nonlin &&
	    a->ind_level < 0 && a->ptr == 0;
}

bool fxw_has_terms(const struct aff *a)
{
	for (int i = 0; i < a->nterms; i++)
		if (a->t[i].level != FX_LVL_THREAD)
			return true;
	return false;
}

void fxw_aff_scale(struct aff *a, int64_t k)
{
	for (int i = 0; i < a->nterms; i++)
		a->t[i].val = product(a, a->t[i].val, k);
	for (int i = 0; i < a->nsym; i++)
		a->symc[i] = product(a, a->symc[i], k);
	a->cval = product(a, a->cval, k);
	if (k == 0) {
		a->nterms = 0;
		a->nsym = 0;
		a->sym_other = false;
	}
}

static void aff_scale_sym(struct aff *a, const struct aff *s)
{
	for (int i = 0; i < a->nterms; i++)
		a->t[i].kind = C_SYM;
	if (a->cval != 0 || a->nsym > 0)
		a->sym_other = true;
	for (int i = 0; i < s->nsym; i++)
		add_sym(a, s->sym[i], 1);
	a->sym_other |= s->sym_other;
	if (s->ind_level > a->ind_level)
		a->ind_level = s->ind_level;
	a->nonlin |= s->nonlin;
	a->ptr = 0;
}

/* Everything but the loop terms: a symbolic value with a's loads. */
static void aff_opaque(struct aff *a, const struct aff *x, const struct aff *y)
{
	struct aff r;
	fxw_aff_init(&r);
	const struct aff *both[2] = {x, y};
	for (int k = 0; k < 2; k++) {
		if (both[k] == NULL)
			continue;
		if (fxw_has_terms(both[k]))
			r.nonlin = true;
		for (int i = 0; i < both[k]->nterms; i++)
			if (both[k]->t[i].level == FX_LVL_THREAD)
				fxw_add_term(&r, FX_LVL_THREAD, C_SYM, 1);
		for (int i = 0; i < both[k]->nsym; i++)
			add_sym(&r, both[k]->sym[i], 1);
		r.sym_other |= both[k]->sym_other || both[k]->cval != 0;
		if (both[k]->ind_level > r.ind_level)
			r.ind_level = both[k]->ind_level;
		r.nonlin |= both[k]->nonlin;
	}
	r.sym_other = true;
	*a = r;
}

/* ---- variables ---------------------------------------------------------- */

uint64_t fxw_var_key(struct walker *w, CXCursor decl)
{
	int fi;
	unsigned off;
	if (!fxw_where(w, clang_getCursorLocation(decl), &fi, &off))
		return 0;
	return ((uint64_t)(fi + 1) << 32) | off;
}

struct var *fxw_var(struct walker *w, uint64_t key, bool create)
{
	if (key == 0)
		return NULL;
	if (create && 2 * (w->nvars + 1) > w->capvars) {
		int cap = w->capvars > 0 ? 2 * w->capvars : 64;
		struct var *v = calloc((size_t)cap, sizeof(*v));
		if (v == NULL) {
			w->err = -ENOMEM;
			return NULL;
		}
		for (int i = 0; i < w->capvars; i++) {
			if (w->vars[i].key == 0)
				continue;
			unsigned h =
			    (unsigned)(w->vars[i].key * 0x9E3779B97F4A7C15ULL >>
				       40) &
			    (unsigned)(cap - 1);
			while (v[h].key != 0)
				h = (h + 1) & (unsigned)(cap - 1);
			v[h] = w->vars[i];
		}
		free(w->vars);
		w->vars = v;
		w->capvars = cap;
	}
	if (w->capvars == 0)
		return NULL;
	unsigned h = (unsigned)(key * 0x9E3779B97F4A7C15ULL >> 40) &
	    (unsigned)(w->capvars - 1);
	while (w->vars[h].key != 0) {
		if (w->vars[h].key == key)
			return &w->vars[h];
		h = (h + 1) & (unsigned)(w->capvars - 1);
	}
	if (!create)
		return NULL;
	w->vars[h].key = key;
	w->vars[h].flags = 0;
	fxw_aff_init(&w->vars[h].aff);
	w->nvars++;
	return &w->vars[h];
}

void fxw_vars_reset(struct walker *w)
{
	if (w->capvars > 0)
		memset(w->vars, 0, (size_t)w->capvars * sizeof(*w->vars));
	w->nvars = 0;
}

bool fxw_decl_inside(uint64_t key, int file, unsigned start, unsigned end)
{
	return (int)(key >> 32) - 1 == file && (unsigned)key >= start &&
	    (unsigned)key < end;
}

static bool is_pointerish(CXType t)
{
	t = clang_getCanonicalType(t);
	return t.kind == CXType_Pointer || t.kind == CXType_ConstantArray ||
	    t.kind == CXType_IncompleteArray ||
	    t.kind == CXType_VariableArray ||
	    t.kind == CXType_DependentSizedArray;
}

static bool is_array(CXType t)
{
	t = clang_getCanonicalType(t);
	return t.kind == CXType_ConstantArray ||
	    t.kind == CXType_IncompleteArray || t.kind == CXType_VariableArray;
}

/* ---- the model --------------------------------------------------------- */

int fxw_new_loop(struct walker *w)
{
	struct fx_prog *p = w->p;
	if (fx_grow(&p->loops, &p->caploops, p->nloops + 1,
		    sizeof(struct fx_loop))) {
		w->err = -ENOMEM;
		return -1;
	}
	struct fx_loop *l = &p->loops[p->nloops];
	memset(l, 0, sizeof(*l));
	l->func = w->func;
	l->parent = -1;
	l->loc.file = -1;
	for (int i = 0; i < FX_EX_N; i++)
		l->ex[i].file = -1;
	l->pb_ord = -1;
	l->tri_on = -1;
	return p->nloops++;
}

int fxw_cur_loop_index(struct walker *w)
{
	if (w->nst > 0)
		return w->st[w->nst - 1].loop;
	int r = w->region_depth > 0 || w->task_depth > 0 ? 1 : 0;
	if (w->p->funcs[w->func].body[r] < 0) {
		int li = fxw_new_loop(w);
		if (li < 0)
			return -1;
		struct fx_loop *l = &w->p->loops[li];
		l->pseudo = true;
		l->lex_region = r != 0;
		l->loc = w->p->funcs[w->func].loc;
		l->trip = FX_TRIP_CONST;
		l->trip_const = 1;
		w->p->funcs[w->func].body[r] = li;
	}
	return w->p->funcs[w->func].body[r];
}

struct fx_loop *fxw_cur_loop(struct walker *w)
{
	int li = fxw_cur_loop_index(w);
	return li >= 0 ? &w->p->loops[li] : &w->dummy;
}

void fxw_example(struct fx_loop *l, int kind, struct fx_loc loc)
{
	if (l->ex[kind].file < 0)
		l->ex[kind] = loc;
}

void fxw_sync(struct walker *w, struct fx_loop *l)
{
	int d = w->if_depth + w->guarded;
	l->sync += d == 0 ? 1 : d == 1 ? 0.25 : 0.0625;
}

void fxw_count_op(struct walker *w, unsigned mode, int what)
{
	if (mode & (M_SUB | M_CTRL))
		return;
	struct fx_loop *l = fxw_cur_loop(w);
	if (what == 0)
		l->arith += 1;
	else
		l->logic += 1;
}

/* ---- affine evaluation -------------------------------------------------- */

int fxw_ivar_level(struct walker *w, uint64_t key)
{
	for (int i = w->nst - 1; i >= 0; i--)
		if (w->st[i].ivar == key)
			return i;
	return -1;
}

static const struct aff *subst_of(struct walker *w, uint64_t key)
{
	for (int f = w->ninl - 1; f >= 0; f--)
		for (int i = 0; i < w->inl[f].n; i++)
			if (w->inl[f].s[i].param == key)
				return &w->inl[f].s[i].aff;
	return NULL;
}

static void eval_ref(struct walker *w, CXCursor c, struct aff *a)
{
	CXCursor ref = clang_getCursorReferenced(c);
	enum CXCursorKind k = clang_getCursorKind(ref);
	if (k == CXCursor_EnumConstantDecl) {
		a->cval = clang_getEnumConstantDeclValue(ref);
		a->nonlin = !fits(a->cval);
		return;
	}
	if (k != CXCursor_VarDecl && k != CXCursor_ParmDecl) {
		a->nonlin = true;
		return;
	}
	uint64_t key = fxw_var_key(w, ref);
	const struct aff *s = subst_of(w, key);
	if (s != NULL) {
		*a = *s;
		return;
	}
	int lvl = fxw_ivar_level(w, key);
	if (lvl >= 0) {
		fxw_add_term(a, lvl, C_CONST, 1);
		return;
	}
	struct var *v = fxw_var(w, key, false);
	if (v != NULL && (v->flags & V_AFF)) {
		*a = v->aff;
		return;
	}
	CXType t = clang_getCursorType(ref);
	int64_t val;
	if (k == CXCursor_VarDecl && clang_isConstQualifiedType(t) &&
	    fxw_int_value(ref, &val)) {
		a->cval = val;
		a->nonlin = !fits(val);
		return;
	}
	add_sym(a, key, 1);
	if (is_pointerish(t))
		a->ptr = key;
}

/* A call to a small function that only returns an expression (min, max,
 * an index helper): its value with the arguments substituted. */
static bool eval_inline_return(struct walker *w, CXCursor call, struct aff *a,
			       int depth)
{
	if (w->ninl >= FX_MAX_INLINE)
		return false;
	CXCursor def =
	    clang_getCursorDefinition(clang_getCursorReferenced(call));
	if (clang_Cursor_isNull(def) ||
	    clang_getCursorKind(def) != CXCursor_FunctionDecl)
		return false;
	struct kids ks;
	fxw_kids(def, &ks);
	CXCursor body = ks.n > 0 ? ks.v[ks.n - 1] : clang_getNullCursor();
	fxw_kids_free(&ks);
	if (clang_getCursorKind(body) != CXCursor_CompoundStmt)
		return false;
	fxw_kids(body, &ks);
	CXCursor ret = ks.n == 1 ? ks.v[0] : clang_getNullCursor();
	fxw_kids_free(&ks);
	if (clang_getCursorKind(ret) != CXCursor_ReturnStmt)
		return false;
	fxw_kids(ret, &ks);
	CXCursor e = ks.n == 1 ? ks.v[0] : clang_getNullCursor();
	fxw_kids_free(&ks);
	if (clang_Cursor_isNull(e))
		return false;
	int n = clang_Cursor_getNumArguments(call);
	if (n < 0 || n > 8 || n != clang_Cursor_getNumArguments(def))
		return false;
	struct inl fr;
	fr.n = n;
	for (int i = 0; i < n; i++) {
		fr.s[i].param =
		    fxw_var_key(w, clang_Cursor_getArgument(def, i));
		fxw_eval(w, clang_Cursor_getArgument(call, i), &fr.s[i].aff,
			 depth + 1);
	}
	w->inl[w->ninl++] = fr;
	fxw_eval(w, e, a, depth + 1);
	w->ninl--;
	return true;
}

static void eval_load(struct walker *w, CXCursor c, struct aff *a, int depth)
{
	struct kids ks;
	fxw_kids(c, &ks);
	struct aff acc, sub;
	fxw_aff_init(&acc);
	for (int i = 0; i < ks.n; i++) {
		if (!clang_isExpression(clang_getCursorKind(ks.v[i])))
			continue;
		fxw_eval(w, ks.v[i], &sub, depth + 1);
		aff_opaque(&acc, &acc, &sub);
		for (int t = 0; t < sub.nterms; t++)
			if (sub.t[t].level != FX_LVL_THREAD &&
			    sub.t[t].level > acc.ind_level)
				acc.ind_level = sub.t[t].level;
	}
	fxw_kids_free(&ks);
	acc.nonlin = false; /* a load of an index: random, not unknown */
	*a = acc;
}

static void eval_binop(struct walker *w, CXCursor c, struct aff *a, int depth)
{
	struct kids ks;
	fxw_kids(c, &ks);
	if (ks.n != 2) {
		fxw_kids_free(&ks);
		a->nonlin = true;
		return;
	}
	char op[4];
	fxw_binop(w, ks.v[0], ks.v[1], op);
	struct aff l, r;
	fxw_eval(w, ks.v[0], &l, depth + 1);
	fxw_eval(w, ks.v[1], &r, depth + 1);
	fxw_kids_free(&ks);
	if (strcmp(op, "+") == 0 || strcmp(op, "-") == 0) {
		*a = l;
		fxw_aff_add(a, &r, op[0] == '+' ? 1 : -1);
	} else if (strcmp(op, "*") == 0) {
		if (fxw_is_const(&l)) {
			*a = r;
			fxw_aff_scale(a, l.cval);
		} else if (fxw_is_const(&r)) {
			*a = l;
			fxw_aff_scale(a, r.cval);
		} else if (!fxw_has_terms(&l) && l.nterms == 0) {
			*a = r;
			aff_scale_sym(a, &l);
		} else if (!fxw_has_terms(&r) && r.nterms == 0) {
			*a = l;
			aff_scale_sym(a, &r);
		} else {
			aff_opaque(a, &l, &r);
		}
	} else if (strcmp(op, "<<") == 0 && fxw_is_const(&r) && r.cval >= 0 &&
		   r.cval < 31) {
		*a = l;
		fxw_aff_scale(a, (int64_t)1 << r.cval);
	} else if (strcmp(op, ",") == 0) {
		*a = r;
	} else if (fxw_is_const(&l) && fxw_is_const(&r) &&
		   (strcmp(op, "/") == 0 || strcmp(op, "%") == 0 ||
		    strcmp(op, ">>") == 0) &&
		   r.cval > 0 && r.cval < 63) {
		a->cval = op[0] == '/' ? l.cval / r.cval
		    : op[0] == '%'     ? l.cval % r.cval
				       : l.cval >> r.cval;
	} else {
		aff_opaque(a, &l, &r);
	}
}

static void eval_unop(struct walker *w, CXCursor c, struct aff *a, int depth)
{
	struct kids ks;
	fxw_kids(c, &ks);
	if (ks.n != 1) {
		fxw_kids_free(&ks);
		a->nonlin = true;
		return;
	}
	CXCursor x = ks.v[0];
	fxw_kids_free(&ks);
	char op[4];
	fxw_unop(w, c, x, op);
	if (strcmp(op, "*") == 0) {
		eval_load(w, c, a, depth);
		return;
	}
	if (strcmp(op, "&") == 0) {
		CXCursor s = fxw_strip(x);
		if (clang_getCursorKind(s) == CXCursor_ArraySubscriptExpr) {
			fxw_kids(s, &ks);
			if (ks.n == 2) {
				struct aff b;
				fxw_eval(w, ks.v[0], &b, depth + 1);
				fxw_eval(w, ks.v[1], a, depth + 1);
				a->ptr = b.ptr;
				for (int i = 0; i < b.nsym; i++)
					add_sym(a, b.sym[i], b.symc[i]);
			} else {
				a->nonlin = true;
			}
			fxw_kids_free(&ks);
			return;
		}
		a->sym_other = true;
		return;
	}
	fxw_eval(w, x, a, depth + 1);
	if (strcmp(op, "-") == 0)
		fxw_aff_scale(a, -1);
	else if (strcmp(op, "+") != 0 && strcmp(op, "++") != 0 &&
		 strcmp(op, "--") != 0) {
		struct aff in = *a;
		aff_opaque(a, &in, NULL);
	}
}

static void eval_cond(struct walker *w, CXCursor c, struct aff *a, int depth)
{
	struct kids ks;
	fxw_kids(c, &ks);
	if (ks.n != 3) {
		fxw_kids_free(&ks);
		a->nonlin = true;
		return;
	}
	struct aff x, y;
	fxw_eval(w, ks.v[1], &x, depth + 1);
	fxw_eval(w, ks.v[2], &y, depth + 1);
	fxw_kids_free(&ks);
	/* min(j + B, n) and its kind: the branch that moves with a loop */
	bool tx = fxw_has_terms(&x), ty = fxw_has_terms(&y);
	if (tx && !ty)
		*a = x;
	else if (ty && !tx)
		*a = y;
	else if (!tx && !ty)
		aff_opaque(a, &x, &y);
	else {
		*a = x;
		a->nonlin |= y.nonlin || x.nterms != y.nterms;
	}
}

void fxw_eval(struct walker *w, CXCursor c, struct aff *a, int depth)
{
	fxw_aff_init(a);
	if (depth > 48 || w->err) {
		a->nonlin = true;
		return;
	}
	c = fxw_strip(c);
	int64_t v;
	switch (clang_getCursorKind(c)) {
	case CXCursor_IntegerLiteral:
	case CXCursor_CharacterLiteral:
	case CXCursor_UnaryExpr: /* sizeof */
		if (fxw_int_value(c, &v) && fits(v))
			a->cval = v;
		else
			a->nonlin = true;
		break;
	case CXCursor_FloatingLiteral: a->sym_other = true; break;
	case CXCursor_DeclRefExpr: eval_ref(w, c, a); break;
	case CXCursor_BinaryOperator: eval_binop(w, c, a, depth); break;
	case CXCursor_UnaryOperator: eval_unop(w, c, a, depth); break;
	case CXCursor_ConditionalOperator: eval_cond(w, c, a, depth); break;
	case CXCursor_CallExpr:
		if (fxw_name_is(c, "omp_get_thread_num")) {
			fxw_add_term(a, FX_LVL_THREAD, C_CONST, 1);
			break;
		}
		if (!eval_inline_return(w, c, a, depth))
			eval_load(w, c, a, depth);
		break;
	case CXCursor_ArraySubscriptExpr:
	case CXCursor_MemberRefExpr: eval_load(w, c, a, depth); break;
	default: a->nonlin = true; break;
	}
}

/* ---- what a call does to its arguments ---------------------------------- */

static bool is_scalar_local(CXCursor decl)
{
	if (clang_getCursorKind(decl) != CXCursor_VarDecl)
		return false;
	CXType t = clang_getCanonicalType(clang_getCursorType(decl));
	return t.kind >= CXType_Bool && t.kind <= CXType_LongDouble &&
	    clang_getCursorKind(clang_getCursorSemanticParent(decl)) ==
	    CXCursor_FunctionDecl;
}

/* A node of a data structure: a pointer or a struct value. */
static bool is_node_type(CXCursor c)
{
	CXType t = clang_getCanonicalType(clang_getCursorType(c));
	return t.kind == CXType_Pointer || t.kind == CXType_Record;
}

void fxw_var_set_shape(struct var *v, int shape, int divisor)
{
	if (shape & FX_ARG_DIV) {
		v->flags |= V_HALVES;
		v->div = divisor;
	}
	if (shape & FX_ARG_STRUCT)
		v->flags |= V_STRUCT;
}

int fxw_arg_shape(struct walker *w, CXCursor c, int *divisor, int depth)
{
	if (depth > 16)
		return 0;
	c = fxw_strip(c);
	struct kids ks;
	int s = 0;
	switch (clang_getCursorKind(c)) {
	case CXCursor_BinaryOperator: {
		fxw_kids(c, &ks);
		if (ks.n == 2) {
			char op[4];
			fxw_binop(w, ks.v[0], ks.v[1], op);
			int64_t r = 0;
			bool rc = fxw_int_value(fxw_strip(ks.v[1]), &r);
			if ((strcmp(op, "/") == 0 || strcmp(op, ">>") == 0) &&
			    rc && r >= 1) {
				s = FX_ARG_DIV;
				int d = op[0] == '/'
				    ? (int)(r > 64 ? 64 : r)
				    : (int)(1 << (r > 6 ? 6 : r));
				if (d > *divisor)
					*divisor = d;
			} else if ((strcmp(op, "-") == 0 ||
				    strcmp(op, "+") == 0) &&
				   rc) {
				s = fxw_arg_shape(w, ks.v[0], divisor,
						  depth + 1) |
				    (op[0] == '-' ? FX_ARG_DEC : FX_ARG_INC);
			} else {
				s = fxw_arg_shape(w, ks.v[0], divisor,
						  depth + 1) |
				    fxw_arg_shape(w, ks.v[1], divisor,
						  depth + 1);
			}
		}
		fxw_kids_free(&ks);
		/* arithmetic on values read from a structure is a size */
		return s & ~(FX_ARG_STRUCT | FX_ARG_SPLIT);
	}
	case CXCursor_DeclRefExpr: {
		CXCursor ref = clang_getCursorReferenced(c);
		struct var *v = fxw_var(w, fxw_var_key(w, ref), false);
		if (v != NULL && (v->flags & V_HALVES)) {
			int d = v->div >= 2 ? v->div : 2;
			if (d > *divisor)
				*divisor = d;
			return FX_ARG_DIV;
		}
		if (v != NULL && (v->flags & V_STRUCT))
			return FX_ARG_STRUCT;
		/* a size the function computed (a partition point) */
		return is_scalar_local(ref) ? FX_ARG_SPLIT : 0;
	}
	case CXCursor_ArraySubscriptExpr:
		fxw_kids(c, &ks);
		s = ks.n == 2 ? fxw_arg_shape(w, ks.v[1], divisor, depth + 1)
			      : 0;
		fxw_kids_free(&ks);
		if (s & FX_ARG_DIV)
			return FX_ARG_DIV;
		return is_node_type(c) ? FX_ARG_STRUCT : 0;
	case CXCursor_MemberRefExpr:
	case CXCursor_CompoundLiteralExpr:
		return is_node_type(c) ? FX_ARG_STRUCT : 0;
	case CXCursor_UnaryOperator:
	case CXCursor_ConditionalOperator:
		fxw_kids(c, &ks);
		for (int i = 0; i < ks.n; i++)
			s |= fxw_arg_shape(w, ks.v[i], divisor, depth + 1);
		fxw_kids_free(&ks);
		return s & ~FX_ARG_SPLIT;
	default: return 0;
	}
}

/* The argument shapes of a call and the loops around it, for the
 * recursion analysis of rules.c. */
static void call_shape(struct walker *w, CXCursor c, struct fx_call *call)
{
	call->mult = 1;
	for (int i = 0; i < w->nst; i++) {
		const struct fx_loop *l = &w->p->loops[w->st[i].loop];
		if (l->trip == FX_TRIP_CONST && !l->tile)
			call->mult *=
			    l->trip_const > 16 ? 16 : (int)l->trip_const;
		else if (l->trip == FX_TRIP_UNKNOWN) /* tail-recursion loops */
			call->mult *= 2;
		else
			call->in_param_loop = true;
		if (call->mult > 64)
			call->mult = 64;
	}
	int n = clang_Cursor_getNumArguments(c);
	for (int i = 0; i < n && i < 16; i++) {
		int div = 0;
		call->shape |=
		    fxw_arg_shape(w, clang_Cursor_getArgument(c, i), &div, 0);
		if (div > call->divisor)
			call->divisor = div;
	}
}

/* Loops of the callee whose trip is ub - lb over its parameters: constant
 * from this call (j0 = jb * 16, j1 = j0 + 16)? Only for callees walked
 * before the caller, as C helpers usually are. */
static uint32_t tile_mask(struct walker *w, CXCursor c, int callee)
{
	if (callee < 0 || !w->p->funcs[callee].defined ||
	    w->p->funcs[callee].npb == 0)
		return 0;
	const struct fx_func *f = &w->p->funcs[callee];
	int n = clang_Cursor_getNumArguments(c);
	uint32_t mask = 0;
	for (int li = f->first_loop; li < f->end_loop; li++) {
		const struct fx_loop *l = &w->p->loops[li];
		if (l->pb_ord < 0 || l->pb_ord >= 32)
			continue;
		struct aff diff, arg;
		fxw_aff_init(&diff);
		diff.cval = l->pb_const;
		bool ok = true;
		for (int k = 0; k < l->pb_n && ok; k++) {
			if (l->pb_param[k] >= n) {
				ok = false;
				break;
			}
			fxw_eval(w, clang_Cursor_getArgument(c, l->pb_param[k]),
				 &arg, 0);
			fxw_aff_scale(&arg, l->pb_coef[k]);
			fxw_aff_add(&diff, &arg, 1);
		}
		if (ok && fxw_is_const(&diff))
			mask |= 1u << l->pb_ord;
	}
	return mask;
}

/* ---- accesses ---------------------------------------------------------- */

static bool private_name(struct walker *w, const char *name)
{
	char pat[80];
	snprintf(pat, sizeof(pat), " %s ", name);
	for (int i = 0; i < w->nactive; i++)
		if (strstr(w->active[i]->privs, pat) != NULL)
			return true;
	return false;
}

/* Is the memory at base shared with other threads? Private only when it is
 * a local array of a function called inside the region, or declared inside
 * the region itself. */
static bool base_shared(struct walker *w, CXCursor decl, uint64_t key)
{
	if (clang_Cursor_isNull(decl) || key == 0)
		return true;
	if (clang_getCursorKind(decl) != CXCursor_VarDecl ||
	    !is_array(clang_getCursorType(decl)) ||
	    clang_Cursor_getStorageClass(decl) == CX_SC_Static)
		return true;
	CXCursor parent = clang_getCursorSemanticParent(decl);
	if (clang_getCursorKind(parent) != CXCursor_FunctionDecl)
		return true;
	if (w->nreg == 0)
		return false;
	const struct extent *r = &w->reg[w->nreg - 1];
	return !fxw_decl_inside(key, r->file, r->start, r->end);
}

/* Writes that other threads may touch: thread-indexed elements and
 * writes to shared data inside parallel constructs. */
void fxw_check_write(const struct access *a, struct fx_loop *l)
{
	if (!a->write || a->sync)
		return;
	for (int d = 0; d < a->ndims; d++) {
		for (int t = 0; t < a->dim[d].nterms; t++) {
			const struct term *tm = &a->dim[d].t[t];
			if (tm->level != FX_LVL_THREAD)
				continue;
			double coef =
			    tm->val < 0 ? -(double)tm->val : (double)tm->val;
			bool adjacent = d == a->ndims - 1 &&
			    tm->kind == C_CONST && coef * a->elem < 64;
			int risk = adjacent ? 2 : 1;
			if (risk > l->thread_write)
				l->thread_write = risk;
			fxw_example(l, FX_EX_THREAD_WRITE, a->loc);
		}
	}
	if (a->shared) { /* counted where the code runs in parallel */
		l->writes_shared++;
		fxw_example(l, FX_EX_SHARED_WRITE, a->loc);
	}
}

static void record_access(struct walker *w, CXCursor c, int kind, unsigned mode)
{
	if (mode & M_ADDR)
		return;
	struct access *a = calloc(1, sizeof(*a));
	if (a == NULL) {
		w->err = -ENOMEM;
		return;
	}
	a->write = (mode & (M_WRITE | M_RMW)) != 0;
	a->rmw = (mode & M_RMW) != 0;
	a->sync = w->atomic_depth > 0 || w->critical_depth > 0;
	a->in_par = w->region_depth > 0 || w->task_depth > 0;
	a->loc = fxw_loc(w, c);
	a->stmt = w->stmt;
	a->order = w->order++;
	long long size = clang_Type_getSizeOf(clang_getCursorType(c));
	a->elem = size > 0 && size < (1 << 20) ? (int)size : 8;
	a->elem_big = (mode & M_ELEM) && a->elem > 16;
	CXCursor decl = clang_getNullCursor();
	struct kids ks;
	if (kind == 0) { /* A[i][j]: the chain of subscripts, outer first */
		CXCursor idx[16];
		int n = 0;
		CXCursor cur = c;
		while (n < 16 &&
		       clang_getCursorKind(cur) ==
			   CXCursor_ArraySubscriptExpr) {
			fxw_kids(cur, &ks);
			if (ks.n != 2) {
				fxw_kids_free(&ks);
				break;
			}
			idx[n++] = ks.v[1];
			cur = fxw_strip(ks.v[0]);
			fxw_kids_free(&ks);
		}
		int keep = n < FX_MAX_DIMS ? n : FX_MAX_DIMS;
		a->ndims = keep;
		for (int d = 0; d < keep; d++)
			fxw_eval(w, idx[keep - 1 - d], &a->dim[d], 0);
		struct aff b;
		fxw_eval(w, cur, &b, 0);
		if (clang_getCursorKind(cur) == CXCursor_DeclRefExpr)
			decl = clang_getCursorReferenced(cur);
		if (clang_getCursorKind(cur) == CXCursor_MemberRefExpr) {
			a->base =
			    fxw_var_key(w, clang_getCursorReferenced(cur)) |
			    (1ULL << 63);
		} else if (b.ptr != 0) {
			a->base = b.ptr;
			/* a derived pointer (row = a + i*n): its offset joins
			 * the first subscript */
			struct aff off = b;
			off.ptr = 0;
			if (keep == 1 && (b.nterms > 0 || b.cval != 0))
				fxw_aff_add(&a->dim[0], &off, 1);
		}
	} else { /* *p or p->f: the pointer expression is the subscript */
		fxw_kids(c, &ks);
		CXCursor x = ks.n > 0 ? ks.v[0] : clang_getNullCursor();
		fxw_kids_free(&ks);
		a->ndims = 1;
		if (!clang_Cursor_isNull(x))
			fxw_eval(w, x, &a->dim[0], 0);
		a->base = a->dim[0].ptr;
		if (kind == 2)
			a->base ^=
			    fxw_var_key(w, clang_getCursorReferenced(c)) |
			    (1ULL << 62);
		a->dim[0].ptr = 0;
	}
	a->shared = base_shared(w, decl, a->base);
	if (w->nst == 0) {
		struct fx_loop *l = fxw_cur_loop(w);
		l->mem += 1;
		l->body_acc++;
		fxw_check_write(a, l);
		free(a);
		return;
	}
	for (int i = 0; i < w->nst; i++) {
		a->path[i] = w->st[i].loop;
		if (a->write)
			w->st[i].writes = true;
	}
	a->level = w->nst - 1;
	if (w->nacc < FX_NEST_CAP &&
	    fx_grow(&w->acc, &w->capacc, w->nacc + 1, sizeof(*a)) == 0)
		w->acc[w->nacc++] = *a;
	free(a);
}

/* ---- scalars ------------------------------------------------------------ */

static void event(struct walker *w, uint64_t key, int kind, int64_t inc)
{
	if (w->nst == 0 || w->ninl > 0 || key == 0 || w->nev >= 2 * FX_NEST_CAP)
		return;
	if (fx_grow(&w->ev, &w->capev, w->nev + 1, sizeof(struct event))) {
		w->err = -ENOMEM;
		return;
	}
	w->ev[w->nev++] = (struct event){
	    key, w->st[w->nst - 1].loop, w->order++, w->stmt, kind, inc};
}

/* A scalar written inside a parallel construct but declared outside it,
 * not named private or reduction: a shared write. */
static void scalar_write(struct walker *w, CXCursor ref, uint64_t key)
{
	if ((w->region_depth == 0 && w->task_depth == 0) || w->ninl > 0 ||
	    w->atomic_depth > 0 || w->critical_depth > 0)
		return;
	if (w->nreg > 0) {
		const struct extent *r = &w->reg[w->nreg - 1];
		if (fxw_decl_inside(key, r->file, r->start, r->end))
			return;
	}
	if (fxw_ivar_level(w, key) >= 0)
		return;
	char *name = fxw_name(ref);
	bool priv = name == NULL || private_name(w, name);
	free(name);
	if (priv)
		return;
	struct fx_loop *l = fxw_cur_loop(w);
	l->writes_shared++;
	fxw_example(l, FX_EX_SHARED_WRITE, fxw_loc(w, ref));
}

static void walk_ref(struct walker *w, CXCursor c, unsigned mode, int kind,
		     int64_t inc)
{
	CXCursor ref = clang_getCursorReferenced(c);
	enum CXCursorKind k = clang_getCursorKind(ref);
	if (k != CXCursor_VarDecl && k != CXCursor_ParmDecl)
		return;
	uint64_t key = fxw_var_key(w, ref);
	if (mode & (M_WRITE | M_RMW)) {
		scalar_write(w, ref, key);
		if (mode & M_RMW)
			event(w, key, EV_READ, 0);
		event(w, key, kind, inc);
	} else {
		event(w, key, EV_READ, 0);
	}
}

/* ---- expressions -------------------------------------------------------- */

static bool is_math(const char *n)
{
	static const char *const fns[] = {
	    "sqrt",  "exp",   "exp2",  "expm1", "log",  "log2",   "log10",
	    "log1p", "pow",   "sin",   "cos",   "tan",  "asin",   "acos",
	    "atan",  "atan2", "sinh",  "cosh",  "tanh", "fabs",   "floor",
	    "ceil",  "round", "trunc", "fmin",  "fmax", "fma",    "cbrt",
	    "hypot", "fmod",  "abs",   "labs",  "erf",  "lround", "rint"};
	size_t len = strlen(n);
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		size_t fl = strlen(fns[i]);
		if (strncmp(n, fns[i], fl) == 0 &&
		    (len == fl ||
		     (len == fl + 1 && (n[fl] == 'f' || n[fl] == 'l'))))
			return true;
	}
	return strncmp(n, "__builtin_", 10) == 0;
}

static bool is_leaf(struct walker *w, CXCursor def, const char *usr);
static void walk_inline(struct walker *w, CXCursor def, CXCursor call);

static void walk_call(struct walker *w, CXCursor c, unsigned mode)
{
	int n = clang_Cursor_getNumArguments(c);
	for (int i = 0; i < n; i++)
		fxw_expr(w, clang_Cursor_getArgument(c, i),
			 mode & (M_SUB | M_CTRL));
	char *name = fxw_name(c);
	if (name == NULL) {
		w->err = -ENOMEM;
		return;
	}
	struct fx_loop *l = fxw_cur_loop(w);
	struct fx_loc loc = fxw_loc(w, c);
	if (strncmp(name, "omp_", 4) == 0) {
		if (strcmp(name, "omp_set_lock") == 0 ||
		    strcmp(name, "omp_set_nest_lock") == 0) {
			w->p->counts.locks++;
			w->p->counts.sync_points++;
			fxw_sync(w, l);
			fxw_example(l, FX_EX_SYNC, loc);
			if (w->p->first_lock.file < 0)
				w->p->first_lock = loc;
		} else if (strcmp(name, "omp_set_num_threads") == 0 && n == 1) {
			int64_t v;
			if (fxw_int_value(
				fxw_strip(clang_Cursor_getArgument(c, 0)),
				&v) &&
			    v > w->p->counts.thread_count && v < 1 << 20)
				w->p->counts.thread_count = (int)v;
		}
		free(name);
		return;
	}
	if (is_math(name)) {
		if (!(mode & (M_SUB | M_CTRL))) {
			l->math += 1;
			l->arith += 1;
		}
		free(name);
		return;
	}
	if (strcmp(name, "memcpy") == 0 || strcmp(name, "memset") == 0 ||
	    strcmp(name, "memmove") == 0) {
		l->mem += 2;
		free(name);
		return;
	}
	free(name);
	CXCursor ref = clang_getCursorReferenced(c);
	if (clang_Cursor_isNull(ref) ||
	    clang_getCursorKind(ref) != CXCursor_FunctionDecl ||
	    clang_Location_isInSystemHeader(clang_getCursorLocation(ref))) {
		if (w->nst > 0) {
			l->opaque_call = true;
			fxw_example(l, FX_EX_CALL, loc);
		}
		return;
	}
	CXString u = clang_getCursorUSR(ref);
	const char *usr = clang_getCString(u);
	struct fx_prog *p = w->p;
	if (usr == NULL ||
	    fx_grow(&p->calls, &p->capcalls, p->ncalls + 1,
		    sizeof(struct fx_call))) {
		clang_disposeString(u);
		w->err = -ENOMEM;
		return;
	}
	struct fx_call *call = &p->calls[p->ncalls];
	memset(call, 0, sizeof(*call));
	call->caller = w->func;
	call->callee = -1;
	call->callee_usr = fx_strdup(usr);
	call->loop = fxw_cur_loop_index(w);
	call->lex_region = w->region_depth > 0;
	call->in_task = w->task_depth > 0;
	call->loc = loc;
	call->bounded = w->bounded > 0;
	call->if_depth = w->if_depth + w->guarded;
	w->branch_call = true;
	call_shape(w, c, call);
	call->tile_mask = tile_mask(w, c, fx_func_find(p, usr));
	int ci = p->ncalls++;
	CXCursor def = clang_getCursorDefinition(ref);
	if (w->nst > 0 && !clang_Cursor_isNull(def) &&
	    w->ninl < FX_MAX_INLINE && is_leaf(w, def, usr)) {
		p->calls[ci].inlined = true;
		walk_inline(w, def, c);
	} else if (w->nst > 0) {
		l = fxw_cur_loop(w);
		l->opaque_call = true;
		fxw_example(l, FX_EX_CALL, loc);
		/* what it does to the data is out of sight here */
		for (int i = 0; i < w->nst; i++)
			w->st[i].calls = true;
	}
	clang_disposeString(u);
}

/* x = x->next: a pointer chase. */
static bool is_chase(struct walker *w, CXCursor lhs, CXCursor rhs)
{
	lhs = fxw_strip(lhs);
	rhs = fxw_strip(rhs);
	if (clang_getCursorKind(lhs) != CXCursor_DeclRefExpr ||
	    clang_getCursorKind(rhs) != CXCursor_MemberRefExpr)
		return false;
	struct kids ks;
	fxw_kids(rhs, &ks);
	bool same = false;
	if (ks.n == 1) {
		CXCursor b = fxw_strip(ks.v[0]);
		same = clang_getCursorKind(b) == CXCursor_DeclRefExpr &&
		    fxw_var_key(w, clang_getCursorReferenced(b)) ==
			fxw_var_key(w, clang_getCursorReferenced(lhs));
	}
	fxw_kids_free(&ks);
	return same;
}

/* p = next, where next was read from a node (next = p->next): a chase
 * through a list, when it is the step of a loop. */
static bool is_next(struct walker *w, CXCursor lhs, CXCursor rhs)
{
	lhs = fxw_strip(lhs);
	rhs = fxw_strip(rhs);
	if (w->nst == 0 || clang_getCursorKind(lhs) != CXCursor_DeclRefExpr ||
	    clang_getCursorKind(rhs) != CXCursor_DeclRefExpr)
		return false;
	CXType t = clang_getCanonicalType(clang_getCursorType(lhs));
	struct var *v =
	    fxw_var(w, fxw_var_key(w, clang_getCursorReferenced(rhs)), false);
	return t.kind == CXType_Pointer && v != NULL && (v->flags & V_STRUCT);
}

static void walk_assign(struct walker *w, CXCursor lhs, CXCursor rhs,
			unsigned mode)
{
	CXCursor l = fxw_strip(lhs);
	fxw_expr(w, rhs, mode & (M_SUB | M_CTRL));
	if (clang_getCursorKind(l) == CXCursor_DeclRefExpr) {
		CXCursor ref = clang_getCursorReferenced(l);
		uint64_t key = fxw_var_key(w, ref);
		struct aff v;
		fxw_eval(w, rhs, &v, 0);
		int kind = is_chase(w, lhs, rhs) || is_next(w, lhs, rhs)
		    ? EV_CHASE
		    : EV_ASSIGN;
		int hdiv = 0;
		if (kind == EV_ASSIGN &&
		    (fxw_arg_shape(w, rhs, &hdiv, 0) & FX_ARG_DIV))
			kind = EV_MULDIV; /* lo = mid + 1: a binary search */
		/* k = k + c steps like k += c */
		bool step = v.nsym == 1 && v.sym[0] == key && v.symc[0] == 1 &&
		    v.nterms == 0 && !v.sym_other && !v.nonlin &&
		    v.ind_level < 0;
		if (kind == EV_CHASE) {
			struct fx_loop *lp = fxw_cur_loop(w);
			lp->chase = true;
			fxw_example(lp, FX_EX_RANDOM, fxw_loc(w, rhs));
		}
		walk_ref(w, l, M_WRITE, step ? EV_INC : kind,
			 step ? v.cval : 0);
		/* a local's value for later subscripts and self-calls */
		int div = 0;
		int shape = fxw_arg_shape(w, rhs, &div, 0);
		struct var *var = fxw_var(w, key, true);
		if (var != NULL) {
			var->flags &= ~V_AFF;
			if (!step && !v.nonlin &&
			    (v.nterms > 0 || v.ptr != 0 || v.ind_level >= 0 ||
			     (fxw_is_const(&v) && w->nst > 0)) &&
			    fxw_ivar_level(w, key) < 0) {
				var->aff = v;
				var->flags |= V_AFF;
			}
			fxw_var_set_shape(var, shape, div);
		}
		return;
	}
	fxw_expr(w, lhs, (mode & (M_SUB | M_CTRL)) | M_WRITE);
}

static void walk_binop(struct walker *w, CXCursor c, unsigned mode,
		       bool compound)
{
	struct kids ks;
	fxw_kids(c, &ks);
	if (ks.n != 2) {
		for (int i = 0; i < ks.n; i++)
			fxw_expr(w, ks.v[i], mode & (M_SUB | M_CTRL));
		fxw_kids_free(&ks);
		return;
	}
	CXCursor lhs = ks.v[0], rhs = ks.v[1];
	fxw_kids_free(&ks);
	char op[4];
	fxw_binop(w, lhs, rhs, op);
	unsigned keep = mode & (M_SUB | M_CTRL);
	if (!compound && strcmp(op, "=") == 0) {
		walk_assign(w, lhs, rhs, mode);
		return;
	}
	if (compound) {
		bool arith = strchr("+-*/%", op[0]) != NULL;
		fxw_count_op(w, mode, arith ? 0 : 1);
		fxw_expr(w, rhs, keep);
		CXCursor l = fxw_strip(lhs);
		if (clang_getCursorKind(l) == CXCursor_DeclRefExpr) {
			struct aff r;
			fxw_eval(w, rhs, &r, 0);
			int kind = EV_COMPOUND;
			int64_t inc = 0;
			if ((op[0] == '+' || op[0] == '-') &&
			    fxw_is_const(&r)) {
				kind = EV_INC;
				inc = op[0] == '+' ? r.cval : -r.cval;
			} else if (op[0] == '*' || op[0] == '/' ||
				   strcmp(op, ">>=") == 0 ||
				   strcmp(op, "<<=") == 0) {
				kind = EV_MULDIV;
			}
			walk_ref(w, l, M_RMW, kind, inc);
			struct var *v = fxw_var(
			    w, fxw_var_key(w, clang_getCursorReferenced(l)),
			    false);
			if (v != NULL)
				v->flags &= ~V_AFF;
		} else {
			fxw_expr(w, lhs, keep | M_RMW);
		}
		return;
	}
	CXType t = clang_getCanonicalType(clang_getCursorType(c));
	if (op[0] == '\0' || strchr("+-*/%", op[0]) != NULL) {
		if (t.kind != CXType_Pointer && strcmp(op, "->") != 0)
			fxw_count_op(w, mode, 0);
	} else if (strcmp(op, ",") != 0) {
		fxw_count_op(w, mode, 1);
	}
	fxw_expr(w, lhs, keep);
	fxw_expr(w, rhs, keep);
}

static void walk_unop(struct walker *w, CXCursor c, unsigned mode)
{
	struct kids ks;
	fxw_kids(c, &ks);
	if (ks.n != 1) {
		fxw_kids_free(&ks);
		return;
	}
	CXCursor x = ks.v[0];
	fxw_kids_free(&ks);
	char op[4];
	fxw_unop(w, c, x, op);
	unsigned keep = mode & (M_SUB | M_CTRL);
	if (strcmp(op, "*") == 0) {
		record_access(w, c, 1, mode);
		fxw_expr(w, x, keep | M_SUB);
	} else if (strcmp(op, "&") == 0) {
		fxw_expr(w, x, keep | M_ADDR);
	} else if (strcmp(op, "++") == 0 || strcmp(op, "--") == 0) {
		CXType t = clang_getCanonicalType(clang_getCursorType(x));
		if (t.kind != CXType_Pointer)
			fxw_count_op(w, mode, 0);
		CXCursor s = fxw_strip(x);
		if (clang_getCursorKind(s) == CXCursor_DeclRefExpr)
			walk_ref(w, s, M_RMW, EV_INC, op[0] == '+' ? 1 : -1);
		else
			fxw_expr(w, x, keep | M_RMW);
	} else {
		fxw_count_op(w, mode,
			     strcmp(op, "-") == 0 || op[0] == '\0' ? 0 : 1);
		fxw_expr(w, x, keep);
	}
}

static void walk_subscript(struct walker *w, CXCursor c, unsigned mode)
{
	record_access(w, c, 0, mode);
	unsigned keep = (mode & (M_SUB | M_CTRL)) | M_SUB;
	CXCursor cur = c;
	for (int n = 0; n < 16; n++) {
		struct kids ks;
		fxw_kids(cur, &ks);
		if (ks.n != 2) {
			fxw_kids_free(&ks);
			return;
		}
		fxw_expr(w, ks.v[1], keep);
		CXCursor base = fxw_strip(ks.v[0]);
		fxw_kids_free(&ks);
		if (clang_getCursorKind(base) != CXCursor_ArraySubscriptExpr) {
			enum CXCursorKind bk = clang_getCursorKind(base);
			if (bk != CXCursor_DeclRefExpr)
				fxw_expr(w, base, keep);
			return;
		}
		cur = base;
	}
}

static void walk_member(struct walker *w, CXCursor c, unsigned mode)
{
	struct kids ks;
	fxw_kids(c, &ks);
	CXCursor base = ks.n > 0 ? ks.v[0] : clang_getNullCursor();
	fxw_kids_free(&ks);
	if (clang_Cursor_isNull(base))
		return;
	/* '->' reads through a pointer; '.' is part of its base object */
	struct extent b, e;
	char op[4] = "";
	if (fxw_extent(w, base, &b) && fxw_extent(w, c, &e) && b.file == e.file)
		fxw_punct_at(w, b.file, b.end, e.end, op);
	unsigned keep = mode & (M_SUB | M_CTRL);
	if (strcmp(op, "->") == 0) {
		record_access(w, c, 2, mode);
		fxw_expr(w, base, keep | M_SUB);
	} else {
		fxw_expr(w, base, mode | M_ELEM);
	}
}

static void expr_at(struct walker *w, CXCursor c, unsigned mode)
{
	struct kids ks;
	switch (clang_getCursorKind(c)) {
	case CXCursor_ArraySubscriptExpr: walk_subscript(w, c, mode); return;
	case CXCursor_UnaryOperator: walk_unop(w, c, mode); return;
	case CXCursor_BinaryOperator: walk_binop(w, c, mode, false); return;
	case CXCursor_CompoundAssignOperator:
		walk_binop(w, c, mode, true);
		return;
	case CXCursor_CallExpr: walk_call(w, c, mode); return;
	case CXCursor_MemberRefExpr: walk_member(w, c, mode); return;
	case CXCursor_DeclRefExpr: walk_ref(w, c, mode, EV_ASSIGN, 0); return;
	case CXCursor_ConditionalOperator: fxw_count_op(w, mode, 1); break;
	case CXCursor_IntegerLiteral:
	case CXCursor_FloatingLiteral:
	case CXCursor_StringLiteral:
	case CXCursor_CharacterLiteral:
	case CXCursor_TypeRef: return;
	default: break;
	}
	fxw_kids(c, &ks);
	for (int i = 0; i < ks.n; i++) {
		enum CXCursorKind k = clang_getCursorKind(ks.v[i]);
		if (clang_isExpression(k))
			fxw_expr(w, ks.v[i], mode);
		else if (clang_isStatement(k))
			fxw_stmt(w, ks.v[i]);
	}
	fxw_kids_free(&ks);
}

void fxw_expr(struct walker *w, CXCursor c, unsigned mode)
{
	if (w->err)
		return;
	if (w->rdepth >= FX_MAX_RDEPTH) {
		w->too_deep = true;
		return;
	}
	w->rdepth++;
	expr_at(w, c, mode);
	w->rdepth--;
}

/* ---- helpers walked inline ---------------------------------------------- */

struct leafscan {
	int nodes;
	bool loop;
};

static enum CXChildVisitResult leaf_visit(CXCursor c, CXCursor parent,
					  CXClientData data)
{
	(void)parent;
	struct leafscan *s = data;
	enum CXCursorKind k = clang_getCursorKind(c);
	if (++s->nodes > 300 || k == CXCursor_ForStmt ||
	    k == CXCursor_WhileStmt || k == CXCursor_DoStmt ||
	    k == CXCursor_GotoStmt) {
		s->loop = true;
		return CXChildVisit_Break;
	}
	/* calls of the program's own functions stay calls: walked inline,
	 * their callers' context would be wrong */
	if (k == CXCursor_CallExpr) {
		CXCursor ref = clang_getCursorReferenced(c);
		if (!clang_Cursor_isNull(ref) &&
		    !clang_Location_isInSystemHeader(
			clang_getCursorLocation(ref))) {
			s->loop = true;
			return CXChildVisit_Break;
		}
	}
	return CXChildVisit_Recurse;
}

/* A helper without loops, calls of the program's functions or directives,
 * small enough to be walked at each call inside a loop (a stencil point,
 * an index helper). */
static bool is_leaf(struct walker *w, CXCursor def, const char *usr)
{
	for (int i = 0; i < w->nleaf; i++)
		if (strcmp(w->leaf[i].usr, usr) == 0)
			return w->leaf[i].leaf;
	struct leafscan s = {0, false};
	clang_visitChildren(def, leaf_visit, &s);
	bool leaf = !s.loop;
	struct extent e;
	if (leaf && fxw_extent(w, def, &e) && w->files[e.file].own) {
		fxw_tokenize(w, e.file);
		const struct wfile *f = &w->files[e.file];
		for (int i = 0; i < f->nprag; i++)
			if (f->prag[i].offset >= e.start &&
			    f->prag[i].offset < e.end)
				leaf = false;
	}
	if (fx_grow(&w->leaf, &w->capleaf, w->nleaf + 1, sizeof(*w->leaf)) ==
	    0) {
		w->leaf[w->nleaf].usr = fx_strdup(usr);
		w->leaf[w->nleaf].leaf = leaf;
		if (w->leaf[w->nleaf].usr != NULL)
			w->nleaf++;
	}
	return leaf;
}

static void walk_inline(struct walker *w, CXCursor def, CXCursor call)
{
	int n = clang_Cursor_getNumArguments(call);
	if (n < 0 || n > 8 || n != clang_Cursor_getNumArguments(def))
		return;
	struct inl fr;
	fr.n = n;
	for (int i = 0; i < n; i++) {
		fr.s[i].param =
		    fxw_var_key(w, clang_Cursor_getArgument(def, i));
		fxw_eval(w, clang_Cursor_getArgument(call, i), &fr.s[i].aff, 0);
	}
	struct kids ks;
	fxw_kids(def, &ks);
	CXCursor body = ks.n > 0 ? ks.v[ks.n - 1] : clang_getNullCursor();
	fxw_kids_free(&ks);
	if (clang_getCursorKind(body) != CXCursor_CompoundStmt)
		return;
	w->inl[w->ninl++] = fr;
	fxw_stmt(w, body);
	w->ninl--;
}
