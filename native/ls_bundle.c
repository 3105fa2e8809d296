/* The bundle reader: verify, then parse, a signed bundle into an opaque ls_bundle, with every
 * bound of the Python reader (sdk/linkscreen/bundle/_reader.py and format.py, the reference).
 * docs/bundle-format.md defines the bytes; the error classes follow the Python exceptions:
 * LS_ERR_BUNDLE_CORRUPT (BundleCorruptError), LS_ERR_BUNDLE_VERSION
 * (UnsupportedBundleVersionError), LS_ERR_UNKNOWN_KEY (UnknownSigningKeyError),
 * LS_ERR_SIGNATURE (BundleSignatureError), LS_ERR_HASH (HashMismatchError).
 *
 * The signature is checked by the caller's hook (the platform's Ed25519) before any payload
 * byte is parsed. The bundle borrows the caller's bytes; opening allocates (the list table,
 * the shortener set, the Public Suffix List), checking a URL does not. */
#include "ls_internal.h"

#include <stdlib.h>

#define ENVELOPE_BYTES 32
#define SIGNATURE_BYTES 64
#define OVERHEAD (ENVELOPE_BYTES + SIGNATURE_BYTES)
#define HEADER_BYTES 128
#define SECTION_ENTRY_BYTES 24
#define MAX_BUNDLE_BYTES ((uint64_t)1 << 30)
#define MAX_SECTIONS 64
#define MAX_LISTS 65536u
#define MAX_MESSAGES_PER_LIST 256
#define LIST_TABLE_BASE_BYTES ((uint64_t)1 << 20)
#define LIST_TABLE_BYTES_PER_ENTRY 64
#define MAX_SHORTENERS ((uint64_t)1 << 20)
#define MAX_PSL_RULES ((uint64_t)1 << 20)
#define MAX_NAME_BYTES 253
#define BUCKET_OFFSETS_BYTES (257 * 4)
#define SUBBUCKETS 256

enum { S_LISTS = 1, S_SHORTENERS = 2, S_BLOOM = 3, S_FINGERPRINTS = 4, S_TAGS = 5,
       S_BUCKETS = 6, S_PSL = 7, S_REDIRECTS = 8, S_DEFAULT_LOCALES = 9 };

#define MAX_LOCALE_CHARS 64        /* locales.MAX_TAG_CHARS */
#define MAX_REDIRECT_RULES 4096    /* _wrappers.MAX_RULES */
#define MAX_REDIRECT_RULE_BYTES 1024

typedef struct {
    ls_str locale, text, link;
} message;

typedef struct {
    ls_str id, category;
    uint32_t action;
    uint32_t message_count;
    message *messages;
    ls_str default_locale; /* section 9; empty for none */
} list_record;

typedef struct {
    uint32_t offset, len; /* len 0: empty */
} name_slot;

struct ls_bundle {
    ls_bundle_info info;
    ls_tables tables;
    const uint8_t *tags;
    list_record *lists;
    message *messages;
    /* shortener domains: an open-addressing set of names (offsets into names_pool) */
    uint8_t *names_pool;
    size_t pool_used, pool_cap;
    name_slot *shorteners;
    size_t shortener_slots; /* power of two, or 0 */
    ls_psl *psl;
};

static inline uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t le64(const uint8_t *p) {
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static int all_zero(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (p[i]) return 0;
    }
    return 1;
}

/* ---- envelope and signature --------------------------------------------------------------- */

static ls_status check_envelope(const uint8_t *data, size_t len, ls_verify_fn verify,
                                void *context, const uint8_t **payload, size_t *payload_len,
                                uint8_t key_id[8]) {
    if (len < OVERHEAD) return LS_ERR_BUNDLE_CORRUPT;
    if ((uint64_t)len > MAX_BUNDLE_BYTES) return LS_ERR_BUNDLE_CORRUPT;
    if (memcmp(data, "LSBUNDLE", 8) != 0) return LS_ERR_BUNDLE_CORRUPT;
    if (le16(data + 8) != 1) return LS_ERR_BUNDLE_VERSION;
    if (le16(data + 10) != 1 || le32(data + 12) != 0) return LS_ERR_BUNDLE_CORRUPT;
    if (le64(data + 24) != (uint64_t)(len - OVERHEAD)) return LS_ERR_BUNDLE_CORRUPT;
    memcpy(key_id, data + 16, 8);
    size_t signed_end = len - SIGNATURE_BYTES;
    ls_status verdict = verify(context, key_id, data, signed_end, data + signed_end);
    if (verdict == LS_ERR_UNKNOWN_KEY) return LS_ERR_UNKNOWN_KEY;
    if (verdict != LS_OK) return LS_ERR_SIGNATURE; /* anything but yes is no */
    *payload = data + ENVELOPE_BYTES;
    *payload_len = signed_end - ENVELOPE_BYTES;
    return LS_OK;
}

/* ---- header and directory ------------------------------------------------------------------ */

typedef struct {
    uint64_t offset, length;
    int present;
} section;

ls_status ls_bundle_read_header(const uint8_t *p, size_t len, ls_bundle_info *h) {
    if (len < HEADER_BYTES) return LS_ERR_BUNDLE_CORRUPT;
    h->format_version = le16(p);
    h->canonicalization_version = le16(p + 2);
    h->section_count = le16(p + 4);
    h->tag_bits = le16(p + 6);
    h->created = (int64_t)le64(p + 8);
    h->expires = (int64_t)le64(p + 16);
    h->sequence = le64(p + 24);
    memcpy(h->salt, p + 32, 16);
    h->bloom_seed = le32(p + 48);
    h->bloom_k = le32(p + 52);
    h->bloom_bits = le64(p + 56);
    h->fingerprint_count = le64(p + 64);
    h->list_count = le32(p + 72);
    h->fingerprint_prefix_bytes = p[76];
    if (!all_zero(p + 77, 3) || !all_zero(p + 112, 16)) return LS_ERR_BUNDLE_CORRUPT;
    /* PSL version: printable ASCII, NUL-padded (the NULs only at the end) */
    size_t n = 32;
    while (n && p[80 + n - 1] == 0) n--;
    for (size_t i = 0; i < n; i++) {
        if (p[80 + i] <= 0x20 || p[80 + i] >= 0x7F) return LS_ERR_BUNDLE_CORRUPT;
    }
    memcpy(h->psl_version, p + 80, n);
    h->psl_version[n] = 0;
    return LS_OK;
}

ls_status ls_bundle_check_header(const ls_bundle_info *h) {
    if (!h->bloom_k || h->bloom_k > 64 || h->bloom_bits % 64 || !h->bloom_bits) {
        return LS_ERR_BUNDLE_CORRUPT;
    }
    if (h->bloom_bits / 8 > MAX_BUNDLE_BYTES) return LS_ERR_BUNDLE_CORRUPT;
    uint32_t bits = h->tag_bits;
    if (!(bits == 0 || bits == 1 || bits == 2 || bits == 4 || bits == 8 || bits == 16)) {
        return LS_ERR_BUNDLE_CORRUPT;
    }
    uint64_t most = (uint64_t)1 << bits;
    if (most > MAX_LISTS) most = MAX_LISTS;
    if (h->list_count > most || h->list_count == 0) return LS_ERR_BUNDLE_CORRUPT;
    if (h->fingerprint_count > MAX_BUNDLE_BYTES / (LS_FINGERPRINT_BYTES - 2)) {
        return LS_ERR_BUNDLE_CORRUPT;
    }
    uint32_t p = h->fingerprint_prefix_bytes;
    if (h->format_version == 1 ? p != 0 : p > 2) return LS_ERR_BUNDLE_CORRUPT;
    return LS_OK;
}

static ls_status read_directory(const uint8_t *p, size_t len, uint32_t count,
                                section sections[MAX_SECTIONS + 1]) {
    if (count > MAX_SECTIONS) return LS_ERR_BUNDLE_CORRUPT;
    uint64_t expected = HEADER_BYTES + (uint64_t)count * SECTION_ENTRY_BYTES;
    if (expected > len) return LS_ERR_BUNDLE_CORRUPT;
    uint32_t previous = 0;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = p + HEADER_BYTES + (size_t)i * SECTION_ENTRY_BYTES;
        uint32_t id = le32(e);
        uint64_t offset = le64(e + 8), length = le64(e + 16);
        if (id <= previous) return LS_ERR_BUNDLE_CORRUPT;
        if (le32(e + 4)) return LS_ERR_BUNDLE_CORRUPT;
        if (offset != expected) return LS_ERR_BUNDLE_CORRUPT;
        if (length > len - offset) return LS_ERR_BUNDLE_CORRUPT;
        uint64_t end = offset + length;
        expected = end + ((8 - end % 8) % 8);
        if (expected > len || !all_zero(p + end, (size_t)(expected - end))) {
            return LS_ERR_BUNDLE_CORRUPT;
        }
        if (id <= MAX_SECTIONS) { /* ids past 64 are unknown sections: skipped */
            sections[id].offset = offset;
            sections[id].length = length;
            sections[id].present = 1;
        }
        previous = id;
    }
    if (expected != len) return LS_ERR_BUNDLE_CORRUPT;
    return LS_OK;
}

/* ---- list table -------------------------------------------------------------------------------- */

typedef struct {
    const uint8_t *p;
    size_t len, pos;
} cursor;

static int take(cursor *c, size_t n, const uint8_t **out) {
    if (n > c->len - c->pos) return 0;
    *out = c->p + c->pos;
    c->pos += n;
    return 1;
}

static int u8_at(cursor *c, uint32_t *v) {
    const uint8_t *b;
    if (!take(c, 1, &b)) return 0;
    *v = b[0];
    return 1;
}

static int u16_at(cursor *c, uint32_t *v) {
    const uint8_t *b;
    if (!take(c, 2, &b)) return 0;
    *v = le16(b);
    return 1;
}

/* Strict UTF-8, as Python's bytes.decode("utf-8") */
static int valid_utf8(const uint8_t *p, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t step = ls_utf8_decode(p + i, n - i, &cp);
        if (!step) return 0;
        i += step;
    }
    return 1;
}

static int text_at(cursor *c, ls_str *out) {
    uint32_t n;
    const uint8_t *b;
    if (!u16_at(c, &n) || !take(c, n, &b) || !valid_utf8(b, n)) return 0;
    out->ptr = b;
    out->len = n;
    return 1;
}

static ls_status read_lists(ls_bundle *b, const uint8_t *p, size_t len) {
    uint32_t count = b->info.list_count;
    cursor c = {p, len, 0};
    /* pass 1: check and count messages; pass 2: fill */
    size_t total_messages = 0;
    for (int pass = 0; pass < 2; pass++) {
        c.pos = 0;
        size_t m = 0;
        for (uint32_t i = 0; i < count; i++) {
            uint32_t action, reserved, messages;
            list_record r;
            memset(&r, 0, sizeof r); /* no default locale unless section 9 names one */
            if (!u8_at(&c, &action) || !u8_at(&c, &reserved)) return LS_ERR_BUNDLE_CORRUPT;
            if (action != 1 && action != 2) return LS_ERR_BUNDLE_CORRUPT;
            if (reserved) return LS_ERR_BUNDLE_CORRUPT;
            if (!text_at(&c, &r.id) || !text_at(&c, &r.category)) return LS_ERR_BUNDLE_CORRUPT;
            if (!u16_at(&c, &messages)) return LS_ERR_BUNDLE_CORRUPT;
            if (messages > MAX_MESSAGES_PER_LIST) return LS_ERR_BUNDLE_CORRUPT;
            r.action = action;
            r.message_count = messages;
            r.messages = pass ? b->messages + m : NULL;
            for (uint32_t j = 0; j < messages; j++) {
                message msg;
                if (!text_at(&c, &msg.locale) || !text_at(&c, &msg.text) ||
                    !text_at(&c, &msg.link)) {
                    return LS_ERR_BUNDLE_CORRUPT;
                }
                if (pass) b->messages[m] = msg;
                m++;
            }
            if (pass) b->lists[i] = r;
        }
        if (c.pos != len) return LS_ERR_BUNDLE_CORRUPT;
        if (!pass) {
            total_messages = m;
            b->lists = calloc(count, sizeof *b->lists);
            b->messages = calloc(total_messages ? total_messages : 1, sizeof *b->messages);
            if (!b->lists || !b->messages) return LS_ERR_NOMEM;
        }
    }
    return LS_OK;
}

/* ---- list default locales (section 9) and redirect-wrapper rules (section 8) ----------- */

/* One str per list row: empty, or the locale of one of that row's messages (at most 64
 * characters); nothing after (format.decode_default_locales). */
static ls_status read_default_locales(ls_bundle *b, const uint8_t *p, size_t len) {
    cursor c = {p, len, 0};
    for (uint32_t i = 0; i < b->info.list_count; i++) {
        ls_str locale;
        if (!text_at(&c, &locale)) return LS_ERR_BUNDLE_CORRUPT;
        if (ls_utf8_char_count(locale.ptr, locale.len) > MAX_LOCALE_CHARS) {
            return LS_ERR_BUNDLE_CORRUPT;
        }
        list_record *r = &b->lists[i];
        if (locale.len) {
            int named = 0;
            for (uint32_t j = 0; j < r->message_count && !named; j++) {
                const ls_str *m = &r->messages[j].locale;
                named = m->len == locale.len && memcmp(m->ptr, locale.ptr, locale.len) == 0;
            }
            if (!named) return LS_ERR_BUNDLE_CORRUPT;
        }
        r->default_locale = locale;
    }
    return c.pos == len ? LS_OK : LS_ERR_BUNDLE_CORRUPT;
}

static int field_is(const uint8_t *p, size_t n, const char *word) {
    return n == strlen(word) && memcmp(p, word, n) == 0;
}

/* One rule line in its canonical form: HOST /PATH PARAMETERS DECODING, printable ASCII, single
 * spaces, no '#', a lowercase host, no empty parameter name, a known decoding (what
 * format._check_rule_line accepts). */
static int rule_line_ok(const uint8_t *p, size_t n) {
    if (!n || n > MAX_REDIRECT_RULE_BYTES) return 0;
    size_t start[4], end[4], fields = 0, i = 0;
    while (i < n) {
        if (fields == 4) return 0; /* a fifth field */
        start[fields] = i;
        while (i < n && p[i] != ' ') {
            if (p[i] < 0x21 || p[i] > 0x7E || p[i] == '#') return 0;
            i++;
        }
        end[fields] = i;
        if (end[fields] == start[fields]) return 0; /* a leading, trailing or double space */
        fields++;
        if (i < n) {
            i++; /* the one space */
            if (i == n) return 0;
        }
    }
    if (fields != 4) return 0;
    for (size_t k = start[0]; k < end[0]; k++) {
        if (p[k] >= 'A' && p[k] <= 'Z') return 0; /* the host is written lowercase */
    }
    if (p[start[1]] != '/') return 0;
    for (size_t k = start[2]; k <= end[2]; k++) { /* comma-separated, no empty name */
        int boundary = k == end[2] || p[k] == ',';
        if (boundary && (k == start[2] || p[k - 1] == ',')) return 0;
    }
    const uint8_t *d = p + start[3];
    size_t dn = end[3] - start[3];
    return field_is(d, dn, "percent") || field_is(d, dn, "proofpoint-v2") ||
           field_is(d, dn, "proofpoint-v3") || field_is(d, dn, "base64url");
}

static ls_status check_redirect_rules(const uint8_t *p, size_t len) {
    if ((uint64_t)len > (uint64_t)MAX_REDIRECT_RULES * (MAX_REDIRECT_RULE_BYTES + 1)) {
        return LS_ERR_BUNDLE_CORRUPT;
    }
    if (!len || p[len - 1] != '\n') return LS_ERR_BUNDLE_CORRUPT;
    size_t lines = 0, at = 0, previous = 0, previous_len = 0;
    while (at < len) {
        const uint8_t *nl = memchr(p + at, '\n', len - at);
        size_t n = (size_t)(nl - (p + at));
        if (++lines > MAX_REDIRECT_RULES) return LS_ERR_BUNDLE_CORRUPT;
        if (lines > 1) { /* strictly ascending, as bytes */
            size_t common = n < previous_len ? n : previous_len;
            int order = memcmp(p + previous, p + at, common);
            if (order > 0 || (order == 0 && previous_len >= n)) return LS_ERR_BUNDLE_CORRUPT;
        }
        previous = at;
        previous_len = n;
        at += n + 1;
    }
    for (at = 0; at < len;) {
        const uint8_t *nl = memchr(p + at, '\n', len - at);
        size_t n = (size_t)(nl - (p + at));
        if (!rule_line_ok(p + at, n)) return LS_ERR_BUNDLE_CORRUPT;
        at += n + 1;
    }
    return LS_OK;
}

/* ---- name runs (bundle-format: sorted, front-coded names in 6-bit symbols) ------------------ */

#define END_SYMBOL 63
static const char NAME_ALPHABET[] = "-.0123456789_abcdefghijklmnopqrstuvwxyz";
#define NAME_SYMBOLS 39

static inline uint32_t symbol_at(const uint8_t *s, size_t index) {
    size_t bit = index * 6;
    uint32_t word = (uint32_t)s[bit >> 3] << 8;
    if ((bit >> 3) + 1 < ((index + 1) * 6 + 7) / 8) word |= s[(bit >> 3) + 1];
    return (word >> (10 - (bit & 7))) & 63;
}

/* Calls emit(ctx, run, name, len) for every name of the runs of counts[i] names each that
 * fill data[0..len) exactly, after checking each as format.decode_names does. */
typedef ls_status (*name_fn)(void *ctx, size_t run, const uint8_t *name, size_t len);

static ls_status decode_names(const uint8_t *data, size_t len, const uint32_t *counts,
                              size_t runs, name_fn emit, void *ctx) {
    size_t symbols = len * 8 / 6;
    size_t pos = 0; /* the next symbol; after the last name, only zero bits may follow */
    uint8_t previous[MAX_NAME_BYTES + 64], name[MAX_NAME_BYTES + 64];
    size_t previous_len = 0;
    for (size_t r = 0; r < runs; r++) {
        previous_len = 0;
        for (uint32_t i = 0; i < counts[r]; i++) {
            if (pos >= symbols) return LS_ERR_BUNDLE_CORRUPT; /* the runs end early */
            size_t start = pos;
            while (pos < symbols && symbol_at(data, pos) != END_SYMBOL) pos++;
            if (pos >= symbols) return LS_ERR_BUNDLE_CORRUPT; /* ends early */
            size_t record = pos - start;
            pos++; /* past END */
            if (record < 2) return LS_ERR_BUNDLE_CORRUPT;  /* an empty name */
            uint32_t shared = symbol_at(data, start);
            if (i == 0 ? shared != 0 : shared > previous_len) return LS_ERR_BUNDLE_CORRUPT;
            size_t rest = record - 1;
            if (shared + rest > MAX_NAME_BYTES) return LS_ERR_BUNDLE_CORRUPT;
            memcpy(name, previous, shared);
            for (size_t k = 0; k < rest; k++) {
                uint32_t s = symbol_at(data, start + 1 + k);
                if (s == 0 || s > NAME_SYMBOLS) return LS_ERR_BUNDLE_CORRUPT;
                name[shared + k] = (uint8_t)NAME_ALPHABET[s - 1];
            }
            size_t n = shared + rest;
            if (name[0] == '.' || name[n - 1] == '.') return LS_ERR_BUNDLE_CORRUPT;
            for (size_t k = 0; k + 1 < n; k++) {
                if (name[k] == '.' && name[k + 1] == '.') return LS_ERR_BUNDLE_CORRUPT;
            }
            if (i) { /* strictly ascending within the run */
                size_t common = n < previous_len ? n : previous_len;
                int order = memcmp(previous, name, common);
                if (order > 0 || (order == 0 && previous_len >= n)) return LS_ERR_BUNDLE_CORRUPT;
            }
            LS_TRY(emit(ctx, r, name, n));
            memcpy(previous, name, n);
            previous_len = n;
        }
    }
    /* the stream ends with the last name: ceil(used * 6 / 8) bytes, zero bits after */
    size_t used_bits = pos * 6;
    if ((used_bits + 7) / 8 != len) return LS_ERR_BUNDLE_CORRUPT;
    if (len && used_bits < len * 8 && (data[len - 1] & ((1u << (len * 8 - used_bits)) - 1))) {
        return LS_ERR_BUNDLE_CORRUPT;
    }
    return LS_OK;
}

/* name runs hold label-reversed names ("ly.bit"); the set and the PSL want them forward */
static size_t reverse_labels(const uint8_t *name, size_t n, uint8_t *out) {
    size_t w = 0, end = n;
    while (end > 0) {
        size_t start = end;
        while (start > 0 && name[start - 1] != '.') start--;
        memcpy(out + w, name + start, end - start);
        w += end - start;
        if (start > 0) out[w++] = '.';
        end = start ? start - 1 : 0;
    }
    return w;
}

/* ---- shortener domains ------------------------------------------------------------------------ */

static uint64_t name_hash(const uint8_t *p, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static name_slot *set_slot(const ls_bundle *b, const uint8_t *p, size_t n) {
    size_t mask = b->shortener_slots - 1, i = (size_t)name_hash(p, n) & mask;
    for (;;) {
        name_slot *slot = &b->shorteners[i];
        if (!slot->len || (slot->len == n && memcmp(b->names_pool + slot->offset, p, n) == 0)) {
            return slot;
        }
        i = (i + 1) & mask;
    }
}

/* Add a forward name to the set (names are distinct: their runs ascend strictly). */
static ls_status set_add(ls_bundle *b, const uint8_t *name, size_t n) {
    if (b->pool_used + n > b->pool_cap) {
        size_t cap = b->pool_cap ? b->pool_cap * 2 : 4096;
        while (cap < b->pool_used + n) cap *= 2;
        uint8_t *grown = realloc(b->names_pool, cap);
        if (!grown) return LS_ERR_NOMEM;
        b->names_pool = grown;
        b->pool_cap = cap;
    }
    memcpy(b->names_pool + b->pool_used, name, n);
    name_slot *slot = set_slot(b, name, n);
    if (!slot->len) {
        slot->offset = (uint32_t)b->pool_used;
        slot->len = (uint32_t)n;
        b->pool_used += n;
    }
    return LS_OK;
}

static ls_status add_shortener(void *ctx, size_t run, const uint8_t *name, size_t n) {
    (void)run;
    uint8_t forward[MAX_NAME_BYTES + 8];
    return set_add(ctx, forward, reverse_labels(name, n, forward));
}

static ls_status read_shorteners(ls_bundle *b, const uint8_t *p, size_t len) {
    if (len < 8) return LS_ERR_BUNDLE_CORRUPT;
    uint32_t policy = p[0], count = le32(p + 4);
    if (policy > 1 || p[1] || le16(p + 2)) return LS_ERR_BUNDLE_CORRUPT;
    if (count > MAX_SHORTENERS) return LS_ERR_BUNDLE_CORRUPT;
    b->info.shortener_policy = policy;
    b->info.shortener_count = count;
    size_t slots = 16;
    while (slots < (size_t)count * 2 + 2) slots *= 2;
    b->shortener_slots = slots;
    b->shorteners = calloc(slots, sizeof *b->shorteners);
    if (!b->shorteners) return LS_ERR_NOMEM;
    if (b->info.format_version != 1) return decode_names(p + 8, len - 8, &count, 1, add_shortener, b);
    cursor c = {p, len, 8};
    const uint8_t *previous = NULL;
    size_t previous_len = 0;
    for (uint32_t i = 0; i < count; i++) { /* version 1: length-prefixed, forward, ASCII */
        uint32_t n;
        const uint8_t *name;
        if (!u8_at(&c, &n) || !take(&c, n, &name)) return LS_ERR_BUNDLE_CORRUPT;
        if (!n) return LS_ERR_BUNDLE_CORRUPT;
        for (uint32_t k = 0; k < n; k++) {
            if (name[k] >= 0x80) return LS_ERR_BUNDLE_CORRUPT;
        }
        if (previous) {
            size_t common = n < previous_len ? n : previous_len;
            int order = memcmp(previous, name, common);
            if (order > 0 || (order == 0 && previous_len >= n)) return LS_ERR_BUNDLE_CORRUPT;
        }
        previous = name;
        previous_len = n;
        LS_TRY(set_add(b, name, n));
    }
    return c.pos == len ? LS_OK : LS_ERR_BUNDLE_CORRUPT;
}

/* ---- Public Suffix List ------------------------------------------------------------------------ */

static ls_status add_psl_rule(void *ctx, size_t run, const uint8_t *name, size_t n) {
    ls_psl *psl = ctx;
    uint8_t rule[MAX_NAME_BYTES + 8];
    size_t w = 0;
    if (run % 3 == 1) { rule[w++] = '*'; rule[w++] = '.'; }
    if (run % 3 == 2) {
        if (!memchr(name, '.', n)) return LS_ERR_BUNDLE_CORRUPT; /* exception of one label */
        rule[w++] = '!';
    }
    w += reverse_labels(name, n, rule + w);
    return ls_psl_add_rule(psl, rule, w) == LS_OK ? LS_OK : LS_ERR_BUNDLE_CORRUPT;
}

static ls_status read_psl(ls_bundle *b, const uint8_t *p, size_t len) {
    if (len < 24) return LS_ERR_BUNDLE_CORRUPT;
    uint32_t counts[6];
    uint64_t total = 0;
    for (int i = 0; i < 6; i++) total += counts[i] = le32(p + 4 * i);
    if (total > MAX_PSL_RULES || total * 2 > len) return LS_ERR_BUNDLE_CORRUPT;
    LS_TRY(ls_psl_new_empty(&b->psl));
    return decode_names(p + 24, len - 24, counts, 6, add_psl_rule, b->psl);
}

/* ---- fingerprint buckets, tags, order ----------------------------------------------------- */

static inline int bit_at(const uint8_t *bits, uint64_t i) { return bits[i >> 3] >> (i & 7) & 1; }

static ls_status check_buckets(const ls_bundle *b) {
    const uint8_t *buckets = b->tables.buckets;
    uint64_t n = b->tables.fingerprint_count;
    if (le32(buckets) != 0 || le32(buckets + 4 * 256) != n) return LS_ERR_BUNDLE_CORRUPT;
    for (int t = 0; t < 256; t++) {
        if (le32(buckets + 4 * t) > le32(buckets + 4 * (t + 1))) return LS_ERR_BUNDLE_CORRUPT;
    }
    if (b->tables.prefix_bytes != 2) return LS_OK;
    const uint8_t *bitmap = buckets + BUCKET_OFFSETS_BYTES;
    uint64_t total = 256u * SUBBUCKETS + n, bytes = (total + 7) / 8;
    if (total % 8 && bitmap[bytes - 1] >> (total % 8)) return LS_ERR_BUNDLE_CORRUPT;
    /* one pass: ones counted up to each leading byte's run start */
    uint64_t ones = 0, bit = 0;
    for (int top = 1; top <= 256; top++) {
        uint64_t start = (uint64_t)SUBBUCKETS * top + le32(buckets + 4 * top);
        if (start > total) return LS_ERR_BUNDLE_CORRUPT;
        for (; bit < start; bit++) ones += (uint64_t)bit_at(bitmap, bit);
        if (ones != le32(buckets + 4 * top)) return LS_ERR_BUNDLE_CORRUPT;
        if (bit_at(bitmap, start - 1)) return LS_ERR_BUNDLE_CORRUPT;
    }
    for (; bit < total; bit++) ones += (uint64_t)bit_at(bitmap, bit);
    if (ones != n) return LS_ERR_BUNDLE_CORRUPT;
    return LS_OK;
}

static inline uint32_t tag_at(const uint8_t *tags, uint32_t bits, uint64_t row) {
    if (!bits) return 0;
    if (bits == 16) return le16(tags + 2 * row);
    uint64_t start = row * bits;
    return (tags[start >> 3] >> (start & 7)) & ((1u << bits) - 1);
}

static ls_status check_tags(const ls_bundle *b, size_t tag_len) {
    uint32_t bits = b->info.tag_bits;
    uint64_t n = b->tables.fingerprint_count, used = n * bits;
    if (!bits) return LS_OK;
    if (bits < 8 && used % 8 && b->tags[tag_len - 1] >> (used % 8)) return LS_ERR_BUNDLE_CORRUPT;
    if (b->info.list_count == 1u << bits) return LS_OK;
    for (uint64_t row = 0; row < n; row++) {
        if (tag_at(b->tags, bits, row) >= b->info.list_count) return LS_ERR_BUNDLE_CORRUPT;
    }
    return LS_OK;
}

/* Rows strictly ascending by (stored bytes, tag) within each bucket (equal fingerprints only
 * on distinct lists, in list order). Bucket boundaries reset the order. */
static ls_status check_sorted(const ls_bundle *b) {
    const ls_tables *t = &b->tables;
    uint64_t n = t->fingerprint_count;
    size_t width = LS_FINGERPRINT_BYTES - t->prefix_bytes;
    const uint8_t *rows = t->fingerprints;
    const uint8_t *bitmap = t->buckets ? t->buckets + BUCKET_OFFSETS_BYTES : NULL;
    int top = 1; /* p = 1: the first bucket offset (of leading bytes 1..255) not yet passed */
    uint64_t bitpos = 0; /* p = 2: position of the current row's 1-bit */
    for (uint64_t row = 0; row + 1 < n; row++) {
        int boundary = 0;
        if (t->prefix_bytes == 1) {
            while (top <= 255 && le32(t->buckets + 4 * (size_t)top) < row + 1) top++;
            boundary = top <= 255 && le32(t->buckets + 4 * (size_t)top) == row + 1;
        } else if (t->prefix_bytes == 2) {
            if (row == 0) {
                while (!bit_at(bitmap, bitpos)) bitpos++;
            }
            boundary = !bit_at(bitmap, bitpos + 1); /* a 0-bit between the two rows' 1-bits */
            bitpos++;
            while (!bit_at(bitmap, bitpos)) bitpos++;
        }
        if (boundary) continue;
        int order = memcmp(rows + row * width, rows + (row + 1) * width, width);
        if (order < 0) continue;
        if (order == 0 &&
            tag_at(b->tags, b->info.tag_bits, row) < tag_at(b->tags, b->info.tag_bits, row + 1)) {
            continue;
        }
        return LS_ERR_BUNDLE_CORRUPT;
    }
    return LS_OK;
}

/* ---- the whole payload ------------------------------------------------------------------------- */

static ls_status parse_payload(ls_bundle *b, const uint8_t *p, size_t len, int check_version) {
    ls_bundle_info *h = &b->info;
    LS_TRY(ls_bundle_read_header(p, len, h));
    if (h->format_version != 1 && h->format_version != 2) return LS_ERR_BUNDLE_VERSION;
    LS_TRY(ls_bundle_check_header(h));
    section s[MAX_SECTIONS + 1];
    memset(s, 0, sizeof s);
    LS_TRY(read_directory(p, len, h->section_count, s));
    uint64_t n = h->fingerprint_count;
    uint32_t prefix = h->fingerprint_prefix_bytes;
#define GET(id, size, required)                                                              \
    do {                                                                                     \
        if (!s[id].present) {                                                                \
            if (required) return LS_ERR_BUNDLE_CORRUPT;                                      \
        } else if ((int64_t)(size) >= 0 && s[id].length != (uint64_t)(size)) {               \
            return LS_ERR_BUNDLE_CORRUPT;                                                    \
        }                                                                                    \
    } while (0)
    GET(S_BLOOM, h->bloom_bits / 8, 1);
    GET(S_FINGERPRINTS, n * (LS_FINGERPRINT_BYTES - prefix), 1);
    uint64_t tag_len = (n * h->tag_bits + 7) / 8;
    GET(S_TAGS, tag_len, h->tag_bits != 0);
    if (!h->tag_bits && s[S_TAGS].present) return LS_ERR_BUNDLE_CORRUPT;
    uint64_t bucket_len = prefix ? BUCKET_OFFSETS_BYTES + (prefix == 2 ? (256u * SUBBUCKETS + n + 7) / 8 : 0) : 0;
    GET(S_BUCKETS, bucket_len, prefix != 0);
    if (!prefix && s[S_BUCKETS].present) return LS_ERR_BUNDLE_CORRUPT;
    GET(S_LISTS, -1, 1);
#undef GET
    if (s[S_LISTS].length > LIST_TABLE_BASE_BYTES + LIST_TABLE_BYTES_PER_ENTRY * n) {
        return LS_ERR_BUNDLE_CORRUPT;
    }
    LS_TRY(read_lists(b, p + s[S_LISTS].offset, (size_t)s[S_LISTS].length));
    if (s[S_DEFAULT_LOCALES].present) {
        LS_TRY(read_default_locales(b, p + s[S_DEFAULT_LOCALES].offset,
                                    (size_t)s[S_DEFAULT_LOCALES].length));
    }
    if (s[S_REDIRECTS].present) {
        LS_TRY(check_redirect_rules(p + s[S_REDIRECTS].offset, (size_t)s[S_REDIRECTS].length));
    }
    b->info.shortener_policy = 0;
    if (s[S_SHORTENERS].present) {
        LS_TRY(read_shorteners(b, p + s[S_SHORTENERS].offset, (size_t)s[S_SHORTENERS].length));
    }
    if (h->format_version >= 2) {
        if (!s[S_PSL].present) return LS_ERR_BUNDLE_CORRUPT;
        LS_TRY(read_psl(b, p + s[S_PSL].offset, (size_t)s[S_PSL].length));
        h->psl_embedded = 1;
    } else if (s[S_PSL].present) {
        return LS_ERR_BUNDLE_CORRUPT;
    }
    ls_tables *t = &b->tables;
    t->bloom = p + s[S_BLOOM].offset;
    t->bloom_bits = h->bloom_bits;
    t->bloom_k = h->bloom_k;
    t->bloom_seed = h->bloom_seed;
    t->fingerprints = p + s[S_FINGERPRINTS].offset;
    t->fingerprint_count = n;
    t->salt = h->salt;
    t->prefix_bytes = prefix;
    t->buckets = prefix ? p + s[S_BUCKETS].offset : NULL;
    b->tags = h->tag_bits ? p + s[S_TAGS].offset : NULL;
    if (prefix) LS_TRY(check_buckets(b));
    LS_TRY(check_tags(b, (size_t)tag_len));
    LS_TRY(check_sorted(b));
    if (check_version && h->canonicalization_version != LS_CANONICALIZATION_VERSION) {
        return LS_ERR_BUNDLE_VERSION;
    }
    return LS_OK;
}

static ls_status open_parsed(const uint8_t *payload, size_t len, const uint8_t key_id[8],
                             int check_version, ls_bundle **out) {
    ls_bundle *b = calloc(1, sizeof *b);
    if (!b) return LS_ERR_NOMEM;
    memcpy(b->info.key_id, key_id, 8);
    ls_status status = parse_payload(b, payload, len, check_version);
    if (status != LS_OK) {
        ls_bundle_free(b);
        return status;
    }
    *out = b;
    return LS_OK;
}

ls_status ls_bundle_open(const uint8_t *data, size_t len, ls_verify_fn verify, void *context,
                         ls_bundle **out) {
    if (!data || !verify || !out) return LS_ERR_ARGUMENT;
    const uint8_t *payload;
    size_t payload_len;
    uint8_t key_id[8];
    LS_TRY(check_envelope(data, len, verify, context, &payload, &payload_len, key_id));
    return open_parsed(payload, payload_len, key_id, 1, out);
}

ls_status ls_bundle_open_payload(const uint8_t *payload, size_t len, const uint8_t sha256[32],
                                 ls_bundle **out) {
    if (!payload || !sha256 || !out) return LS_ERR_ARGUMENT;
    uint8_t digest[32];
    LS_TRY(ls_sha256(payload, len, digest));
    if (memcmp(digest, sha256, 32) != 0) return LS_ERR_HASH;
    static const uint8_t no_key[8];
    return open_parsed(payload, len, no_key, 1, out);
}

ls_status ls_bundle_parse(const uint8_t *payload, size_t len, int check_version, ls_bundle **out) {
    static const uint8_t no_key[8];
    return open_parsed(payload, len, no_key, check_version, out);
}

ls_status ls_bundle_free(ls_bundle *b) {
    if (!b) return LS_ERR_ARGUMENT;
    if (b->psl) ls_psl_free(b->psl);
    free(b->lists);
    free(b->messages);
    free(b->shorteners);
    free(b->names_pool);
    free(b);
    return LS_OK;
}

/* ---- accessors ------------------------------------------------------------------------------- */

ls_status ls_bundle_get_info(const ls_bundle *b, ls_bundle_info *out) {
    if (!b || !out) return LS_ERR_ARGUMENT;
    *out = b->info;
    return LS_OK;
}

ls_status ls_bundle_get_tables(const ls_bundle *b, ls_tables *out) {
    if (!b || !out) return LS_ERR_ARGUMENT;
    *out = b->tables;
    return LS_OK;
}

ls_status ls_bundle_get_psl(const ls_bundle *b, const ls_psl **out) {
    if (!b || !out) return LS_ERR_ARGUMENT;
    if (!b->psl) return LS_ERR_PSL; /* a version 1 bundle carries none */
    *out = b->psl;
    return LS_OK;
}

ls_status ls_bundle_list(const ls_bundle *b, uint32_t index, ls_list_info *out) {
    if (!b || !out || index >= b->info.list_count) return LS_ERR_ARGUMENT;
    const list_record *r = &b->lists[index];
    out->id = r->id;
    out->category = r->category;
    out->action = r->action;
    out->message_count = r->message_count;
    out->default_locale = r->default_locale;
    return LS_OK;
}

ls_status ls_bundle_list_message(const ls_bundle *b, uint32_t index, uint32_t message_index,
                                 ls_str *locale, ls_str *text, ls_str *link) {
    if (!b || !locale || !text || !link || index >= b->info.list_count ||
        message_index >= b->lists[index].message_count) {
        return LS_ERR_ARGUMENT;
    }
    const message *m = &b->lists[index].messages[message_index];
    *locale = m->locale;
    *text = m->text;
    *link = m->link;
    return LS_OK;
}

ls_status ls_bundle_row_list(const ls_bundle *b, uint64_t row, uint32_t *list_index) {
    if (!b || !list_index || row >= b->tables.fingerprint_count) return LS_ERR_ARGUMENT;
    *list_index = tag_at(b->tags, b->info.tag_bits, row);
    return LS_OK;
}

/* shortlinks.shortener_of: the host or a parent domain (not the last label alone) is listed,
 * and the path names a link (not "/" without a query). */
static int shortened(const ls_bundle *b, const uint8_t *c, size_t n) {
    if (!b->shortener_slots || !b->info.shortener_count) return 0;
    size_t start = 0;
    while (start + 2 < n && !(c[start] == ':' && c[start + 1] == '/' && c[start + 2] == '/')) {
        start++;
    }
    start += 3;
    const uint8_t *first_slash = start < n ? memchr(c + start, '/', n - start) : NULL;
    if (!first_slash) return 0;
    size_t slash = (size_t)(first_slash - c);
    const uint8_t *q = memchr(c + slash, '?', n - slash);
    size_t path_len = q ? (size_t)(q - (c + slash)) : n - slash;
    if (path_len == 1 && (!q || (size_t)(q - c) + 1 == n)) return 0; /* "/", empty query */
    const uint8_t *host = c + start;
    size_t host_len = slash - start;
    size_t at = 0;
    for (;;) {
        const uint8_t *dot = memchr(host + at, '.', host_len - at);
        if (!dot) return 0; /* the last label alone is never a shortener */
        if (set_slot(b, host + at, host_len - at)->len) return 1;
        at = (size_t)(dot - host) + 1;
    }
}

ls_status ls_bundle_is_shortened(const ls_bundle *b, const uint8_t *canonical, size_t len,
                                 int *result) {
    if (!b || !canonical || !result) return LS_ERR_ARGUMENT;
    *result = shortened(b, canonical, len);
    return LS_OK;
}

ls_status ls_bundle_check_url(ls_workspace *ws, const ls_bundle *b, const ls_psl *fallback,
                              const uint8_t *url, size_t len, ls_url_result *out) {
    if (!ws || !b || !out) return LS_ERR_ARGUMENT;
    const ls_psl *psl = b->psl ? b->psl : fallback;
    if (!psl) return LS_ERR_ARGUMENT;
    LS_TRY(ls_check_url(ws, psl, &b->tables, url, len, out));
    out->shortened = !out->host_only && out->variant_count &&
                     shortened(b, out->variants[0].ptr, out->variants[0].len);
    return LS_OK;
}

/* A C0 or C1 control character other than tab, line feed and carriage return, in UTF-8 (C1
 * controls are C2 80 .. C2 9F); matcher._CONTROLS of the same string. */
static int has_control(const uint8_t *p, size_t n) {
    size_t i = 0; /* words with no byte below 0x20, no 0x7F and no 0xC2 hold none */
    while (i + 8 <= n) {
        uint64_t w = ls_load64(p + i);
        if (ls_word_below(w, 0x20) | ls_word_has(w, 0x7f) | ls_word_has(w, 0xc2)) break;
        i += 8;
    }
    for (; i < n; i++) {
        uint8_t c = p[i];
        if (c < 0x20 ? c != '\t' && c != '\n' && c != '\r' : c == 0x7f) return 1;
        if (c == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f) return 1;
    }
    return 0;
}

/* p[i..n) starts with tail (lower-case ASCII) in any letter case. */
static int folded_at(const uint8_t *p, size_t n, size_t i, const char *tail) {
    for (; *tail; tail++, i++)
        if (i >= n || (p[i] | 0x20) != (uint8_t)*tail) return 0;
    return 1;
}

/* The bytes query_may_wrap looks at. */
static const uint8_t QUERY_MARK[256] = {['/'] = 1, ['w'] = 1, ['W'] = 1, ['R'] = 1, ['L'] = 1};

/* Whether the query or fragment p[q..n) may hold a redirect target with no scheme: a value
 * opening with "//" or "www.", or the base64 of http or // ("R0", "RU", "Ly9"). */
static int query_may_wrap(const uint8_t *p, size_t n, size_t q) {
    for (size_t i = q; i + 1 < n; i++) {
        uint8_t c = p[i];
        if (!QUERY_MARK[c]) continue;
        if (c == '/' ? p[i + 1] == '/'
            : c == 'R' ? p[i + 1] == '0' || p[i + 1] == 'U'
            : c == 'L' ? p[i + 1] == 'y' && i + 2 < n && p[i + 2] == '9'
                       : folded_at(p, n, i + 1, "ww."))
            return 1;
    }
    return 0;
}

#define MAX_WRAPPER_HOSTS 8192
#define MAX_WRAPPER_HOST_BYTES 253

typedef struct {
    uint8_t subdomains, any_tld, always; /* "*." before, ".*" after; a name of one label */
    uint16_t len;
    uint32_t key; /* key_of the label before its top-level domain (any_tld: its last label) */
    size_t at;    /* of the name in names */
} wrapper_host;

/* What a host's label must share with a pattern's before the two are compared: its length and
 * its first and last bytes, lower-cased (12 bits). */
static uint32_t key_of(const uint8_t *p, size_t n) {
    if (!n) return 0;
    return ((uint32_t)(n & 15) << 8 | (uint32_t)(p[0] | 0x20) << 2) ^ (uint32_t)(p[n - 1] | 0x20);
}

/* The start of the last `labels` labels of p[0..n) (0 when it has no more). */
static size_t last_labels(const uint8_t *p, size_t n, int labels) {
    for (size_t j = n; j > 0; j--)
        if (p[j - 1] == '.' && --labels == 0) return j;
    return 0;
}

#define KEY_BITS 4096

struct ls_wrapper_hosts {
    size_t count;
    wrapper_host *hosts;
    uint8_t *names;
    int always;                   /* some pattern has no key (a name of one label) */
    uint8_t bits[KEY_BITS / 8];     /* the keys of the patterns without ".*" */
    uint8_t any_bits[KEY_BITS / 8]; /* and of those with it */
};

ls_status ls_wrapper_hosts_free(ls_wrapper_hosts *hosts) {
    if (hosts) {
        free(hosts->hosts);
        free(hosts->names);
        free(hosts);
    }
    return LS_OK;
}

ls_status ls_wrapper_hosts_new(const uint8_t *text, size_t len, ls_wrapper_hosts **out) {
    if (!out || (!text && len)) return LS_ERR_ARGUMENT;
    *out = NULL;
    size_t lines = 1;
    for (size_t i = 0; i < len; i++) lines += text[i] == '\n';
    if (lines > MAX_WRAPPER_HOSTS) return LS_ERR_ARGUMENT;
    ls_wrapper_hosts *h = calloc(1, sizeof *h);
    if (!h) return LS_ERR_NOMEM;
    h->hosts = calloc(lines, sizeof *h->hosts);
    h->names = malloc(len ? len : 1);
    if (!h->hosts || !h->names) {
        ls_wrapper_hosts_free(h);
        return LS_ERR_NOMEM;
    }
    size_t start = 0, used = 0;
    while (start <= len) {
        const uint8_t *nl = len > start ? memchr(text + start, '\n', len - start) : NULL;
        size_t end = nl ? (size_t)(nl - text) : len;
        const uint8_t *name = text + start;
        size_t k = end - start;
        wrapper_host w = {0, 0, 0, 0, 0, 0};
        if (k >= 2 && name[0] == '*' && name[1] == '.') w.subdomains = 1, name += 2, k -= 2;
        if (k >= 2 && name[k - 2] == '.' && name[k - 1] == '*') w.any_tld = 1, k -= 2;
        if (k > MAX_WRAPPER_HOST_BYTES) {
            ls_wrapper_hosts_free(h);
            return LS_ERR_ARGUMENT;
        }
        if (k) {
            w.len = (uint16_t)k;
            w.at = used;
            for (size_t i = 0; i < k; i++) {
                uint8_t c = name[i];
                h->names[used++] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c | 0x20) : c;
            }
            const uint8_t *lower = h->names + w.at;
            /* the label a host shares: the one before the top-level domain ("facebook" of
             * l.facebook.com), or the last of a name before ".*" ("google") */
            size_t end = w.any_tld ? k : last_labels(lower, k, 1) - 1;
            w.always = !w.any_tld && !memchr(lower, '.', k); /* "*.test": no key to share */
            if (!w.always) {
                size_t from = last_labels(lower, end, 1);
                w.key = key_of(lower + from, end - from);
            }
            uint8_t *bits = w.any_tld ? h->any_bits : h->bits;
            bits[(w.key >> 3) & (KEY_BITS / 8 - 1)] |= (uint8_t)(1u << (w.key & 7));
            h->always |= w.always;
            h->hosts[h->count++] = w;
        }
        if (!nl) break;
        start = end + 1;
    }
    *out = h;
    return LS_OK;
}

/* name matches host (lower-case): equal, or with subdomains a longer host ending in "." name
 * (WrapperRule's _host_matches). */
static int host_is(const uint8_t *name, size_t k, int subdomains, const uint8_t *host, size_t n) {
    if (!subdomains) return n == k && memcmp(host, name, k) == 0;
    return n > k + 1 && host[n - k - 1] == '.' && memcmp(host + n - k, name, k) == 0;
}

#define KEY_BIT(bits, key) ((bits)[((key) >> 3) & (KEY_BITS / 8 - 1)] >> ((key) & 7) & 1)

/* Whether a redirect target can be in the URL (LS_SCREEN_WRAPPED; a superset of what the SDK's
 * _wrappers.targets reads): a '%'; a ':' after the authority (a target with a scheme,
 * "/http:x"); a query or fragment with "//", "www." or base64 marks (query_may_wrap); or a
 * host that a pattern of hs (NULL: none) names, as _wrappers._parts reads it (after the scheme and any user-info, before a port, without end dots, lower-cased). The
 * keys of the labels before its last one and last two are looked up in the patterns' key
 * bits first, so an ordinary URL costs one pass over its authority. */
static int may_wrap(const ls_wrapper_hosts *hs, const uint8_t *p, size_t n) {
    if (memchr(p, '%', n)) return 1;
    size_t i = 0;
    for (size_t j = 0; j + 3 <= n && j <= 9; j++)
        if (p[j] == ':' && p[j + 1] == '/' && p[j + 2] == '/') {
            i = j + 3;
            break;
        }
    if (!i)
        while (i < n && p[i] == '/') i++;
    size_t start = i, stop = n, dots[3] = {0, 0, 0}; /* the last three dots, +1 */
    int port = 0;
    for (; i < n; i++) {
        uint8_t c = p[i];
        if (c == '/' || c == '#' || c == '?') break;
        if (c == '@') {
            start = i + 1, port = 0, dots[0] = dots[1] = dots[2] = 0;
        } else if (port) {
            continue;
        } else if (c == ':') {
            port = 1, stop = i;
        } else if (c == '.') {
            dots[2] = dots[1], dots[1] = dots[0], dots[0] = i + 1;
        }
    }
    if (!port) stop = i;
    if (i < n && memchr(p + i, ':', n - i)) return 1; /* after the authority: "/http:x", "?u=http://" */
    size_t q = i; /* where the path, query or fragment starts */
    while (q < n && p[q] != '?' && p[q] != '#') {
        const uint8_t *c = memchr(p + q, '?', n - q), *d = memchr(p + q, '#', n - q);
        q = c && (!d || c < d) ? (size_t)(c - p) : d ? (size_t)(d - p) : n;
    }
    if (q < n && query_may_wrap(p, n, q)) return 1;
    if (stop > start && p[stop - 1] == '.') { /* "www.google.com.": read again without it */
        while (stop > start && p[stop - 1] == '.') stop--;
        dots[0] = dots[1] = dots[2] = 0;
        for (size_t j = start; j < stop; j++)
            if (p[j] == '.') dots[2] = dots[1], dots[1] = dots[0], dots[0] = j + 1;
    }
    size_t n_host = stop - start;
    if (!n_host || n_host > MAX_WRAPPER_HOST_BYTES) return 0;
    const uint8_t *h = p + start;
    if (!hs) return 0;
    size_t d0 = dots[0] ? dots[0] - start : 0, d1 = dots[1] ? dots[1] - start : 0,
           d2 = dots[2] ? dots[2] - start : 0;
    /* the host without its last label (head1), and without its last two ("google.co.uk");
     * the keys of their last labels, which the patterns' labels must share */
    size_t head1 = d0 ? d0 - 1 : 0, head2 = d1 ? d1 - 1 : 0;
    uint32_t key1 = head1 ? key_of(h + d1, head1 - d1) : 0;
    uint32_t key2 = head2 ? key_of(h + d2, head2 - d2) : 0;
    if (!hs->always && !(head1 && (KEY_BIT(hs->bits, key1) || KEY_BIT(hs->any_bits, key1))) &&
        !(head2 && KEY_BIT(hs->any_bits, key2)))
        return 0;
    uint8_t host[MAX_WRAPPER_HOST_BYTES];
    for (size_t j = 0; j < n_host; j++) {
        uint8_t c = h[j];
        host[j] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c | 0x20) : c;
    }
    for (size_t w = 0; w < hs->count; w++) {
        const wrapper_host *x = &hs->hosts[w];
        if (!x->any_tld) {
            if ((x->key == key1 || x->always) &&
                host_is(hs->names + x->at, x->len, x->subdomains, host, n_host))
                return 1;
        } else if ((head1 && x->key == key1 &&
                    host_is(hs->names + x->at, x->len, x->subdomains, host, head1)) ||
                   (head2 && x->key == key2 &&
                    host_is(hs->names + x->at, x->len, x->subdomains, host, head2))) {
            return 1;
        }
    }
    return 0;
}

/* Whether the URL is not plainly written (LS_SCREEN_ODD): its scheme is not http://, https://
 * or ftp:// in any case, its authority holds a character a host is not written with (only
 * A-Z a-z 0-9 . - _ ~ : @ [ ] are), or a backslash is anywhere in it. */
static int odd_url(const uint8_t *p, size_t n) {
    if (memchr(p, '\\', n)) return 1;
    char scheme[6] = {0};
    size_t i = 0;
    while (i < n && i < 5 && (p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z') {
        scheme[i] = (char)(p[i] | 0x20);
        i++;
    }
    int web = (i == 4 && memcmp(scheme, "http", 4) == 0) ||
              (i == 5 && memcmp(scheme, "https", 5) == 0) ||
              (i == 3 && memcmp(scheme, "ftp", 3) == 0);
    if (!web || i + 3 > n || p[i] != ':' || p[i + 1] != '/' || p[i + 2] != '/') return 1;
    for (i += 3; i < n; i++) {
        uint8_t c = p[i];
        if (c == '/' || c == '?' || c == '#') return 0;
        int host = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '-' || c == '_' || c == '~' || c == ':' || c == '@' ||
                   c == '[' || c == ']';
        if (!host) return 1;
    }
    return 0;
}

ls_status ls_bundle_screen_url(ls_workspace *ws, const ls_bundle *b, const ls_psl *fallback,
                               const uint8_t *url, size_t len, ls_url_result *out,
                               uint32_t *flags) {
    return ls_bundle_screen_url_wrappers(ws, b, fallback, NULL, url, len, out, flags);
}

ls_status ls_bundle_screen_url_wrappers(ls_workspace *ws, const ls_bundle *b,
                                        const ls_psl *fallback, const ls_wrapper_hosts *hosts,
                                        const uint8_t *url, size_t len, ls_url_result *out,
                                        uint32_t *flags) {
    if (!ws || !b || !out || !flags) return LS_ERR_ARGUMENT;
    const ls_psl *psl = b->psl ? b->psl : fallback;
    if (!psl) return LS_ERR_ARGUMENT;
    LS_TRY(ls_check_url_internal(ws, psl, &b->tables, url, len, out, 0));
    out->shortened = !out->host_only && out->variant_count &&
                     shortened(b, out->variants[0].ptr, out->variants[0].len);
    if (out->matched) LS_TRY(ls_result_text_internal(ws, out));
    *flags = (out->matched ? LS_SCREEN_MATCHED : 0u) | (out->shortened ? LS_SCREEN_SHORTENED : 0u) |
             (out->host_only ? LS_SCREEN_HOST_ONLY : 0u) |
             (has_control(url, len) ? LS_SCREEN_CONTROL : 0u) |
             (may_wrap(hosts, url, len) ? LS_SCREEN_WRAPPED : 0u) |
             (odd_url(url, len) ? LS_SCREEN_ODD : 0u);
    return LS_OK;
}
