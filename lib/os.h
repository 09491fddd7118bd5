/*
 * os.h - what the arena core needs from the operating system.
 *
 * One file per OS implements this (os_posix.c, os_windows.c); the core
 * never looks at the OS itself.  Memory goes through three states:
 * reserved (address space only, any access faults), committed (readable
 * and writable; reads as zero until first written) and released.
 */
#ifndef BUMP_OS_H
#define BUMP_OS_H

#include <stddef.h>

/*
 * BUMP_THREAD_LOCAL declares a thread-local variable.  In an ELF shared
 * object the initial-exec model makes it one load off the thread pointer
 * with no call (and no malloc: the global-dynamic model may allocate on a
 * thread's first access, which a malloc replacement cannot allow).
 */
#if defined(__ELF__)
# define BUMP_THREAD_LOCAL __thread __attribute__((tls_model("initial-exec")))
#else
# define BUMP_THREAD_LOCAL __thread
#endif

/*
 * 1 where BUMP_THREAD_LOCAL is emulated by the compiler's runtime, with a
 * malloc at a thread's first access (mingw): there state kept per thread
 * is read back from the OS instead (bump__os_thread_exit_state), and the
 * thread-local variable is never touched.  0 where it is a plain load.
 */
#if defined(_WIN32)
# define BUMP_OS_TLS_EMULATED 1
#else
# define BUMP_OS_TLS_EMULATED 0
#endif

/* Commit granularity; every size and address below is a multiple of it. */
size_t bump__os_page_size(void);

/* Alignment of a reservation's start (64 KiB on Windows, a page elsewhere). */
size_t bump__os_granularity(void);

/* Size of a huge page worth aligning to, or 0 when the OS offers none. */
size_t bump__os_huge_page_size(void);

/* Reserve address space without committing memory; NULL when refused. */
void *bump__os_reserve(size_t size);

/* Make [p, p+size) usable.  0, or -1 when the OS refuses (out of memory). */
int bump__os_commit(void *p, size_t size);

/*
 * Reserve size bytes starting at a multiple of align (a power of two, at
 * least the granularity); bump__os_release(p, size) gives it back.  NULL
 * when refused or when size + align would wrap.
 */
void *bump__os_reserve_aligned(size_t size, size_t align);

/* Commit [p, p+size) and fault every page in now. */
int bump__os_commit_prefaulted(void *p, size_t size);

/* Give [p, p+size) back to the OS; it is reserved again.  0 or -1/errno. */
int bump__os_decommit(void *p, size_t size);

/* Ask for huge pages over [p, p+size); a hint, never an error. */
void bump__os_hugepage_hint(void *p, size_t size);

/*
 * Reserve size bytes and commit all of them at once on huge pages, for an
 * OS whose huge pages cannot be committed piece by piece (Windows large
 * pages).  NULL where the OS does not do this or refuses; the caller then
 * reserves as usual.  The pages are pinned: they can be neither guarded
 * nor decommitted, and bump__os_release frees them.
 */
void *bump__os_reserve_pinned_huge(size_t size);

/* Return a whole reservation made by bump__os_reserve. */
void bump__os_release(void *p, size_t size);

/*
 * Drop the pages of committed [p, p+size) but keep the range usable: it
 * reads as zero afterwards and costs RAM again only once written.  0, or
 * -1/errno (the pages then keep their content).
 */
int bump__os_purge(void *p, size_t size);

/*
 * How many pages of committed [p, p+size) are in RAM: 0 with *pages set,
 * or -1 where the OS cannot tell (the caller estimates).  Leaves errno
 * alone.
 */
int bump__os_resident_pages(void *p, size_t size, size_t *pages);

/*
 * Have prepare run before fork() and parent/child after it, in the
 * process that called fork and in the child.  Where there is no fork it
 * does nothing.  0, or -1 when the OS refuses.
 */
int bump__os_atfork(void (*prepare)(void), void (*parent)(void),
    void (*child)(void));

/* Let another thread run (a spinning lock's holder may be preempted). */
void bump__os_yield(void);

/*
 * Every function here leaves errno alone when it succeeds; the probes and
 * hints (page sizes, huge page hints) leave it alone whatever happens.
 */

/*
 * For the malloc replacement (POSIX only; Windows has stubs that refuse)
 * and the chunk layer's per-thread cache (every OS).  None of these may
 * call malloc.
 */

/* Move or resize the committed mapping [p, p+old) to new_size bytes,
 * keeping its pages; NULL where the OS cannot (the caller copies). */
void *bump__os_remap(void *p, size_t old_size, size_t new_size);

/*
 * Call fn(state) when a thread that registered state exits.  Create a key
 * once (a key >= 0, or -1 when the OS has none or no key is left: each
 * library has a few), then register per thread with that key (0, or -1
 * when the OS cannot: nothing is registered), and read back what the
 * calling thread registered (NULL for nothing).  POSIX: a pthread key,
 * whose destructor runs on the exiting thread.  Windows: fiber-local
 * storage, whose callback runs when a thread exits and also when a fiber
 * is deleted, for that fiber's state, possibly on another thread: fn must
 * not take the calling thread's state for its argument's.
 */
int bump__os_thread_exit_key(void (*fn)(void *state));
int bump__os_thread_exit_watch(int key, void *state);
void *bump__os_thread_exit_state(int key);

/*
 * The C library's own definitions of names[0 .. count-1] into found[]
 * (NULL for each one not found), even where this library defines the same
 * names (the malloc replacement does): glibc's dynamic symbol table, read
 * without malloc or dlsym.  Elsewhere nothing is found.
 */
void bump__os_find_libc(const char *const *names, void **found,
    size_t count);

/*
 * A memory barrier on every thread of the process that is running now
 * (Linux: membarrier(2), registered at the first call): a thread that
 * only ever orders its own stores with a compiler barrier is then seen
 * in order by the caller.  0, or -1 where the OS has no such call (the
 * caller must then do without).
 */
int bump__os_heavy_barrier(void);

/* The environment variable name, or NULL; no copy is made. */
const char *bump__os_getenv(const char *name);

/* A copy of stderr that survives the program closing it (-1 if none). */
int bump__os_dup_stderr(void);

/* Write all of [s, s+len) to fd (2: stderr), retrying on EINTR. */
void bump__os_write(int fd, const char *s, size_t len);

/* The process id, and a monotonic clock in milliseconds. */
unsigned long bump__os_pid(void);
unsigned long long bump__os_now_ms(void);

#endif /* BUMP_OS_H */
