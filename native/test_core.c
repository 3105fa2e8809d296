/* Unit tests for the C core, built with AddressSanitizer and UBSan by `make native-check`.
 * Expected values: SHA-256 from FIPS 180-2 (B.1-B.3); MurmurHash3 from the mmh3 package;
 * canonical URLs from docs/canonicalization.md (the Python reference is checked against the
 * C core on millions more by tests/test_native_parity.py). */
#include "linkscreen.h"

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

static int bloom_has(const uint8_t *bits, uint64_t m, const char *expr, size_t len) {
    int result = -1;
    CHECK(ls_bloom_contains(bits, m, 7, 99, (const uint8_t *)expr, len, &result) == LS_OK, "contains");
    return result;
}

static void test_bloom_and_table(void) {
    enum { N = 2000, M = 64 * 600 };
    uint8_t *bits = calloc(M / 8, 1);
    uint8_t *table = malloc((size_t)N * 16);
    uint8_t salt[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    char expr[64];
    uint8_t *all = malloc((size_t)N * 64);
    uint64_t *offsets = calloc(N + 1, sizeof(uint64_t));
    for (int i = 0; i < N; i++) {
        int len = snprintf(expr, sizeof expr, "host%d.example/path/%d", i, i * 7);
        memcpy(all + offsets[i], expr, (size_t)len);
        offsets[i + 1] = offsets[i] + (uint64_t)len;
        ls_fingerprint(salt, (const uint8_t *)expr, (size_t)len, table + (size_t)i * 16);
    }
    CHECK(ls_bloom_add_many(bits, M, 7, 99, all, offsets, N) == LS_OK, "add_many");
    CHECK(ls_bloom_add_many(bits, 0, 7, 99, all, offsets, N) == LS_ERR_ARGUMENT, "m = 0 refused");
    qsort(table, N, 16, cmp16);
    int false_positives = 0;
    for (int i = 0; i < N; i++) {
        int len = snprintf(expr, sizeof expr, "host%d.example/path/%d", i, i * 7);
        CHECK(bloom_has(bits, M, expr, (size_t)len) == 1, "bloom miss %d", i);
        uint8_t fp[16];
        int64_t row = -2;
        ls_fingerprint(salt, (const uint8_t *)expr, (size_t)len, fp);
        CHECK(ls_fingerprint_find(table, N, fp, &row) == LS_OK, "find");
        CHECK(row >= 0 && !memcmp(table + row * 16, fp, 16), "fingerprint not found %d", i);
        len = snprintf(expr, sizeof expr, "other%d.example/", i);
        false_positives += bloom_has(bits, M, expr, (size_t)len);
        ls_fingerprint(salt, (const uint8_t *)expr, (size_t)len, fp);
        ls_fingerprint_find(table, N, fp, &row);
        CHECK(row == -1, "unlisted fingerprint found %d", i);
    }
    CHECK(false_positives < N / 20, "too many Bloom false positives: %d", false_positives);
    int64_t row = 0;
    ls_fingerprint_find(table, 0, table, &row);
    CHECK(row == -1, "empty table");

    ls_tables tables = {bits, M, 7, 99, table, N, salt, 0, NULL};
    ls_str exprs[3] = {{(const uint8_t *)"host5.example/path/35", 21},
                       {(const uint8_t *)"nothere.example/", 16},
                       {(const uint8_t *)"host1999.example/path/13993", 27}};
    int64_t rows[3];
    size_t matched = 0;
    CHECK(ls_lookup(&tables, exprs, 3, rows, &matched) == LS_OK, "lookup");
    CHECK(matched == 2 && rows[0] >= 0 && rows[1] == -1 && rows[2] >= 0, "lookup %zu", matched);
    int64_t ends[3];
    CHECK(ls_lookup_runs(&tables, exprs, 3, rows, ends, &matched) == LS_OK, "lookup runs");
    CHECK(matched == 2 && ends[0] == rows[0] + 1 && ends[1] == -1 && ends[2] == rows[2] + 1,
          "one row per listed expression");
    /* a fingerprint on two lists: two equal neighbouring rows, one run */
    uint8_t twice[3 * 16];
    memcpy(twice, table + rows[0] * 16, 16);
    memcpy(twice + 16, table + rows[0] * 16, 16);
    memset(twice + 32, 0xff, 16);
    ls_tables dup = {bits, M, 7, 99, twice, 3, salt, 0, NULL};
    CHECK(ls_lookup_runs(&dup, exprs, 1, rows, ends, &matched) == LS_OK && matched == 1 &&
              rows[0] == 0 && ends[0] == 2, "run of two equal rows: %lld..%lld",
          (long long)rows[0], (long long)ends[0]);
    ls_tables bad = tables;
    bad.bloom_bits = 100;
    CHECK(ls_lookup(&bad, exprs, 3, rows, &matched) == LS_ERR_ARGUMENT, "m not a multiple of 64");
    free(bits);
    free(table);
    free(all);
    free(offsets);
}

/* Buckets built as docs/bundle-format.md 2.7 says; every lookup must equal the p = 0 one. */
static void test_buckets(void) {
    enum { N = 3000 };
    uint8_t *full = malloc((size_t)N * 16), salt[16] = {9};
    char expr[32];
    for (int i = 0; i < N; i++) {
        int len = snprintf(expr, sizeof expr, "e%d.example/", i);
        ls_fingerprint(salt, (const uint8_t *)expr, (size_t)len, full + (size_t)i * 16);
    }
    qsort(full, N, 16, cmp16);
    uint8_t bloom[8] = {0};
    for (uint32_t p = 1; p <= 2; p++) {
        uint8_t *rows = malloc((size_t)N * (16 - p));
        uint8_t *buckets = calloc(1028 + (65536 + N + 7) / 8, 1);
        for (int i = 0; i < N; i++) memcpy(rows + (size_t)i * (16 - p), full + (size_t)i * 16 + p, 16 - p);
        uint32_t count[257] = {0};
        for (int i = 0; i < N; i++) count[full[(size_t)i * 16] + 1]++;
        for (int t = 0; t < 256; t++) count[t + 1] += count[t];
        for (int t = 0; t <= 256; t++) {
            for (int b = 0; b < 4; b++) buckets[4 * t + b] = (uint8_t)(count[t] >> (8 * b));
        }
        if (p == 2) {
            uint64_t bit = 0;
            int row = 0;
            for (int prefix = 0; prefix < 65536; prefix++) {
                while (row < N && (full[(size_t)row * 16] << 8 | full[(size_t)row * 16 + 1]) == prefix) {
                    buckets[1028 + (bit >> 3)] |= (uint8_t)(1u << (bit & 7));
                    bit++;
                    row++;
                }
                bit++; /* the 0-bit closing the prefix */
            }
        }
        ls_tables plain = {bloom, 64, 1, 0, full, N, salt, 0, NULL};
        ls_tables bucketed = {bloom, 64, 1, 0, rows, N, salt, p, buckets};
        for (int i = 0; i < 2 * N; i++) {
            uint8_t fp[16];
            int len = snprintf(expr, sizeof expr, "e%d.example/", i);
            ls_fingerprint(salt, (const uint8_t *)expr, (size_t)len, fp);
            int64_t a = -2, b = -2;
            CHECK(ls_table_find(&plain, fp, &a) == LS_OK && ls_table_find(&bucketed, fp, &b) == LS_OK,
                  "table_find");
            CHECK(a == b && (i < N) == (a >= 0), "p=%u: %s row %lld vs %lld", p, expr, (long long)a, (long long)b);
        }
        ls_tables bad = bucketed;
        bad.buckets = NULL;
        int64_t row;
        CHECK(ls_table_find(&bad, full, &row) == LS_ERR_ARGUMENT, "p > 0 needs buckets");
        free(rows);
        free(buckets);
    }
    free(full);
}

static ls_workspace *workspace(void) {
    static uint64_t *memory; /* test harness only: the library itself keeps no state */
    ls_workspace *ws = NULL;
    if (!memory) memory = malloc(ls_workspace_bytes());
    CHECK(ls_workspace_init(memory, ls_workspace_bytes(), &ws) == LS_OK, "workspace");
    return ws;
}

static void expect_canonical(const char *url, const char *want) {
    ls_str out = {0, 0};
    ls_status status = ls_canonicalize(workspace(), (const uint8_t *)url, strlen(url), &out);
    if (!want) {
        CHECK(status == LS_ERR_INVALID_URL, "%s should be refused, got %s", url, ls_status_name(status));
        return;
    }
    CHECK(status == LS_OK && out.len == strlen(want) && !memcmp(out.ptr, want, out.len),
          "%s -> %.*s (%s), want %s", url, (int)out.len, out.ptr ? (const char *)out.ptr : "",
          ls_status_name(status), want);
}

static void test_canonical(void) {
    expect_canonical("http://host/%25%32%35", "http://host/%25");
    expect_canonical("http://www.GOOgle.com/", "http://www.google.com/");
    expect_canonical("http://3279880203/blah", "http://195.127.0.11/blah");
    expect_canonical("http://www.google.com/blah/..", "http://www.google.com/");
    expect_canonical("http://\x01\x80.com/", "http://%01%80.com/");
    expect_canonical("http://[::ffff:192.0.2.1]/", "http://192.0.2.1/");
    expect_canonical("http://[FEDC:BA98:0:0:0:0:0:3210]/", "http://[fedc:ba98::3210]/");
    expect_canonical("http://b\xc3\xbc" "cher.example/", "http://xn--bcher-kva.example/");
    expect_canonical("hxxp://EXAMPLE.test:8080/a?b", "http://example.test/a?b");
    expect_canonical("http://0x7f.1/", "http://127.0.0.1/");
    expect_canonical("http://276.2.3/", NULL);
    expect_canonical("javascript:alert(1)", NULL);
    expect_canonical("/relative", NULL);
    expect_canonical("http://a.example:99999/", NULL);
    ls_str out;
    CHECK(ls_canonicalize(NULL, (const uint8_t *)"x", 1, &out) == LS_ERR_ARGUMENT, "NULL workspace");

    ls_str variants[4];
    size_t count = 0;
    const char *url = "http://example.com%2F@evil.com/";
    CHECK(ls_canonical_variants(workspace(), (const uint8_t *)url, strlen(url), variants, &count) == LS_OK &&
              count == 2 && variants[0].len == 16 && !memcmp(variants[0].ptr, "http://evil.com/", 16),
          "two readings of %s", url);
}

static void test_psl_and_check(void) {
    const char *rules = "// comment\ncom\nco.uk\n*.ck\n!www.ck\n// ===BEGIN PRIVATE DOMAINS===\nblogspot.com\n";
    ls_psl *psl = NULL;
    CHECK(ls_psl_new((const uint8_t *)rules, strlen(rules), &psl) == LS_OK, "psl");
    size_t n = 0, suffix = 0;
    ls_psl_rule_count(psl, &n);
    CHECK(n == 5, "5 rules, got %zu", n);
    struct { const char *host; const char *suffix; } cases[] = {
        {"a.b.example.co.uk", "co.uk"}, {"x.blogspot.com", "blogspot.com"}, {"a.b.ck", "b.ck"},
        {"www.ck", "ck"}, {"host.unlisted", "unlisted"}, {"com", "com"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *h = cases[i].host;
        CHECK(ls_public_suffix(psl, (const uint8_t *)h, strlen(h), &suffix) == LS_OK &&
                  suffix == strlen(cases[i].suffix) && !strcmp(h + strlen(h) - suffix, cases[i].suffix),
              "suffix of %s", h);
    }
    ls_workspace *ws = workspace();
    ls_str exprs[30];
    const char *canonical = "http://a.b.c.d.e.example.co.uk/1/2/3/4/5?q";
    CHECK(ls_expressions(ws, psl, (const uint8_t *)canonical, strlen(canonical), exprs, &n) == LS_OK &&
              n == 30 && exprs[29].len == strlen("c.d.e.example.co.uk/1/2/3/") && !memcmp(exprs[29].ptr, "c.d.e.example.co.uk/1/2/3/", exprs[29].len),
          "30 expressions, got %zu", n);

    enum { M = 64 * 64 };
    uint8_t bits[M / 8] = {0}, table[16], salt[16] = {0};
    const char *listed = "example.co.uk/";
    uint64_t offsets[2] = {0, strlen(listed)};
    ls_bloom_add_many(bits, M, 7, 99, (const uint8_t *)listed, offsets, 1);
    ls_fingerprint(salt, (const uint8_t *)listed, strlen(listed), table);
    ls_tables tables = {bits, M, 7, 99, table, 1, salt, 0, NULL};
    ls_url_result *result = malloc(sizeof *result);
    const char *url = "HTTPS://www.Example.co.uk/any/page?x=1#frag";
    CHECK(ls_check_url(ws, psl, &tables, (const uint8_t *)url, strlen(url), result) == LS_OK &&
              result->matched == 1 && result->variant_count == 1,
          "check_url matched %zu", result->matched);
    url = "mailto:someone@example.co.uk";
    CHECK(ls_check_url(ws, psl, &tables, (const uint8_t *)url, strlen(url), result) == LS_ERR_INVALID_URL,
          "mailto refused");
    free(result);
    CHECK(ls_psl_free(psl) == LS_OK, "free");
    CHECK(ls_psl_new(NULL, 0, &psl) == LS_ERR_ARGUMENT, "NULL text");
}


/* ---- the bundle reader --------------------------------------------------------------------- */

typedef struct {
    const uint8_t *key_id, *signature; /* the one signature this test hook trusts */
    ls_status answer;                  /* what to answer for it */
} trusted_signature;

/* A stand-in for the platform's Ed25519 (tests/test_native_bundle.py uses a real one): it
 * accepts exactly the signature the file carries, so any change to the bytes is refused. */
static ls_status exact_signature(void *context, const uint8_t *key_id, const uint8_t *message,
                                 size_t len, const uint8_t *signature) {
    const trusted_signature *t = context;
    (void)message;
    (void)len;
    if (memcmp(key_id, t->key_id, 8) != 0) return LS_ERR_UNKNOWN_KEY;
    return memcmp(signature, t->signature, 64) == 0 ? t->answer : LS_ERR_SIGNATURE;
}

static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *data = malloc(1 << 20);
    *len = fread(data, 1, 1 << 20, f);
    fclose(f);
    return data;
}

/* ls_bundle_screen_url against ls_bundle_check_url on the same URLs: the same readings,
 * expressions and rows, the flags summing them up, the text only when something matched. */
static void test_screen(ls_workspace *ws, const ls_bundle *b, ls_url_result *full) {
    static const char *urls[] = {
        "https://sub.blocked-host.example/any/page?x=1", /* listed host */
        "http://unlisted.example/a/b?c=d",               /* nothing matches */
        "http://short.example/abc",                      /* a shortener (the vectors' list) */
        "HTTP://www.Tiny.Test./x",                       /* a shortener, read canonically */
        "http://1.2.3.4/x/y.html",
        "http://[::1]/",
    };
    ls_url_result *fast = malloc(sizeof *fast);
    uint8_t *copy = malloc(1 << 16);
    for (size_t u = 0; u < sizeof urls / sizeof *urls; u++) {
        const uint8_t *url = (const uint8_t *)urls[u];
        size_t len = strlen(urls[u]);
        uint32_t flags = 0;
        ls_status s = ls_bundle_check_url(ws, b, NULL, url, len, full);
        CHECK(s == LS_OK, "check %s: %s", urls[u], ls_status_name(s));
        if (s != LS_OK) continue;
        size_t text_len = full->text.len < (1 << 16) ? full->text.len : 0;
        memcpy(copy, full->text.ptr, text_len); /* the workspace is reused by the next call */
        s = ls_bundle_screen_url(ws, b, NULL, url, len, fast, &flags);
        CHECK(s == LS_OK, "screen %s: %s", urls[u], ls_status_name(s));
        if (s != LS_OK) continue;
        CHECK(fast->variant_count == full->variant_count &&
                  fast->expression_count == full->expression_count &&
                  fast->matched == full->matched && fast->shortened == full->shortened &&
                  fast->host_only == full->host_only,
              "screen %s: the counts of check_url", urls[u]);
        uint32_t want = (full->matched ? LS_SCREEN_MATCHED : 0u) |
                        (full->shortened ? LS_SCREEN_SHORTENED : 0u) |
                        (full->host_only ? LS_SCREEN_HOST_ONLY : 0u);
        CHECK(flags == want, "screen %s: flags %u, want %u", urls[u], flags, want);
        for (size_t i = 0; i < fast->expression_count && i < full->expression_count; i++) {
            CHECK(fast->rows[i] == full->rows[i] && fast->row_ends[i] == full->row_ends[i],
                  "screen %s: rows of expression %zu", urls[u], i);
        }
        if (full->matched) {
            CHECK(fast->text.len == text_len && !memcmp(fast->text.ptr, copy, text_len),
                  "screen %s: the text of a match", urls[u]);
        } else {
            CHECK(fast->text.len == 0 && fast->text.ptr != NULL, "screen %s: no text", urls[u]);
        }
    }
    CHECK(ls_bundle_screen_url(ws, b, NULL, (const uint8_t *)urls[0], strlen(urls[0]), fast, NULL) ==
              LS_ERR_ARGUMENT, "screen without flags");
    uint32_t flags = 0;
    const char *refused = "mailto:someone@example.test";
    CHECK(ls_bundle_screen_url(ws, b, NULL, (const uint8_t *)refused, strlen(refused), fast, &flags) ==
              LS_ERR_INVALID_URL, "screen refuses what check_url refuses");
    size_t long_len = 40000;
    uint8_t *long_url = malloc(long_len);
    memcpy(long_url, "http://long.example/", 20);
    memset(long_url + 20, 'a', long_len - 20);
    CHECK(ls_bundle_screen_url(ws, b, NULL, long_url, long_len, fast, &flags) == LS_OK &&
              flags == LS_SCREEN_HOST_ONLY && fast->host_only && fast->variant_count == 1,
          "a URL past the length limit is screened on its host (flags %u)", flags);
    uint32_t tally = 0;
    for (size_t u = 0; u < sizeof urls / sizeof *urls; u++) {
        CHECK(ls_bundle_screen_url(ws, b, NULL, (const uint8_t *)urls[u], strlen(urls[u]), fast, &flags) == LS_OK,
              "screen again");
        tally |= flags;
    }
    CHECK(tally == (LS_SCREEN_MATCHED | LS_SCREEN_SHORTENED), "the URLs match and shorten (%u)", tally);
    static const struct { const char *url; uint32_t wrapped; } wraps[] = {
        {"https://www.google.com/url?q=http://bad.example/", LS_SCREEN_WRAPPED},
        {"https://web.archive.org/web/2020/https://bad.example/", LS_SCREEN_WRAPPED},
        {"https://l.facebook.com/l.php?u=http%3A%2F%2Fbad.example", LS_SCREEN_WRAPPED},
        {"a.example/x?u=http://b.example", LS_SCREEN_WRAPPED}, /* "://" at byte 19 */
        {"https://a.example/login?id=5&t=1", 0},
        {"https://a.example:8080/x", 0},
        {"http://a.b/", 0}, /* the URL's own "://" only */
    };
    for (size_t u = 0; u < sizeof wraps / sizeof *wraps; u++) {
        const char *url = wraps[u].url;
        ls_status s = ls_bundle_screen_url(ws, b, NULL, (const uint8_t *)url, strlen(url), fast, &flags);
        CHECK(s == LS_OK && (flags & LS_SCREEN_WRAPPED) == wraps[u].wrapped,
              "redirect target in URL %zu: %s, flags %u", u, ls_status_name(s), flags);
    }
    /* attack 16: shapes without a scheme in the target, and the hosts a rule names */
    static const struct { const char *url; uint32_t plain, hosted; } shapes[] = {
        {"https://www.google.com/url?q=bad.example/", 0, LS_SCREEN_WRAPPED},
        {"https://WWW.Google.CO.UK./url?q=bad.example/", 0, LS_SCREEN_WRAPPED},
        {"https://u@l.facebook.com:443/l.php?u=log.in", 0, LS_SCREEN_WRAPPED},
        {"https://a.cdn.ampproject.org/c/s/bad.example/", 0, LS_SCREEN_WRAPPED},
        {"https://cdn.ampproject.org/c/s/bad.example/", 0, 0}, /* "*." needs a subdomain */
        {"https://notgoogle.com/url?q=bad.example/", 0, 0},
        {"https://google.com.evil.example/url?q=x", 0, 0},
        {"https://a.example/r?u=aHR0cHM6Ly9iYWQuZXhhbXBsZS8", LS_SCREEN_WRAPPED, LS_SCREEN_WRAPPED},
        {"https://a.example/r?u=SFRUUFM6Ly9iYWQ", LS_SCREEN_WRAPPED, LS_SCREEN_WRAPPED},
        {"https://a.example/r?u=Ly9iYWQuZXhhbXBsZS8", LS_SCREEN_WRAPPED, LS_SCREEN_WRAPPED},
        {"https://a.example/r?next=//bad.example/", LS_SCREEN_WRAPPED, LS_SCREEN_WRAPPED},
        {"https://a.example/r?u=www.bad.example", LS_SCREEN_WRAPPED, LS_SCREEN_WRAPPED},
        {"https://urldefense.com/v3/__bad.example/__;!!x$", 0, LS_SCREEN_WRAPPED},
        {"https://a.example/x?q=hello.world", 0, 0}, {"https://host.test/x?q=b.example", 0, LS_SCREEN_WRAPPED},
        {"https://a.example/x/R0/y", 0, 0}, /* base64 marks count in a query only */
        {"https://a.example/search?q=hello.world", 0, 0},
        {"https://a.example/login?next=/home&u=123", 0, 0},
    };
    const char *patterns = "*.google.*\ngoogle.*\nl.facebook.com\n*.cdn.ampproject.org\n\nurldefense.com\n*.test";
    ls_wrapper_hosts *hosts = NULL;
    CHECK(ls_wrapper_hosts_new((const uint8_t *)patterns, strlen(patterns), &hosts) == LS_OK && hosts,
          "wrapper hosts load");
    CHECK(ls_wrapper_hosts_new(NULL, 0, NULL) == LS_ERR_ARGUMENT, "wrapper hosts need out");
    for (size_t u = 0; u < sizeof shapes / sizeof *shapes; u++) {
        const char *url = shapes[u].url;
        ls_status s = ls_bundle_screen_url(ws, b, NULL, (const uint8_t *)url, strlen(url), fast, &flags);
        CHECK(s == LS_OK && (flags & LS_SCREEN_WRAPPED) == shapes[u].plain,
              "wrapper shape %zu without hosts: %s, flags %u", u, ls_status_name(s), flags);
        s = ls_bundle_screen_url_wrappers(ws, b, NULL, hosts, (const uint8_t *)url, strlen(url), fast,
                                          &flags);
        CHECK(s == LS_OK && (flags & LS_SCREEN_WRAPPED) == shapes[u].hosted,
              "wrapper shape %zu with hosts: %s, flags %u", u, ls_status_name(s), flags);
    }
    ls_wrapper_hosts_free(hosts);
    ls_wrapper_hosts_free(NULL);
    static const struct { const char *url; uint32_t odd; } odds[] = {
        {"https://a.example/x", 0},          {"HTTP://A.EXAMPLE/X", 0},
        {"ftp://a.example:21/x", 0},         {"https://[::1]:8080/", 0},
        {"https://a.example?q=<x>", 0},      {"https://a.example/x\\y", LS_SCREEN_ODD},
        {"h**p://a.example/", LS_SCREEN_ODD}, {"https;//a.example/", LS_SCREEN_ODD},
        {"http://a.example%20/x", LS_SCREEN_ODD}, {"http://a.example</", LS_SCREEN_ODD},
        {"a.example/x", LS_SCREEN_ODD},       {"hxxp://a.example/", LS_SCREEN_ODD},
    };
    for (size_t u = 0; u < sizeof odds / sizeof *odds; u++) {
        const char *url = odds[u].url;
        ls_status s = ls_bundle_screen_url(ws, b, NULL, (const uint8_t *)url, strlen(url), fast, &flags);
        CHECK((s != LS_OK && odds[u].odd) || (s == LS_OK && (flags & LS_SCREEN_ODD) == odds[u].odd),
              "plainly written URL %zu: %s, flags %u", u, ls_status_name(s), flags);
    }
    static const struct { const char *url; uint32_t control; } controls[] = {
        {"http://a.example/x\x01y", LS_SCREEN_CONTROL},      {"http://a.example/\x1b[31mx", LS_SCREEN_CONTROL},
        {"http://a.example/x\x7f", LS_SCREEN_CONTROL},       {"http://a.example/\xc2\x85x", LS_SCREEN_CONTROL},
        {"http://a.example/\xc2\x9f", LS_SCREEN_CONTROL},    {"http://a.example/\xc2\xa0x", 0},
        {"http://a.example/\tx\r\ny", 0},                    {"http://a.example/\xc2", 0},
        {"http://a.example/\xe2\x80\x8bx", 0},
    };
    for (size_t u = 0; u < sizeof controls / sizeof *controls; u++) {
        const char *url = controls[u].url;
        ls_status s = ls_bundle_screen_url(ws, b, NULL, (const uint8_t *)url, strlen(url), fast, &flags);
        CHECK(s == LS_OK && (flags & LS_SCREEN_CONTROL) == controls[u].control,
              "control characters in URL %zu: %s, flags %u", u, ls_status_name(s), flags);
    }
    free(long_url);
    free(copy);
    free(fast);
}

static void test_bundle(void) {
    static const char *files[] = {"tests/vectors/tiny.bundle", "tests/vectors/tiny-v1.bundle",
                                  "tests/vectors/tiny-p1.bundle", "tests/vectors/tiny-p2.bundle"};
    ls_workspace *ws = workspace();
    ls_url_result *r = malloc(sizeof *r);
    uint32_t state = 12345;
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        size_t len;
        uint8_t *data = read_file(files[f], &len);
        CHECK(data && len > 96, "read %s", files[f]);
        if (!data) continue;
        trusted_signature trust = {data + 16, data + len - 64, LS_OK};
        ls_bundle *b = NULL;
        ls_status s = ls_bundle_open(data, len, exact_signature, &trust, &b);
        CHECK(s == LS_OK, "%s opens: %s", files[f], ls_status_name(s));
        if (s != LS_OK) continue;
        ls_bundle_info info;
        ls_list_info list;
        CHECK(ls_bundle_get_info(b, &info) == LS_OK && info.fingerprint_count > 0 &&
                  info.psl_embedded == (info.format_version == 2),
              "%s info", files[f]);
        CHECK(ls_bundle_list(b, 0, &list) == LS_OK && list.id.len && (list.action == 1 || list.action == 2),
              "%s list 0", files[f]);
        CHECK(ls_bundle_list(b, info.list_count, &list) == LS_ERR_ARGUMENT, "list past the end");
        const char *url = "https://sub.blocked-host.example/any/page?x=1";
        if (info.psl_embedded) {
            s = ls_bundle_check_url(ws, b, NULL, (const uint8_t *)url, strlen(url), r);
            CHECK(s == LS_OK && r->matched == 1 && !r->shortened, "%s: listed host matched (%s, %zu)",
                  files[f], ls_status_name(s), r->matched);
            uint32_t index = 99;
            for (size_t i = 0; i < r->expression_count; i++) {
                if (r->rows[i] >= 0) {
                    CHECK(r->row_ends[i] > r->rows[i] &&
                              ls_bundle_row_list(b, (uint64_t)r->rows[i], &index) == LS_OK &&
                              index < info.list_count,
                          "row's list");
                }
            }
            test_screen(ws, b, r);
        } else {
            CHECK(ls_bundle_check_url(ws, b, NULL, (const uint8_t *)url, strlen(url), r) == LS_ERR_ARGUMENT,
                  "a version 1 bundle needs the app's list");
            uint32_t flags = 99;
            CHECK(ls_bundle_screen_url(ws, b, NULL, (const uint8_t *)url, strlen(url), r, &flags) ==
                      LS_ERR_ARGUMENT && flags == 99,
                  "screening with a version 1 bundle needs the app's list too");
        }
        ls_bundle_free(b);
        /* the hook decides: unknown key, bad signature, any other answer is no */
        trust.answer = LS_ERR_UNKNOWN_KEY;
        CHECK(ls_bundle_open(data, len, exact_signature, &trust, &b) == LS_ERR_UNKNOWN_KEY, "unknown key");
        trust.answer = 99;
        CHECK(ls_bundle_open(data, len, exact_signature, &trust, &b) == LS_ERR_SIGNATURE, "not yes is no");
        trust.answer = LS_OK;
        for (size_t cut = 0; cut < len; cut += cut < 200 ? 1 : 97) {
            CHECK(ls_bundle_open(data, cut, exact_signature, &trust, &b) != LS_OK, "cut at %zu", cut);
        }
        /* a changed payload byte, re-hashed: the parser must refuse it or read it in bounds */
        size_t plen = len - 96;
        uint8_t *payload = malloc(plen), digest[32];
        for (int round = 0; round < 2000; round++) {
            memcpy(payload, data + 32, plen);
            int flips = 1 + round % 3;
            for (int k = 0; k < flips; k++) {
                state = state * 1103515245u + 12345u;
                size_t at = (state >> 8) % plen;
                state = state * 1103515245u + 12345u;
                payload[at] ^= (uint8_t)(1u << ((state >> 16) & 7));
            }
            ls_sha256(payload, plen, digest);
            if (ls_bundle_open_payload(payload, plen, digest, &b) == LS_OK) {
                ls_bundle_check_url(ws, b, NULL, (const uint8_t *)url, strlen(url), r);
                ls_bundle_free(b);
            }
        }
        /* deltas made for this payload: its own header and sections, then noise; the merge
         * must refuse them or build in bounds (ASan), never crash */
        {
            size_t cap = 4 * plen + 4096, dlen, out_len;
            uint8_t *delta = malloc(72 + 128 + 512), *out = malloc(cap);
            memcpy(payload, data + 32, plen);
            for (int round = 0; round < 2000; round++) {
                memcpy(delta, "LSDELTA2", 8);
                ls_sha256(payload, plen, delta + 8);
                memset(delta + 40, 0, 32);
                memcpy(delta + 72, payload, 128);
                dlen = 200 + (size_t)(round % 300);
                for (size_t k = 200; k < dlen; k++) {
                    state = state * 1103515245u + 12345u;
                    delta[k] = (uint8_t)(round & 1 ? (state >> 16) & 3 : state >> 16);
                }
                ls_status d = ls_delta_apply(payload, plen, delta, dlen, out, cap, &out_len);
                CHECK(d == LS_ERR_DELTA || d == LS_ERR_BUFFER, "noise delta: %s", ls_status_name(d));
            }
            CHECK(ls_delta_apply(payload, plen, delta, 10, out, cap, &out_len) == LS_ERR_DELTA, "short");
            free(delta);
            free(out);
        }
        memcpy(payload, data + 32, plen);
        ls_sha256(payload, plen, digest);
        digest[0] ^= 1;
        CHECK(ls_bundle_open_payload(payload, plen, digest, &b) == LS_ERR_HASH, "hash mismatch");
        free(payload);
        free(data);
    }
    free(r);
}

static void test_canonicalize_many(void) {
    ls_workspace *ws = workspace();
    const char *joined = "HTTP://A.example/x/../ymailto:a@b.examplehttp://b.example";
    uint64_t offsets[4] = {0, 23, 41, 57};
    uint8_t out[256];
    uint64_t ends[4];
    ls_status statuses[3];
    CHECK(ls_canonicalize_many(ws, (const uint8_t *)joined, offsets, 3, out, sizeof out, ends,
                               statuses) == LS_OK, "batch");
    CHECK(statuses[0] == LS_OK && statuses[1] == LS_ERR_INVALID_URL && statuses[2] == LS_OK,
          "batch statuses %d %d %d", statuses[0], statuses[1], statuses[2]);
    CHECK(ends[1] - ends[0] == strlen("http://a.example/y") && !memcmp(out, "http://a.example/y", 18) &&
              ends[2] == ends[1] && !memcmp(out + ends[2], "http://b.example/", 17),
          "batch output");
    CHECK(ls_canonicalize_many(ws, (const uint8_t *)joined, offsets, 3, out, 20, ends, statuses) ==
              LS_OK && statuses[0] == LS_OK && statuses[2] == LS_ERR_BUFFER,
          "a full output buffer is a status per URL");
}

static void test_compile_lines(void) {
    const char *rules = "com\nco.uk\n*.ck\n!www.ck\n";
    ls_psl *psl = NULL;
    CHECK(ls_psl_new((const uint8_t *)rules, strlen(rules), &psl) == LS_OK, "psl");
    ls_workspace *ws = workspace();
    static const char *lines[] = {
        "http://A.example/x/../y", "", "  # c", "=1", " http://b.example/?p&amp;q ",
        "bit.ly/abc", "co.uk", "foo", "http://\xc3\xbc.example/", "a.b.c.d.bad.example/",
        "deep.example/a/b/c/d/e/", "bit.ly/", "x.bit.ly/y", "http://c\x01.example/",
    };
    enum { N = sizeof lines / sizeof lines[0] };
    static const uint8_t expected[N] = {
        LS_LINE_ENTRY, LS_LINE_BLANK, LS_LINE_COMMENT, LS_LINE_DEFER, LS_LINE_ENTRY_AMP,
        LS_LINE_DEFER, LS_LINE_DEFER, LS_LINE_DEFER, LS_LINE_DEFER, LS_LINE_DEFER,
        LS_LINE_DEFER, LS_LINE_ENTRY, LS_LINE_DEFER, LS_LINE_DEFER,
    };
    static uint8_t buf[8192], long_line[5000];
    uint64_t offsets[N + 2] = {0};
    size_t w = 0;
    for (size_t i = 0; i < N; i++) {
        memcpy(buf + w, lines[i], strlen(lines[i]));
        w += strlen(lines[i]);
        offsets[i + 1] = w;
    }
    const char *names = "bit.lyt.co";
    uint64_t name_offsets[3] = {0, 6, 10};
    uint8_t codes[N + 1], out[512];
    size_t out_len = 0;
    CHECK(ls_compile_lines(ws, psl, (const uint8_t *)names, name_offsets, 2, buf, offsets, N,
                           codes, out, sizeof out, &out_len) == LS_OK, "compile lines");
    for (size_t i = 0; i < N; i++) CHECK(codes[i] == expected[i], "line %zu: code %u", i, codes[i]);
    const char *want = "a.example/y\nb.example/?p&amp;q\nb.example/?p&q\nbit.ly/\n";
    CHECK(out_len == strlen(want) && !memcmp(out, want, out_len), "expressions %.*s",
          (int)out_len, (const char *)out);
    /* A full output buffer defers the lines that do not fit (without shorteners, bit.ly/abc
     * is an entry, but 12 + 11 bytes do not fit in 20, while bit.ly/ does); a long line is
     * deferred. */
    CHECK(ls_compile_lines(ws, psl, NULL, NULL, 0, buf, offsets, N, codes, out, 20, &out_len) ==
              LS_OK && codes[0] == LS_LINE_ENTRY && codes[4] == LS_LINE_DEFER &&
              codes[5] == LS_LINE_DEFER && codes[11] == LS_LINE_ENTRY && out_len == 20 &&
              !memcmp(out, "a.example/y\nbit.ly/\n", 20),
          "a full buffer defers");
    memset(long_line, 'a', sizeof long_line);
    memcpy(long_line, "http://l.example/&amp;", 22);
    uint64_t long_offsets[2] = {0, sizeof long_line};
    CHECK(ls_compile_lines(ws, psl, NULL, NULL, 0, long_line, long_offsets, 1, codes, out,
                           sizeof out, &out_len) == LS_OK && codes[0] == LS_LINE_DEFER,
          "a line over 4,096 bytes is deferred");
    uint64_t unsorted[3] = {0, 4, 10};
    CHECK(ls_compile_lines(ws, psl, (const uint8_t *)"t.cobit.ly", unsorted, 2, buf, offsets, N,
                           codes, out, sizeof out, &out_len) == LS_ERR_ARGUMENT,
          "shortener names must ascend");
    CHECK(ls_compile_lines(ws, NULL, NULL, NULL, 0, buf, offsets, N, codes, out, sizeof out,
                           &out_len) == LS_ERR_ARGUMENT, "no psl");
    ls_psl_free(psl);
}

static void test_table_build(void) {
    enum { N = 300 };
    static uint8_t buf[N * 320], table[N * 16], tags_out[N * 2], buckets[257 * 4 + 8300];
    static uint64_t offsets[N + 1], scratch[(2 * N * 20 + 65537 * 8) / 8 + 1];
    static uint16_t tags[N];
    uint8_t salt[16];
    for (int i = 0; i < 16; i++) salt[i] = (uint8_t)(i * 7);
    size_t w = 0;
    for (size_t i = 0; i < N; i++) { /* lengths 0..299: one to six SHA-256 blocks */
        size_t len = i % 2 ? i : i / 3;
        if (i >= N - 10) { /* the expression of row i - 10 again, on another list */
            len = (size_t)(offsets[i - 9] - offsets[i - 10]);
            memcpy(buf + w, buf + offsets[i - 10], len);
        } else {
            for (size_t j = 0; j < len; j++) buf[w + j] = (uint8_t)('a' + (i + j) % 26);
        }
        w += len;
        offsets[i + 1] = w;
        tags[i] = (uint16_t)(i % 4);
    }
    ls_table_size size;
    for (uint32_t p = 0; p <= 2; p++) {
        CHECK(ls_table_sizes(N, 2, p, &size) == LS_OK && size.table == N * (16 - p) &&
                  size.tags == N * 2 / 8 && size.scratch <= sizeof scratch,
              "sizes p=%u", p);
        CHECK(ls_table_build(salt, buf, offsets, N, tags, 2, p, scratch, sizeof scratch, table,
                             size.table, tags_out, size.tags, buckets, size.buckets) == LS_OK,
              "table p=%u", p);
        /* every expression's fingerprint is a row, with its tag; rows ascend */
        size_t width = 16 - p;
        for (size_t i = 0; i < N; i++) {
            uint8_t fp[16];
            ls_fingerprint(salt, buf + offsets[i], (size_t)(offsets[i + 1] - offsets[i]), fp);
            int found = 0;
            for (size_t r = 0; r < N && !found; r++) {
                uint32_t tag = (tags_out[r * 2 / 8] >> (r * 2 % 8)) & 3;
                found = !memcmp(table + r * width, fp + p, width) && tag == tags[i];
            }
            CHECK(found, "p=%u: row of expression %zu", p, i);
        }
        for (size_t r = 1; r < N && p == 0; r++) {
            int cmp = memcmp(table + (r - 1) * 16, table + r * 16, 16);
            uint32_t a = (tags_out[(r - 1) / 4] >> ((r - 1) % 4 * 2)) & 3;
            uint32_t b = (tags_out[r / 4] >> (r % 4 * 2)) & 3;
            CHECK(cmp < 0 || (cmp == 0 && a < b), "rows ascend at %zu", r);
        }
        if (p) CHECK(buckets[256 * 4] == N % 256 && buckets[256 * 4 + 1] == N / 256, "offsets end at n");
    }
    CHECK(ls_table_sizes(N, 3, 0, &size) == LS_ERR_ARGUMENT, "tag width 3");
    CHECK(ls_table_sizes(N, 2, 3, &size) == LS_ERR_ARGUMENT, "p = 3");
    ls_table_sizes(N, 1, 0, &size);
    CHECK(ls_table_build(salt, buf, offsets, N, tags, 1, 0, scratch, sizeof scratch, table,
                         size.table, tags_out, size.tags, NULL, 0) == LS_ERR_ARGUMENT,
          "a tag of 3 does not fit one bit");
    ls_table_sizes(N, 2, 0, &size);
    CHECK(ls_table_build(salt, buf, offsets, N, tags, 2, 0, scratch, sizeof scratch, table,
                         size.table - 1, tags_out, size.tags, NULL, 0) == LS_ERR_ARGUMENT,
          "a section of the wrong size");
    CHECK(ls_table_build(salt, buf, offsets, N, tags, 2, 0, scratch, 64, table, size.table,
                         tags_out, size.tags, NULL, 0) == LS_ERR_ARGUMENT, "scratch too small");
}

int main(void) {
    test_sha256();
    test_murmur();
    test_bloom_and_table();
    test_buckets();
    test_canonical();
    test_psl_and_check();
    test_bundle();
    test_canonicalize_many();
    test_compile_lines();
    test_table_build();
    if (failures) {
        fprintf(stderr, "%d native check(s) failed\n", failures);
        return 1;
    }
    printf("native core: all checks passed under sanitizers\n");
    return 0;
}
