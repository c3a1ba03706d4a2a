/* walker.h - the AST walk's private state, shared by tokens.c (files,
 * tokens, pragmas), expr.c (expressions, affine subscripts, accesses,
 * calls) and walk.c (statements, loops, directives, loop-nest analysis). */
#ifndef ZDVFS_FEATURES_WALKER_H
#define ZDVFS_FEATURES_WALKER_H

#include "internal.h"

/* ---- affine forms of subscripts ----------------------------------------
 * sum of coef * (variable of loop level) + constant + symbolic part. */

enum { C_CONST = 1, C_SYM = 2 };

struct term {
	int level;
	int kind;
	int64_t val;
};

struct aff {
	int nterms;
	struct term t[FX_MAX_TERMS];
	int64_t cval;
	int nsym;
	uint64_t sym[FX_MAX_SYMS]; /* variables in the constant part */
	int64_t symc[FX_MAX_SYMS]; /* and their coefficients */
	bool sym_other;            /* symbolic part not listed in sym */
	uint64_t ptr;              /* pointer or array the address starts at */
	int ind_level;             /* deepest loop level a load inside it
				    * depends on, -1 none */
	bool nonlin;
};

/* ---- walker state ------------------------------------------------------ */

struct wtok {
	unsigned off, end;
	char kind; /* 'p' punctuation, 'i' identifier/keyword, 'n' number,
		    * 's' string/char, 'c' comment */
};

struct wfile {
	CXFile cx;
	bool own;
	int path;
	const char *buf;
	size_t size;
	bool tokenized;
	struct wtok *tok;
	int ntok;
	struct fx_pragma *prag;
	int nprag, capprag, next;
	unsigned *skip; /* pairs of offsets */
	int nskip;
};

enum {
	V_AFF = 1,    /* aff holds its value (index or pointer) */
	V_HALVES = 2, /* initialised by a division: n/2 */
	V_STRUCT = 4, /* taken from a data structure */
};

struct var {
	uint64_t key;
	int flags;
	int div; /* the divisor when V_HALVES */
	struct aff aff;
};

struct access {
	int path[FX_MAX_NEST];
	int level;
	uint64_t base;
	int ndims;
	struct aff dim[FX_MAX_DIMS];
	bool write, rmw, shared, sync, elem_big, in_par;
	int elem;
	int stmt, order;
	struct fx_loc loc;
};

enum { EV_READ, EV_ASSIGN, EV_COMPOUND, EV_INC, EV_CHASE, EV_MULDIV };

struct event {
	uint64_t key;
	int loop, order, stmt, kind;
	int64_t inc;
};

struct frame {
	int loop;
	uint64_t ivar;
	int file;
	unsigned start, end;
	int ncond;
	uint64_t cond[4];
	bool calls, writes;
};

/* A loop of the current nest, kept for the checks at its end. */
struct nloop {
	int loop;
	uint64_t ivar;
	int file;
	unsigned start, end;
};

struct subst {
	uint64_t param;
	struct aff aff;
};

struct inl {
	int n;
	struct subst s[8];
};

struct dirinfo {
	bool set, parallel, simd;
	int sched;
	long chunk;
	int collapse;
};

struct extent {
	int file;
	unsigned start, end;
};

struct leafmemo {
	char *usr;
	bool leaf;
};

struct walker {
	struct fx_prog *p;
	CXTranslationUnit tu;
	struct wfile *files;
	int nfiles, capfiles;
	int func;
	struct frame st[FX_MAX_NEST];
	int nst, extra;
	int region_depth, task_depth, critical_depth, atomic_depth;
	struct extent reg[16];
	int nreg;
	struct fx_pragma *active[32];
	int nactive;
	struct dirinfo pend, collapse_info;
	int collapse_left;
	struct inl inl[FX_MAX_INLINE];
	int ninl;
	struct var *vars;
	int capvars, nvars;
	struct access *acc;
	int nacc, capacc;
	struct event *ev;
	int nev, capev;
	struct nloop *nl;
	int nnl, capnl;
	int order, stmt, stmt_next;
	struct leafmemo *leaf;
	int nleaf, capleaf;
	struct fx_loop dummy;
	int rdepth;  /* statement and expression recursion */
	int bounded; /* inside the small side of a cutoff test */
	bool branch_call, branch_return; /* seen in the current if branch */
	int if_depth; /* if branches around the current statement */
	int guarded;  /* 1 after a branch that returns: the rest of the
			  * function runs on some paths only */
	int nparams;  /* the current function's parameters */
	uint64_t params[16];
	bool too_deep; /* said once per unit */
	int err;
};

/* Deeper statements or expressions than this are not walked (a chain of
 * ten thousand else-ifs would otherwise exhaust the stack). */
#define FX_MAX_RDEPTH 400

enum {
	M_WRITE = 1,
	M_RMW = 2,
	M_SUB = 4,   /* inside a subscript: index arithmetic, not counted */
	M_CTRL = 8,  /* loop control: not counted */
	M_ELEM = 16, /* base of a '.' member: the element is a struct */
	M_ADDR = 32, /* under '&': an address, not an access */
};

struct kids {
	int n, cap;
	CXCursor *v;
	CXCursor small[8];
};

void fxw_aff_init(struct aff *a);
void fxw_add_term(struct aff *a, int level, int kind, int64_t val);
void fxw_aff_scale(struct aff *a, int64_t k);
void fxw_aff_add(struct aff *a, const struct aff *b, int sign);
bool fxw_is_const(const struct aff *a);
bool fxw_has_terms(const struct aff *a);
void fxw_kids(CXCursor c, struct kids *k);
void fxw_kids_free(struct kids *k);
CXCursor fxw_strip(CXCursor c);
char *fxw_name(CXCursor c);
bool fxw_name_is(CXCursor c, const char *name);
int fxw_file(struct walker *w, CXFile f, CXSourceLocation loc);
bool fxw_where(struct walker *w, CXSourceLocation l, int *fi, unsigned *off);
bool fxw_extent(struct walker *w, CXCursor c, struct extent *e);
struct fx_loc fxw_loc(struct walker *w, CXCursor c);
bool fxw_tok_is(const struct wfile *f, const struct wtok *t, const char *text);
int fxw_tok_at(const struct wfile *f, unsigned off);
void fxw_add_pragma(struct walker *w, struct wfile *f, const struct fx_ptok *t,
		    int n, unsigned off);
int fxw_tokenize(struct walker *w, int fi);
void fxw_punct_at(struct walker *w, int fi, unsigned off, unsigned limit,
		  char out[4]);
void fxw_binop(struct walker *w, CXCursor lhs, CXCursor rhs, char op[4]);
bool fxw_int_value(CXCursor c, int64_t *v);
uint64_t fxw_var_key(struct walker *w, CXCursor decl);
struct var *fxw_var(struct walker *w, uint64_t key, bool create);
void fxw_vars_reset(struct walker *w);
bool fxw_decl_inside(uint64_t key, int file, unsigned start, unsigned end);
int fxw_new_loop(struct walker *w);
int fxw_cur_loop_index(struct walker *w);
struct fx_loop *fxw_cur_loop(struct walker *w);
void fxw_example(struct fx_loop *l, int kind, struct fx_loc loc);
void fxw_count_op(struct walker *w, unsigned mode, int what);
/* A synchronisation in the current loop: less when conditional. */
void fxw_sync(struct walker *w, struct fx_loop *l);
int fxw_ivar_level(struct walker *w, uint64_t key);
void fxw_eval(struct walker *w, CXCursor c, struct aff *a, int depth);
int fxw_arg_shape(struct walker *w, CXCursor c, int *divisor, int depth);
/* Remember on `v` what fxw_arg_shape found of the value it was given. */
void fxw_var_set_shape(struct var *v, int shape, int divisor);
void fxw_expr(struct walker *w, CXCursor c, unsigned mode);
void fxw_unop(struct walker *w, CXCursor c, CXCursor operand, char op[4]);
void fxw_count_pragma(struct fx_prog *p, const struct fx_pragma *pr);
/* walk.c */
void fxw_stmt(struct walker *w, CXCursor c);
/* expr.c: record a write's false-sharing risk once the nest is known */
void fxw_check_write(const struct access *a, struct fx_loop *l);

#endif
