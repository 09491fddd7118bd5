/*
 * global_env.c - configuration, the C library's allocator, messages.
 *
 * Runs inside malloc, possibly before the C library is fully set up:
 * getenv and write(2) only, no stdio, no malloc, no dlsym (which may
 * call calloc).
 */
#include <config.h>

#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "global.h"

/* ---- Messages ---------------------------------------------------------- */

static void write_line(int fd, const char *const *parts);

/* Write the NULL-terminated list of strings as one line on stderr. */
void
bump__write_message(const char *const *parts)
{
	write_line(STDERR_FILENO, parts);
}

static void
write_line(int fd, const char *const *parts)
{
	char line[512];
	size_t len = 0;

	for (; *parts != NULL; parts++)
		for (const char *s = *parts; *s != '\0' && len < sizeof line - 1; s++)
			line[len++] = *s;
	line[len++] = '\n';
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, line + done, len - done);
		if (n <= 0 && errno != EINTR)
			return;
		if (n > 0)
			done += (size_t)n;
	}
}

/* Decimal text of v in buf (at least 24 bytes); returns buf. */
static char *
format_u64(char *buf, uint64_t v)
{
	char tmp[24];
	size_t n = 0, i = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
	return buf;
}

/* "1 GiB", "640 KiB", "3.5 MiB", "100 bytes" in buf (at least 32 bytes). */
static char *
format_bytes(char *buf, uint64_t v)
{
	static const char *const units[] = { " KiB", " MiB", " GiB", " TiB" };
	int unit = -1;
	uint64_t whole = v, tenths = 0;
	size_t len;

	while (whole >= 1024 && unit < 3) {
		tenths = (whole % 1024) * 10 / 1024;
		whole /= 1024;
		unit++;
	}
	format_u64(buf, whole);
	len = strlen(buf);
	if (unit >= 0 && tenths != 0 && whole < 100) {
		buf[len++] = '.';
		buf[len++] = (char)('0' + tenths);
		buf[len] = '\0';
	}
	strcpy(buf + len, unit < 0 ? " bytes" : units[unit]);
	return buf;
}

/* ---- Configuration ----------------------------------------------------- */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
same_word(const char *a, const char *b)
{
	while (*a != '\0' && lower((unsigned char)*a) == *b)
		a++, b++;
	return *a == '\0' && *b == '\0';
}

/*
 * Bytes with an optional K/M/G/T suffix (powers of 1024), spelled also
 * KiB, KB, k...; 0 and overflow are refused.  0 on success, -1 if malformed.
 */
int
bump__parse_size(const char *s, size_t *out)
{
	static const char suffixes[] = "kmgt";
	size_t value = 0;
	int shift = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (value > (SIZE_MAX - 9) / 10)
			return -1;
		value = value * 10 + (size_t)(*p - '0');
	}
	if (*p == ' ')
		p++;
	if (*p != '\0') {
		const char *unit = strchr(suffixes, lower((unsigned char)*p));

		if (unit == NULL || *unit == '\0') {
			if (!same_word(p, "b"))
				return -1;
		} else {
			shift = 10 * (int)(unit - suffixes + 1);
			p++;
			if (!same_word(p, "") && !same_word(p, "b") &&
			    !same_word(p, "ib"))
				return -1;
		}
	}
	if (value == 0 || (shift != 0 && value > (SIZE_MAX >> shift)))
		return -1;
	*out = value << shift;
	return 0;
}

static void
malformed(const char *name, const char *value, const char *accepted,
    const char *fallback)
{
	const char *parts[] = { "bump_alloc: ignoring ", name, "='", value,
	    "': expected ", accepted, "; using ", fallback, NULL };

	bump__write_message(parts);
}

/* Index of value in the NULL-terminated words (any case), or -1. */
static int
pick_word(const char *value, const char *const *words)
{
	for (int i = 0; words[i] != NULL; i++)
		if (same_word(value, words[i]))
			return i;
	return -1;
}

static int
read_choice(const char *name, const char *const *words, const char *accepted,
    int fallback)
{
	const char *value = getenv(name);
	int i;

	if (value == NULL || *value == '\0')
		return fallback;
	i = pick_word(value, words);
	if (i < 0) {
		malformed(name, value, accepted, words[fallback]);
		return fallback;
	}
	return i;
}

static int
read_flag(const char *name)
{
	static const char *const words[] = { "0", "1", "no", "yes", "off", "on",
	    "false", "true", NULL };

	return read_choice(name, words, "1 or 0 (yes/no, on/off)", 0) % 2;
}

void
bump__read_config(struct bump_config *config, size_t default_reserve)
{
	static const char *const policies[] = { "none", "lifo", "recycle", NULL };
	static const char *const modes[] = { "system", "null", "abort", NULL };
	const char *size = getenv("BUMP_ALLOC_SIZE");
	char buf[32];

	config->reserve = default_reserve;
	if (size != NULL && *size != '\0' &&
	    bump__parse_size(size, &config->reserve) != 0) {
		config->reserve = default_reserve;
		malformed("BUMP_ALLOC_SIZE", size,
		    "a size in bytes with an optional K, M, G or T suffix (e.g. 512M)",
		    format_bytes(buf, default_reserve));
	}
	config->free_policy = (enum bump_free_policy)read_choice(
	    "BUMP_ALLOC_FREE", policies, "none, lifo or recycle", FREE_RECYCLE);
	config->on_exhaust = (enum bump_exhaust)read_choice(
	    "BUMP_ALLOC_ON_EXHAUST", modes, "system, null or abort",
	    EXHAUST_SYSTEM);
	config->stats = read_flag("BUMP_ALLOC_STATS");
	/* coreutils close stderr in an atexit handler, before the report. */
	config->stats_fd = STDERR_FILENO;
	if (config->stats) {
		int fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 200);
		if (fd >= 0)
			config->stats_fd = fd;
	}
	config->hugepages = read_flag("BUMP_ALLOC_HUGEPAGES");
}

/* ---- The C library's allocator ----------------------------------------- */
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

/* ---- Reports ----------------------------------------------------------- */

void
bump__print_exhausted(size_t reserve, size_t request)
{
	char r[32], n[32];
	const char *parts[] = { "bump_alloc: the ", format_bytes(r, reserve),
	    " reserve is exhausted (request of ", format_bytes(n, request),
	    "); raise BUMP_ALLOC_SIZE (bump-run -s) or set "
	    "BUMP_ALLOC_ON_EXHAUST=system", NULL };

	bump__write_message(parts);
}

void
bump__print_no_reserve(size_t reserve)
{
	char r[32];
	const char *parts[] = { "bump_alloc: cannot reserve ",
	    format_bytes(r, reserve), " of address space (BUMP_ALLOC_SIZE); "
	    "every allocation goes to BUMP_ALLOC_ON_EXHAUST", NULL };

	bump__write_message(parts);
}

static unsigned
percent(uint64_t part, uint64_t whole)
{
	return whole == 0 ? 0 : (unsigned)(part * 100 / whole);
}

void
bump__print_report(const struct bump_report *rep)
{
	static const char *const policies[] = { "none", "lifo", "recycle" };
	static const char *const modes[] = { "system", "null", "abort" };
	const struct bump_counts *c = &rep->counts;
	char a[32], b[32], d[32], e[32], f[32], g[32], h[32];

	{
		const char *line[] = { "bump_alloc: pid ",
		    format_u64(a, (uint64_t)getpid()), ": reserve ",
		    format_bytes(b, rep->config->reserve), ", free=",
		    policies[rep->config->free_policy], ", on-exhaust=",
		    modes[rep->config->on_exhaust], ", threads ",
		    format_u64(d, rep->threads), NULL };
		write_line(rep->config->stats_fd, line);
	}
	{
		const char *line[] = { "bump_alloc:   region used ",
		    format_bytes(a, rep->region_used), " (in chunks of ",
		    format_bytes(b, rep->chunk_size), "); blocks of ",
		    format_bytes(d, rep->large_threshold),
		    " and more get their own pages: peak ",
		    format_bytes(e, rep->large_peak), NULL };
		write_line(rep->config->stats_fd, line);
	}
	{
		const char *line[] = { "bump_alloc:   malloc ",
		    format_u64(a, c->mallocs), ", free ", format_u64(b, c->frees),
		    ", realloc ", format_u64(d, c->reallocs), " (",
		    format_u64(e, c->reallocs_in_place), " in place), large ",
		    format_u64(f, c->large), ", fallbacks to the system allocator ",
		    format_u64(g, c->fallbacks), NULL };
		write_line(rep->config->stats_fd, line);
	}
	{
		const char *line[] = { "bump_alloc:   allocated ",
		    format_bytes(a, c->bytes_allocated), ", freed ",
		    format_bytes(b, c->bytes_freed), ", given back by free ",
		    format_bytes(d, c->bytes_reclaimed), " (",
		    format_u64(e, percent(c->bytes_reclaimed, c->bytes_freed)),
		    "%), recycled blocks ", format_u64(f, c->recycled),
		    ", frees from other threads ", format_u64(h, c->remote_frees),
		    NULL };
		write_line(rep->config->stats_fd, line);
	}
	if (c->bytes_freed > 0 && c->bytes_reclaimed * 2 < c->bytes_freed) {
		const char *line[] = { "bump_alloc: verdict: ",
		    format_u64(a, 100 - percent(c->bytes_reclaimed, c->bytes_freed)),
		    "% of the bytes freed could not be given back (",
		    rep->config->free_policy == FREE_NONE ? "BUMP_ALLOC_FREE=none" :
		    "frees out of allocation order or from other threads",
		    "): this program does not suit a bump allocator",
		    rep->config->free_policy == FREE_RECYCLE ? "" :
		    "; try BUMP_ALLOC_FREE=recycle", NULL };
		write_line(rep->config->stats_fd, line);
	}
}
