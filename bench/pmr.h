/*
 * pmr.h - the C entry points of pmr.cc (std::pmr::monotonic_buffer_resource).
 */
#ifndef BENCH_PMR_H
#define BENCH_PMR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif
void *bench_pmr_create(void);
void bench_pmr_fill(void *r, const uint32_t *sizes, size_t n, void **ptrs);
void bench_pmr_release(void *r);
void bench_pmr_destroy(void *r);
#ifdef __cplusplus
}
#endif

#endif
