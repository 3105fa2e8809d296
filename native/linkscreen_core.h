/* linkscreen C core: the hashing and probing hot path behind cffi.
 * Every function is pure and re-entrant: no globals, no allocation. */
#ifndef LINKSCREEN_CORE_H
#define LINKSCREEN_CORE_H

#include <stddef.h>
#include <stdint.h>

/* MurmurHash3 x64-128 (Appleby, public domain algorithm), little-endian halves h1, h2. */
void ls_murmur3_x64_128(const uint8_t *data, size_t len, uint32_t seed, uint64_t out[2]);

#endif
