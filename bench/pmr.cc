// pmr.cc - std::pmr::monotonic_buffer_resource for bench.c.  The fill loop
// is here, in C++, so that allocate() inlines as it would in a C++ program.
#include <memory_resource>

#include "pmr.h"

using resource = std::pmr::monotonic_buffer_resource;

extern "C" void *
bench_pmr_create(void)
{
	return new resource();
}

extern "C" void
bench_pmr_fill(void *r, const uint32_t *sizes, size_t n, void **ptrs)
{
	resource *res = static_cast<resource *>(r);

	for (size_t i = 0; i < n; i++) {
		char *p = static_cast<char *>(res->allocate(sizes[i], 16));
		p[0] = static_cast<char>(i);
		ptrs[i] = p;
	}
}

extern "C" void
bench_pmr_release(void *r)
{
	static_cast<resource *>(r)->release();
}

extern "C" void
bench_pmr_destroy(void *r)
{
	delete static_cast<resource *>(r);
}
