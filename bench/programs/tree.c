/*
 * tree.c - a binary search tree built once and kept until exit (a symbol
 * table, a parsed document): never freed, the classic bump allocator case.
 */
#include <stdio.h>
#include <stdlib.h>

struct node { unsigned long key; struct node *l, *r; char payload[24]; };

int
main(void)
{
	struct node *root = NULL;
	unsigned long x = 88172645463325252ul, sum = 0;

	for (int i = 0; i < 400000; i++) {
		struct node **at = &root, *n = malloc(sizeof *n);

		if (n == NULL)
			return 1;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n->key = x;
		n->l = n->r = NULL;
		n->payload[0] = (char)i;
		while (*at != NULL)
			at = x < (*at)->key ? &(*at)->l : &(*at)->r;
		*at = n;
	}
	for (struct node *n = root; n != NULL; n = n->l)
		sum += n->key & 0xff;
	printf("%lu\n", sum);
	return 0;
}
