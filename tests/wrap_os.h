/*
 * wrap_os.h - the OS layer wrapped by the linker, for the tests that link
 * their own copy of the library (test_fault, test_chunks).
 *
 * Link with $(WRAP_OS_LINK) (tests/local.mk): -Wl,--wrap=bump__os_reserve,
 * ..._reserve_aligned, ..._commit, ..._commit_prefaulted, ..._decommit and
 * ..._purge.  An aligned reservation is wrapped on its own: os_posix.c
 * makes it with its own bump__os_reserve, a call the linker does not see.
 * The including test defines `static int inject(void)` first: it counts
 * the call and returns 1 (with errno set) to make it fail.
 *
 * Written in 2026 by the bump_alloc authors.  To the extent possible under
 * law, the authors have dedicated all copyright and related rights to this
 * software to the public domain worldwide (CC0 1.0, see COPYING).
 */
#ifndef BUMP_WRAP_OS_H
#define BUMP_WRAP_OS_H

#include <stddef.h>

void *__real_bump__os_reserve(size_t size);
void *__real_bump__os_reserve_aligned(size_t size, size_t align);
int __real_bump__os_commit(void *p, size_t size);
int __real_bump__os_commit_prefaulted(void *p, size_t size);
int __real_bump__os_decommit(void *p, size_t size);
int __real_bump__os_purge(void *p, size_t size);
void *__wrap_bump__os_reserve(size_t size);
void *__wrap_bump__os_reserve_aligned(size_t size, size_t align);
int __wrap_bump__os_commit(void *p, size_t size);
int __wrap_bump__os_commit_prefaulted(void *p, size_t size);
int __wrap_bump__os_decommit(void *p, size_t size);
int __wrap_bump__os_purge(void *p, size_t size);

void *
__wrap_bump__os_reserve(size_t size)
{
	return inject() ? NULL : __real_bump__os_reserve(size);
}

void *
__wrap_bump__os_reserve_aligned(size_t size, size_t align)
{
	return inject() ? NULL : __real_bump__os_reserve_aligned(size, align);
}

int
__wrap_bump__os_commit(void *p, size_t size)
{
	return inject() ? -1 : __real_bump__os_commit(p, size);
}

int
__wrap_bump__os_commit_prefaulted(void *p, size_t size)
{
	return inject() ? -1 : __real_bump__os_commit_prefaulted(p, size);
}

int
__wrap_bump__os_decommit(void *p, size_t size)
{
	return inject() ? -1 : __real_bump__os_decommit(p, size);
}

int
__wrap_bump__os_purge(void *p, size_t size)
{
	return inject() ? -1 : __real_bump__os_purge(p, size);
}

#endif /* BUMP_WRAP_OS_H */
