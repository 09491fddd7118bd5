/*
 * atomic.h - atomics with named orders, the library's one lock, atomic
 * maximum and lock-free list push, once for the whole library.
 *
 * The orders are spelled out at every use (RELAXED, ACQUIRE, RELEASE,
 * ACQ_REL, SEQ_CST) so that a reader sees what each access promises.  The
 * macros take any integer or pointer lvalue, as the __atomic builtins do.
 */
#ifndef BUMP_ATOMIC_H
#define BUMP_ATOMIC_H

#include "os.h"

#define bump_atomic_load(p, order) __atomic_load_n((p), __ATOMIC_##order)
#define bump_atomic_store(p, v, order) \
	__atomic_store_n((p), (v), __ATOMIC_##order)
/* These two return the new value. */
#define bump_atomic_add(p, n, order) __atomic_add_fetch((p), (n), __ATOMIC_##order)
#define bump_atomic_sub(p, n, order) __atomic_sub_fetch((p), (n), __ATOMIC_##order)
/* These two return the old value. */
#define bump_atomic_fetch_add(p, n, order) \
	__atomic_fetch_add((p), (n), __ATOMIC_##order)
#define bump_atomic_exchange(p, v, order) \
	__atomic_exchange_n((p), (v), __ATOMIC_##order)

/*
 * Compare-and-swap: 1 when *p was *expected and is now desired; else 0
 * and *expected holds what *p was.  The weak form may fail spuriously
 * (use it in loops).  A failure orders as the success does, less release.
 */
#define BUMP_CAS_FAIL_RELAXED __ATOMIC_RELAXED
#define BUMP_CAS_FAIL_ACQUIRE __ATOMIC_ACQUIRE
#define BUMP_CAS_FAIL_RELEASE __ATOMIC_RELAXED
#define BUMP_CAS_FAIL_ACQ_REL __ATOMIC_ACQUIRE
#define BUMP_CAS_FAIL_SEQ_CST __ATOMIC_SEQ_CST
#define bump_atomic_cas(p, expected, desired, order) \
	__atomic_compare_exchange_n((p), (expected), (desired), 0, \
	    __ATOMIC_##order, BUMP_CAS_FAIL_##order)
#define bump_atomic_cas_weak(p, expected, desired, order) \
	__atomic_compare_exchange_n((p), (expected), (desired), 1, \
	    __ATOMIC_##order, BUMP_CAS_FAIL_##order)

/* Raise *p to v if v is higher (a statistic's peak, a committed end). */
#define bump_atomic_max(p, v) do {					\
	__typeof__(*(p)) bump_max_old_ = bump_atomic_load((p), RELAXED); \
	__typeof__(*(p)) bump_max_new_ = (v);				\
	while (bump_max_new_ > bump_max_old_ && !bump_atomic_cas_weak(	\
	    (p), &bump_max_old_, bump_max_new_, ACQ_REL))		\
		continue;						\
} while (0)

/*
 * Push the list first .. last (already linked) on the lock-free stack at
 * *head; last_next is the address of last's link.  Readers take the whole
 * stack at once with bump_atomic_take_all, so there is no ABA to fear.
 */
#define bump_atomic_push(head, first, last_next) do {			\
	__typeof__(*(head)) bump_push_old_ = bump_atomic_load((head), RELAXED); \
	do								\
		*(last_next) = bump_push_old_;				\
	while (!bump_atomic_cas_weak((head), &bump_push_old_, (first), RELEASE)); \
} while (0)
#define bump_atomic_take_all(head) bump_atomic_exchange((head), NULL, ACQUIRE)

/* ---- The lock --------------------------------------------------------- */

/*
 * A spin lock for sections of a few instructions that never nest (except
 * around fork, which takes them all in a fixed order).  A waiter spins a
 * while, then yields: the holder may have been preempted.
 */
typedef struct {
	int held;
} bump_lock_t;

#define BUMP_LOCK_SPINS 1024

static inline void
bump__cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* 1 when the lock was free and is now the caller's; never waits. */
static inline int
bump__trylock(bump_lock_t *lock)
{
	return bump_atomic_load(&lock->held, RELAXED) == 0 &&
	    bump_atomic_exchange(&lock->held, 1, ACQUIRE) == 0;
}

static inline void
bump__lock(bump_lock_t *lock)
{
	unsigned spins = 0;

	while (!bump__trylock(lock)) {
		if (++spins < BUMP_LOCK_SPINS)
			bump__cpu_relax();
		else
			bump__os_yield();
	}
}

static inline void
bump__unlock(bump_lock_t *lock)
{
	bump_atomic_store(&lock->held, 0, RELEASE);
}

#endif /* BUMP_ATOMIC_H */
