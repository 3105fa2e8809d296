/* linkscreen C core: the hashing and probing hot path behind cffi.
 * Every function is pure and re-entrant: no globals, no allocation, caller-owned memory.
 * docs/bundle-format.md specifies the Bloom positions and fingerprints computed here. */
#ifndef LINKSCREEN_CORE_H
#define LINKSCREEN_CORE_H

#include <stddef.h>
#include <stdint.h>

#define LS_FINGERPRINT_BYTES 16
#define LS_SALT_BYTES 16
#define LS_SHA256_BYTES 32
/* The 257 little-endian u32 row offsets that open a BUCKETS section (bundle format 2). */
#define LS_BUCKET_OFFSETS_BYTES 1028

/* MurmurHash3 x64-128 (Appleby), the two little-endian 64-bit halves h1, h2. */
void ls_murmur3_x64_128(const uint8_t *data, size_t len, uint32_t seed, uint64_t out[2]);

/* SHA-256 (FIPS 180-4) of data. */
void ls_sha256(const uint8_t *data, size_t len, uint8_t out[32]);

/* Fingerprint: the first 16 bytes of SHA-256(salt || expr). */
void ls_fingerprint(const uint8_t salt[16], const uint8_t *expr, size_t len, uint8_t out[16]);

/* Set the k Bloom bits of expr in bits (m bits, m > 0). */
void ls_bloom_add(uint8_t *bits, uint64_t m, uint32_t k, uint32_t seed,
                  const uint8_t *expr, size_t len);

/* 1 if all k Bloom bits of expr are set, else 0. */
int ls_bloom_contains(const uint8_t *bits, uint64_t m, uint32_t k, uint32_t seed,
                      const uint8_t *expr, size_t len);

/* Index of the first row of the sorted table (n rows of 16 bytes) equal to fp, or -1. */
int64_t ls_fingerprint_find(const uint8_t *table, uint64_t n, const uint8_t fp[16]);

/* Look up count expressions stored back to back in buf; expression i is
 * buf[offsets[i] .. offsets[i+1]). For each, rows[i] is the first matching fingerprint row,
 * or -1 (Bloom miss or no fingerprint). Returns how many expressions matched. */
size_t ls_lookup_many(const uint8_t *bloom, uint64_t m, uint32_t k, uint32_t seed,
                      const uint8_t *table, uint64_t n, const uint8_t salt[16],
                      const uint8_t *buf, const uint32_t *offsets, size_t count,
                      int64_t *rows);

/* Probe newline-separated expressions (canonical expressions never hold a raw newline).
 * Returns the index of the first expression whose fingerprint is in the table, or -1 when
 * none is: the common case answers with one call and no output buffer. */
int64_t ls_first_match(const uint8_t *bloom, uint64_t m, uint32_t k, uint32_t seed,
                       const uint8_t *table, uint64_t n, const uint8_t salt[16],
                       const uint8_t *joined, size_t len);

/* Bundle format 2 stores rows without their first prefix_bytes (0, 1 or 2) bytes and finds a
 * row's bucket through the BUCKETS section (docs/bundle-format.md 2.7); buckets may be NULL
 * when prefix_bytes is 0. The caller has checked the section as the bundle reader does. */

/* Index of the first row equal to fp in such a table, or -1. */
int64_t ls_table_find(const uint8_t *rows, uint64_t n, uint32_t prefix_bytes,
                      const uint8_t *buckets, const uint8_t fp[16]);

/* ls_lookup_many over such a table. */
size_t ls_lookup_table(const uint8_t *bloom, uint64_t m, uint32_t k, uint32_t seed,
                       const uint8_t *table, uint64_t n, uint32_t prefix_bytes,
                       const uint8_t *buckets, const uint8_t salt[16], const uint8_t *buf,
                       const uint32_t *offsets, size_t count, int64_t *rows);

/* ls_first_match over such a table. */
int64_t ls_first_match_table(const uint8_t *bloom, uint64_t m, uint32_t k, uint32_t seed,
                             const uint8_t *table, uint64_t n, uint32_t prefix_bytes,
                             const uint8_t *buckets, const uint8_t salt[16],
                             const uint8_t *joined, size_t len);

#endif
