/*
 * pmr.h - the C entry points of pmr.cc (std::pmr::monotonic_buffer_resource)
 * and containers.cc (standard containers over three allocators).
 */
#ifndef BENCH_PMR_H
#define BENCH_PMR_H

#include <stddef.h>
#include <stdint.h>

#include "bump_alloc.h"

#ifdef __cplusplus
extern "C" {
#endif
void *bench_pmr_create(void);
void bench_pmr_fill(void *r, const uint32_t *sizes, size_t n, void **ptrs);
void bench_pmr_release(void *r);
void bench_pmr_destroy(void *r);

/* containers.cc: fill a container of n keys; the arena is reset after. */
enum { BENCH_CXX_VECTOR, BENCH_CXX_MAP };
enum { BENCH_CXX_STD, BENCH_CXX_PMR, BENCH_CXX_BUMP };
void bench_cxx_run(int container, int how, bump_t *arena,
    const uint32_t *keys, size_t n);
#ifdef __cplusplus
}
#endif

#endif
