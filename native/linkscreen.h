/* linkscreen C core: the whole URL path of a linkscreen client, byte-identical to the Python
 * reference (sdk/linkscreen): canonicalise (every reading) -> lookup expressions (with a
 * Public Suffix List) -> fingerprint -> Bloom probe -> matching fingerprint rows.
 *
 * Rules: docs/canonicalization.md; bytes hashed and probed: docs/bundle-format.md; how to use
 * this header from C, Swift, Kotlin or WebAssembly: docs/native.md.
 *
 * Conventions, for every function below:
 *  - It returns an ls_status; LS_OK (0) is success, anything else names what went wrong.
 *    Results come back through out-parameters, which are written only on success.
 *  - No global or static mutable state: the core is re-entrant and thread-safe as long as each
 *    thread uses its own ls_workspace. An ls_psl is read-only after ls_psl_new and may be
 *    shared between threads.
 *  - No allocation except ls_psl_new. Canonicalisation uses a caller-provided workspace; the
 *    probe functions use none. Strings returned as ls_str point into the workspace (or into
 *    the caller's input) and stay valid until the next call with the same workspace.
 *  - Sizes and limits are functions, not macros, so bindings read them from the library
 *    they load instead of copying numbers.
 *  - A URL is bytes: UTF-8, where bytes that are not valid UTF-8 stand for themselves (Python
 *    reads them with the surrogateescape handler). */
#ifndef LINKSCREEN_H
#define LINKSCREEN_H

#include <stddef.h>
#include <stdint.h>

typedef int ls_status;

/* Status codes. */
enum {
    LS_OK = 0,
    LS_ERR_ARGUMENT = 1,    /* a NULL pointer, a zero size or an inconsistent argument */
    LS_ERR_INVALID_URL = 2, /* not a web URL with a readable host (Python: InvalidURLError) */
    LS_ERR_WORKSPACE = 3,   /* the workspace is too small for this input */
    LS_ERR_PSL = 4,         /* the Public Suffix List text cannot be read */
    LS_ERR_NOMEM = 5,       /* ls_psl_new could not allocate */
    LS_ERR_BUFFER = 6,      /* an output buffer is too small */
    LS_ERR_URL_LIMIT = 7,   /* the URL passed a limit (length, unescape rounds) before it could
                               be read: Python's URLLimitError, a kind of invalid URL. The URL
                               may work in a browser, so its host is still checked. */
    LS_ERR_BUNDLE_CORRUPT = 8, /* a bundle's bytes break a bound of docs/bundle-format.md
                                  (Python: BundleCorruptError) */
    LS_ERR_BUNDLE_VERSION = 9, /* an envelope, format or canonicalisation version this core
                                  does not read (UnsupportedBundleVersionError) */
    LS_ERR_UNKNOWN_KEY = 10,   /* signed by a key the verify hook does not trust
                                  (UnknownSigningKeyError) */
    LS_ERR_SIGNATURE = 11,     /* the signature does not verify (BundleSignatureError) */
    LS_ERR_HASH = 12,          /* a bare payload does not match its signed SHA-256
                                  (HashMismatchError) */
    LS_ERR_DELTA = 13          /* a delta that is malformed, made for another state or that
                                  does not give its target payload (DeltaError) */
};

/* A read-only byte string. */
typedef struct {
    const uint8_t *ptr;
    size_t len;
} ls_str;

/* ---- constants -------------------------------------------------------------------------- */

uint32_t ls_abi_version(void);             /* bumped on any incompatible change to this header */
const char *ls_status_name(ls_status status); /* "LS_OK", "LS_ERR_INVALID_URL", ...; never NULL */
const char *ls_unicode_version(void);      /* Unicode version of the pinned UTS #46 / NFC tables */
uint32_t ls_canonicalization_version(void); /* the rules implemented (docs/canonicalization.md) */
size_t ls_max_url_chars(void);             /* longest URL accepted, in characters (32768) */
size_t ls_max_url_bytes(void);             /* longest URL accepted, in bytes */
uint32_t ls_max_unescape_rounds(void);     /* rounds of percent-unescaping before refusal (32) */
size_t ls_host_scan_chars(void);           /* characters the host-only reading scans (4096) */
size_t ls_max_variants(void);              /* canonical readings of one URL, at most (4) */
size_t ls_max_expressions(void);           /* expressions of one canonical URL, at most (30) */
size_t ls_max_url_expressions(void);       /* distinct expressions over all readings (120) */
size_t ls_fingerprint_bytes(void);         /* 16 */
size_t ls_salt_bytes(void);                /* 16 */
size_t ls_workspace_bytes(void);           /* size of memory for ls_workspace_init */

/* The pinned UTS #46 table at one code point, for ports checking their own tables:
 * *status is 'K' (keep), 'M' (mapped to *replacement, UTF-8), 'I' (ignored) or 'X'
 * (disallowed). */
ls_status ls_uts46_map(uint32_t cp, int *status, ls_str *replacement);

/* ---- workspace ---------------------------------------------------------------------------- */

typedef struct ls_workspace ls_workspace;

/* Lay a workspace over caller memory (8-byte aligned, at least ls_workspace_bytes()). */
ls_status ls_workspace_init(void *memory, size_t size, ls_workspace **out);

/* Forget everything the workspace holds. ls_canonicalize, ls_canonical_variants and
 * ls_check_url reset it themselves; ls_expressions appends to it (so that the canonical URL it
 * reads may live there), and a caller expanding many URLs resets it between them. */
ls_status ls_workspace_reset(ls_workspace *ws);

/* ---- canonical URLs --------------------------------------------------------------------- */

/* The canonical URL as a browser reads it (linkscreen.canonicalize). */
ls_status ls_canonicalize(ls_workspace *ws, const uint8_t *url, size_t len, ls_str *out);

/* ls_canonicalize for count URLs in one call (a server's list): URL i is
 * buf[offsets[i] .. offsets[i+1]), its canonical URL out[out_offsets[i] .. out_offsets[i+1])
 * when statuses[i] is LS_OK; otherwise statuses[i] says why (LS_ERR_INVALID_URL,
 * LS_ERR_URL_LIMIT, or LS_ERR_BUFFER once out's cap bytes are used up) and the range is
 * empty. out_offsets holds count + 1 entries. Resets the workspace. */
ls_status ls_canonicalize_many(ls_workspace *ws, const uint8_t *buf, const uint64_t *offsets,
                               size_t count, uint8_t *out, size_t cap, uint64_t *out_offsets,
                               ls_status *statuses);

/* Every distinct canonical reading, browser reading first (linkscreen.canonical_variants).
 * out must hold ls_max_variants() entries. */
ls_status ls_canonical_variants(ls_workspace *ws, const uint8_t *url, size_t len, ls_str *out,
                                size_t *count);

/* The host-only reading (canonical.host_only_variants): "scheme://host/" for every reading
 * whose host can be read in the first ls_host_scan_chars() characters, for a URL that
 * ls_canonical_variants refused with LS_ERR_URL_LIMIT. out holds ls_max_variants() entries. */
ls_status ls_host_only_variants(ls_workspace *ws, const uint8_t *url, size_t len, ls_str *out,
                                size_t *count);

/* ---- Public Suffix List ------------------------------------------------------------------ */

typedef struct ls_psl ls_psl;

/* Load the rules of a Public Suffix List text (the publicsuffix.org file format, UTF-8).
 * Allocates; free with ls_psl_free. */
ls_status ls_psl_new(const uint8_t *text, size_t len, ls_psl **out);
ls_status ls_psl_free(ls_psl *psl);
ls_status ls_psl_rule_count(const ls_psl *psl, size_t *count);

/* The public suffix of a canonical host name: *suffix_len bytes at the end of host (0 when
 * the host is empty or malformed). Unlisted TLDs are one-label suffixes (the implicit rule). */
ls_status ls_public_suffix(const ls_psl *psl, const uint8_t *host, size_t len,
                           size_t *suffix_len);

/* Lookup expressions of a canonical URL (linkscreen.expressions of a canonical URL), most
 * specific host first. out must hold ls_max_expressions() entries. */
ls_status ls_expressions(ls_workspace *ws, const ls_psl *psl, const uint8_t *canonical,
                         size_t len, ls_str *out, size_t *count);

/* ---- hashing ------------------------------------------------------------------------------ */

/* MurmurHash3 x64-128 (Appleby): the two little-endian 64-bit halves h1, h2. */
ls_status ls_murmur3_x64_128(const uint8_t *data, size_t len, uint32_t seed, uint64_t out[2]);
ls_status ls_sha256(const uint8_t *data, size_t len, uint8_t out[32]);
/* Fingerprint: the first 16 bytes of SHA-256(salt || expression). */
ls_status ls_fingerprint(const uint8_t salt[16], const uint8_t *expr, size_t len,
                         uint8_t out[16]);

/* ---- Bloom filter and fingerprint table ---------------------------------------------------- */

/* A bundle's probe tables (docs/bundle-format.md: Bloom filter, fingerprint table and, in
 * format 2, fingerprint buckets), borrowed. Fields past salt may be left zero (format 1). */
typedef struct {
    const uint8_t *bloom;        /* bloom_bits / 8 bytes */
    uint64_t bloom_bits;         /* m, a non-zero multiple of 64 */
    uint32_t bloom_k;            /* 1..64 */
    uint32_t bloom_seed;
    const uint8_t *fingerprints; /* fingerprint_count sorted rows of 16 - prefix_bytes bytes */
    uint64_t fingerprint_count;
    const uint8_t *salt;         /* 16 bytes */
    uint32_t prefix_bytes;       /* p: leading fingerprint bytes the buckets hold, 0..2 */
    const uint8_t *buckets;      /* the bucket section when p > 0 (257 u32 offsets, for p = 2
                                    then the Elias-Fano bitmap), checked by the reader */
} ls_tables;

/* *row = the first fingerprint row equal to fp (all 16 bytes) in the tables, or -1. */
ls_status ls_table_find(const ls_tables *tables, const uint8_t fp[16], int64_t *row);

/* Set the Bloom bits of count expressions stored back to back in buf; expression i is
 * buf[offsets[i] .. offsets[i+1]). One call per batch. */
ls_status ls_bloom_add_many(uint8_t *bits, uint64_t m, uint32_t k, uint32_t seed,
                            const uint8_t *buf, const uint64_t *offsets, size_t count);

/* *result = 1 if all k Bloom bits of expr are set, else 0. */
ls_status ls_bloom_contains(const uint8_t *bits, uint64_t m, uint32_t k, uint32_t seed,
                            const uint8_t *expr, size_t len, int *result);

/* *row = index of the first row of the sorted table equal to fp, or -1. */
ls_status ls_fingerprint_find(const uint8_t *table, uint64_t n, const uint8_t fp[16],
                              int64_t *row);

/* For each of count expressions, rows[i] = first matching fingerprint row or -1 (a Bloom miss
 * or no equal fingerprint); *matched = how many matched. No workspace, no allocation. */
ls_status ls_lookup(const ls_tables *tables, const ls_str *expressions, size_t count,
                    int64_t *rows, size_t *matched);

/* ls_lookup, and row_ends[i] = one past the last row equal to expression i (-1 when none):
 * the rows of an expression on several lists. row_ends may be NULL. */
ls_status ls_lookup_runs(const ls_tables *tables, const ls_str *expressions, size_t count,
                         int64_t *rows, int64_t *row_ends, size_t *matched);

/* ---- the whole path -------------------------------------------------------------------------- */

#define LS_URL_RESULT_VARIANTS 4
#define LS_URL_RESULT_EXPRESSIONS 120

/* What ls_check_url found. Strings point into the workspace. */
typedef struct {
    int host_only;       /* 1: the URL passed a limit and only its hosts were read and probed;
                            the readings are then "scheme://host/" (Verdict.host_only) */
    size_t variant_count;                          /* canonical readings, browser first */
    ls_str variants[LS_URL_RESULT_VARIANTS];
    size_t expression_count;                       /* distinct, in reading then host order */
    ls_str expressions[LS_URL_RESULT_EXPRESSIONS];
    int64_t rows[LS_URL_RESULT_EXPRESSIONS];       /* first matching row per expression, or -1 */
    int64_t row_ends[LS_URL_RESULT_EXPRESSIONS];   /* one past its last matching row, or -1: an
                                                      expression on several lists has one row
                                                      per list, rows[i] .. row_ends[i] - 1 */
    size_t matched;                                /* expressions with a row */
    int shortened; /* ls_bundle_check_url: the browser reading is a link on one of the bundle's
                      URL shorteners (its target is hidden); 0 from ls_check_url */
    ls_str text; /* the readings, then the expressions, each followed by '\n' (for bindings) */
} ls_url_result;

/* Canonicalise url in every reading, expand each into expressions with psl, probe them all.
 * A URL past a limit is read on its host only (out->host_only = 1), as the Python matcher
 * does. LS_ERR_INVALID_URL when no reading is a web URL with a host; LS_ERR_URL_LIMIT when the
 * URL passed a limit and no host could be read either (nothing is probed then, and the check
 * is incomplete, not an allow). tables may be NULL: readings and expressions only, rows -1. */
ls_status ls_check_url(ls_workspace *ws, const ls_psl *psl, const ls_tables *tables,
                       const uint8_t *url, size_t len, ls_url_result *out);

/* ---- bundles -------------------------------------------------------------------------------- */

/* A verified, parsed bundle (docs/bundle-format.md). Opaque; read-only once open, so it may be
 * shared between threads. It borrows the bytes it was opened from: keep them unchanged and
 * alive until ls_bundle_free. Opening allocates (list table, shortener set, Public Suffix
 * List); nothing after that does. */
typedef struct ls_bundle ls_bundle;

/* The signature hook: the platform's Ed25519 (CryptoKit's Curve25519.Signing, the Android
 * keystore's or BoringSSL's Ed25519, WebCrypto's "Ed25519", libsodium, ...). Return LS_OK when
 * signature is a valid Ed25519 signature of message[0..message_len) by the trusted key whose
 * id is key_id (the first 8 bytes of SHA-256 of its raw 32-byte public key),
 * LS_ERR_UNKNOWN_KEY when no trusted key has that id, anything else when it does not verify
 * (the reader answers LS_ERR_SIGNATURE then). context is the caller's, passed through. */
typedef ls_status (*ls_verify_fn)(void *context, const uint8_t *key_id, const uint8_t *message,
                                  size_t message_len, const uint8_t *signature);

/* What a bundle's header and tables say. */
typedef struct {
    uint32_t format_version;           /* 1 or 2 */
    uint32_t canonicalization_version; /* ls_canonicalization_version() */
    uint32_t section_count;
    uint32_t tag_bits;
    int64_t created;                   /* Unix seconds */
    int64_t expires;                   /* Unix seconds; past it the bundle is stale */
    uint64_t sequence;
    uint8_t salt[16];
    uint32_t bloom_seed;
    uint32_t bloom_k;
    uint64_t bloom_bits;
    uint64_t fingerprint_count;        /* entries */
    uint32_t list_count;
    uint32_t fingerprint_prefix_bytes;
    char psl_version[33];              /* NUL-terminated ASCII */
    uint8_t key_id[8];                 /* the signing key's id (zeros for a bare payload) */
    uint32_t shortener_policy;         /* 0: allow a shortened link, 1: warn */
    size_t shortener_count;
    int psl_embedded;                  /* 1: the bundle carries its Public Suffix List */
} ls_bundle_info;

/* One list of the bundle's list table. Strings are UTF-8 and point into the bundle bytes. */
typedef struct {
    ls_str id;
    ls_str category;
    uint32_t action;        /* 1: warn, 2: block */
    uint32_t message_count; /* deterrence messages, read with ls_bundle_list_message */
    ls_str default_locale;  /* the list's default locale (section 9), empty for none */
} ls_list_info;

/* Check the envelope, then the signature through verify, then parse and check every
 * structure of the payload (LS_ERR_BUNDLE_CORRUPT, LS_ERR_BUNDLE_VERSION, LS_ERR_UNKNOWN_KEY,
 * LS_ERR_SIGNATURE, LS_ERR_NOMEM). No payload byte is parsed before the hook says yes. */
ls_status ls_bundle_open(const uint8_t *data, size_t len, ls_verify_fn verify, void *context,
                         ls_bundle **out);
/* A bare payload (no envelope) whose SHA-256 a signed manifest names (the updater's stored
 * form): the hash is checked (LS_ERR_HASH) before any byte is parsed. */
ls_status ls_bundle_open_payload(const uint8_t *payload, size_t len, const uint8_t sha256[32],
                                 ls_bundle **out);
ls_status ls_bundle_free(ls_bundle *bundle);

ls_status ls_bundle_get_info(const ls_bundle *bundle, ls_bundle_info *out);
/* The probe tables, pointing into the bundle bytes (for ls_lookup, ls_check_url). */
ls_status ls_bundle_get_tables(const ls_bundle *bundle, ls_tables *out);
/* The bundle's own Public Suffix List; LS_ERR_PSL for a version 1 bundle, which has none. */
ls_status ls_bundle_get_psl(const ls_bundle *bundle, const ls_psl **out);
ls_status ls_bundle_list(const ls_bundle *bundle, uint32_t index, ls_list_info *out);
ls_status ls_bundle_list_message(const ls_bundle *bundle, uint32_t index, uint32_t message,
                                 ls_str *locale, ls_str *text, ls_str *link);
/* The list (index into the list table) fingerprint row `row` belongs to. */
ls_status ls_bundle_row_list(const ls_bundle *bundle, uint64_t row, uint32_t *list_index);
/* *result = 1 when the canonical URL is a link on one of the bundle's URL shorteners. */
ls_status ls_bundle_is_shortened(const ls_bundle *bundle, const uint8_t *canonical, size_t len,
                                 int *result);

/* ls_check_url with the bundle's tables and its own Public Suffix List (fallback is used
 * only for a version 1 bundle, which carries none: pass the list the app ships, or NULL),
 * plus out->shortened. Matching lists: rows[i] .. row_ends[i] - 1 through ls_bundle_row_list.
 * No allocation. */
ls_status ls_bundle_check_url(ls_workspace *ws, const ls_bundle *bundle, const ls_psl *fallback,
                              const uint8_t *url, size_t len, ls_url_result *out);

/* What ls_bundle_screen_url answers in *flags (bits). */
enum {
    LS_SCREEN_MATCHED = 1,   /* an expression has fingerprint rows (out->matched > 0) */
    LS_SCREEN_SHORTENED = 2, /* out->shortened: the link is on one of the bundle's shorteners */
    LS_SCREEN_HOST_ONLY = 4, /* out->host_only: the URL passed a limit, only its hosts were read */
    LS_SCREEN_CONTROL = 8,   /* the URL holds a control character other than tab, line feed and
                                carriage return (U+0000-U+001F, U+007F-U+009F): what a text view
                                draws as nothing, so a matcher checks the URL as shown too */
    LS_SCREEN_WRAPPED = 16,  /* the URL may carry a redirect target: a '%', a ':' after its
                                authority, a query or fragment holding "//", "www." (any case),
                                "R0", "RU" or "Ly9" (base64 of http, //), "urldefense" in its
                                host, or (ls_bundle_screen_url_wrappers) a host one of the
                                caller's wrapper patterns names; the Python SDK then reads its
                                targets as a redirect wrapper's (docs/extraction.md). The check
                                itself is unchanged */
    LS_SCREEN_ODD = 32       /* the URL is not plainly written: no http://, https:// or ftp://
                                (any case) at its start, a character no host is written with
                                in its authority (only A-Z a-z 0-9 . - _ ~ : @ [ ] are), or a
                                backslash; the Python SDK then also reads it as message text
                                (ADR 0029). The check itself is unchanged */
};

/* ls_bundle_check_url for a binding's common case, a URL no list has: the same check and the
 * same out, except that out->text is built only when something matched (else it is empty),
 * and *flags sums the answer up (LS_SCREEN_*): with none of MATCHED, HOST_ONLY and CONTROL
 * set, the check was complete, nothing matched, and the caller reads one integer to know it.
 * No allocation. */
ls_status ls_bundle_screen_url(ls_workspace *ws, const ls_bundle *bundle, const ls_psl *fallback,
                               const uint8_t *url, size_t len, ls_url_result *out,
                               uint32_t *flags);

/* Redirect-wrapper host patterns (docs/extraction.md, "Redirect wrappers"): one a line,
 * "host" exact, "*.suffix" any subdomain, "name.*" any top-level domain (one or two labels),
 * "*.name.*" both; lower-case ASCII. Allocates; free with ls_wrapper_hosts_free. */
typedef struct ls_wrapper_hosts ls_wrapper_hosts;
ls_status ls_wrapper_hosts_new(const uint8_t *text, size_t len, ls_wrapper_hosts **out);
ls_status ls_wrapper_hosts_free(ls_wrapper_hosts *hosts);

/* ls_bundle_screen_url, and LS_SCREEN_WRAPPED also when the URL's host (as written: after the
 * scheme and any user-info, before a port, lower-cased, without end dots) matches one of
 * hosts' patterns. hosts may be NULL (then it is ls_bundle_screen_url). No allocation. */
ls_status ls_bundle_screen_url_wrappers(ls_workspace *ws, const ls_bundle *bundle,
                                        const ls_psl *fallback, const ls_wrapper_hosts *hosts,
                                        const uint8_t *url, size_t len, ls_url_result *out,
                                        uint32_t *flags);

/* ---- deltas ----------------------------------------------------------------------------------- */

/* Apply a delta (docs/bundle-format.md section 8) to the payload old: the new payload, byte
 * for byte, in out (cap bytes). *out_len = its size, also when the answer is LS_ERR_BUFFER
 * (call again with that much memory). LS_ERR_DELTA when the delta is malformed, was made for
 * another state, or does not give its target hash; the caller then checks the new payload's
 * SHA-256 against its signed manifest and opens it with ls_bundle_open_payload. */
ls_status ls_delta_apply(const uint8_t *old, size_t old_len, const uint8_t *delta,
                         size_t delta_len, uint8_t *out, size_t cap, size_t *out_len);

/* ---- compiling lists (a server) ------------------------------------------------------------ */

/* What ls_compile_lines says of each line. */
enum {
    LS_LINE_DEFER = 0,     /* the reference reader decides (anything the fast path cannot) */
    LS_LINE_BLANK = 1,     /* blank: ignored */
    LS_LINE_COMMENT = 2,   /* a '#' comment: ignored */
    LS_LINE_ENTRY = 3,     /* an entry: its expression is next in out */
    LS_LINE_ENTRY_AMP = 4  /* an entry holding "&amp;": its expression, then the expression of
                              its reading with each "&amp;" replaced by "&" */
};

/* A compiler's fast path over count lines of a text list (line i is buf[offsets[i] ..
 * offsets[i+1]), its ending removed): codes[i] = LS_LINE_*. A line is decided only when
 * linkscreen_server's reference reader provably gives that answer: printable ASCII, at most
 * 4,096 bytes, not a formula, canonicalised by this core, a host of host-name characters,
 * not deeper than clients look, host-wide only when the host reaches its subdomains (with
 * psl; so never a public suffix), no link on one of the shortener names
 * (names[name_offsets[j] .. name_offsets[j+1]), strictly ascending), and, holding "&amp;",
 * both readings accepted.
 * Every other line is LS_LINE_DEFER, for the reference to read. Each entry's expressions
 * (the canonical URL without its scheme) go to out, each followed by '\n'; *out_len = the
 * bytes written. A line whose expressions do not fit in cap is deferred. No allocation. */
ls_status ls_compile_lines(ls_workspace *ws, const ls_psl *psl, const uint8_t *names,
                           const uint64_t *name_offsets, size_t name_count, const uint8_t *buf,
                           const uint64_t *offsets, size_t count,
                           uint8_t *codes, uint8_t *out, size_t cap, size_t *out_len);


/* Section sizes of a fingerprint table of count rows (docs/bundle-format.md), and the scratch
 * memory ls_table_build needs for them. */
typedef struct {
    size_t table;   /* FINGERPRINTS: count * (16 - prefix_bytes) */
    size_t tags;    /* TAGS: ceil(count * tag_bits / 8) */
    size_t buckets; /* BUCKETS: 0 for p = 0, 257 u32 offsets (p = 1), then the bitmap (p = 2) */
    size_t scratch; /* for ls_table_build (8-byte aligned) */
} ls_table_size;

/* LS_ERR_ARGUMENT for a tag width other than 0, 1, 2, 4, 8, 16, p above 2, or too many rows. */
ls_status ls_table_sizes(size_t count, uint32_t tag_bits, uint32_t prefix_bytes,
                         ls_table_size *out);

/* A compiled bundle's fingerprint table: for count expressions (expression i is
 * buf[offsets[i] .. offsets[i+1])) and their list tags (each below 2^tag_bits), the rows
 * (first 16 bytes of SHA-256(salt || expression), tag) sorted by fingerprint then tag, written
 * as the FINGERPRINTS section (rows without their first prefix_bytes bytes), the TAGS section
 * and the BUCKETS section, each of exactly the size ls_table_sizes gives. No allocation:
 * scratch is the caller's. */
ls_status ls_table_build(const uint8_t salt[16], const uint8_t *buf, const uint64_t *offsets,
                         size_t count, const uint16_t *tags, uint32_t tag_bits,
                         uint32_t prefix_bytes, void *scratch, size_t scratch_len,
                         uint8_t *table, size_t table_len, uint8_t *tag_out, size_t tag_len,
                         uint8_t *buckets, size_t buckets_len);

#endif
