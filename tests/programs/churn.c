/*
 * churn.c - a C program for the real-program test: compiled by the C
 * compiler running under the global allocator, then run under it with a
 * small reserve.  Prints a digest that must not depend on the allocator.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node { struct node *next; size_t len; char text[]; };

int
main(void)
{
	struct node *list = NULL;
	unsigned long seed = 1, digest = 0;

	for (int round = 0; round < 200000; round++) {
		seed = seed * 6364136223846793005ul + 1442695040888963407ul;
		size_t len = (seed >> 33) % 300;
		struct node *n = malloc(sizeof *n + len + 1);
		if (n == NULL)
			return 1;
		memset(n->text, 'a' + (int)(len % 26), len);
		n->text[len] = '\0';
		n->len = len;
		n->next = list;
		list = n;
		if (seed >> 62 == 0) {	/* a quarter of the time, drop a few */
			for (int k = 0; k < 3 && list != NULL; k++) {
				struct node *next = list->next;
				digest = digest * 33 + strlen(list->text);
				free(list);
				list = next;
			}
		}
		if (round % 1000 == 0) {
			char *s = realloc(NULL, 10);
			for (size_t sz = 20; sz < 100000; sz *= 2)
				s = realloc(s, sz);
			free(s);
		}
	}
	while (list != NULL) {
		struct node *next = list->next;
		digest = digest * 33 + list->len;
		free(list);
		list = next;
	}
	printf("digest %lu\n", digest);
	return 0;
}
