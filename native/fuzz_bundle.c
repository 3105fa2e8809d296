/* libFuzzer target for the bundle reader and the delta merge (tests/test_native_fuzz.py builds
 * it with ASan and UBSan and runs it for a bounded time). Each input is read two ways:
 *  - as a payload, opened with its own SHA-256 (ls_bundle_open_payload): accepted or refused,
 *    never a crash; an accepted one is read through every accessor and checks URLs;
 *  - as a delta to the payload in LS_FUZZ_OLD (ls_delta_apply): an accepted delta's payload
 *    has the size it announced and its target hash, and is then read as the client reads it.
 * The test then replays every input the fuzzer kept through the Python reader and merge, which
 * must accept and refuse exactly the same inputs. */
#include "linkscreen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAIL(...)                                                                            \
    do {                                                                                     \
        fprintf(stderr, "fuzz_bundle: " __VA_ARGS__);                                        \
        fprintf(stderr, "\n");                                                               \
        abort();                                                                             \
    } while (0)

static uint8_t *old_payload;
static size_t old_len;
static ls_workspace *ws;
static ls_url_result *result;

static void load(void) {
    const char *path = getenv("LS_FUZZ_OLD");
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f) FAIL("LS_FUZZ_OLD must name a payload");
    old_payload = malloc(1 << 22);
    old_len = fread(old_payload, 1, 1 << 22, f);
    fclose(f);
    void *memory = malloc(ls_workspace_bytes());
    result = malloc(sizeof *result);
    if (ls_workspace_init(memory, ls_workspace_bytes(), &ws) != LS_OK) FAIL("workspace");
}

static void read_all(const ls_bundle *b) {
    ls_bundle_info info;
    ls_list_info list;
    ls_str locale, text, link;
    uint32_t index;
    if (ls_bundle_get_info(b, &info) != LS_OK) FAIL("info of an open bundle");
    for (uint32_t i = 0; i < info.list_count; i++) {
        if (ls_bundle_list(b, i, &list) != LS_OK) FAIL("list %u of %u", i, info.list_count);
        for (uint32_t j = 0; j < list.message_count; j++) {
            if (ls_bundle_list_message(b, i, j, &locale, &text, &link) != LS_OK) FAIL("message");
        }
    }
    for (uint64_t row = 0; row < info.fingerprint_count && row < 64; row++) {
        if (ls_bundle_row_list(b, row, &index) != LS_OK || index >= info.list_count) {
            FAIL("row %llu names list %u of %u", (unsigned long long)row, index, info.list_count);
        }
    }
    static const char *urls[] = {"http://blocked-host.example/x", "https://a.b.co.example/p?q",
                                 "http://short.example/abc", "http://192.0.2.7/x"};
    for (size_t u = 0; u < sizeof urls / sizeof *urls; u++) {
        ls_status s = ls_bundle_check_url(ws, b, NULL, (const uint8_t *)urls[u],
                                          strlen(urls[u]), result);
        if (info.psl_embedded && s != LS_OK) FAIL("check_url: %s", ls_status_name(s));
        for (size_t i = 0; s == LS_OK && i < result->expression_count; i++) {
            for (int64_t row = result->rows[i]; row >= 0 && row < result->row_ends[i]; row++) {
                if (ls_bundle_row_list(b, (uint64_t)row, &index) != LS_OK) FAIL("matched row");
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!old_payload) load();
    uint8_t digest[32];
    ls_bundle *b;
    ls_sha256(data, size, digest);
    if (ls_bundle_open_payload(data, size, digest, &b) == LS_OK) {
        read_all(b);
        ls_bundle_free(b);
    }
    size_t need = 0;
    ls_status s = ls_delta_apply(old_payload, old_len, data, size, NULL, 0, &need);
    if (s == LS_ERR_BUFFER) {
        uint8_t *out = malloc(need ? need : 1);
        size_t len = 0;
        s = ls_delta_apply(old_payload, old_len, data, size, out, need, &len);
        if (s == LS_OK) {
            if (len != need) FAIL("delta size %zu, said %zu", len, need);
            ls_sha256(out, len, digest);
            if (memcmp(digest, data + 40, 32) != 0) FAIL("delta result misses its target");
            /* whoever wrote the delta chose its output (and so its hash): the client opens
             * it with the reader, which must read it in bounds or refuse it */
            if (ls_bundle_open_payload(out, len, digest, &b) == LS_OK) {
                read_all(b);
                ls_bundle_free(b);
            }
        }
        free(out);
    }
    if (s != LS_OK && s != LS_ERR_DELTA && s != LS_ERR_BUFFER) FAIL("delta: %s", ls_status_name(s));
    return 0;
}
