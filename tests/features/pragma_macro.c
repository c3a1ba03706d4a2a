/* pragma_macro.c - the directive hides in a macro as _Pragma, and one more
 * is written directly as _Pragma. */
#define PARALLEL_FOR _Pragma("omp parallel for schedule(dynamic)")

void twice(int n, double *a)
{
	PARALLEL_FOR
	for (int i = 0; i < n; i++)
		a[i] *= 2.0;
	_Pragma("omp parallel for")
	for (int i = 0; i < n; i++)
		a[i] += 1.0;
}
