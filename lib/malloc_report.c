/*
 * malloc_report.c - messages, the BUMP_ALLOC_STATS report and malloc_info's
 * text.
 *
 * Runs inside malloc, possibly before the C library is fully set up:
 * through lib/os.h only, no stdio, no malloc.  It formats what it is given
 * and reads no state of its own.
 */
#include <config.h>

#include <string.h>

#include "malloc_internal.h"

/* ---- Messages ---------------------------------------------------------- */

/* Write the NULL-terminated list of strings as one line on fd. */
void
bump__write_message(int fd, const char *const *parts)
{
	char line[512];
	size_t len = 0;

	for (; *parts != NULL; parts++)
		for (const char *s = *parts; *s != '\0' && len < sizeof line - 1; s++)
			line[len++] = *s;
	line[len++] = '\n';
	bump__os_write(fd, line, len);
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
char *
bump__format_bytes(char *buf, uint64_t v)
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

/* "0x" and the lowercase hex digits of p, as glibc's %p, in buf (at least
 * 24 bytes); returns buf. */
static char *
format_address(char *buf, const void *p)
{
	uintptr_t v = (uintptr_t)p;
	char tmp[20];
	size_t n = 0, i = 2;

	do
		tmp[n++] = "0123456789abcdef"[v & 15];
	while ((v >>= 4) != 0);
	buf[0] = '0';
	buf[1] = 'x';
	while (n > 0)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
	return buf;
}

void
bump__print_bad_free(const char *function, const void *p)
{
	char a[24];
	const char *parts[] = { "bump_alloc: ", function, "(): double free or "
	    "invalid pointer ", format_address(a, p), "; aborting "
	    "(BUMP_ALLOC_BAD_FREE=ignore to carry on)", NULL };

	bump__write_message(2, parts);
}

void
bump__print_exhausted(size_t reserve, size_t request)
{
	char r[32], n[32];
	const char *parts[] = { "bump_alloc: the ", bump__format_bytes(r, reserve),
	    " reserve is exhausted (request of ", bump__format_bytes(n, request),
	    "); raise BUMP_ALLOC_SIZE (bump-run -s) or set "
	    "BUMP_ALLOC_ON_EXHAUST=system", NULL };

	bump__write_message(2, parts);
}

void
bump__print_no_reserve(size_t reserve)
{
	char r[32];
	const char *parts[] = { "bump_alloc: cannot reserve ",
	    bump__format_bytes(r, reserve), " of address space (BUMP_ALLOC_SIZE); "
	    "every allocation goes to BUMP_ALLOC_ON_EXHAUST", NULL };

	bump__write_message(2, parts);
}

/* ---- The report ---------------------------------------------------------- */

static const char *const policy_names[] = { "none", "lifo", "recycle" };

static unsigned
percent(uint64_t part, uint64_t whole)
{
	return whole == 0 ? 0 : (unsigned)(part * 100 / whole);
}

/* Programs that allocated less than this get no verdict: too little to tell. */
#define VERDICT_MIN_BYTES ((uint64_t)4 << 20)

static void
report_settings(const struct bump_config *config,
    const struct bump_malloc_stats *st)
{
	static const char *const modes[] = { "system", "null", "abort" };
	char a[32], b[32], c[32];
	const char *line[] = { "bump_alloc: pid ",
	    format_u64(a, bump__os_pid()), ": reserve ",
	    bump__format_bytes(b, config->reserve), ", free=",
	    policy_names[config->free_policy], ", on-exhaust=",
	    modes[config->on_exhaust], ", threads ",
	    format_u64(c, st->threads), NULL };

	bump__write_message(config->stats_fd, line);
}

static void
report_memory(const struct bump_config *config,
    const struct bump_malloc_stats *st)
{
	char a[32], b[32], c[32], d[32], e[32], f[32];
	const char *line[] = { "bump_alloc:   chunks in use ",
	    bump__format_bytes(a, st->chunks_in_use), ", peak ",
	    bump__format_bytes(b, st->chunks_peak), " (chunks of ",
	    bump__format_bytes(c, st->chunk_size), "); blocks of ",
	    bump__format_bytes(d, st->large_threshold),
	    " and more get their own pages: peak ",
	    bump__format_bytes(e, st->large_peak), ", cached ",
	    bump__format_bytes(f, st->large_cached), NULL };

	bump__write_message(config->stats_fd, line);
}

static void
report_calls(const struct bump_config *config,
    const struct bump_malloc_stats *st)
{
	char a[32], b[32], c[32], d[32], e[32], f[32];
	const char *line[] = { "bump_alloc:   malloc ",
	    format_u64(a, st->mallocs), ", free ", format_u64(b, st->frees),
	    ", realloc ", format_u64(c, st->reallocs), " (",
	    format_u64(d, st->reallocs_in_place), " in place), large ",
	    format_u64(e, st->large), ", fallbacks to the system allocator ",
	    format_u64(f, st->fallbacks), NULL };

	bump__write_message(config->stats_fd, line);
}

static void
report_bytes(const struct bump_config *config,
    const struct bump_malloc_stats *st)
{
	char a[32], b[32], c[32], d[32], e[32], f[32];
	const char *line[] = { "bump_alloc:   allocated ",
	    bump__format_bytes(a, st->bytes_allocated), ", freed ",
	    bump__format_bytes(b, st->bytes_freed), ", given back by free ",
	    bump__format_bytes(c, st->bytes_reclaimed), " (",
	    format_u64(d, percent(st->bytes_reclaimed, st->bytes_freed)),
	    "%), recycled blocks ", format_u64(e, st->recycled),
	    ", frees from other threads ", format_u64(f, st->remote_frees),
	    NULL };

	bump__write_message(config->stats_fd, line);
}

/* A program that freed mostly out of order does not suit a bump allocator. */
static void
report_verdict(const struct bump_config *config,
    const struct bump_malloc_stats *st)
{
	char a[32];
	const char *line[] = { "bump_alloc: verdict: ",
	    format_u64(a, 100 - percent(st->bytes_reclaimed, st->bytes_freed)),
	    "% of the bytes freed could not be given back (",
	    config->free_policy == FREE_NONE ? "BUMP_ALLOC_FREE=none" :
	    "frees out of allocation order",
	    "): this program does not suit a bump allocator",
	    config->free_policy == FREE_RECYCLE ? "" :
	    "; try BUMP_ALLOC_FREE=recycle", NULL };

	if (st->bytes_allocated >= VERDICT_MIN_BYTES &&
	    st->bytes_reclaimed * 2 < st->bytes_freed)
		bump__write_message(config->stats_fd, line);
}

/* The BUMP_ALLOC_STATS report on config->stats_fd. */
void
bump__print_report(const struct bump_config *config,
    const struct bump_malloc_stats *st)
{
	report_settings(config, st);
	report_memory(config, st);
	report_calls(config, st);
	report_bytes(config, st);
	report_verdict(config, st);
}

/* ---- malloc_info ------------------------------------------------------- */

/* malloc_info(3)'s XML, in the shape of glibc's, into buf; its length. */
size_t
bump__format_report(const struct bump_config *config,
    const struct bump_malloc_stats *st, char *buf, size_t size)
{
	const struct { const char *name; uint64_t value; } rows[] = {
		{ "reserve", st->reserve }, { "chunk_size", st->chunk_size },
		{ "large_threshold", st->large_threshold },
		{ "chunks_in_use", st->chunks_in_use },
		{ "chunks_peak", st->chunks_peak },
		{ "large_in_use", st->large_in_use },
		{ "large_peak", st->large_peak },
		{ "large_cached", st->large_cached },
		{ "mallocs", st->mallocs }, { "frees", st->frees },
		{ "reallocs", st->reallocs },
		{ "reallocs_in_place", st->reallocs_in_place },
		{ "large", st->large }, { "fallbacks", st->fallbacks },
		{ "remote_frees", st->remote_frees },
		{ "recycled", st->recycled },
		{ "bytes_allocated", st->bytes_allocated },
		{ "bytes_freed", st->bytes_freed },
		{ "bytes_reclaimed", st->bytes_reclaimed },
		{ "threads", st->threads },
	};
	size_t len = 0;
	char num[32];

#define PUT(s) do {							\
	for (const char *c_ = (s); *c_ != '\0' && len + 1 < size; c_++)	\
		buf[len++] = *c_;					\
} while (0)
	PUT("<malloc version=\"bump_alloc-1\" free=\"");
	PUT(policy_names[config->free_policy]);
	PUT("\">\n");
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		PUT("<total type=\"");
		PUT(rows[i].name);
		PUT("\" size=\"");
		PUT(format_u64(num, rows[i].value));
		PUT("\"/>\n");
	}
	PUT("</malloc>\n");
#undef PUT
	buf[len] = '\0';
	return len;
}
