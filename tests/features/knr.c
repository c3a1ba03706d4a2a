/* knr.c - K&R function definitions, still C (before C23). */
double sum(a, n)
double *a;
int n;
{
	double s = 0;
	int i;
	for (i = 0; i < n; i++)
		s += a[i];
	return s;
}
