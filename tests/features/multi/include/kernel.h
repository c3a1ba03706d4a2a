/* kernel.h - shared by both files; SCALE comes from -D, SIZE from here. */
#ifndef KERNEL_H
#define KERNEL_H
#define SIZE 512
void smooth(int n, double a[n][n], double b[n][n]);
#endif
