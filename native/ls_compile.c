/* The server's compiler, batched: text-list lines read to entry expressions in one call.
 *
 * ls_compile_lines is the fast path of linkscreen_server.compiler for the common line, a plain
 * ASCII URL: it decides a line only when the Python reference (sources._read_text, then
 * compiler._add_line and entry_expression) provably accepts it, and gives the expression
 * that reference would compile. Every other line is LS_LINE_DEFER, and the reference reads
 * it (so every refusal, warning and short link keeps the reference's own words). The
 * canonicaliser, the Public Suffix List and the expressions are the SDK's twins in this core.
 *
 * ls_table_build is the writer's side: the fingerprints of every entry, sorted, laid out as
 * the FINGERPRINTS, TAGS and BUCKETS sections (bundle/format.py's encode_rows). */
#include "ls_internal.h"

#include <stdlib.h>

/* Lines longer than this are deferred (the reference reads them; they are rare in lists). */
#define LS_COMPILE_MAX_LINE 4096

static int has_scheme_mark(const uint8_t *p, size_t n) {
    for (size_t i = 0; i + 2 < n; i++) {
        if (p[i] == ':' && p[i + 1] == '/' && p[i + 2] == '/') return 1;
    }
    return 0;
}

/* entry_expression's first test: a line without "://" whose host part (up to the first '/',
 * '?' or '#') is non-empty and holds none of ".:[" is not a URL. */
static int not_a_url(const uint8_t *p, size_t n) {
    if (has_scheme_mark(p, n)) return 0;
    size_t end = 0;
    while (end < n && p[end] != '/' && p[end] != '?' && p[end] != '#') end++;
    if (end == 0) return 0;
    for (size_t i = 0; i < end; i++) {
        if (p[i] == '.' || p[i] == ':' || p[i] == '[') return 0;
    }
    return 1;
}

static int host_char(uint8_t c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

typedef struct {
    const uint8_t *host;
    size_t host_len;
    const uint8_t *path; /* path, then '?' and the query when the query is not empty */
    size_t path_len;     /* the path alone */
    size_t expr_tail;    /* path_len, plus 1 + query length when the query is not empty */
    int has_query;       /* a '?' (even with an empty query) */
} entry;

/* The entry a canonical URL gives, when entry_expression provably accepts it, with no
 * warning: 1, else 0. ws holds the canonical URL; the coverage check only appends to it. */
static int accept_entry(ls_workspace *ws, const ls_psl *psl, ls_str canonical, entry *e) {
    const uint8_t *c = canonical.ptr;
    size_t n = canonical.len, start = 0;
    while (start + 2 < n && !(c[start] == ':' && c[start + 1] == '/' && c[start + 2] == '/')) {
        start++;
    }
    if (start + 2 >= n) return 0;
    start += 3;
    size_t slash = start;
    while (slash < n && c[slash] != '/') slash++;
    if (slash >= n || slash == start) return 0;
    e->host = c + start;
    e->host_len = slash - start;
    e->path = c + slash;
    const uint8_t *q = memchr(e->path, '?', n - slash);
    e->has_query = q != NULL;
    e->path_len = q ? (size_t)(q - e->path) : n - slash;
    size_t query_len = q ? n - slash - e->path_len - 1 : 0;
    e->expr_tail = e->path_len + (query_len ? 1 + query_len : 0);
    if (e->host[0] == '[') return 0; /* IPv6: the reference reads it */
    for (size_t i = 0; i < e->host_len; i++) {
        if (!host_char(e->host[i])) return 0;
    }
    uint8_t last = e->host[e->host_len - 1];
    int host_wide = e->path_len == 1 && !query_len && !(last >= '0' && last <= '9');
    if (!e->has_query && e->path_len > 1 && e->path[e->path_len - 1] == '/') {
        size_t slashes = 0;
        for (size_t i = 0; i < e->path_len; i++) slashes += e->path[i] == '/';
        if (slashes > LS_MAX_PATHS - 2) return 0; /* deeper than clients look */
    }
    /* A host-wide entry must reach its subdomains (else host_coverage_warning has words for
     * it). That also proves it no public suffix: for a suffix H, lookup_hosts("sub." H)
     * stops at "sub." H (its registrable domain, or none), so H is never among them. */
    if (host_wide) {
        uint8_t probe[LS_COMPILE_MAX_LINE + 16];
        size_t len = 0;
        if (e->host_len + 12 > sizeof probe) return 0;
        memcpy(probe, "http://sub.", 11);
        len = 11;
        memcpy(probe + len, e->host, e->host_len);
        len += e->host_len;
        probe[len++] = '/';
        ls_str out[LS_MAX_EXPRESSIONS];
        size_t count = 0;
        if (ls_expressions(ws, psl, probe, len, out, &count) != LS_OK) return 0;
        for (size_t i = 0; i < count; i++) {
            if (out[i].len == e->host_len + 1 && !memcmp(out[i].ptr, e->host, e->host_len)) {
                return 1;
            }
        }
        return 0; /* a coverage warning: the reference says it */
    }
    return 1;
}

/* Whether names[offsets[i] .. offsets[i+1]) holds name (names sorted, strictly ascending). */
static int in_sorted(const uint8_t *names, const uint64_t *offsets, size_t count,
                     const uint8_t *name, size_t len) {
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const uint8_t *p = names + offsets[mid];
        size_t n = (size_t)(offsets[mid + 1] - offsets[mid]);
        int cmp = memcmp(p, name, n < len ? n : len);
        if (cmp == 0) cmp = n < len ? -1 : n > len;
        if (cmp == 0) return 1;
        if (cmp < 0) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

/* shortener_of("http://" + expression): the host or a parent of two labels or more is a
 * shortener, and the link is more than the shortener's home page. */
static int is_short_link(const uint8_t *names, const uint64_t *offsets, size_t count,
                         const entry *e) {
    if (!count || e->expr_tail == 1) return 0;
    const uint8_t *h = e->host;
    size_t n = e->host_len;
    for (size_t at = 0; at < n;) {
        const uint8_t *dot = memchr(h + at, '.', n - at);
        if (!dot) break; /* the last label alone is not a candidate */
        if (in_sorted(names, offsets, count, h + at, n - at)) return 1;
        at = (size_t)(dot - h) + 1;
    }
    return 0;
}

/* One reading of a line to its expression at out[*w..]; 1 when provably accepted. */
static int read_entry(ls_workspace *ws, const ls_psl *psl, const uint8_t *names,
                      const uint64_t *name_offsets, size_t name_count, const uint8_t *url,
                      size_t len, int first, uint8_t *out, size_t cap,
                      size_t *w) {
    if (not_a_url(url, len)) return 0;
    ls_str canonical;
    if (ls_canonicalize(ws, url, len, &canonical) != LS_OK) return 0;
    entry e;
    if (!accept_entry(ws, psl, canonical, &e)) return 0;
    if (first && is_short_link(names, name_offsets, name_count, &e)) return 0;
    size_t need = e.host_len + e.expr_tail + 1;
    if (need > cap - *w) return 0;
    memcpy(out + *w, e.host, e.host_len);
    memcpy(out + *w + e.host_len, e.path, e.expr_tail);
    *w += need;
    out[*w - 1] = '\n';
    return 1;
}

static int find_amp(const uint8_t *p, size_t n) {
    for (size_t i = 0; i + 5 <= n; i++) {
        if (p[i] == '&' && !memcmp(p + i, "&amp;", 5)) return 1;
    }
    return 0;
}

static ls_status check_names(const uint8_t *names, const uint64_t *offsets, size_t count) {
    if (count && (!names || !offsets)) return LS_ERR_ARGUMENT;
    for (size_t i = 0; i < count; i++) {
        if (offsets[i + 1] <= offsets[i]) return LS_ERR_ARGUMENT;
        if (i) {
            size_t a = (size_t)(offsets[i] - offsets[i - 1]), b = (size_t)(offsets[i + 1] - offsets[i]);
            int cmp = memcmp(names + offsets[i - 1], names + offsets[i], a < b ? a : b);
            if (cmp > 0 || (cmp == 0 && a >= b)) return LS_ERR_ARGUMENT; /* not ascending */
        }
    }
    return LS_OK;
}

ls_status ls_compile_lines(ls_workspace *ws, const ls_psl *psl, const uint8_t *names,
                           const uint64_t *name_offsets, size_t name_count, const uint8_t *buf, const uint64_t *offsets, size_t count,
                           uint8_t *codes, uint8_t *out, size_t cap, size_t *out_len) {
    if (!ws || !psl || !out_len || (count && (!buf || !offsets || !codes)) || (!out && cap)) {
        return LS_ERR_ARGUMENT;
    }
    LS_TRY(check_names(names, name_offsets, name_count));
    for (size_t i = 0; i < count; i++) {
        if (offsets[i + 1] < offsets[i]) return LS_ERR_ARGUMENT;
    }
    size_t w = 0;
    for (size_t i = 0; i < count; i++) {
        const uint8_t *p = buf + offsets[i];
        size_t n = (size_t)(offsets[i + 1] - offsets[i]);
        codes[i] = LS_LINE_DEFER;
        if (n > LS_COMPILE_MAX_LINE) continue;
        size_t k = 0;
        while (k < n && p[k] >= 0x20 && p[k] <= 0x7e) k++;
        if (k < n) continue; /* not printable ASCII: decoding, controls, tabs */
        size_t a = 0, b = n;
        while (a < b && p[a] == ' ') a++;
        while (b > a && p[b - 1] == ' ') b--;
        if (a == b) {
            codes[i] = LS_LINE_BLANK;
            continue;
        }
        uint8_t head = p[a];
        if (head == '#') {
            codes[i] = LS_LINE_COMMENT;
            continue;
        }
        if (head == '=' || head == '+' || head == '-' || head == '@') continue; /* formula */
        const uint8_t *url = p + a;
        size_t len = b - a;
        size_t mark = w;
        if (!read_entry(ws, psl, names, name_offsets, name_count, url, len, 1, out, cap, &w)) {
            continue;
        }
        if (!find_amp(url, len)) {
            codes[i] = LS_LINE_ENTRY;
            continue;
        }
        uint8_t unescaped[LS_COMPILE_MAX_LINE]; /* url.replace("&amp;", "&") */
        size_t u = 0;
        for (size_t j = 0; j < len;) {
            if (j + 5 <= len && !memcmp(url + j, "&amp;", 5)) {
                unescaped[u++] = '&';
                j += 5;
            } else {
                unescaped[u++] = url[j++];
            }
        }
        if (read_entry(ws, psl, names, name_offsets, name_count, unescaped, u, 0, out, cap, &w)) {
            codes[i] = LS_LINE_ENTRY_AMP;
        } else {
            w = mark; /* the reference decides whether the second reading compiles */
        }
    }
    *out_len = w;
    return LS_OK;
}

/* ---- the fingerprint table of a compiled bundle -------------------------------------------- */

typedef struct {
    uint8_t fp[LS_FINGERPRINT_BYTES];
    uint32_t tag;
} row_rec;

#define LS_PREFIXES 65536u

static int row_before(const row_rec *a, const row_rec *b) {
    int cmp = memcmp(a->fp, b->fp, LS_FINGERPRINT_BYTES);
    return cmp < 0 || (cmp == 0 && a->tag < b->tag);
}

static int row_compare(const void *a, const void *b) {
    const row_rec *x = a, *y = b;
    return row_before(x, y) ? -1 : row_before(y, x) ? 1 : 0;
}

static int tag_width_ok(uint32_t bits) {
    return bits == 0 || bits == 1 || bits == 2 || bits == 4 || bits == 8 || bits == 16;
}

static size_t bitmap_bytes(size_t count) { return (LS_PREFIXES + count + 7) / 8; }

ls_status ls_table_sizes(size_t count, uint32_t tag_bits, uint32_t prefix_bytes,
                         ls_table_size *out) {
    if (!out || !tag_width_ok(tag_bits) || prefix_bytes > 2) return LS_ERR_ARGUMENT;
    if (count > UINT32_MAX ||
        count > (SIZE_MAX - (LS_PREFIXES + 1) * sizeof(uint64_t)) / (2 * sizeof(row_rec))) {
        return LS_ERR_ARGUMENT;
    }
    out->table = count * (LS_FINGERPRINT_BYTES - prefix_bytes);
    out->tags = (count * tag_bits + 7) / 8;
    out->buckets = prefix_bytes == 0 ? 0 : 257 * 4 + (prefix_bytes == 2 ? bitmap_bytes(count) : 0);
    out->scratch = 2 * count * sizeof(row_rec) + (LS_PREFIXES + 1) * sizeof(uint64_t);
    return LS_OK;
}

static void put_le32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

ls_status ls_table_build(const uint8_t salt[16], const uint8_t *buf, const uint64_t *offsets,
                         size_t count, const uint16_t *tags, uint32_t tag_bits,
                         uint32_t prefix_bytes, void *scratch, size_t scratch_len,
                         uint8_t *table, size_t table_len, uint8_t *tag_out, size_t tag_len,
                         uint8_t *buckets, size_t buckets_len) {
    ls_table_size size;
    LS_TRY(ls_table_sizes(count, tag_bits, prefix_bytes, &size));
    if (!salt || (count && (!buf || !offsets || !tags)) || !scratch || ((uintptr_t)scratch & 7) ||
        scratch_len < size.scratch || table_len != size.table || tag_len != size.tags ||
        buckets_len != size.buckets || (size.table && !table) || (size.tags && !tag_out) ||
        (size.buckets && !buckets)) {
        return LS_ERR_ARGUMENT;
    }
    for (size_t i = 0; i < count; i++) {
        if (offsets[i + 1] < offsets[i]) return LS_ERR_ARGUMENT;
        if (tag_bits < 16 && tags[i] >> tag_bits) return LS_ERR_ARGUMENT; /* names no list */
    }
    uint64_t *starts = scratch; /* rows before each 16-bit prefix, then the sorted rows */
    row_rec *rows = (row_rec *)(starts + LS_PREFIXES + 1), *sorted = rows + count;
    memset(starts, 0, (LS_PREFIXES + 1) * sizeof *starts);
    ls_fingerprints_internal(salt, buf, offsets, count, rows[0].fp, sizeof *rows);
    for (size_t i = 0; i < count; i++) {
        rows[i].tag = tags[i];
        starts[(size_t)(rows[i].fp[0] << 8 | rows[i].fp[1]) + 1]++;
    }
    for (size_t b = 0; b < LS_PREFIXES; b++) starts[b + 1] += starts[b];
    for (size_t i = 0; i < count; i++) { /* counting sort on the first two bytes (stable) */
        size_t b = (size_t)(rows[i].fp[0] << 8 | rows[i].fp[1]);
        sorted[starts[b]++] = rows[i];
    }
    for (size_t b = LS_PREFIXES; b > 0; b--) starts[b] = starts[b - 1]; /* back to the starts */
    starts[0] = 0;
    for (size_t b = 0; b < LS_PREFIXES; b++) { /* then each run by (fingerprint, tag) */
        row_rec *run = sorted + starts[b];
        size_t n = (size_t)(starts[b + 1] - starts[b]);
        if (n > 32) {
            qsort(run, n, sizeof *run, row_compare);
            continue;
        }
        for (size_t i = 1; i < n; i++) {
            row_rec r = run[i];
            size_t j = i;
            while (j > 0 && row_before(&r, &run[j - 1])) {
                run[j] = run[j - 1];
                j--;
            }
            run[j] = r;
        }
    }
    size_t width = LS_FINGERPRINT_BYTES - prefix_bytes;
    if (size.tags) memset(tag_out, 0, size.tags);
    for (size_t i = 0; i < count; i++) {
        memcpy(table + i * width, sorted[i].fp + prefix_bytes, width);
        uint32_t t = sorted[i].tag;
        if (tag_bits == 16) {
            tag_out[2 * i] = (uint8_t)t;
            tag_out[2 * i + 1] = (uint8_t)(t >> 8);
        } else if (tag_bits) {
            size_t at = i * tag_bits;
            tag_out[at >> 3] |= (uint8_t)(t << (at & 7));
        }
    }
    if (prefix_bytes) { /* 257 offsets by first byte, then (p = 2) the Elias-Fano bitmap */
        for (size_t t = 0; t <= 256; t++) put_le32(buckets + 4 * t, (uint32_t)starts[t << 8]);
        if (prefix_bytes == 2) {
            uint8_t *bitmap = buckets + 257 * 4;
            memset(bitmap, 0, bitmap_bytes(count));
            for (size_t i = 0; i < count; i++) {
                size_t bit = i + (size_t)(sorted[i].fp[0] << 8 | sorted[i].fp[1]);
                bitmap[bit >> 3] |= (uint8_t)(1u << (bit & 7));
            }
        }
    }
    return LS_OK;
}
