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
#include <string.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "bits.h"
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
	size_t size = bump_atomic_load(&page, RELAXED);
	long asked;

	if (size == 0) {	/* sysconf costs a call per arena created */
		asked = sysconf(_SC_PAGESIZE);
		size = asked > 0 ? (size_t)asked : 4096;
		bump_atomic_store(&page, size, RELAXED);
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
	size_t size = bump_atomic_load(&cached, RELAXED);

	if (size == 0) {
		size = read_thp_size();
		if (!bump__is_pow2(size))
			size = (size_t)2 << 20;
		bump_atomic_store(&cached, size, RELAXED);
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

/* Over-reserve by align, then unmap the unaligned head and the tail. */
void *
bump__os_reserve_aligned(size_t size, size_t align)
{
	size_t page = bump__os_page_size();
	size_t slack = align > page ? align - page : 0;
	char *map, *p;

	if (size > SIZE_MAX - slack || (map = bump__os_reserve(size + slack)) == NULL)
		return NULL;
	p = (char *)bump__align_up((uintptr_t)map, align);
	if (p > map)
		bump__os_release(map, (size_t)(p - map));
	if (map + size + slack > p + size)
		bump__os_release(p + size, (size_t)(map + size + slack - (p + size)));
	return p;
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

/* mincore's vector: unsigned char on Linux, char on the BSDs and macOS. */
#if defined(__linux__)
typedef unsigned char resident_vec_t;
#else
typedef char resident_vec_t;
#endif

int
bump__os_resident_pages(void *p, size_t size, size_t *pages)
{
#ifdef HAVE_MINCORE
	enum { BATCH = 256 };	/* pages asked about per call */
	resident_vec_t vec[BATCH];
	size_t page = bump__os_page_size(), n = 0;
	int saved = errno;

	for (size_t off = 0; off < size; off += BATCH * page) {
		size_t len = bump__min_size(size - off, BATCH * page);

		if (mincore((char *)p + off, len, vec) != 0) {
			errno = saved;
			return -1;
		}
		for (size_t i = 0; i < (len + page - 1) / page; i++)
			n += (size_t)(vec[i] & 1);
	}
	*pages = n;
	return 0;
#else
	(void)p;
	(void)size;
	(void)pages;
	return -1;
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
	int key = bump_atomic_fetch_add(&exit_keys_made, 1, RELAXED);

	if (key >= EXIT_KEYS || pthread_key_create(&exit_keys[key], fn) != 0)
		return -1;
	return key;
}

int
bump__os_thread_exit_watch(int key, void *state)
{
	return pthread_setspecific(exit_keys[key], state) == 0 ? 0 : -1;
}

void *
bump__os_thread_exit_state(int key)
{
	return pthread_getspecific(exit_keys[key]);
}

#if defined(__linux__) && defined(SYS_membarrier)
# define MEMBARRIER_PRIVATE_EXPEDITED (1 << 3)	/* <linux/membarrier.h> */
# define MEMBARRIER_REGISTER_PRIVATE_EXPEDITED (1 << 4)
#endif

int
bump__os_heavy_barrier(void)
{
#ifdef MEMBARRIER_PRIVATE_EXPEDITED
	static int registered;	/* 0 not yet, 1 done, -1 refused */
	int state = bump_atomic_load(&registered, ACQUIRE), saved = errno;

	if (state == 0) {	/* racing first calls register twice: harmless */
		state = syscall(SYS_membarrier,
		    MEMBARRIER_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0 ? 1 : -1;
		bump_atomic_store(&registered, state, RELEASE);
	}
	if (state > 0 &&
	    syscall(SYS_membarrier, MEMBARRIER_PRIVATE_EXPEDITED, 0, 0) != 0)
		state = -1;
	errno = saved;
	return state > 0 ? 0 : -1;
#else
	return -1;
#endif
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

/* ---- The C library's own allocator (for the malloc replacement) ------- */

#if defined(HAVE_DL_ITERATE_PHDR) && defined(__GLIBC__)
#include <link.h>

/*
 * glibc exports its allocator a second time as __libc_malloc and friends.
 * This library defines those names too (programs may call them), so a
 * plain reference would find our own; dlsym may call calloc.  Instead,
 * look the names up in libc.so's own dynamic symbol table.
 */
struct lookup {
	const char *const *names;
	void **found;
	size_t count;
};

static uint32_t
gnu_hash(const char *s)
{
	uint32_t h = 5381;

	for (; *s != '\0'; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static ElfW(Addr)
dyn_address(ElfW(Addr) base, ElfW(Addr) value)
{
	/* ld.so relocates these entries in place on most targets, not all. */
	return value < base ? base + value : value;
}

static void
lookup_in(ElfW(Addr) base, const ElfW(Dyn) *dyn, struct lookup *lk)
{
	const ElfW(Sym) *symtab = NULL;
	const char *strtab = NULL;
	const uint32_t *gh = NULL;

	for (; dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_SYMTAB)
			symtab = (const void *)dyn_address(base, dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_STRTAB)
			strtab = (const void *)dyn_address(base, dyn->d_un.d_ptr);
		else if (dyn->d_tag == DT_GNU_HASH)
			gh = (const void *)dyn_address(base, dyn->d_un.d_ptr);
	}
	if (symtab == NULL || strtab == NULL || gh == NULL)
		return;

	uint32_t nbuckets = gh[0], symoffset = gh[1], bloom_size = gh[2];
	const uint32_t *buckets = (const uint32_t *)
	    ((const ElfW(Addr) *)(const void *)&gh[4] + bloom_size);
	const uint32_t *chain = buckets + nbuckets;

	for (size_t i = 0; i < lk->count; i++) {
		const char *name = lk->names[i];
		uint32_t h = gnu_hash(name);
		uint32_t ix = buckets[h % nbuckets];

		if (ix < symoffset || lk->found[i] != NULL)
			continue;
		for (;; ix++) {
			const ElfW(Sym) *sym = &symtab[ix];
			uint32_t h2 = chain[ix - symoffset];

			if ((h | 1) == (h2 | 1) && sym->st_shndx != SHN_UNDEF &&
			    strcmp(strtab + sym->st_name, name) == 0) {
				lk->found[i] = (void *)(base + sym->st_value);
				break;
			}
			if (h2 & 1)
				break;
		}
	}
}

static int
visit_object(struct dl_phdr_info *info, size_t size, void *data)
{
	const char *name = info->dlpi_name, *slash;

	(void)size;
	if (name == NULL)
		return 0;
	slash = strrchr(name, '/');
	if (strncmp(slash != NULL ? slash + 1 : name, "libc.so", 7) != 0)
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
			lookup_in(info->dlpi_addr, (const ElfW(Dyn) *)
			    (info->dlpi_addr + info->dlpi_phdr[i].p_vaddr), data);
	return 1;
}

void
bump__os_find_libc(const char *const *names, void **found, size_t count)
{
	struct lookup lk = { names, found, count };

	for (size_t i = 0; i < count; i++)
		found[i] = NULL;
	(void)dl_iterate_phdr(visit_object, &lk);
}
#else
/* Only glibc exports its allocator under second names: nothing found. */
void
bump__os_find_libc(const char *const *names, void **found, size_t count)
{
	(void)names;
	for (size_t i = 0; i < count; i++)
		found[i] = NULL;
}
#endif
