/* broken.c - one good kernel and one function that does not parse. */
void good(int n, double *a, const double *b)
{
#pragma omp parallel for
	for (int i = 0; i < n; i++)
		a[i] = b[i] + 1.0;
}

int bad(int n
{
	return n +* ;
}
