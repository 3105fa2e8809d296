/* Hashing and probing: MurmurHash3 x64-128 and SHA-256 (no external library), the Bloom
 * filter and the sorted fingerprint table. docs/bundle-format.md specifies what is hashed. */
#include "ls_internal.h"

/* ---- MurmurHash3 x64-128 ------------------------------------------------------------- */

static inline uint64_t rotl64(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static inline uint64_t fmix64(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

static inline uint64_t load_le64(const uint8_t *p) {
    return (uint64_t)p[0] | ((uint64_t)p[1] << 8) | ((uint64_t)p[2] << 16) |
           ((uint64_t)p[3] << 24) | ((uint64_t)p[4] << 32) | ((uint64_t)p[5] << 40) |
           ((uint64_t)p[6] << 48) | ((uint64_t)p[7] << 56);
}

static void murmur3(const uint8_t *data, size_t len, uint32_t seed, uint64_t out[2]) {
    const uint64_t c1 = 0x87c37b91114253d5ULL;
    const uint64_t c2 = 0x4cf5ad432745937fULL;
    const size_t nblocks = len / 16;
    uint64_t h1 = seed, h2 = seed;

    for (size_t i = 0; i < nblocks; i++) {
        uint64_t k1 = load_le64(data + i * 16);
        uint64_t k2 = load_le64(data + i * 16 + 8);
        k1 *= c1; k1 = rotl64(k1, 31); k1 *= c2; h1 ^= k1;
        h1 = rotl64(h1, 27); h1 += h2; h1 = h1 * 5 + 0x52dce729;
        k2 *= c2; k2 = rotl64(k2, 33); k2 *= c1; h2 ^= k2;
        h2 = rotl64(h2, 31); h2 += h1; h2 = h2 * 5 + 0x38495ab5;
    }

    const uint8_t *tail = data + nblocks * 16;
    uint64_t k1 = 0, k2 = 0;
    switch (len & 15) {
    case 15: k2 ^= (uint64_t)tail[14] << 48; /* fall through */
    case 14: k2 ^= (uint64_t)tail[13] << 40; /* fall through */
    case 13: k2 ^= (uint64_t)tail[12] << 32; /* fall through */
    case 12: k2 ^= (uint64_t)tail[11] << 24; /* fall through */
    case 11: k2 ^= (uint64_t)tail[10] << 16; /* fall through */
    case 10: k2 ^= (uint64_t)tail[9] << 8;   /* fall through */
    case 9:
        k2 ^= (uint64_t)tail[8];
        k2 *= c2; k2 = rotl64(k2, 33); k2 *= c1; h2 ^= k2;
        /* fall through */
    case 8: k1 ^= (uint64_t)tail[7] << 56; /* fall through */
    case 7: k1 ^= (uint64_t)tail[6] << 48; /* fall through */
    case 6: k1 ^= (uint64_t)tail[5] << 40; /* fall through */
    case 5: k1 ^= (uint64_t)tail[4] << 32; /* fall through */
    case 4: k1 ^= (uint64_t)tail[3] << 24; /* fall through */
    case 3: k1 ^= (uint64_t)tail[2] << 16; /* fall through */
    case 2: k1 ^= (uint64_t)tail[1] << 8;  /* fall through */
    case 1:
        k1 ^= (uint64_t)tail[0];
        k1 *= c1; k1 = rotl64(k1, 31); k1 *= c2; h1 ^= k1;
        break;
    default:
        break;
    }

    h1 ^= (uint64_t)len; h2 ^= (uint64_t)len;
    h1 += h2; h2 += h1;
    h1 = fmix64(h1); h2 = fmix64(h2);
    h1 += h2; h2 += h1;
    out[0] = h1;
    out[1] = h2;
}

/* ---- SHA-256 (FIPS 180-4) --------------------------------------------------------------- */

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

typedef struct {
    uint32_t state[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64];
    size_t used;
} sha256_ctx;

static inline uint32_t rotr32(uint32_t x, int r) { return (x >> r) | (x << (32 - r)); }

static void sha256_compress(uint32_t state[8], const uint8_t block[64]) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++) {
        w[i] = ((uint32_t)block[i * 4] << 24) | ((uint32_t)block[i * 4 + 1] << 16) |
               ((uint32_t)block[i * 4 + 2] << 8) | (uint32_t)block[i * 4 + 3];
    }
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotr32(w[i - 15], 7) ^ rotr32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr32(w[i - 2], 17) ^ rotr32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int i = 0; i < 64; i++) {
        uint32_t s1 = rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = h + s1 + ch + K256[i] + w[i];
        uint32_t s0 = rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = s0 + maj;
        h = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    state[0] += a; state[1] += b; state[2] += c; state[3] += d;
    state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

/* ---- SHA-256 with the x86 SHA extensions, for long inputs (payloads, deltas) ------------------
 * Same function, eight to twenty times faster where the CPU has the SHA instructions. Chosen
 * per call with CPUID (no cached flag: no global state), and only for inputs of at least
 * LS_SHA_NI_MIN bytes, where that costs nothing. Elsewhere (other CPUs, WebAssembly) the
 * portable rounds above serve. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(LS_NO_SHA_NI)
#include <cpuid.h>
#include <immintrin.h>
#define LS_SHA_NI 1
#define LS_SHA_NI_MIN 4096

static int sha_ni_available(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19)) || !(c & (1u << 9))) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b >> 29) & 1; /* CPUID.7.0:EBX.SHA; SSE4.1 and SSSE3 checked above */
}

/* Four rounds: state pair (abef, cdgh) advanced with w = W[i..i+3] + K[i..i+3]. */
#define LS_SHA_NI_ROUNDS(abef, cdgh, w)                                                     \
    do {                                                                                     \
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, w);                                         \
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(w, 0x0E));                \
    } while (0)

__attribute__((target("sha,sse4.1,ssse3"))) static void
sha256_blocks_ni(uint32_t state[8], const uint8_t *data, size_t blocks) {
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)(const void *)state);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)(const void *)(state + 4));
    /* the instructions keep (a, b, e, f) and (c, d, g, h) together */
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1), efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8), cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
    for (; blocks; blocks--, data += 64) {
        __m128i abef_in = abef, cdgh_in = cdgh, m[4];
        for (int g = 0; g < 4; g++) {
            m[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(data + 16 * g)), swap);
            __m128i w = _mm_add_epi32(m[g], _mm_loadu_si128((const __m128i *)(const void *)(K256 + 4 * g)));
            LS_SHA_NI_ROUNDS(abef, cdgh, w);
        }
        for (int g = 4; g < 16; g++) {
            /* W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time */
            __m128i next = _mm_sha256msg1_epu32(m[g & 3], m[(g + 1) & 3]);
            next = _mm_add_epi32(next, _mm_alignr_epi8(m[(g + 3) & 3], m[(g + 2) & 3], 4));
            next = _mm_sha256msg2_epu32(next, m[(g + 3) & 3]);
            m[g & 3] = next;
            __m128i w = _mm_add_epi32(next, _mm_loadu_si128((const __m128i *)(const void *)(K256 + 4 * g)));
            LS_SHA_NI_ROUNDS(abef, cdgh, w);
        }
        abef = _mm_add_epi32(abef, abef_in);
        cdgh = _mm_add_epi32(cdgh, cdgh_in);
    }
    __m128i feba = _mm_shuffle_epi32(abef, 0x1B), dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    dcba = _mm_blend_epi16(feba, dchg, 0xF0);
    hgfe = _mm_alignr_epi8(dchg, feba, 8);
    _mm_storeu_si128((__m128i *)(void *)state, dcba);
    _mm_storeu_si128((__m128i *)(void *)(state + 4), hgfe);
}
#endif

static void sha256_init(sha256_ctx *ctx) {
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(ctx->state, iv, sizeof iv);
    ctx->length = 0;
    ctx->used = 0;
}

static void sha256_update(sha256_ctx *ctx, const uint8_t *data, size_t len) {
    ctx->length += len;
    if (ctx->used) {
        size_t take = 64 - ctx->used < len ? 64 - ctx->used : len;
        memcpy(ctx->block + ctx->used, data, take);
        ctx->used += take;
        data += take;
        len -= take;
        if (ctx->used < 64) return;
        sha256_compress(ctx->state, ctx->block);
        ctx->used = 0;
    }
#ifdef LS_SHA_NI
    if (len >= LS_SHA_NI_MIN && sha_ni_available()) {
        sha256_blocks_ni(ctx->state, data, len / 64);
        data += len / 64 * 64;
        len %= 64;
    }
#endif
    while (len >= 64) {
        sha256_compress(ctx->state, data);
        data += 64;
        len -= 64;
    }
    memcpy(ctx->block, data, len);
    ctx->used = len;
}

static void sha256_final(sha256_ctx *ctx, uint8_t out[32]) {
    uint64_t bits = ctx->length * 8;
    ctx->block[ctx->used++] = 0x80;
    if (ctx->used > 56) {
        memset(ctx->block + ctx->used, 0, 64 - ctx->used);
        sha256_compress(ctx->state, ctx->block);
        ctx->used = 0;
    }
    memset(ctx->block + ctx->used, 0, 56 - ctx->used);
    for (int i = 0; i < 8; i++) ctx->block[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_compress(ctx->state, ctx->block);
    for (int i = 0; i < 8; i++) {
        out[i * 4] = (uint8_t)(ctx->state[i] >> 24);
        out[i * 4 + 1] = (uint8_t)(ctx->state[i] >> 16);
        out[i * 4 + 2] = (uint8_t)(ctx->state[i] >> 8);
        out[i * 4 + 3] = (uint8_t)ctx->state[i];
    }
}

ls_status ls_murmur3_x64_128(const uint8_t *data, size_t len, uint32_t seed, uint64_t out[2]) {
    if ((!data && len) || !out) return LS_ERR_ARGUMENT;
    murmur3(data, len, seed, out);
    return LS_OK;
}

ls_status ls_sha256(const uint8_t *data, size_t len, uint8_t out[32]) {
    if ((!data && len) || !out) return LS_ERR_ARGUMENT;
    sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, data, len);
    sha256_final(&ctx, out);
    return LS_OK;
}

static void fingerprint(const uint8_t salt[16], const uint8_t *expr, size_t len, uint8_t out[16]) {
    uint8_t digest[32];
    sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, salt, LS_SALT_BYTES);
    sha256_update(&ctx, expr, len);
    sha256_final(&ctx, digest);
    memcpy(out, digest, LS_FINGERPRINT_BYTES);
}

ls_status ls_fingerprint(const uint8_t salt[16], const uint8_t *expr, size_t len,
                         uint8_t out[16]) {
    if (!salt || (!expr && len) || !out) return LS_ERR_ARGUMENT;
    fingerprint(salt, expr, len, out);
    return LS_OK;
}

/* ---- Bloom filter ------------------------------------------------------------------------ */

static void bloom_add(uint8_t *bits, uint64_t m, uint32_t k, uint32_t seed, const uint8_t *expr,
                      size_t len) {
    uint64_t h[2];
    murmur3(expr, len, seed, h);
    for (uint32_t i = 0; i < k; i++) {
        uint64_t bit = (h[0] + (uint64_t)i * h[1]) % m;
        bits[bit >> 3] |= (uint8_t)(1u << (bit & 7));
    }
}

static int bloom_contains(const uint8_t *bits, uint64_t m, uint32_t k, uint32_t seed,
                          const uint8_t *expr, size_t len) {
    uint64_t h[2];
    murmur3(expr, len, seed, h);
    for (uint32_t i = 0; i < k; i++) {
        uint64_t bit = (h[0] + (uint64_t)i * h[1]) % m;
        if (!(bits[bit >> 3] & (1u << (bit & 7)))) return 0;
    }
    return 1;
}

ls_status ls_bloom_add_many(uint8_t *bits, uint64_t m, uint32_t k, uint32_t seed,
                            const uint8_t *buf, const uint64_t *offsets, size_t count) {
    if (!bits || !m || !k || (count && (!buf || !offsets))) return LS_ERR_ARGUMENT;
    for (size_t i = 0; i < count; i++) {
        if (offsets[i + 1] < offsets[i]) return LS_ERR_ARGUMENT;
    }
    for (size_t i = 0; i < count; i++) {
        bloom_add(bits, m, k, seed, buf + offsets[i], (size_t)(offsets[i + 1] - offsets[i]));
    }
    return LS_OK;
}

ls_status ls_bloom_contains(const uint8_t *bits, uint64_t m, uint32_t k, uint32_t seed,
                            const uint8_t *expr, size_t len, int *result) {
    if (!bits || !m || !k || (!expr && len) || !result) return LS_ERR_ARGUMENT;
    *result = bloom_contains(bits, m, k, seed, expr, len);
    return LS_OK;
}

/* ---- Fingerprint table -------------------------------------------------------------------- */

static int64_t fingerprint_find(const uint8_t *table, uint64_t n, const uint8_t fp[16]) {
    uint64_t lo = 0, hi = n; /* first row >= fp lies in [lo, hi] */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (memcmp(table + mid * LS_FINGERPRINT_BYTES, fp, LS_FINGERPRINT_BYTES) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < n && memcmp(table + lo * LS_FINGERPRINT_BYTES, fp, LS_FINGERPRINT_BYTES) == 0) {
        return (int64_t)lo;
    }
    return -1;
}

ls_status ls_fingerprint_find(const uint8_t *table, uint64_t n, const uint8_t fp[16],
                              int64_t *row) {
    if ((!table && n) || !fp || !row) return LS_ERR_ARGUMENT;
    *row = fingerprint_find(table, n, fp);
    return LS_OK;
}

static inline uint32_t load_le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#define LS_BUCKET_OFFSET_BYTES (257 * 4)

/* Rows [*lo, *hi) whose first prefix_bytes fingerprint bytes equal fp's (bundle-format 2.7). */
static void bucket_rows(const ls_tables *t, const uint8_t fp[16], uint64_t *lo, uint64_t *hi) {
    if (!t->prefix_bytes) {
        *lo = 0;
        *hi = t->fingerprint_count;
        return;
    }
    uint64_t first = load_le32(t->buckets + 4 * (size_t)fp[0]);
    uint64_t last = load_le32(t->buckets + 4 * ((size_t)fp[0] + 1));
    if (t->prefix_bytes == 1) {
        *lo = first;
        *hi = last;
        return;
    }
    /* p = 2: first byte t's run starts at bit 256 t + offset[t]; second byte s owns the
     * 1-bits (one per row) between the s-th and the (s+1)-th 0-bit of the run. */
    const uint8_t *bitmap = t->buckets + LS_BUCKET_OFFSET_BYTES;
    uint64_t bit = 256u * fp[0] + first, end = 256u * ((uint64_t)fp[0] + 1) + last;
    uint64_t ones = 0, start = 0;
    uint32_t zeros = 0;
    for (; bit < end; bit++) {
        if (bitmap[bit >> 3] >> (bit & 7) & 1) {
            ones++;
            continue;
        }
        if (zeros == fp[1]) break;
        zeros++;
        if (zeros == fp[1]) start = ones;
    }
    *lo = first + start;
    *hi = first + ones;
}

/* The first row equal to fp, or -1; *run_end (when not NULL) = one past the last equal row
 * (rows with one fingerprint are neighbours: one per list it is on). */
static int64_t table_find_run(const ls_tables *t, const uint8_t fp[16], uint64_t *run_end) {
    size_t width = LS_FINGERPRINT_BYTES - t->prefix_bytes;
    const uint8_t *rest = fp + t->prefix_bytes;
    uint64_t lo, hi;
    bucket_rows(t, fp, &lo, &hi);
    uint64_t end = hi; /* the first row >= rest lies in [lo, hi] */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (memcmp(t->fingerprints + mid * width, rest, width) < 0) lo = mid + 1; else hi = mid;
    }
    if (lo < end && memcmp(t->fingerprints + lo * width, rest, width) == 0) {
        if (run_end) {
            uint64_t last = lo + 1;
            while (last < end && memcmp(t->fingerprints + last * width, rest, width) == 0) last++;
            *run_end = last;
        }
        return (int64_t)lo;
    }
    return -1;
}

static int64_t table_find(const ls_tables *t, const uint8_t fp[16]) {
    return table_find_run(t, fp, NULL);
}

static ls_status check_tables(const ls_tables *t) {
    if (!t || !t->bloom || !t->bloom_bits || t->bloom_bits % 64 || !t->bloom_k ||
        t->bloom_k > 64 || (!t->fingerprints && t->fingerprint_count) || !t->salt ||
        t->prefix_bytes > 2 || (t->prefix_bytes && !t->buckets)) {
        return LS_ERR_ARGUMENT;
    }
    return LS_OK;
}

ls_status ls_table_find(const ls_tables *tables, const uint8_t fp[16], int64_t *row) {
    LS_TRY(check_tables(tables));
    if (!fp || !row) return LS_ERR_ARGUMENT;
    *row = table_find(tables, fp);
    return LS_OK;
}

ls_status ls_lookup_runs(const ls_tables *t, const ls_str *expressions, size_t count,
                         int64_t *rows, int64_t *row_ends, size_t *matched) {
    LS_TRY(check_tables(t));
    if ((count && (!expressions || !rows)) || !matched) return LS_ERR_ARGUMENT;
    size_t hits = 0;
    for (size_t i = 0; i < count; i++) {
        const ls_str *e = &expressions[i];
        rows[i] = -1;
        if (row_ends) row_ends[i] = -1;
        if (!bloom_contains(t->bloom, t->bloom_bits, t->bloom_k, t->bloom_seed, e->ptr, e->len)) {
            continue;
        }
        uint8_t fp[LS_FINGERPRINT_BYTES];
        uint64_t end = 0;
        fingerprint(t->salt, e->ptr, e->len, fp);
        rows[i] = table_find_run(t, fp, row_ends ? &end : NULL);
        if (rows[i] >= 0) {
            hits++;
            if (row_ends) row_ends[i] = (int64_t)end;
        }
    }
    *matched = hits;
    return LS_OK;
}

ls_status ls_lookup(const ls_tables *t, const ls_str *expressions, size_t count, int64_t *rows,
                    size_t *matched) {
    return ls_lookup_runs(t, expressions, count, rows, NULL, matched);
}

/* ---- many fingerprints (a compiler's table) ---------------------------------------------------- */

/* The fingerprint of every expression buf[offsets[i] .. offsets[i+1]) to out + i * stride.
 * Short messages are padded in place and hashed with the SHA instructions when the CPU has
 * them (checked once per call, not per message: CPUID is slow, and in a VM it traps). */
void ls_fingerprints_internal(const uint8_t salt[16], const uint8_t *buf, const uint64_t *offsets,
                              size_t count, uint8_t *out, size_t stride) {
#ifdef LS_SHA_NI
    int ni = count >= 64 && sha_ni_available();
#else
    int ni = 0;
#endif
    uint8_t message[256];
    for (size_t i = 0; i < count; i++) {
        const uint8_t *expr = buf + offsets[i];
        size_t len = (size_t)(offsets[i + 1] - offsets[i]);
        uint8_t *fp = out + i * stride;
        if (!ni || len > sizeof message - LS_SALT_BYTES - 9) {
            fingerprint(salt, expr, len, fp);
            continue;
        }
        size_t total = LS_SALT_BYTES + len, blocks = (total + 9 + 63) / 64;
        uint64_t bits = (uint64_t)total * 8;
        memcpy(message, salt, LS_SALT_BYTES);
        memcpy(message + LS_SALT_BYTES, expr, len);
        message[total] = 0x80;
        memset(message + total + 1, 0, blocks * 64 - total - 1);
        for (int b = 0; b < 8; b++) message[blocks * 64 - 1 - b] = (uint8_t)(bits >> (8 * b));
        uint32_t state[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                             0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
#ifdef LS_SHA_NI
        sha256_blocks_ni(state, message, blocks);
#endif
        for (int w = 0; w < 4; w++) {
            fp[w * 4] = (uint8_t)(state[w] >> 24);
            fp[w * 4 + 1] = (uint8_t)(state[w] >> 16);
            fp[w * 4 + 2] = (uint8_t)(state[w] >> 8);
            fp[w * 4 + 3] = (uint8_t)state[w];
        }
    }
}
