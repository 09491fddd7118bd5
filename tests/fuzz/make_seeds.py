#!/usr/bin/env python3
"""Write the fuzzers' seed corpora: a few inputs that reach every operation
of fuzz_arena.c (tests/fuzz/corpus; layout: reserve kind and bytes, flags,
then one opcode byte per operation followed by its arguments) and of
fuzz_malloc.c (tests/fuzz/corpus_malloc; see below).  Regression seeds
(inputs that once failed) are checked in beside them, not written here."""
import os

MALLOC, CALLOC, ALIGNED, REALLOC, FREE, MARK, RESET, STRINGS = 0, 2, 3, 4, 6, 7, 8, 9
SMALL, WORD, LARGE, HUGE, POW2 = 0, 3, 4, 5, 6

seeds = {
    # 4 MiB arena: malloc, grow the newest block by realloc across commits.
    "grow_realloc": [5, 3, 0,
                     MALLOC, SMALL, 40,
                     REALLOC, 1, 0, WORD, 0x10, 0x00,
                     REALLOC, 1, 0, LARGE, 0x18, 0x00, 0x00,
                     REALLOC, 1, 0, SMALL, 8,
                     CALLOC, SMALL, 10, WORD, 0x01, 0x00,
                     FREE, 0, 1],
    # marks and rewinds, reset and trim.
    "marks": [0, 0,
              MARK, 0, MALLOC, WORD, 0x20, 0x00, MARK, 2,
              MALLOC, LARGE, 0x20, 0x00, 0x00, MARK, 1, MARK, 3,
              RESET, 3, RESET, 2, MALLOC, SMALL, 1],
    # string helpers and NULL arguments.
    "strings": [5, 0, 0,
                STRINGS, 5, 0, ord('a'), ord('b'), ord('c'), ord('d'), ord('e'),
                STRINGS, 3, 1, ord('x'), ord('y'), ord('z'), SMALL, 2,
                STRINGS, 4, 2, 1, 2, 3, 4,
                STRINGS, 2, 3, ord('h'), ord('i'),
                STRINGS, 0, 4],
    # sizes and alignments at the edges: SIZE_MAX, 2^63, non powers of two.
    "edges": [4, 24, 0,
              MALLOC, HUGE, 0,
              CALLOC, HUGE, 1, HUGE, 1,
              ALIGNED, 63, SMALL, 1,
              ALIGNED, 250, SMALL, 1,
              ALIGNED, 12, POW2, 23, 0,
              REALLOC, 0, HUGE, 3,
              MALLOC, POW2, 1, 0xff],
    # a shared arena with hugepages.
    "threadsafe": [5, 7, 3,
                   MALLOC, SMALL, 3, MALLOC, SMALL, 5, FREE, 0, 1,
                   REALLOC, 1, 0, WORD, 0x40, 0x00, ALIGNED, 12, SMALL, 9,
                   RESET, 0],
}
# fuzz_owned (first byte 0x0c): cleanups, children, scratch arenas.  Each
# operation is an opcode byte and a slot byte, then its arguments.
O_MALLOC, O_ADD, O_REENTER, O_CANCEL, O_MARK, O_RESET, O_DESTROY, O_CREATE, \
    O_SCRATCH = 0, 1, 3, 4, 5, 6, 7, 8, 9
seeds["owned"] = [0x0c, 0,
                  O_CREATE, 0, 1, 1, 0,        # slot 1: a child of slot 0
                  O_ADD, 0, O_ADD, 1, O_REENTER, 1,
                  O_MARK, 0, 0,                # a mark in slot 0
                  O_CREATE, 0, 2, 1, 1,        # slot 2: a THREADSAFE child
                  O_ADD, 2, O_ADD, 0,
                  O_CANCEL, 0, 1,              # slot 0's first cleanup
                  O_MARK, 0, 1, 0,             # rewind: slot 2 dies
                  O_SCRATCH, 0, 1, 0, 0x10, 0x00,
                  O_SCRATCH, 0, 2, 0,          # both in use: EBUSY
                  O_RESET, 1,                  # slot 1's cleanups
                  O_REENTER, 1, O_DESTROY, 1,
                  O_MALLOC, 0, 0x01, 0x00,
                  O_ADD, 0, O_DESTROY, 0]
here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
os.makedirs(here, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(here, name), "wb") as f:
        f.write(bytes(data))

# ---- fuzz_malloc.c: tests/fuzz/corpus_malloc ---------------------------------
# One byte per operation (taken mod 14), then its arguments; M_AS k says
# that thread k (0-3) makes the calls that follow.
M_MALLOC, M_CALLOC, M_ALIGNED, M_REALLOC, M_FREE = 0, 3, 4, 5, 7
M_REFUSED, M_EXIT, M_BURST, M_MISC, M_AS = 9, 10, 11, 12, 13


def op(thread, kind, *args):
    """An operation by the thread given (a switch first: seeds stay short
    enough without tracking which thread runs)."""
    return [M_AS, thread, kind] + list(args)


def size(n):
    """A size as take_size reads it (a kind byte, then its bytes)."""
    if n < 256:
        return [0, n]
    if n < 65536:
        return [4, n >> 8, n & 255]
    return [5, n >> 16, (n >> 8) & 255, n & 255]


def malloc(thread, slot, n, how=3):
    return op(thread, M_MALLOC, how, slot, *size(n))


def free(thread, slot, how=5):
    return op(thread, M_FREE, how << 4 | 1, slot)


def realloc(thread, slot, n, how=2):
    return op(thread, M_REALLOC, how << 4 | 1, slot, *size(n))


malloc_seeds = {
    # every thread allocates, then frees the others' blocks
    "threads": malloc(0, 0, 24) + malloc(1, 1, 100) + malloc(2, 2, 3000) +
    malloc(3, 3, 40000) + free(1, 0) + free(2, 1) + free(3, 2) + free(0, 3) +
    op(0, M_CALLOC, 2, 4, *size(500)) + free(3, 4),
    # thread 1 allocates and exits; others free its blocks; thread 1 again
    "handoff_exit": malloc(1, 5, 64) + malloc(1, 6, 700) + malloc(1, 7, 9000) +
    op(0, M_EXIT, 1) + free(2, 5) + realloc(0, 6, 5000) + free(3, 7) +
    malloc(1, 8, 32) + op(2, M_EXIT, 1) + free(0, 8) + free(0, 6),
    # the newest block grown and shrunk in place, an older one moved
    "realloc": malloc(0, 0, 16) + realloc(0, 0, 200) + realloc(0, 0, 4000) +
    malloc(0, 1, 48) + realloc(0, 0, 8) + realloc(0, 1, 0, how=1) +
    op(0, M_REALLOC, 0, 9) + realloc(2, 0, 300000, how=0) + free(0, 0),
    # each aligned function: aligned_alloc, posix_memalign, memalign,
    # rounded memalign, valloc, pvalloc
    "aligned": [b for how in range(6) for b in
                op(how % 4, M_ALIGNED, how, 10 + how, 6 + 2 * how, *size(100 * how))] +
    free(1, 10) + free(2, 12) + op(0, M_MISC, 2) + op(0, M_MISC, 1),
    # requests that must fail, and a block they leave untouched
    "refused": malloc(0, 3, 77) + [b for how in range(8) for b in
                                   op(0, M_REFUSED, how, 3, how % 3, 5, 9)] +
    op(0, M_FREE, 0) + op(0, M_MISC, 0),
    # blocks of other threads freed by several threads at once
    "burst": malloc(1, 0, 40) + malloc(1, 1, 40) + malloc(2, 2, 4000) +
    malloc(2, 3, 4000) + op(0, M_BURST, 0b1110, 3, 1, 4, 2, 1, 0, 1, 2, 1, 1, 1,
                             0, 1, 20, 1, 2, 0, 1, 99) + op(0, M_EXIT, 2),
    # blocks with pages of their own, moved and shrunk
    "large": malloc(0, 0, 300000) + malloc(1, 1, 1000000) +
    realloc(0, 0, 600000) + realloc(1, 1, 200000) + op(0, M_CALLOC, 1, 2,
                                                        *size(400000)) +
    free(2, 0) + free(3, 1),
}
here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus_malloc")
os.makedirs(here, exist_ok=True)
for name, data in malloc_seeds.items():
    with open(os.path.join(here, name), "wb") as f:
        f.write(bytes(data))
