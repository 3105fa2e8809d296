/* Constants, status names, the workspace and the canonical-URL entry points of linkscreen.h. */
#include "ls_internal.h"

uint32_t ls_abi_version(void) { return LS_ABI_VERSION; }
uint32_t ls_canonicalization_version(void) { return LS_CANONICALIZATION_VERSION; }
size_t ls_max_url_chars(void) { return LS_MAX_URL_CHARS; }
size_t ls_max_url_bytes(void) { return LS_MAX_URL_BYTES; }
uint32_t ls_max_unescape_rounds(void) { return LS_MAX_UNESCAPE_ROUNDS; }
size_t ls_host_scan_chars(void) { return LS_HOST_SCAN_CHARS; }
size_t ls_max_variants(void) { return LS_MAX_VARIANTS; }
size_t ls_max_expressions(void) { return LS_MAX_EXPRESSIONS; }
size_t ls_max_url_expressions(void) { return LS_URL_RESULT_EXPRESSIONS; }
size_t ls_fingerprint_bytes(void) { return LS_FINGERPRINT_BYTES; }
size_t ls_salt_bytes(void) { return LS_SALT_BYTES; }
size_t ls_workspace_bytes(void) { return LS_WORKSPACE_BYTES + sizeof(struct ls_workspace) + 8; }

const char *ls_status_name(ls_status status) {
    switch (status) {
    case LS_OK: return "LS_OK";
    case LS_ERR_ARGUMENT: return "LS_ERR_ARGUMENT";
    case LS_ERR_INVALID_URL: return "LS_ERR_INVALID_URL";
    case LS_ERR_WORKSPACE: return "LS_ERR_WORKSPACE";
    case LS_ERR_PSL: return "LS_ERR_PSL";
    case LS_ERR_NOMEM: return "LS_ERR_NOMEM";
    case LS_ERR_BUFFER: return "LS_ERR_BUFFER";
    case LS_ERR_URL_LIMIT: return "LS_ERR_URL_LIMIT";
    case LS_ERR_BUNDLE_CORRUPT: return "LS_ERR_BUNDLE_CORRUPT";
    case LS_ERR_BUNDLE_VERSION: return "LS_ERR_BUNDLE_VERSION";
    case LS_ERR_UNKNOWN_KEY: return "LS_ERR_UNKNOWN_KEY";
    case LS_ERR_SIGNATURE: return "LS_ERR_SIGNATURE";
    case LS_ERR_HASH: return "LS_ERR_HASH";
    case LS_ERR_DELTA: return "LS_ERR_DELTA";
    default: return "LS_ERR_UNKNOWN";
    }
}

ls_status ls_workspace_init(void *memory, size_t size, ls_workspace **out) {
    if (!memory || !out || ((uintptr_t)memory & 7) || size < sizeof(struct ls_workspace) + 64) {
        return LS_ERR_ARGUMENT;
    }
    ls_workspace *ws = (ls_workspace *)memory;
    size_t header = (sizeof(struct ls_workspace) + 7u) & ~(size_t)7u;
    ws->base = (uint8_t *)memory + header;
    ws->size = size - header;
    ws->used = 0;
    *out = ws;
    return LS_OK;
}

ls_status ls_workspace_reset(ls_workspace *ws) {
    if (!ws) return LS_ERR_ARGUMENT;
    ws->used = 0;
    return LS_OK;
}

ls_status ls_canonicalize(ls_workspace *ws, const uint8_t *url, size_t len, ls_str *out) {
    if (!ws || (!url && len) || !out) return LS_ERR_ARGUMENT;
    ws->used = 0;
    ls_str variants[LS_MAX_VARIANTS];
    size_t count;
    LS_TRY(ls_variants_internal(ws, url ? url : (const uint8_t *)"", len, variants, &count, 1));
    *out = variants[0];
    return LS_OK;
}

ls_status ls_canonical_variants(ls_workspace *ws, const uint8_t *url, size_t len, ls_str *out,
                                size_t *count) {
    if (!ws || (!url && len) || !out || !count) return LS_ERR_ARGUMENT;
    ws->used = 0;
    return ls_variants_internal(ws, url ? url : (const uint8_t *)"", len, out, count, 0);
}

ls_status ls_host_only_variants(ls_workspace *ws, const uint8_t *url, size_t len, ls_str *out,
                                size_t *count) {
    if (!ws || (!url && len) || !out || !count) return LS_ERR_ARGUMENT;
    ws->used = 0;
    return ls_host_only_internal(ws, url ? url : (const uint8_t *)"", len, out, count);
}

ls_status ls_canonicalize_many(ls_workspace *ws, const uint8_t *buf, const uint64_t *offsets,
                               size_t count, uint8_t *out, size_t cap, uint64_t *out_offsets,
                               ls_status *statuses) {
    if (!ws || (count && (!buf || !offsets || !out_offsets || !statuses)) || (!out && cap)) {
        return LS_ERR_ARGUMENT;
    }
    for (size_t i = 0; i < count; i++) {
        if (offsets[i + 1] < offsets[i]) return LS_ERR_ARGUMENT;
    }
    size_t w = 0;
    out_offsets[0] = 0;
    for (size_t i = 0; i < count; i++) {
        ls_str canonical;
        ls_status s = ls_canonicalize(ws, buf + offsets[i], (size_t)(offsets[i + 1] - offsets[i]),
                                      &canonical);
        if (s == LS_OK && canonical.len > cap - w) s = LS_ERR_BUFFER;
        if (s == LS_OK) {
            memcpy(out + w, canonical.ptr, canonical.len);
            w += canonical.len;
        } else if (s != LS_ERR_INVALID_URL && s != LS_ERR_URL_LIMIT && s != LS_ERR_BUFFER) {
            return s;
        }
        statuses[i] = s;
        out_offsets[i + 1] = w;
    }
    return LS_OK;
}
