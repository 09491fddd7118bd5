// user_program.cc - what a C++ user writes with <bump_alloc.hpp>.
// tests/check_compilers.sh builds it with every C++ compiler found, at
// C++11, 14, 17 and 20, with -Wall -Wextra -Wpedantic -Werror, and runs it;
// make installcheck builds it against the installed headers with
// pkg-config.  Exit status 0 when all went right.
#include <bump_alloc.hpp>

#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

using arena_string = std::basic_string<char, std::char_traits<char>,
    bump::allocator<char>>;

struct item {
	int key;
	item *next;
};

int
main()
{
	bump::arena arena;		// throws std::bad_alloc on failure
	bump_t *b = arena.get();

	// Braces: v(bump::allocator<int>(arena)) would declare a function.
	std::vector<int, bump::allocator<int>> v{bump::allocator<int>(arena)};
	for (int i = 0; i < 10000; i++)
		v.push_back(i);
	if (v[9999] != 9999 || !arena.owns(v.data()))
		return 1;

	std::map<int, int, std::less<int>,
	    bump::allocator<std::pair<const int, int>>> m{
	    bump::allocator<std::pair<const int, int>>(b)};
	std::unordered_map<int, int, std::hash<int>, std::equal_to<int>,
	    bump::allocator<std::pair<const int, int>>> u(8, std::hash<int>(),
	    std::equal_to<int>(), bump::allocator<std::pair<const int, int>>(b));
	for (int i = 0; i < 1000; i++) {
		m[i] = i * i;
		u[i] = -i;
	}
	if (m.at(999) != 998001 || u.at(999) != -999 ||
	    !arena.owns(&*m.find(500)) || !arena.owns(&*u.find(500)))
		return 2;

	arena_string s(200, 'x', bump::allocator<char>(arena));
	if (!arena.owns(s.data()) || s.size() != 200)
		return 3;

	item *items = BUMP_NEW_ARRAY(b, item, 100);
	if (items == nullptr || !arena.owns(items))
		return 4;
	{
		bump::scope scratch(arena);
		size_t used = arena.used();

		if (BUMP_NEW_ARRAY(b, char, 4096) == nullptr || arena.used() == used)
			return 5;
	}
#if BUMP_ALLOC_HAVE_PMR
	bump::memory_resource r(arena);
	std::pmr::vector<std::pmr::string> pv(&r);
	pv.emplace_back("a pmr string long enough to live outside the object");
	if (!arena.owns(pv.data()) || !arena.owns(pv[0].data()))
		return 6;
#endif
	{
		bump::scratch tmp(arena);
		std::string *name = arena.make<std::string>(100, 'n');
		std::string *names = bump::make_array<std::string>(tmp.get(), 3);

		names[2] = *name;
		if (tmp.get() == b || names[2].size() != 100 || !arena.owns(name))
			return 7;
	}
	std::printf("bump_alloc %s from C++%ld: ok\n", BUMP_ALLOC_VERSION,
	    static_cast<long>(__cplusplus));
	return 0;
}
