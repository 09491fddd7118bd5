/*
 * os_windows.c - the OS layer over VirtualAlloc, for Windows.
 *
 * Windows never overcommits: committed memory is charged against the
 * commit limit at once, so the arena reserves its whole region and commits
 * it in steps as it grows, instead of committing the reserve up front.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <windows.h>

#include "bits.h"
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
 * Large pages need SeLockMemoryPrivilege, which an administrator grants
 * and the process must enable; enabling succeeds only for a privilege the
 * token holds.
 */
static int
may_lock_memory(void)
{
	TOKEN_PRIVILEGES tp;
	HANDLE token;
	int ok;

	tp.PrivilegeCount = 1;
	tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
	if (!LookupPrivilegeValueW(NULL, L"SeLockMemoryPrivilege",
	    &tp.Privileges[0].Luid) || !OpenProcessToken(GetCurrentProcess(),
	    TOKEN_ADJUST_PRIVILEGES, &token))
		return 0;
	ok = AdjustTokenPrivileges(token, FALSE, &tp, 0, NULL, NULL) &&
	    GetLastError() == ERROR_SUCCESS;
	CloseHandle(token);
	return ok;
}

/* The large page size, or 0 (no large pages) without the privilege. */
size_t
bump__os_huge_page_size(void)
{
	size_t size = GetLargePageMinimum();

	return size != 0 && may_lock_memory() ? size : 0;
}

/*
 * Large pages are reserved and committed in one call and are never paged
 * out, so there is nothing to hint: bump__os_reserve_pinned_huge takes
 * them for the whole arena.
 */
void
bump__os_hugepage_hint(void *p, size_t size)
{
	(void)p;
	(void)size;
}

void *
bump__os_reserve_pinned_huge(size_t size)
{
	size_t large = GetLargePageMinimum();

	if (large == 0 || size > SIZE_MAX - large)
		return NULL;
	size = (size + large - 1) / large * large;
	return VirtualAlloc(NULL, size, MEM_RESERVE | MEM_COMMIT |
	    MEM_LARGE_PAGES, PAGE_READWRITE);
}

void *
bump__os_reserve(size_t size)
{
	return VirtualAlloc(NULL, size, MEM_RESERVE, PAGE_NOACCESS);
}

/*
 * A reservation cannot be released in part: reserve size + align to find
 * an aligned address, release it, and reserve exactly there (another
 * thread may take the range in between: try again).
 */
void *
bump__os_reserve_aligned(size_t size, size_t align)
{
	size_t slack = align > bump__os_granularity() ? align : 0;

	if (slack == 0)
		return bump__os_reserve(size);
	if (size > SIZE_MAX - slack)
		return NULL;
	for (int tries = 0; tries < 16; tries++) {
		char *map = bump__os_reserve(size + slack), *p;

		if (map == NULL)
			return NULL;
		p = (char *)bump__align_up((uintptr_t)map, align);
		bump__os_release(map, size + slack);
		if ((p = VirtualAlloc(p, size, MEM_RESERVE, PAGE_NOACCESS)) != NULL)
			return p;
	}
	return NULL;
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

/* Decommitting drops the pages; committing again gives zero pages. */
int
bump__os_purge(void *p, size_t size)
{
	if (bump__os_decommit(p, size) != 0)
		return -1;
	return bump__os_commit(p, size);
}

/* The working set could say, page by page; the caller's estimate will do. */
int
bump__os_resident_pages(void *p, size_t size, size_t *pages)
{
	(void)p;
	(void)size;
	(void)pages;
	return -1;
}

/* Windows has no fork. */
int
bump__os_atfork(void (*prepare)(void), void (*parent)(void),
    void (*child)(void))
{
	(void)prepare;
	(void)parent;
	(void)child;
	return 0;
}

void
bump__os_yield(void)
{
	(void)SwitchToThread();
}

/* The malloc replacement is not built for Windows: what it needs from the
 * OS is declared for every OS, and answered here as simply as possible
 * (but for the thread-exit hook below, which the chunk cache uses). */
void *
bump__os_remap(void *p, size_t old_size, size_t new_size)
{
	(void)p;
	(void)old_size;
	(void)new_size;
	return NULL;
}

/*
 * A thread's exit is watched with fiber-local storage: the callback of an
 * FLS index runs, for each non-NULL value, when a thread exits, when a
 * fiber is deleted (with that fiber's value: each fiber has state of its
 * own) and when the index is freed, which never happens here.  The
 * callback only gets the value, so each key has a trampoline of its own.
 * A thread may exit after the DLL that made the index is unloaded: the
 * module pins itself in memory first.
 */
#define EXIT_KEYS 4
static DWORD exit_index[EXIT_KEYS];
static void (*exit_fn[EXIT_KEYS])(void *state);
static LONG exit_keys_made;

#define EXIT_TRAMPOLINE(i)						\
	static void NTAPI						\
	exit_trampoline_##i(void *state)				\
	{								\
		if (state != NULL)					\
			exit_fn[i](state);				\
	}
EXIT_TRAMPOLINE(0)
EXIT_TRAMPOLINE(1)
EXIT_TRAMPOLINE(2)
EXIT_TRAMPOLINE(3)
static const PFLS_CALLBACK_FUNCTION exit_trampoline[EXIT_KEYS] = {
	exit_trampoline_0, exit_trampoline_1, exit_trampoline_2,
	exit_trampoline_3
};

int
bump__os_thread_exit_key(void (*fn)(void *state))
{
	LONG key = InterlockedIncrement(&exit_keys_made) - 1;
	HMODULE self;
	DWORD index;

	if (key >= EXIT_KEYS || !GetModuleHandleExW(
	    GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS |
	    GET_MODULE_HANDLE_EX_FLAG_PIN,
	    (LPCWSTR)(void *)exit_trampoline[key], &self))
		return -1;
	exit_fn[key] = fn;
	if ((index = FlsAlloc(exit_trampoline[key])) == FLS_OUT_OF_INDEXES)
		return -1;
	exit_index[key] = index;
	return (int)key;
}

int
bump__os_thread_exit_watch(int key, void *state)
{
	return FlsSetValue(exit_index[key], state) ? 0 : -1;
}

void *
bump__os_thread_exit_state(int key)
{
	return FlsGetValue(exit_index[key]);
}

int
bump__os_heavy_barrier(void)
{
	return -1;
}

/* The malloc replacement's fallback is not offered here: nothing found. */
void
bump__os_find_libc(const char *const *names, void **found, size_t count)
{
	(void)names;
	for (size_t i = 0; i < count; i++)
		found[i] = NULL;
}

const char *
bump__os_getenv(const char *name)
{
	return getenv(name);
}

int
bump__os_dup_stderr(void)
{
	return -1;
}

void
bump__os_write(int fd, const char *s, size_t len)
{
	HANDLE h = GetStdHandle(fd == 1 ? STD_OUTPUT_HANDLE : STD_ERROR_HANDLE);
	DWORD n;

	while (len > 0 && WriteFile(h, s, len > 65536 ? 65536 : (DWORD)len,
	    &n, NULL) && n > 0) {
		s += n;
		len -= n;
	}
}

unsigned long
bump__os_pid(void)
{
	return (unsigned long)GetCurrentProcessId();
}

unsigned long long
bump__os_now_ms(void)
{
	return (unsigned long long)GetTickCount64();
}
