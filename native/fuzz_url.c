/* libFuzzer target for the URL path (clang -fsanitize=fuzzer,address,undefined; `make fuzz`).
 *
 * At start it replays the Python reference's answers (LS_FUZZ_EXPECT, written by
 * tests/native_fuzz_corpus.py: one line per URL, hex fields separated by tabs) and aborts on
 * the first disagreement. Then, for every input the fuzzer makes, it checks what must hold
 * whatever the input: only LS_OK, LS_ERR_INVALID_URL or LS_ERR_URL_LIMIT (then the host-only
 * reading, as the matcher does); 1-4 readings, each printable ASCII
 * starting with a web scheme; the first reading equals ls_canonicalize; canonicalising a
 * canonical URL gives it back; at most 30 expressions per reading; ls_check_url agrees with
 * the parts. tests/test_native_fuzz.py then replays every input the fuzzer kept through both
 * C and Python. */
#include "linkscreen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ls_workspace *ws;
static ls_psl *psl;
static ls_tables tables;
static uint8_t bloom[64], table[16], salt[16];

#define FAIL(...)                                                                            \
    do {                                                                                     \
        fprintf(stderr, "fuzz_url: " __VA_ARGS__);                                          \
        fprintf(stderr, "\n");                                                               \
        abort();                                                                             \
    } while (0)

static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) FAIL("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)size + 1);
    if (!data || fread(data, 1, (size_t)size, f) != (size_t)size) FAIL("cannot read %s", path);
    fclose(f);
    data[size] = 0;
    *len = (size_t)size;
    return data;
}

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Decode hex from *p up to one of stop (or NUL) into out; returns the length. */
static size_t unhex(const char **p, const char *stop, uint8_t *out) {
    size_t n = 0;
    while (**p && !strchr(stop, **p)) {
        int hi = hexval((*p)[0]), lo = hexval((*p)[1]);
        if (hi < 0 || lo < 0) FAIL("bad hex in expectations");
        out[n++] = (uint8_t)(hi << 4 | lo);
        *p += 2;
    }
    return n;
}

static int same(ls_str s, const uint8_t *b, size_t n) { return s.len == n && !memcmp(s.ptr, b, n); }

static void replay(const char *path) {
    size_t len;
    char *text = (char *)read_file(path, &len);
    uint8_t *url = malloc(1 << 20), *item = malloc(1 << 20);
    ls_url_result *r = malloc(sizeof *r);
    size_t records = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        const char *p = line;
        size_t url_len = unhex(&p, "\t", url);
        if (*p++ != '\t') FAIL("bad record %zu", records);
        char kind = *p++; /* 0 refused, 1 read, 2 unchecked (limit, no host), 3 host-only */
        ls_status status = ls_check_url(ws, psl, &tables, url, url_len, r);
        if (kind == '0' || kind == '2') {
            ls_status want = kind == '0' ? LS_ERR_INVALID_URL : LS_ERR_URL_LIMIT;
            if (status != want) FAIL("record %zu: Python says %s, C says %s", records, ls_status_name(want), ls_status_name(status));
            records++;
            continue;
        }
        if (status != LS_OK) FAIL("record %zu: Python reads it, C says %s", records, ls_status_name(status));
        if (r->host_only != (kind == '3')) FAIL("record %zu: host-only %d, Python %c", records, r->host_only, kind);
        if (*p++ != '\t') FAIL("bad record %zu", records);
        size_t count = 0;
        while (*p && *p != '\t') {
            size_t n = unhex(&p, ",\t", item);
            if (count >= r->variant_count || !same(r->variants[count], item, n)) FAIL("record %zu: reading %zu differs", records, count);
            count++;
            if (*p == ',') p++;
        }
        if (count != r->variant_count) FAIL("record %zu: %zu readings, Python %zu", records, r->variant_count, count);
        if (*p++ != '\t') FAIL("bad record %zu", records);
        count = 0;
        while (*p) {
            size_t n = unhex(&p, ",", item);
            if (count >= r->expression_count || !same(r->expressions[count], item, n)) FAIL("record %zu: expression %zu differs", records, count);
            count++;
            if (*p == ',') p++;
        }
        if (count != r->expression_count) FAIL("record %zu: %zu expressions, Python %zu", records, r->expression_count, count);
        records++;
    }
    fprintf(stderr, "fuzz_url: %zu Python answers replayed, 0 disagreements\n", records);
    free(text);
    free(url);
    free(item);
    free(r);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    const char *psl_path = getenv("LS_FUZZ_PSL"), *expect = getenv("LS_FUZZ_EXPECT");
    if (!psl_path) FAIL("set LS_FUZZ_PSL to a Public Suffix List file");
    void *memory = malloc(ls_workspace_bytes());
    if (ls_workspace_init(memory, ls_workspace_bytes(), &ws) != LS_OK) FAIL("workspace");
    size_t len;
    uint8_t *text = read_file(psl_path, &len);
    if (ls_psl_new(text, len, &psl) != LS_OK) FAIL("cannot load %s", psl_path);
    free(text);
    memset(bloom, 0xFF, sizeof bloom); /* every probe reaches the fingerprint table */
    tables = (ls_tables){bloom, 512, 3, 7, table, 1, salt, 0, NULL};
    if (expect) replay(expect);
    return 0;
}

static int is_web(ls_str s) {
    static const char *prefixes[] = {"http://", "https://", "ftp://"};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(prefixes[i]);
        if (s.len > n && !memcmp(s.ptr, prefixes[i], n)) return 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    ls_str variants[4], first;
    size_t count = 0;
    int host_only = 0;
    ls_status status = ls_canonical_variants(ws, data, size, variants, &count);
    if (status == LS_ERR_URL_LIMIT) {
        host_only = 1;
        status = ls_host_only_variants(ws, data, size, variants, &count);
        if (status == LS_ERR_INVALID_URL) status = LS_ERR_URL_LIMIT;
    }
    if (status == LS_ERR_INVALID_URL || status == LS_ERR_URL_LIMIT) {
        ls_url_result r;
        ls_status checked = ls_check_url(ws, psl, &tables, data, size, &r);
        if (checked != status) FAIL("check_url says %s, the parts %s", ls_status_name(checked), ls_status_name(status));
        return 0;
    }
    if (status != LS_OK) FAIL("variants: %s", ls_status_name(status));
    if (count < 1 || count > ls_max_variants()) FAIL("%zu readings", count);
    size_t total = 0;
    uint8_t *copies[4];
    size_t lens[4];
    for (size_t i = 0; i < count; i++) {
        if (!is_web(variants[i])) FAIL("reading %zu has no web scheme", i);
        for (size_t j = 0; j < variants[i].len; j++) {
            if (variants[i].ptr[j] <= 0x20 || variants[i].ptr[j] >= 0x7F) FAIL("raw byte in reading");
        }
        if (host_only && variants[i].ptr[variants[i].len - 1] != '/') FAIL("host-only reading with a path");
        copies[i] = malloc(variants[i].len);
        memcpy(copies[i], variants[i].ptr, variants[i].len);
        lens[i] = variants[i].len;
    }
    if (!host_only && ls_canonicalize(ws, data, size, &first) == LS_OK && !same(first, copies[0], lens[0])) {
        FAIL("ls_canonicalize differs from reading 0");
    }
    for (size_t i = 0; i < count; i++) {
        ls_str again;
        if (ls_canonicalize(ws, copies[i], lens[i], &again) != LS_OK || !same(again, copies[i], lens[i])) {
            FAIL("canonical reading %zu is not a fixed point: %.*s", i, (int)lens[i], (const char *)copies[i]);
        }
        ls_str exprs[30];
        size_t n = 0;
        ls_workspace_reset(ws);
        if (ls_expressions(ws, psl, copies[i], lens[i], exprs, &n) != LS_OK || n < 1 || n > 30) FAIL("expressions");
        total += n;
    }
    ls_url_result *r = malloc(sizeof *r);
    if (ls_check_url(ws, psl, &tables, data, size, r) != LS_OK) FAIL("check_url refuses a readable URL");
    if (r->host_only != host_only) FAIL("check_url host-only flag");
    if (r->variant_count != count || r->expression_count > total || r->expression_count < 1) FAIL("check_url counts");
    for (size_t i = 0; i < count; i++) {
        if (!same(r->variants[i], copies[i], lens[i])) FAIL("check_url reading %zu", i);
        free(copies[i]);
    }
    free(r);
    return 0;
}
