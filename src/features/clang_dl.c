/* clang_dl.c - libclang opened at the first analysis (dlopen), not at
 * start-up: a zdvfs whose features are cached, or that only runs a
 * program, never maps libclang and LLVM (tens of MiB, tens of ms).
 * Every libclang function the analyser calls is defined here under its
 * own name and forwards to the library's, so the analyser's code is plain
 * libclang; the prototypes come from clang-c/Index.h, so a mismatch does
 * not compile. */
#include <clang-c/Index.h>

#include "internal.h"
#include "zdvfs/dynlib.h"

/* X(return type, name, (parameters), (arguments)); V: returns nothing. */
#define CLANG_FUNCS(X, V)                                                      \
	X(CXIndex, clang_createIndex, (int a, int b), (a, b))                  \
	V(clang_disposeIndex, (CXIndex i), (i))                                \
	X(enum CXErrorCode, clang_parseTranslationUnit2,                       \
	  (CXIndex i, const char *f, const char *const *args, int nargs,       \
	   struct CXUnsavedFile *u, unsigned nu, unsigned o,                   \
	   CXTranslationUnit *tu),                                             \
	  (i, f, args, nargs, u, nu, o, tu))                                   \
	V(clang_disposeTranslationUnit, (CXTranslationUnit tu), (tu))          \
	X(CXString, clang_getClangVersion, (void), ())                         \
	X(const char *, clang_getCString, (CXString s), (s))                   \
	V(clang_disposeString, (CXString s), (s))                              \
	X(unsigned, clang_getNumDiagnostics, (CXTranslationUnit tu), (tu))     \
	X(CXDiagnostic, clang_getDiagnostic,                                   \
	  (CXTranslationUnit tu, unsigned i), (tu, i))                         \
	X(CXString, clang_getDiagnosticSpelling, (CXDiagnostic d), (d))        \
	X(enum CXDiagnosticSeverity, clang_getDiagnosticSeverity,              \
	  (CXDiagnostic d), (d))                                               \
	X(CXSourceLocation, clang_getDiagnosticLocation, (CXDiagnostic d),     \
	  (d))                                                                 \
	V(clang_disposeDiagnostic, (CXDiagnostic d), (d))                      \
	X(CXCursor, clang_getTranslationUnitCursor, (CXTranslationUnit tu),    \
	  (tu))                                                                \
	X(CXCursor, clang_getNullCursor, (void), ())                           \
	X(int, clang_Cursor_isNull, (CXCursor c), (c))                         \
	X(enum CXCursorKind, clang_getCursorKind, (CXCursor c), (c))           \
	X(CXCursor, clang_getCursorReferenced, (CXCursor c), (c))              \
	X(CXCursor, clang_getCursorDefinition, (CXCursor c), (c))              \
	X(unsigned, clang_isCursorDefinition, (CXCursor c), (c))               \
	X(CXCursor, clang_getCursorSemanticParent, (CXCursor c), (c))          \
	X(CXCursor, clang_Cursor_getArgument, (CXCursor c, unsigned i),        \
	  (c, i))                                                              \
	X(int, clang_Cursor_getNumArguments, (CXCursor c), (c))                \
	X(enum CX_StorageClass, clang_Cursor_getStorageClass, (CXCursor c),    \
	  (c))                                                                 \
	X(CXEvalResult, clang_Cursor_Evaluate, (CXCursor c), (c))              \
	X(CXEvalResultKind, clang_EvalResult_getKind, (CXEvalResult e), (e))   \
	X(long long, clang_EvalResult_getAsLongLong, (CXEvalResult e), (e))    \
	V(clang_EvalResult_dispose, (CXEvalResult e), (e))                     \
	X(long long, clang_getEnumConstantDeclValue, (CXCursor c), (c))        \
	X(unsigned, clang_isExpression, (enum CXCursorKind k), (k))            \
	X(unsigned, clang_isStatement, (enum CXCursorKind k), (k))             \
	X(CXType, clang_getCursorType, (CXCursor c), (c))                      \
	X(CXType, clang_getCanonicalType, (CXType t), (t))                     \
	X(unsigned, clang_isConstQualifiedType, (CXType t), (t))               \
	X(long long, clang_Type_getSizeOf, (CXType t), (t))                    \
	X(CXString, clang_getCursorUSR, (CXCursor c), (c))                     \
	X(CXString, clang_getCursorSpelling, (CXCursor c), (c))                \
	X(CXSourceRange, clang_getCursorExtent, (CXCursor c), (c))             \
	X(CXSourceLocation, clang_getCursorLocation, (CXCursor c), (c))        \
	X(unsigned, clang_visitChildren,                                       \
	  (CXCursor c, CXCursorVisitor v, CXClientData d), (c, v, d))          \
	X(CXSourceLocation, clang_getLocationForOffset,                        \
	  (CXTranslationUnit tu, CXFile f, unsigned o), (tu, f, o))            \
	X(int, clang_Location_isInSystemHeader, (CXSourceLocation l), (l))     \
	V(clang_getSpellingLocation,                                           \
	  (CXSourceLocation l, CXFile * f, unsigned *line, unsigned *col,      \
	   unsigned *off),                                                     \
	  (l, f, line, col, off))                                              \
	V(clang_getExpansionLocation,                                          \
	  (CXSourceLocation l, CXFile * f, unsigned *line, unsigned *col,      \
	   unsigned *off),                                                     \
	  (l, f, line, col, off))                                              \
	X(CXSourceRange, clang_getRange,                                       \
	  (CXSourceLocation a, CXSourceLocation b), (a, b))                    \
	X(CXSourceLocation, clang_getRangeStart, (CXSourceRange r), (r))       \
	X(CXSourceLocation, clang_getRangeEnd, (CXSourceRange r), (r))         \
	X(CXSourceRangeList *, clang_getSkippedRanges,                         \
	  (CXTranslationUnit tu, CXFile f), (tu, f))                           \
	V(clang_disposeSourceRangeList, (CXSourceRangeList * r), (r))          \
	X(CXString, clang_getFileName, (CXFile f), (f))                        \
	X(CXFile, clang_getFile, (CXTranslationUnit tu, const char *name),     \
	  (tu, name))                                                          \
	X(const char *, clang_getFileContents,                                 \
	  (CXTranslationUnit tu, CXFile f, size_t * size), (tu, f, size))      \
	X(int, clang_File_isEqual, (CXFile a, CXFile b), (a, b))               \
	V(clang_getInclusions,                                                 \
	  (CXTranslationUnit tu, CXInclusionVisitor v, CXClientData d),        \
	  (tu, v, d))                                                          \
	V(clang_tokenize,                                                      \
	  (CXTranslationUnit tu, CXSourceRange r, CXToken * *t, unsigned *n),  \
	  (tu, r, t, n))                                                       \
	V(clang_disposeTokens,                                                 \
	  (CXTranslationUnit tu, CXToken * t, unsigned n), (tu, t, n))         \
	X(CXTokenKind, clang_getTokenKind, (CXToken t), (t))                   \
	X(CXSourceRange, clang_getTokenExtent,                                 \
	  (CXTranslationUnit tu, CXToken t), (tu, t))

/* the symbols' indices */
#define INDEX_X(ret, name, params, args) IDX_##name,
#define INDEX_V(name, params, args) IDX_##name,
enum { CLANG_FUNCS(INDEX_X, INDEX_V) NSYMS };

#define NAME_X(ret, name, params, args) #name,
#define NAME_V(name, params, args) #name,
static const char *const names[NSYMS] = {CLANG_FUNCS(NAME_X, NAME_V)};
static void *syms[NSYMS];

static struct zd_dynlib lib = {
    .what = "libclang",
    .needed_for = "to analyse source files whose features are not cached",
    .soname = ZDVFS_LIBCLANG_SONAME,
    .path = ZDVFS_LIBCLANG_PATH,
    .package = ZDVFS_LIBCLANG_PACKAGE,
    .env = "ZDVFS_LIBCLANG",
    .names = names,
    .syms = syms,
    .nsyms = NSYMS,
};

int fx_clang_load(struct zd_err *err)
{
	return zd_dynlib_load(&lib, err);
}

const char *fx_clang_identity(void)
{
	/* the soname names libclang's ABI; the configured version, the
	 * release whose parse the cache holds. ZDVFS_LIBCLANG does not
	 * change it: a cached result is used without any libclang. */
	return ZDVFS_LIBCLANG_SONAME " " ZDVFS_LIBCLANG_VERSION;
}

#define FORWARD_X(ret, name, params, args)                                     \
	ret name params                                                        \
	{                                                                      \
		zd_dynlib_ensure(&lib);                                        \
		return ((ret(*) params)syms[IDX_##name])args;                  \
	}
#define FORWARD_V(name, params, args)                                          \
	void name params                                                       \
	{                                                                      \
		zd_dynlib_ensure(&lib);                                        \
		((void(*) params)syms[IDX_##name]) args;                       \
	}
CLANG_FUNCS(FORWARD_X, FORWARD_V)
