#!/usr/bin/env python3
"""Write the fuzzer's seed corpus (tests/fuzz/corpus): a few inputs that
reach every operation of fuzz_arena.c.  Layout: reserve kind and bytes,
flags, then one opcode byte per operation followed by its arguments."""
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
