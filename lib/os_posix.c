/*
 * os_posix.c - the OS layer over mmap(2), for Linux, the BSDs and macOS.
 *
 * Reservations are PROT_NONE, so untouched address space costs nothing and
 * every guard page faults; committing is an mprotect(2), decommitting an
 * madvise(2) that drops the pages followed by PROT_NONE again.
 */
#include <config.h>

#define _GNU_SOURCE 1	/* mremap */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "os.h"

#if !defined(MAP_ANONYMOUS) && defined(MAP_ANON)
# define MAP_ANONYMOUS MAP_ANON
#endif
#ifndef MAP_NORESERVE
# define MAP_NORESERVE 0	/* the OS does not charge reservations */
#endif

size_t
bump__os_page_size(void)
{
	static size_t page;	/* racing first calls store the same value */
	size_t size = __atomic_load_n(&page, __ATOMIC_RELAXED);
	long asked;

	if (size == 0) {	/* sysconf costs a call per arena created */
		asked = sysconf(_SC_PAGESIZE);
		size = asked > 0 ? (size_t)asked : 4096;
		__atomic_store_n(&page, size, __ATOMIC_RELAXED);
	}
	return size;
}

size_t
bump__os_granularity(void)
{
	return bump__os_page_size();
}

#if defined(HAVE_MADV_HUGEPAGE)
/* Read with open(2)/read(2): the library must not depend on stdio/malloc. */
static size_t
read_thp_size(void)
{
	char buf[32];
	size_t size = 0;
	ssize_t n;
	int saved = errno;	/* a probe: /sys may be absent (chroot, container) */
	int fd = open("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
	    O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		errno = saved;
		return 0;
	}
	n = read(fd, buf, sizeof buf);
	close(fd);
	errno = saved;
	for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		size = size * 10 + (size_t)(buf[i] - '0');
	return size;
}

size_t
bump__os_huge_page_size(void)
{
	static size_t cached;	/* racing first calls compute the same value */
	size_t size = __atomic_load_n(&cached, __ATOMIC_RELAXED);

	if (size == 0) {
		size = read_thp_size();
		if (size == 0 || (size & (size - 1)) != 0)
			size = (size_t)2 << 20;
		__atomic_store_n(&cached, size, __ATOMIC_RELAXED);
	}
	return size;
}

void
bump__os_hugepage_hint(void *p, size_t size)
{
	int saved = errno;	/* a kernel without THP says EINVAL */

	(void)madvise(p, size, MADV_HUGEPAGE);
	errno = saved;
}
#else
size_t
bump__os_huge_page_size(void)
{
	return 0;
}

void
bump__os_hugepage_hint(void *p, size_t size)
{
	(void)p;
	(void)size;
}
#endif

void *
bump__os_reserve(size_t size)
{
	void *p = mmap(NULL, size, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Transparent huge pages are committed like any other page. */
void *
bump__os_reserve_pinned_huge(size_t size)
{
	(void)size;
	return NULL;
}

int
bump__os_commit(void *p, size_t size)
{
	return mprotect(p, size, PROT_READ | PROT_WRITE);
}

int
bump__os_commit_prefaulted(void *p, size_t size)
{
#if defined(HAVE_MAP_POPULATE)
	/* Replace the reservation with populated memory in one call. */
	void *q = mmap(p, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE, -1, 0);

	if (q == MAP_FAILED) {
		/* MAP_FIXED may already have dropped the range: reserve it again. */
		(void)mmap(p, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		    MAP_FIXED | MAP_NORESERVE, -1, 0);
		return -1;
	}
	return 0;
#else
	size_t page = bump__os_page_size();

	if (bump__os_commit(p, size) != 0)
		return -1;
	for (size_t off = 0; off < size; off += page)
		((volatile char *)p)[off] = 0;
	return 0;
#endif
}

int
bump__os_decommit(void *p, size_t size)
{
#if defined(HAVE_MADV_DONTNEED)
	if (madvise(p, size, MADV_DONTNEED) != 0)
		return -1;
	return mprotect(p, size, PROT_NONE);
#else
	/* A fresh PROT_NONE mapping over the range drops its pages. */
	void *q = mmap(p, size, PROT_NONE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);

	return q == MAP_FAILED ? -1 : 0;
#endif
}

void
bump__os_release(void *p, size_t size)
{
	(void)munmap(p, size);
}

int
bump__os_purge(void *p, size_t size)
{
#if defined(__linux__) && defined(HAVE_MADV_DONTNEED)
	/* Linux zero-fills private anonymous pages dropped this way. */
	return madvise(p, size, MADV_DONTNEED);
#else
	/* Elsewhere MADV_DONTNEED may keep the data: map fresh pages over it. */
	void *q = mmap(p, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1, 0);

	return q == MAP_FAILED ? -1 : 0;
#endif
}

int
bump__os_atfork(void (*prepare)(void), void (*parent)(void),
    void (*child)(void))
{
	int err = pthread_atfork(prepare, parent, child);

	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

void
bump__os_yield(void)
{
	(void)sched_yield();
}

void *
bump__os_remap(void *p, size_t old_size, size_t new_size)
{
#if defined(HAVE_MREMAP) && defined(MREMAP_MAYMOVE)
	void *q = mremap(p, old_size, new_size, MREMAP_MAYMOVE);

	return q == MAP_FAILED ? NULL : q;
#else
	(void)p;
	(void)old_size;
	(void)new_size;
	return NULL;
#endif
}

/* The malloc replacement's key and the chunk cache's, with room to spare. */
#define EXIT_KEYS 4
static pthread_key_t exit_keys[EXIT_KEYS];
static int exit_keys_made;

int
bump__os_thread_exit_key(void (*fn)(void *state))
{
	int key = __atomic_fetch_add(&exit_keys_made, 1, __ATOMIC_RELAXED);

	if (key >= EXIT_KEYS || pthread_key_create(&exit_keys[key], fn) != 0)
		return -1;
	return key;
}

void
bump__os_thread_exit_watch(int key, void *state)
{
	(void)pthread_setspecific(exit_keys[key], state);
}

const char *
bump__os_getenv(const char *name)
{
	return getenv(name);
}

int
bump__os_dup_stderr(void)
{
	return fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 200);
}

void
bump__os_write(int fd, const char *s, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, s + done, len - done);

		if (n <= 0 && errno != EINTR)
			return;
		if (n > 0)
			done += (size_t)n;
	}
}

unsigned long
bump__os_pid(void)
{
	return (unsigned long)getpid();
}

unsigned long long
bump__os_now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (unsigned long long)ts.tv_sec * 1000u +
	    (unsigned long long)ts.tv_nsec / 1000000u;
}
