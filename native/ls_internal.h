/* Internal helpers shared by the C core's files; not part of the public API (linkscreen.h). */
#ifndef LS_INTERNAL_H
#define LS_INTERNAL_H

#include "linkscreen.h"

#include <stdint.h>
#include <string.h>

#define LS_ABI_VERSION 3
#define LS_CANONICALIZATION_VERSION 1
#define LS_MAX_URL_CHARS 32768
#define LS_MAX_URL_BYTES (4 * LS_MAX_URL_CHARS)
#define LS_MAX_UNESCAPE_ROUNDS 32
/* Characters the host-only reading scans (canonical.HOST_SCAN_CHARS). */
#define LS_HOST_SCAN_CHARS 4096
#define LS_MAX_VARIANTS 4
#define LS_MAX_HOSTS 5
#define LS_MAX_PATHS 6
#define LS_MAX_EXPRESSIONS (LS_MAX_HOSTS * LS_MAX_PATHS)
#define LS_FINGERPRINT_BYTES 16
#define LS_SALT_BYTES 16
/* Longest host, in code points, mapped by UTS #46 at all (the idna package's bound). */
#define LS_MAX_MAPPED_CHARS 1024
/* Workspace: a bump arena. Sized for the worst case of a 128 KiB URL (four readings, each
 * escaping up to 3x) plus IDN mapping; an input that still does not fit is refused with
 * LS_ERR_WORKSPACE, never truncated. */
#define LS_WORKSPACE_BYTES (4u << 20)

struct ls_workspace {
    uint8_t *base;
    size_t size;
    size_t used;
};

/* A byte string being built in the workspace. */
typedef struct {
    uint8_t *ptr;
    size_t len;
} ls_buf;

#define LS_TRY(expr)                                                                         \
    do {                                                                                     \
        ls_status ls_try_status_ = (expr);                                                   \
        if (ls_try_status_ != LS_OK) return ls_try_status_;                                  \
    } while (0)

static inline uint8_t *ls_alloc(ls_workspace *ws, size_t n) {
    size_t aligned = (n + 7u) & ~(size_t)7u;
    if (aligned < n || aligned > ws->size - ws->used) return NULL;
    uint8_t *p = ws->base + ws->used;
    ws->used += aligned;
    return p;
}

static inline int ls_has_byte(const uint8_t *p, size_t n, uint8_t c) {
    return n && memchr(p, c, n) != NULL;
}

/* Word-at-a-time scanning (portable: eight bytes read with memcpy, no alignment assumed). */
#define LS_ONES UINT64_C(0x0101010101010101)
#define LS_HIGHS UINT64_C(0x8080808080808080)

static inline uint64_t ls_load64(const uint8_t *p) {
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* Nonzero when some byte of w is below bound (exact for bound <= 0x80). */
static inline uint64_t ls_word_below(uint64_t w, uint8_t bound) {
    return (w - LS_ONES * bound) & ~w & LS_HIGHS;
}

/* Nonzero when some byte of w equals c. */
static inline uint64_t ls_word_has(uint64_t w, uint8_t c) {
    uint64_t x = w ^ (LS_ONES * c);
    return (x - LS_ONES) & ~x & LS_HIGHS;
}

/* Index of the first byte of p[0..n) below bound (bound <= 0x80), or n. */
static inline size_t ls_scan_below(const uint8_t *p, size_t n, uint8_t bound) {
    size_t i = 0;
    while (i + 8 <= n && !ls_word_below(ls_load64(p + i), bound)) i += 8;
    while (i < n && p[i] >= bound) i++;
    return i;
}

/* ls_unicode.c */
/* Decode one code point of strict UTF-8 (as CPython does) at p[0..n); returns its length,
 * or 0 when the bytes there are not a valid sequence. */
size_t ls_utf8_decode(const uint8_t *p, size_t n, uint32_t *cp);
size_t ls_utf8_encode(uint32_t cp, uint8_t out[4]);
/* Characters of a byte string read with surrogateescape (each invalid byte is one). */
size_t ls_utf8_char_count(const uint8_t *p, size_t n);
/* UTS #46 remap + NFC of the code points cps[0..n) into out (capacity cap code points).
 * Returns LS_OK, LS_ERR_INVALID_URL for a disallowed code point or more than
 * LS_MAX_MAPPED_CHARS code points (the caller keeps the raw bytes then), or
 * LS_ERR_WORKSPACE. */
ls_status ls_uts46_remap(ls_workspace *ws, const uint32_t *cps, size_t n, uint32_t **out,
                         size_t *out_len);
ls_status ls_nfc(ls_workspace *ws, const uint32_t *cps, size_t n, uint32_t **out,
                 size_t *out_len);
/* RFC 3492 encoding of a label's code points, appended at out (capacity cap). */
ls_status ls_punycode_encode(const uint32_t *cps, size_t n, uint8_t *out, size_t cap,
                             size_t *out_len);
/* Status and replacement of one code point (for tests): 'K', 'M', 'I' or 'X'. */
int ls_uts46_status(uint32_t cp, const uint8_t **replacement, size_t *replacement_len);

/* ls_psl.c: an empty list and one rule in the publicsuffix.org form ("*.ck", "!www.ck"),
 * for the bundle reader, which decodes the rules of a bundle's PSL section. */
ls_status ls_psl_new_empty(ls_psl **out);
ls_status ls_psl_add_rule(ls_psl *psl, const uint8_t *rule, size_t len);

/* ls_psl.c: ls_check_url, with out->text built only when with_text is set (otherwise empty),
 * and that text alone, built from out's readings and expressions into the workspace. */
ls_status ls_check_url_internal(ls_workspace *ws, const ls_psl *psl, const ls_tables *tables,
                                const uint8_t *url, size_t len, ls_url_result *out,
                                int with_text);
ls_status ls_result_text_internal(ls_workspace *ws, ls_url_result *out);

/* ls_bundle.c, for ls_delta.c: a header read and bounded as the reader does, and a payload
 * parsed with every check (the canonicalisation version only when check_version is set,
 * as format.parse_payload leaves it to the reader). */
ls_status ls_bundle_read_header(const uint8_t *p, size_t len, ls_bundle_info *h);
ls_status ls_bundle_check_header(const ls_bundle_info *h);
ls_status ls_bundle_parse(const uint8_t *payload, size_t len, int check_version, ls_bundle **out);

/* ls_hash.c: the fingerprint of each of count expressions (buf[offsets[i] .. offsets[i+1]))
 * to out + i * stride, for a compiler's table. */
void ls_fingerprints_internal(const uint8_t salt[16], const uint8_t *buf, const uint64_t *offsets,
                              size_t count, uint8_t *out, size_t stride);

/* ls_url.c */
ls_status ls_variants_internal(ls_workspace *ws, const uint8_t *url, size_t len, ls_str *out,
                               size_t *count, int browser_only);
ls_status ls_host_only_internal(ls_workspace *ws, const uint8_t *url, size_t len, ls_str *out,
                                size_t *count);

#endif
