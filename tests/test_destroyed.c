/*
 * test_destroyed.c - every public function of <bump_alloc.h> refuses a
 * destroyed arena: allocating calls return NULL (or -1) with EINVAL,
 * queries return 0, and nothing is written: neither into the dead arena's
 * bookkeeping nor into the memory it had, which the next arena holds now.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#include <errno.h>

#include "bump_alloc.h"
#include "testutil.h"

/* The arenas a test destroys: one of each way to make an arena. */
enum { DEAD_PLAIN, DEAD_EMPTY, DEAD_SHARED, DEAD_BUFFER, DEAD_KINDS };

/* What the bookkeeping occupies at most: bump_create's chunk of 512 bytes. */
#define BOOKKEEPING 512
/* Blocks the dead arena had, and the next arena takes their chunks. */
static const size_t sizes[] = { 100, 2000, 10000, 50000 };
#define NSIZES (sizeof sizes / sizeof sizes[0])

static bump_t *dead;		/* destroyed */
static bump_t *next;		/* created before, alive */
static char *old_block;		/* a block the dead arena handed out */
static bump_grow_t live_object;	/* an object begun before the arena died */
static unsigned char before[BOOKKEEPING];
static unsigned char *held[NSIZES];
static _Alignas(64) unsigned char buffer[64 * 1024];

static bump_t *
make(int kind)
{
	switch (kind) {
	case DEAD_SHARED:
		return bump_create(0, BUMP_THREADSAFE);
	case DEAD_BUFFER:
		return bump_create_in(buffer, sizeof buffer, 0);
	default:
		return bump_create(0, 0);
	}
}

/*
 * The arena dies with blocks in several chunks and an object in progress;
 * the next arena then takes its chunks (the thread's cache hands them out
 * newest first) and fills each block with a pattern.
 */
static void
kill_arena(int kind)
{
	bump_t *b = make(kind);

	ck_assert_ptr_nonnull(b);
	next = bump_create(0, 0);
	ck_assert_ptr_nonnull(next);
	old_block = NULL;
	if (kind != DEAD_EMPTY) {
		for (size_t i = 0; i < NSIZES; i++) {
			old_block = bump_malloc(b, sizes[i]);
			ck_assert_ptr_nonnull(old_block);
			memset(old_block, 0x11, sizes[i]);
		}
	}
	bump_grow_init(&live_object, b);
	ck_assert_int_eq(bump_grow_append(&live_object, "begun", 5), 0);
	bump_destroy(b);
	dead = b;
	memcpy(before, (const void *)b, sizeof before);
	for (size_t i = NSIZES; i-- > 0;) {
		held[i] = bump_malloc(next, sizes[i]);
		ck_assert_ptr_nonnull(held[i]);
		memset(held[i], 0xa5, sizes[i]);
	}
}

/* Nothing was written: the bookkeeping and the next arena's blocks. */
static void
assert_untouched(void)
{
	ck_assert_msg(memcmp(before, (const void *)dead, sizeof before) == 0,
	    "the dead arena's bookkeeping changed");
	for (size_t i = 0; i < NSIZES; i++)
		for (size_t k = 0; k < sizes[i]; k++)
			if (held[i][k] != 0xa5)
				ck_abort_msg("the next arena's block %zu changed "
				    "at byte %zu", i, k);
	bump_destroy(next);
}

#define REFUSED(expr) do {						\
	errno = 0;							\
	ck_assert_ptr_null(expr);					\
	ck_assert_int_eq(errno, EINVAL);				\
} while (0)
#define REFUSED_INT(expr) do {						\
	errno = 0;							\
	ck_assert_int_eq((expr), -1);					\
	ck_assert_int_eq(errno, EINVAL);				\
} while (0)

START_TEST(test_allocating_refused)
{
	kill_arena(_i);
	REFUSED(bump_malloc(dead, 16));		/* the inline path */
	REFUSED((bump_malloc)(dead, 16));
	REFUSED(bump_malloc(dead, 0));
	REFUSED(bump_calloc(dead, 4, 4));
	REFUSED(bump_aligned_alloc(dead, 64, 100));
	REFUSED(bump_realloc(dead, NULL, 100));
	if (old_block != NULL)
		REFUSED(bump_realloc(dead, old_block, 100));
	REFUSED(BUMP_NEW(dead, double));
	REFUSED(BUMP_NEW_ZEROED(dead, long));
	REFUSED(BUMP_NEW_ARRAY(dead, int, 10));
	REFUSED(BUMP_NEW_ARRAY_ZEROED(dead, short, 10));
	assert_untouched();
}
END_TEST

START_TEST(test_strings_refused)
{
	kill_arena(_i);
	REFUSED(bump_strdup(dead, "a string"));
	REFUSED(bump_strdup(dead, ""));
	REFUSED(bump_strndup(dead, "a string", 3));
	REFUSED(bump_memdup(dead, "bytes", 5));
	REFUSED(bump_memdup(dead, NULL, 0));
	REFUSED(bump_asprintf(dead, "%d-%s", 42, "x"));
	REFUSED(call_vasprintf(dead, "%d-%s", 42, "x"));
	assert_untouched();
}
END_TEST

START_TEST(test_queries_zero)
{
	FILE *f = tmpfile();
	struct bump_stats st;
	bump_mark_t mark;

	ck_assert_ptr_nonnull(f);
	kill_arena(_i);
	ck_assert_uint_eq(bump_used(dead), 0);
	ck_assert_uint_eq(bump_capacity(dead), 0);
	if (old_block != NULL)
		ck_assert_int_eq(bump_owns(dead, old_block), 0);
	ck_assert_int_eq(bump_owns(dead, held[0]), 0);
	mark = bump_mark(dead);
	ck_assert_uint_eq(mark.offset, 0);
	memset(&st, 0x5a, sizeof st);
	REFUSED_INT(bump_stats(dead, &st));
	REFUSED_INT(bump_stats_print(dead, f));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	ck_assert_int_eq(ftell(f), 0);		/* nothing printed */
	fclose(f);
	assert_untouched();
}
END_TEST

/* The calls that change an arena change nothing; errno stays as it was. */
START_TEST(test_changes_ignored)
{
	bump_mark_t mark = { 0 };

	kill_arena(_i);
	errno = 1234;
	if (old_block != NULL)
		bump_free(dead, old_block);
	bump_reset(dead);
	bump_rewind(dead, mark);
	bump_destroy(dead);
	ck_assert_int_eq(errno, 1234);
	REFUSED_INT(bump_trim(dead));
	assert_untouched();
}
END_TEST

START_TEST(test_growing_refused)
{
	bump_grow_t g;

	kill_arena(_i);
	/* A builder started on the dead arena. */
	bump_grow_init(&g, dead);
	REFUSED_INT(bump_grow_append(&g, "abc", 3));
	REFUSED_INT((bump_grow_append)(&g, "abc", 3));
	REFUSED_INT(bump_grow_append_str(&g, "abc"));
	REFUSED_INT(bump_grow_printf(&g, "%d", 7));
	REFUSED_INT(call_vprintf(&g, "%d", 7));
	REFUSED(bump_grow_room(&g, 10));
	REFUSED_INT(bump_grow_commit(&g, 0));
	REFUSED(bump_grow_finish(&g, NULL));
	ck_assert_ptr_null(g.data);
	bump_grow_abandon(&g);
	/*
	 * An object begun before the arena died: the library's functions
	 * refuse it even while it has room (the inline append in the header
	 * does not look: see bump_grow(3)).
	 */
	REFUSED_INT((bump_grow_append)(&live_object, "more", 4));
	REFUSED_INT(bump_grow_append_str(&live_object, "more"));
	REFUSED_INT(bump_grow_printf(&live_object, "%d", 7));
	REFUSED_INT(call_vprintf(&live_object, "%d", 7));
	REFUSED(bump_grow_room(&live_object, 1));
	REFUSED_INT(bump_grow_commit(&live_object, 1));
	REFUSED(bump_grow_finish(&live_object, NULL));
	bump_grow_abandon(&live_object);
	ck_assert_ptr_null(live_object.data);
	assert_untouched();
}
END_TEST

static Suite *
destroyed_suite(void)
{
	Suite *s = suite_create("destroyed");
	TCase *tc = tcase_new("every function");

	tcase_add_loop_test(tc, test_allocating_refused, 0, DEAD_KINDS);
	tcase_add_loop_test(tc, test_strings_refused, 0, DEAD_KINDS);
	tcase_add_loop_test(tc, test_queries_zero, 0, DEAD_KINDS);
	tcase_add_loop_test(tc, test_changes_ignored, 0, DEAD_KINDS);
	tcase_add_loop_test(tc, test_growing_refused, 0, DEAD_KINDS);
	suite_add_tcase(s, tc);
	return s;
}

TEST_MAIN(destroyed_suite)
