/*
 * lua_arena.c - a short-lived Lua 5.4 state per script, over an arena
 * whose reserve is the script's memory cap.
 *
 * Lua takes all its memory from one function, the lua_Alloc given to
 * lua_newstate: f(ud, ptr, osize, nsize) frees ptr when nsize is 0 and is
 * realloc otherwise (ptr NULL: a new block; osize is then the type of the
 * object, not a size).  Over an arena, a new block is bump_malloc, a bigger
 * one bump_realloc (in place when it is the newest block, else a copy), a
 * smaller one keeps its place, and a freed one is bump_free (which takes
 * back the newest block only).  A host that runs untrusted scripts gets two
 * things from it:
 *
 *   - a memory cap: bump_create(cap, 0) makes an arena that hands out at
 *     most cap bytes; past it the allocator returns NULL, Lua raises its
 *     "not enough memory" error inside the script, lua_pcall returns
 *     LUA_ERRMEM and the host carries on with the next script;
 *   - a cheap end: lua_close still runs the script's finalizers (__gc) and
 *     frees every object, but each free is a few instructions, and
 *     bump_reset then takes all of the script's memory back at once for the
 *     next script, already mapped and in the cache.
 *
 * An arena gives memory back only at the reset, so the collector's work
 * would be wasted: the host stops it (LUA_GCSTOP) and the cap then counts
 * every byte the script allocates, not only what it keeps.  That suits
 * short scripts; a long-running one wants malloc and a counting allocator.
 *
 * The workload is a host running many short scripts (a report built with
 * string.format, a word count, a sort of records, string rewriting), each
 * in a fresh state with the base, string, table and math libraries.
 *
 *     cc -O2 lua_arena.c $(pkg-config --cflags --libs bump_alloc lua5.4)
 *
 * Written in 2026 by the bump_alloc authors; CC0 1.0 (public domain).
 */
#include "example.h"

#include <bump_alloc.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>


/* ---- The adapter ---------------------------------------------------- */

static void *
arena_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	bump_t *arena = ud;

	if (nsize == 0) {
		bump_free(arena, ptr);	/* the newest block only; NULL is fine */
		return NULL;
	}
	if (ptr == NULL)
		return bump_malloc(arena, nsize);
	if (nsize <= osize)
		return ptr;		/* shrinking: Lua accepts the same block */
	return bump_realloc(arena, ptr, nsize);
}

/* A new state over the arena, its collector stopped (see above). */
static lua_State *
arena_state(bump_t *arena)
{
	lua_State *L = lua_newstate(arena_lua_alloc, arena);

	if (L != NULL)
		lua_gc(L, LUA_GCSTOP);
	return L;
}

/* ---- The host ------------------------------------------------------- */

static const char *const scripts[] = {
	/* a report */
	"local rows = {}\n"
	"for i = 1, 20 do\n"
	"  rows[#rows + 1] = string.format('%-12s %6d %8.2f', 'item' .. i,\n"
	"    i * 7 % 13, i * 1.25)\n"
	"end\n"
	"return #table.concat(rows, '\\n')\n",
	/* a word count over the input the host gives */
	"local counts, distinct, top, best = {}, 0, '', 0\n"
	"for w in input:gmatch('%a+') do\n"
	"  local c = (counts[w] or 0) + 1\n"
	"  if c == 1 then distinct = distinct + 1 end\n"
	"  counts[w] = c\n"
	"  if c > best or (c == best and w < top) then top, best = w, c end\n"
	"end\n"
	"return distinct .. ' words, most often ' .. top .. ' ' .. best\n",
	/* records sorted */
	"local recs = {}\n"
	"for i = 1, 40 do\n"
	"  recs[i] = { id = i, name = 'user' .. (i * 37 % 101),\n"
	"              score = (i * 7919) % 1000 }\n"
	"end\n"
	"table.sort(recs, function(a, b)\n"
	"  if a.score ~= b.score then return a.score > b.score end\n"
	"  return a.id < b.id\n"
	"end)\n"
	"local out = {}\n"
	"for i = 1, 5 do out[i] = recs[i].name .. '=' .. recs[i].score end\n"
	"return table.concat(out, ',')\n",
	/* rewriting text */
	"local s = input:sub(1, 300)\n"
	"s = s:gsub('(%a+)', function(w) return w:upper():reverse() end)\n"
	"local parts = {}\n"
	"for i = 1, 10 do parts[i] = s:sub(i * 10, i * 10 + 9) end\n"
	"return #s + #table.concat(parts, '|')\n",
};
#define NSCRIPTS (sizeof scripts / sizeof scripts[0])

/* A script that allocates without end: the cap must stop it. */
static const char greedy_script[] =
	"local t = {}\n"
	"for i = 1, 1e9 do t[i] = string.rep('x', 64) .. i end\n"
	"return #t\n";

/*
 * Run src in a fresh state, over arena (or Lua's default allocator, over
 * realloc and free, when arena is NULL), with input as a global.  The
 * result or the error message is copied to out.  Lua's status (LUA_OK,
 * LUA_ERRMEM, ...), or -1 when the state cannot be made.
 */
static int
run_script(bump_t *arena, const char *src, const char *input, char *out,
    size_t out_size)
{
	lua_State *L = arena != NULL ? arena_state(arena) : luaL_newstate();
	int status;

	if (L == NULL)
		return -1;
	luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
	lua_settop(L, 0);
	lua_pushstring(L, input);
	lua_setglobal(L, "input");
	status = luaL_loadbufferx(L, src, strlen(src), "=script", "t");
	if (status == LUA_OK)
		status = lua_pcall(L, 0, 1, 0);
	snprintf(out, out_size, "%s", lua_tostring(L, -1) != NULL ?
	    lua_tostring(L, -1) : "(no string)");
	lua_close(L);		/* finalizers run; every free is cheap */
	if (arena != NULL)
		bump_reset(arena);	/* the script's memory, at once */
	return status;
}

/* Text for the scripts' input. */
static void
make_input(char *buf, size_t size, uint32_t *seed)
{
	size_t n = 0;

	while (n + 32 < size) {
		n += (size_t)snprintf(buf + n, size - n, "%s ",
		    example_word(seed));
	}
}

/* Run the scripts in turn, nruns in all; a checksum of the results. */
static unsigned long
run(bump_t *arena, const char *input, unsigned nruns)
{
	char result[256];
	unsigned long sum = 0;

	for (unsigned i = 0; i < nruns; i++) {
		EXAMPLE_CHECK_THAT(run_script(arena, scripts[i % NSCRIPTS],
		    input, result, sizeof result) == LUA_OK);
		for (const char *p = result; *p != '\0'; p++)
			sum = sum * 31 + (unsigned char)*p;
	}
	return sum;
}

int
main(int argc, char **argv)
{
	enum example_mode mode = example_mode(argc, argv);
	/* The cap: each script may allocate 4 MiB. */
	bump_t *arena = bump_create((size_t)4 << 20, 0);
	static char input[1024];
	char with_malloc[256], with_arena[256];
	uint32_t seed = 54;
	double start;

	EXAMPLE_CHECK_THAT(arena != NULL);
	make_input(input, sizeof input, &seed);
	if (mode == EXAMPLE_CHECK) {
		for (size_t i = 0; i < NSCRIPTS; i++) {
			EXAMPLE_CHECK_THAT(run_script(NULL, scripts[i], input,
			    with_malloc, sizeof with_malloc) == LUA_OK);
			EXAMPLE_CHECK_THAT(run_script(arena, scripts[i], input,
			    with_arena, sizeof with_arena) == LUA_OK);
			EXAMPLE_CHECK_THAT(strcmp(with_malloc, with_arena) == 0);
			printf("lua: script %zu gives \"%s\" in both states\n",
			    i + 1, with_arena);
		}
		/* Over the cap: Lua's error, and the host carries on. */
		EXAMPLE_CHECK_THAT(run_script(arena, greedy_script, input,
		    with_arena, sizeof with_arena) == LUA_ERRMEM);
		EXAMPLE_CHECK_THAT(strcmp(with_arena, "not enough memory") == 0);
		printf("lua: the greedy script stopped at the 4 MiB cap: "
		    "\"%s\"\n", with_arena);
		EXAMPLE_CHECK_THAT(bump_used(arena) == 0);
		EXAMPLE_CHECK_THAT(run_script(arena, scripts[0], input,
		    with_arena, sizeof with_arena) == LUA_OK);
		EXAMPLE_CHECK_THAT(run(NULL, input, 40) == run(arena, input, 40));
		printf("lua: the next script runs; 40 more give the same "
		    "results over malloc and over the arena\n");
	} else {
		start = example_seconds();
		EXAMPLE_CHECK_THAT(run(mode == EXAMPLE_ARENA ? arena : NULL,
		    input, 8000) != 0);
		example_report(mode, example_seconds() - start);
	}
	bump_destroy(arena);
	return 0;
}
