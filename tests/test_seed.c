/*
 * test_seed.c - the original Rust crate's tests, ported: vectors, many
 * small objects, a linked list and a binary tree built in an arena.  Each
 * runs twice: in a default arena and in a 4 MiB one.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif

#include <stdint.h>

#include <bump_alloc.h>
#include "testutil.h"

/* Items per test; fewer under memcheck (make check-valgrind), where the
 * Check assertions, not the arena, would take minutes. */
#define COUNT ((uint32_t)(getenv("BUMP_TEST_VALGRIND") ? 4096 : 65535))

struct item {
	uint32_t a;
	uint16_t b;
	uint8_t c;
};

static struct item
item_for(size_t i)
{
	struct item it;

	it.a = (uint32_t)(i * 2654435761u);
	it.b = (uint16_t)(i * 3 + 1);
	it.c = (uint8_t)(i ^ 0x5a);
	return it;
}

static int
item_ok(const struct item *it, size_t i)
{
	struct item want = item_for(i);

	return it->a == want.a && it->b == want.b && it->c == want.c;
}

/* _i selects the arena: 0 the default reserve, 1 a 4 MiB one. */
static bump_t *
arena_for(int which)
{
	bump_t *b = bump_create(which ? (size_t)4 << 20 : 0, 0);

	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(bump_capacity(b),
	    which ? (size_t)4 << 20 : BUMP_DEFAULT_RESERVE);
	whole_arena(b);		/* one block: the vector never moves */
	return b;
}

/* A growable vector of items that doubles its capacity with bump_realloc. */
static void
vector_test(bump_t *b, size_t count)
{
	struct item *v = NULL;
	size_t len = 0, cap = 0, i;

	for (i = 0; i < count; i++) {
		if (len == cap) {
			struct item *nv;

			cap = cap ? 2 * cap : 4;
			nv = bump_realloc(b, v, cap * sizeof *v);
			ck_assert_ptr_nonnull(nv);
			/* The vector is the only user: it never moves. */
			if (v != NULL)
				ck_assert_ptr_eq(nv, v);
			v = nv;
		}
		v[len++] = item_for(i);
	}
	ck_assert_uint_eq(len, count);
	ck_assert_int_eq(bump_owns(b, v), 1);
	/* Grown in place from the region start: no copies, no waste. */
	ck_assert_uint_eq(bump_used(b), cap * sizeof *v);
	for (i = 0; i < count; i++)
		ck_assert_msg(item_ok(&v[i], i), "vector item %zu wrong", i);
}

START_TEST(test_vector_100)
{
	bump_t *b = arena_for(_i);

	vector_test(b, 100);
	bump_destroy(b);
}
END_TEST

START_TEST(test_vector_65535)
{
	bump_t *b = arena_for(_i);

	vector_test(b, COUNT);
	bump_destroy(b);
}
END_TEST

START_TEST(test_many_items)
{
	bump_t *b = arena_for(_i);
	struct item **ptrs;
	size_t i;

	ptrs = bump_malloc(b, COUNT * sizeof *ptrs);
	ck_assert_ptr_nonnull(ptrs);
	for (i = 0; i < COUNT; i++) {
		ptrs[i] = bump_malloc(b, sizeof(struct item));
		ck_assert_ptr_nonnull(ptrs[i]);
		ck_assert_uint_eq((uintptr_t)ptrs[i] %
		    _Alignof(struct item), 0);
		*ptrs[i] = item_for(i);
	}
	for (i = 0; i < COUNT; i++) {
		ck_assert_msg(item_ok(ptrs[i], i), "item %zu wrong", i);
		ck_assert_int_eq(bump_owns(b, ptrs[i]), 1);
		if (i > 0)
			ck_assert_uint_ge((uintptr_t)ptrs[i],
			    (uintptr_t)(ptrs[i - 1] + 1));
	}
	ck_assert_uint_eq(bump_used(b),
	    COUNT * sizeof *ptrs + COUNT * sizeof(struct item));
	bump_destroy(b);
}
END_TEST

struct node {
	uint32_t value;
	struct node *next;
};

START_TEST(test_linked_list)
{
	bump_t *b = arena_for(_i);
	struct node *head = NULL, *n;
	uint32_t i;

	for (i = 0; i < COUNT; i++) {
		n = bump_malloc(b, sizeof *n);
		ck_assert_ptr_nonnull(n);
		n->value = i * 7 + 3;
		n->next = head;
		head = n;
	}
	i = COUNT;
	for (n = head; n != NULL; n = n->next) {
		ck_assert_uint_gt(i, 0);
		i--;
		ck_assert_uint_eq(n->value, i * 7 + 3);
		ck_assert_int_eq(bump_owns(b, n), 1);
	}
	ck_assert_uint_eq(i, 0);
	bump_destroy(b);
}
END_TEST

struct tree {
	uint32_t key;
	uint32_t payload;
	struct tree *left, *right;
};

START_TEST(test_ordered_tree)
{
	bump_t *b = arena_for(_i);
	uint32_t *keys, x = 0x9e3779b9u;
	struct tree *root = NULL, **stack, *t;
	size_t i, depth = 0, sp = 0, seen = 0;

	/* Keys 0..COUNT-1 in a shuffled order (fixed-seed xorshift). */
	keys = bump_malloc(b, COUNT * sizeof *keys);
	ck_assert_ptr_nonnull(keys);
	for (i = 0; i < COUNT; i++)
		keys[i] = (uint32_t)i;
	for (i = COUNT - 1; i > 0; i--) {
		size_t j;
		uint32_t tmp;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		j = x % (i + 1);
		tmp = keys[i];
		keys[i] = keys[j];
		keys[j] = tmp;
	}

	for (i = 0; i < COUNT; i++) {
		struct tree **slot = &root;
		size_t d = 0;

		t = bump_calloc(b, 1, sizeof *t);
		ck_assert_ptr_nonnull(t);
		ck_assert_ptr_null(t->left);
		ck_assert_ptr_null(t->right);
		ck_assert_uint_eq(t->key, 0);
		t->key = keys[i];
		t->payload = keys[i] * 5 + 1;
		while (*slot != NULL) {
			ck_assert_uint_ne((*slot)->key, t->key);
			slot = t->key < (*slot)->key ? &(*slot)->left :
			    &(*slot)->right;
			d++;
		}
		*slot = t;
		if (d > depth)
			depth = d;
	}
	ck_assert_uint_lt(depth, COUNT);

	/* In-order walk with an explicit stack: sorted and complete. */
	stack = bump_malloc(b, (depth + 2) * sizeof *stack);
	ck_assert_ptr_nonnull(stack);
	t = root;
	while (t != NULL || sp > 0) {
		while (t != NULL) {
			ck_assert_uint_le(sp, depth + 1);
			stack[sp++] = t;
			t = t->left;
		}
		t = stack[--sp];
		ck_assert_uint_eq(t->key, seen);
		ck_assert_uint_eq(t->payload, seen * 5 + 1);
		ck_assert_int_eq(bump_owns(b, t), 1);
		seen++;
		t = t->right;
	}
	ck_assert_uint_eq(seen, COUNT);
	ck_assert_uint_le(bump_used(b), bump_capacity(b));
	bump_destroy(b);
}
END_TEST

static Suite *
seed_suite(void)
{
	Suite *s = suite_create("seed");
	TCase *tc = tcase_new("crate");

	/* Loop index 0: bump_create(0, 0); 1: bump_create(4 MiB, 0). */
	tcase_add_loop_test(tc, test_vector_100, 0, 2);
	tcase_add_loop_test(tc, test_vector_65535, 0, 2);
	tcase_add_loop_test(tc, test_many_items, 0, 2);
	tcase_add_loop_test(tc, test_linked_list, 0, 2);
	tcase_add_loop_test(tc, test_ordered_tree, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(seed_suite)
