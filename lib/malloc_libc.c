/*
 * malloc_libc.c - finding the C library's own allocator, for the `system`
 * fallback and for pointers this library did not make.
 *
 * Runs inside malloc, possibly before the C library is fully set up: no
 * malloc, no stdio, no dlsym (which may call calloc).
 */
#include <config.h>

#define _GNU_SOURCE 1
#include <stdint.h>
#include <string.h>

#include "malloc_internal.h"

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
bump__find_libc(struct bump_libc *libc)
{
	static const char *const names[] = { "__libc_malloc", "__libc_free",
	    "__libc_calloc", "__libc_realloc", "__libc_memalign",
	    "malloc_usable_size" };
	void *found[6] = { NULL };
	struct lookup lk = { names, found, 6 };

	(void)dl_iterate_phdr(visit_object, &lk);
	/* All or nothing: a half-found allocator would mix two heaps. */
	for (size_t i = 0; i < 6; i++)
		if (found[i] == NULL)
			return;
	libc->malloc = (void *(*)(size_t))found[0];
	libc->free = (void (*)(void *))found[1];
	libc->calloc = (void *(*)(size_t, size_t))found[2];
	libc->realloc = (void *(*)(void *, size_t))found[3];
	libc->memalign = (void *(*)(size_t, size_t))found[4];
	libc->usable_size = (size_t (*)(void *))found[5];
}
#else
/* Only glibc exports its allocator under second names: no fallback. */
void
bump__find_libc(struct bump_libc *libc)
{
	(void)libc;
}
#endif

