/* WebAssembly exports: flat-argument wrappers over linkscreen.h for hosts (JavaScript,
 * wasmtime) that pass integers and linear-memory offsets rather than C structs. Built only by
 * `make wasm`; the module imports nothing (no WASI calls, no I/O). docs/native.md lists them. */
#include "linkscreen.h"

#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))
#define LS_TRY_WASM(expr)                                                                    \
    do {                                                                                     \
        ls_status status_ = (expr);                                                          \
        if (status_ != LS_OK) return status_;                                                \
    } while (0)

EXPORT("lsw_alloc") void *lsw_alloc(size_t size) { return malloc(size ? size : 1); }
EXPORT("lsw_free") void lsw_free(void *ptr) { free(ptr); }

/* A workspace in fresh memory; *out receives it. */
EXPORT("lsw_workspace_new") ls_status lsw_workspace_new(ls_workspace **out) {
    size_t size = ls_workspace_bytes();
    void *memory = malloc(size);
    if (!memory) return LS_ERR_NOMEM;
    return ls_workspace_init(memory, size, out);
}

EXPORT("lsw_psl_new") ls_status lsw_psl_new(const uint8_t *text, size_t len, ls_psl **out) {
    return ls_psl_new(text, len, out);
}

static size_t put(uint8_t *out, size_t cap, size_t w, const void *data, size_t n) {
    if (w + n <= cap) memcpy(out + w, data, n);
    return w + n;
}

static size_t put_row(uint8_t *out, size_t cap, size_t w, int64_t row) {
    char digits[24];
    size_t n = 0;
    uint64_t v = row < 0 ? 0 : (uint64_t)row;
    if (row < 0) return put(out, cap, w, "-1", 2);
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n / 2; i++) {
        char t = digits[i];
        digits[i] = digits[n - 1 - i];
        digits[n - 1 - i] = t;
    }
    return put(out, cap, w, digits, n);
}

/* ls_check_url with the probe tables as flat arguments. The result is text in out: "H\n"
 * first when only the hosts were read (a URL past a limit), "V <canonical>\n" per reading,
 * then "E <expression> <row>\n" per expression.
 * *out_len is the length needed; LS_ERR_BUFFER when it exceeds cap. */
EXPORT("lsw_check_url")
ls_status lsw_check_url(ls_workspace *ws, const ls_psl *psl, const uint8_t *bloom,
                        uint64_t bloom_bits, uint32_t bloom_k, uint32_t bloom_seed,
                        const uint8_t *fingerprints, uint64_t fingerprint_count,
                        uint32_t prefix_bytes, const uint8_t *buckets,
                        const uint8_t *salt, const uint8_t *url, size_t len, uint8_t *out,
                        size_t cap, size_t *out_len) {
    static const ls_url_result empty;
    ls_url_result *result = malloc(sizeof *result);
    if (!result) return LS_ERR_NOMEM;
    *result = empty;
    ls_tables tables = {bloom,     bloom_bits,        bloom_k, bloom_seed,  fingerprints,
                        fingerprint_count, salt, prefix_bytes, buckets};
    ls_status status = ls_check_url(ws, psl, &tables, url, len, result);
    if (status == LS_OK) {
        size_t w = 0;
        if (result->host_only) w = put(out, cap, w, "H\n", 2);
        for (size_t i = 0; i < result->variant_count; i++) {
            w = put(out, cap, w, "V ", 2);
            w = put(out, cap, w, result->variants[i].ptr, result->variants[i].len);
            w = put(out, cap, w, "\n", 1);
        }
        for (size_t i = 0; i < result->expression_count; i++) {
            w = put(out, cap, w, "E ", 2);
            w = put(out, cap, w, result->expressions[i].ptr, result->expressions[i].len);
            w = put(out, cap, w, " ", 1);
            w = put_row(out, cap, w, result->rows[i]);
            w = put(out, cap, w, "\n", 1);
        }
        *out_len = w;
        if (w > cap) status = LS_ERR_BUFFER;
    }
    free(result);
    return status;
}

/* ---- bundles and deltas. The module imports nothing, so it cannot call a signature hook:
 * the host verifies the envelope's Ed25519 signature (WebCrypto) and opens the payload with
 * the SHA-256 its signed manifest names. */

EXPORT("lsw_bundle_open_payload")
ls_status lsw_bundle_open_payload(const uint8_t *payload, size_t len, const uint8_t *sha256,
                                  ls_bundle **out) {
    return ls_bundle_open_payload(payload, len, sha256, out);
}

EXPORT("lsw_bundle_free") ls_status lsw_bundle_free(ls_bundle *bundle) {
    return ls_bundle_free(bundle);
}

/* List index of a fingerprint row, then the list's id (pointer and length) and action. */
EXPORT("lsw_bundle_row_list")
ls_status lsw_bundle_row_list(const ls_bundle *bundle, uint64_t row, uint32_t *list_index) {
    return ls_bundle_row_list(bundle, row, list_index);
}

EXPORT("lsw_bundle_list")
ls_status lsw_bundle_list(const ls_bundle *bundle, uint32_t index, const uint8_t **id,
                          size_t *id_len, uint32_t *action) {
    ls_list_info info;
    LS_TRY_WASM(ls_bundle_list(bundle, index, &info));
    *id = info.id.ptr;
    *id_len = info.id.len;
    *action = info.action;
    return LS_OK;
}

/* ls_bundle_check_url as text in out: "H\n" for a host-only reading, "S\n" for a link on a
 * URL shortener, "V <canonical>\n" per reading, "E <expression> <first row> <end row>\n". */
EXPORT("lsw_bundle_check_url")
ls_status lsw_bundle_check_url(ls_workspace *ws, const ls_bundle *bundle, const uint8_t *url,
                               size_t len, uint8_t *out, size_t cap, size_t *out_len) {
    static const ls_url_result empty;
    ls_url_result *result = malloc(sizeof *result);
    if (!result) return LS_ERR_NOMEM;
    *result = empty;
    ls_status status = ls_bundle_check_url(ws, bundle, NULL, url, len, result);
    if (status == LS_OK) {
        size_t w = 0;
        if (result->host_only) w = put(out, cap, w, "H\n", 2);
        if (result->shortened) w = put(out, cap, w, "S\n", 2);
        for (size_t i = 0; i < result->variant_count; i++) {
            w = put(out, cap, w, "V ", 2);
            w = put(out, cap, w, result->variants[i].ptr, result->variants[i].len);
            w = put(out, cap, w, "\n", 1);
        }
        for (size_t i = 0; i < result->expression_count; i++) {
            w = put(out, cap, w, "E ", 2);
            w = put(out, cap, w, result->expressions[i].ptr, result->expressions[i].len);
            w = put(out, cap, w, " ", 1);
            w = put_row(out, cap, w, result->rows[i]);
            w = put(out, cap, w, " ", 1);
            w = put_row(out, cap, w, result->row_ends[i]);
            w = put(out, cap, w, "\n", 1);
        }
        *out_len = w;
        if (w > cap) status = LS_ERR_BUFFER;
    }
    free(result);
    return status;
}

/* ls_bundle_screen_url: *flags (LS_SCREEN_MATCHED 1, SHORTENED 2, HOST_ONLY 4, CONTROL 8,
 * WRAPPED 16, ODD 32) is all a host
 * needs for a URL no list has; it calls lsw_bundle_check_url for the details of a match. */
EXPORT("lsw_bundle_screen_url")
ls_status lsw_bundle_screen_url(ls_workspace *ws, const ls_bundle *bundle, const uint8_t *url,
                                size_t len, uint32_t *flags) {
    ls_url_result *result = malloc(sizeof *result);
    if (!result) return LS_ERR_NOMEM;
    ls_status status = ls_bundle_screen_url(ws, bundle, NULL, url, len, result, flags);
    free(result);
    return status;
}

EXPORT("lsw_delta_apply")
ls_status lsw_delta_apply(const uint8_t *old, size_t old_len, const uint8_t *delta,
                          size_t delta_len, uint8_t *out, size_t cap, size_t *out_len) {
    return ls_delta_apply(old, old_len, delta, delta_len, out, cap, out_len);
}

/* ls_fingerprint for hosts that check the hashing vectors. */
EXPORT("lsw_fingerprint")
ls_status lsw_fingerprint(const uint8_t *salt, const uint8_t *expr, size_t len, uint8_t *out) {
    return ls_fingerprint(salt, expr, len, out);
}

EXPORT("lsw_abi_version") uint32_t lsw_abi_version(void) { return ls_abi_version(); }
