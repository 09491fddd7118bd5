// containers.cc - standard containers over three allocators for bench.c:
// std::allocator (glibc malloc), std::pmr::monotonic_buffer_resource and
// bump::allocator over a warm arena.  The loops are here, in C++, so that
// everything inlines as it would in a C++ program.
#include <bump_alloc.hpp>

#include <map>
#include <memory_resource>
#include <vector>

#include "pmr.h"

namespace {

template <class Vector>
void
fill_vector(Vector &v, const uint32_t *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		v.push_back(keys[i]);
	if (v.size() != n)
		__builtin_trap();
}

template <class Map>
void
fill_map(Map &m, const uint32_t *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		m.emplace(keys[i], i);
	if (m.empty())
		__builtin_trap();
}

template <class T>
using bump_vector = std::vector<T, bump::allocator<T>>;
template <class K, class V>
using bump_map = std::map<K, V, std::less<K>,
    bump::allocator<std::pair<const K, V>>>;

} // namespace

extern "C" void
bench_cxx_run(int container, int how, bump_t *arena, const uint32_t *keys,
    size_t n)
{
	if (container == BENCH_CXX_VECTOR) {
		if (how == BENCH_CXX_STD) {
			std::vector<uint32_t> v;
			fill_vector(v, keys, n);
		} else if (how == BENCH_CXX_PMR) {
			std::pmr::monotonic_buffer_resource r;
			std::pmr::vector<uint32_t> v(&r);
			fill_vector(v, keys, n);
		} else {
			bump_vector<uint32_t> v{bump::allocator<uint32_t>(arena)};
			fill_vector(v, keys, n);
		}
	} else {
		if (how == BENCH_CXX_STD) {
			std::map<uint32_t, size_t> m;
			fill_map(m, keys, n);
		} else if (how == BENCH_CXX_PMR) {
			std::pmr::monotonic_buffer_resource r;
			std::pmr::map<uint32_t, size_t> m(&r);
			fill_map(m, keys, n);
		} else {
			bump_map<uint32_t, size_t> m{
			    bump::allocator<std::pair<const uint32_t, size_t>>(arena)};
			fill_map(m, keys, n);
		}
	}
	if (arena != nullptr)
		bump_reset(arena);	// warm for the next round
}
