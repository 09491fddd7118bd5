/*
 * bignum.c - a small bignum calculator: Fibonacci and factorial digits with
 * temporaries freed out of allocation order, as real arithmetic code does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { size_t n; unsigned *d; } big;	/* base 1e9, little endian */

static big *
big_new(size_t n)
{
	big *b = malloc(sizeof *b);

	if (b == NULL || (b->d = calloc(n ? n : 1, sizeof *b->d)) == NULL)
		exit(1);
	b->n = n;
	return b;
}

static void
big_free(big *b)
{
	free(b->d);
	free(b);
}

static big *
big_add(const big *a, const big *b)
{
	size_t n = (a->n > b->n ? a->n : b->n) + 1;
	big *r = big_new(n);
	unsigned long long carry = 0;

	for (size_t i = 0; i < n; i++) {
		carry += (i < a->n ? a->d[i] : 0ull) + (i < b->n ? b->d[i] : 0ull);
		r->d[i] = (unsigned)(carry % 1000000000u);
		carry /= 1000000000u;
	}
	while (r->n > 1 && r->d[r->n - 1] == 0)
		r->n--;
	return r;
}

static big *
big_mul_small(const big *a, unsigned m)
{
	big *r = big_new(a->n + 2);
	unsigned long long carry = 0;

	for (size_t i = 0; i < a->n + 2; i++) {
		carry += (i < a->n ? (unsigned long long)a->d[i] * m : 0ull);
		r->d[i] = (unsigned)(carry % 1000000000u);
		carry /= 1000000000u;
	}
	while (r->n > 1 && r->d[r->n - 1] == 0)
		r->n--;
	return r;
}

int
main(void)
{
	unsigned long check = 0;

	for (int round = 0; round < 20; round++) {
		big *a = big_new(1), *b = big_new(1), *f = big_new(1);

		b->d[0] = 1;
		f->d[0] = 1;
		for (unsigned i = 1; i < 6000; i++) {
			big *c = big_add(a, b);		/* a is freed before b: */
			big *g = big_mul_small(f, i);	/* out of order */
			big_free(a);
			a = b;
			b = c;
			big_free(f);
			f = g;
		}
		check += a->n + b->n + f->n + b->d[0] + f->d[f->n - 1];
		big_free(f);
		big_free(b);
		big_free(a);
	}
	printf("%lu\n", check);
	return 0;
}
