/*
 * os_windows.c - the OS layer over VirtualAlloc, for Windows.
 *
 * Windows never overcommits: committed memory is charged against the
 * commit limit at once, so the arena reserves its whole region and commits
 * it in steps as it grows, instead of committing the reserve up front.
 */
#include <config.h>

#include <errno.h>
#include <windows.h>

#include "os.h"

static SYSTEM_INFO
system_info(void)
{
	SYSTEM_INFO info;

	GetSystemInfo(&info);
	return info;
}

size_t
bump__os_page_size(void)
{
	return system_info().dwPageSize;
}

size_t
bump__os_granularity(void)
{
	return system_info().dwAllocationGranularity;
}

/*
 * Large pages must be reserved and committed in one call and cannot be
 * guarded or decommitted page by page, which the arena relies on: the
 * hint is not taken on Windows.
 */
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

void *
bump__os_reserve(size_t size)
{
	return VirtualAlloc(NULL, size, MEM_RESERVE, PAGE_NOACCESS);
}

int
bump__os_commit(void *p, size_t size)
{
	if (VirtualAlloc(p, size, MEM_COMMIT, PAGE_READWRITE) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int
bump__os_commit_prefaulted(void *p, size_t size)
{
	size_t page = bump__os_page_size();

	if (bump__os_commit(p, size) != 0)
		return -1;
	for (size_t off = 0; off < size; off += page)
		((volatile char *)p)[off] = 0;
	return 0;
}

int
bump__os_decommit(void *p, size_t size)
{
	if (!VirtualFree(p, size, MEM_DECOMMIT)) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

void
bump__os_release(void *p, size_t size)
{
	(void)size;	/* MEM_RELEASE frees the whole reservation */
	(void)VirtualFree(p, 0, MEM_RELEASE);
}
