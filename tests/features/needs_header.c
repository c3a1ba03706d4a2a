/* needs_header.c - includes a header that does not exist: what parses is
 * still analysed, and the missing header is reported. */
#include "absent.h"

void scale(int n, double *a, double s)
{
#pragma omp parallel for
	for (int i = 0; i < n; i++)
		a[i] *= s;
}
