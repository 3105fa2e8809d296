/* Unit tests for the C core, built with AddressSanitizer and UBSan by `make native-check`.
 * Expected values: SHA-256 from FIPS 180-2 (B.1-B.3); MurmurHash3 from the mmh3 package. */
#include "linkscreen_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (!(cond)) {                                     \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                  \
            fprintf(stderr, "\n");                         \
            failures++;                                    \
        }                                                  \
    } while (0)

static void hex(const uint8_t *data, size_t len, char *out) {
    for (size_t i = 0; i < len; i++) sprintf(out + 2 * i, "%02x", data[i]);
}

static void test_sha256(void) {
    uint8_t digest[32];
    char text[65];
    ls_sha256((const uint8_t *)"abc", 3, digest);
    hex(digest, 32, text);
    CHECK(!strcmp(text, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), "abc %s", text);
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    ls_sha256((const uint8_t *)two, strlen(two), digest);
    hex(digest, 32, text);
    CHECK(!strcmp(text, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"), "448 %s", text);
    size_t million = 1000000;
    uint8_t *as = malloc(million);
    memset(as, 'a', million);
    ls_sha256(as, million, digest);
    free(as);
    hex(digest, 32, text);
    CHECK(!strcmp(text, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"), "1M %s", text);
    ls_sha256((const uint8_t *)"", 0, digest);
    hex(digest, 32, text);
    CHECK(!strcmp(text, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), "empty %s", text);
}

static void test_murmur(void) {
    struct { const char *data; size_t len; uint32_t seed; uint64_t h1, h2; } cases[] = {
        {"", 0, 0, 0x0ULL, 0x0ULL},
        {"a", 1, 0, 0x85555565f6597889ULL, 0xe6b53a48510e895aULL},
        {"hello", 5, 0, 0xcbd8a7b341bd9b02ULL, 0x5b1e906a48ae1d19ULL},
        {"blocked-host.example/", 21, 24301, 0xfef311dd9cae4c01ULL, 0xd719d671bbddf78dULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint64_t out[2];
        ls_murmur3_x64_128((const uint8_t *)cases[i].data, cases[i].len, cases[i].seed, out);
        CHECK(out[0] == cases[i].h1 && out[1] == cases[i].h2, "murmur case %zu", i);
    }
    uint8_t bytes40[40];
    for (int i = 0; i < 40; i++) bytes40[i] = (uint8_t)i;
    uint64_t out[2];
    ls_murmur3_x64_128(bytes40, 40, 0xFFFFFFFFu, out);
    CHECK(out[0] == 0xc36a8f50de88472bULL && out[1] == 0x849247b04dd4f364ULL, "murmur 40 bytes");
}

static int cmp16(const void *a, const void *b) { return memcmp(a, b, 16); }

static void test_bloom_and_table(void) {
    enum { N = 2000, M = 64 * 600 };
    uint8_t *bits = calloc(M / 8, 1);
    uint8_t *table = malloc((size_t)N * 16);
    uint8_t salt[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    char expr[64];
    for (int i = 0; i < N; i++) {
        int len = snprintf(expr, sizeof expr, "host%d.example/path/%d", i, i * 7);
        ls_bloom_add(bits, M, 7, 99, (const uint8_t *)expr, (size_t)len);
        ls_fingerprint(salt, (const uint8_t *)expr, (size_t)len, table + (size_t)i * 16);
    }
    qsort(table, N, 16, cmp16);
    int false_positives = 0;
    for (int i = 0; i < N; i++) {
        int len = snprintf(expr, sizeof expr, "host%d.example/path/%d", i, i * 7);
        CHECK(ls_bloom_contains(bits, M, 7, 99, (const uint8_t *)expr, (size_t)len), "bloom miss %d", i);
        uint8_t fp[16];
        ls_fingerprint(salt, (const uint8_t *)expr, (size_t)len, fp);
        int64_t row = ls_fingerprint_find(table, N, fp);
        CHECK(row >= 0 && !memcmp(table + row * 16, fp, 16), "fingerprint not found %d", i);
        len = snprintf(expr, sizeof expr, "other%d.example/", i);
        false_positives += ls_bloom_contains(bits, M, 7, 99, (const uint8_t *)expr, (size_t)len);
        ls_fingerprint(salt, (const uint8_t *)expr, (size_t)len, fp);
        CHECK(ls_fingerprint_find(table, N, fp) == -1, "unlisted fingerprint found %d", i);
    }
    CHECK(false_positives < N / 20, "too many Bloom false positives: %d", false_positives);
    CHECK(ls_fingerprint_find(table, 0, table) == -1, "empty table");

    const char *exprs[] = {"host5.example/path/35", "nothere.example/", "host1999.example/path/13993"};
    uint8_t buf[128];
    uint32_t offsets[4] = {0};
    size_t at = 0;
    for (int i = 0; i < 3; i++) {
        memcpy(buf + at, exprs[i], strlen(exprs[i]));
        at += strlen(exprs[i]);
        offsets[i + 1] = (uint32_t)at;
    }
    int64_t rows[3];
    size_t matched = ls_lookup_many(bits, M, 7, 99, table, N, salt, buf, offsets, 3, rows);
    CHECK(matched == 2 && rows[0] >= 0 && rows[1] == -1 && rows[2] >= 0, "lookup_many %zu", matched);
    const char *joined = "nothere.example/\nhost7.example/path/49\nx/";
    CHECK(ls_first_match(bits, M, 7, 99, table, N, salt, (const uint8_t *)joined,
                         strlen(joined)) == 1, "first_match finds the second expression");
    CHECK(ls_first_match(bits, M, 7, 99, table, N, salt, (const uint8_t *)"a/\nb/", 5) == -1,
          "first_match with no match");
    CHECK(ls_first_match(bits, M, 7, 99, table, N, salt, (const uint8_t *)"", 0) == -1,
          "first_match on empty input");
    free(bits);
    free(table);
}

int main(void) {
    test_sha256();
    test_murmur();
    test_bloom_and_table();
    if (failures) {
        fprintf(stderr, "%d native check(s) failed\n", failures);
        return 1;
    }
    printf("native core: all checks passed under sanitizers\n");
    return 0;
}
