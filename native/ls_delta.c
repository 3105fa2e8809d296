/* Deltas: the client's merge of docs/bundle-format.md section 8, the C twin of
 * sdk/linkscreen/bundle/delta.py's apply_delta (the reference). The new payload is rebuilt
 * in the caller's memory exactly as the writer lays it out, and must hash to the delta's
 * target; every problem with a delta is LS_ERR_DELTA (Python: DeltaError). One pass over the
 * old rows, no allocation besides the old payload's parse. */
#include "ls_internal.h"

#include <stdlib.h>

#define HEADER_BYTES 128
#define SECTION_ENTRY_BYTES 24
#define HASHES_END (8 + 32 + 32)
#define UNCHANGED 0xFFFFFFFFu
#define ADDED_ROW_BYTES 18
#define MAX_DELTA_ROWS 50000000u
#define MAX_SECTIONS 64
#define BUCKET_OFFSETS_BYTES (257 * 4)

static inline uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t le64(const uint8_t *p) {
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}
static inline void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline void put64(uint8_t *p, uint64_t v) {
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

typedef struct {
    const uint8_t *p;
    size_t len, pos;
} reader;

static int read_u32(reader *r, uint32_t *v) {
    if (r->len - r->pos < 4) return 0;
    *v = le32(r->p + r->pos);
    r->pos += 4;
    return 1;
}

/* One LEB128 gap (delta.py's _read_varints: at most 10 bytes). A value past 2^64 is past any
 * bound, so it is refused as Python refuses it. */
static int read_gap(reader *r, uint64_t *gap) {
    uint64_t value = 0;
    unsigned shift = 0;
    for (;;) {
        if (r->pos >= r->len) return 0;
        uint8_t byte = r->p[r->pos++];
        if (shift == 63 && (byte & 0x7F) > 1) return 0;
        value |= (uint64_t)(byte & 0x7F) << shift;
        shift += 7;
        if (!(byte & 0x80)) break;
        if (shift > 63) return 0;
    }
    *gap = value;
    return 1;
}

/* A strictly ascending list of count values below bound, as gaps: walk it once to check it,
 * then again while merging. */
typedef struct {
    reader r;
    uint32_t left;
    uint64_t value;
    int started;
} ascending;

static int next_value(ascending *a, uint64_t bound, uint64_t *out) {
    uint64_t gap;
    if (!a->left || !read_gap(&a->r, &gap)) return 0;
    if (a->started && gap == 0) return 0;
    if (gap >= bound) return 0;
    uint64_t value = a->started ? a->value + gap : gap; /* both below bound: no overflow */
    if (value >= bound) return 0;
    a->value = value;
    a->started = 1;
    a->left--;
    *out = value;
    return 1;
}

static ls_status skip_values(reader *r, uint32_t count, uint64_t bound) {
    ascending a = {*r, count, 0, 0};
    uint64_t v;
    for (uint32_t i = 0; i < count; i++) {
        if (!next_value(&a, bound, &v)) return LS_ERR_DELTA;
    }
    r->pos = a.r.pos;
    return LS_OK;
}

/* An old payload's section by id (its directory is already checked). */
static int old_section(const uint8_t *old, uint64_t id, uint64_t *offset, uint64_t *length) {
    uint32_t count = le16(old + 4);
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = old + HEADER_BYTES + (size_t)i * SECTION_ENTRY_BYTES;
        if (le32(e) == id) {
            *offset = le64(e + 8);
            *length = le64(e + 16);
            return 1;
        }
    }
    return 0;
}

static int derived(uint32_t id) { return id >= 3 && id <= 6; }

/* The old rows as full fingerprints, in order (the bucket index gives the first p bytes). */
typedef struct {
    ls_tables t;
    uint64_t row;
    uint32_t top;     /* p = 1, 2: current leading byte */
    uint64_t bit;     /* p = 2: bitmap position of the next row's 1-bit */
    uint32_t second;  /* p = 2: zeros passed within the current leading byte's run */
} old_rows;

static void old_row(old_rows *o, uint8_t fp[16]) {
    const ls_tables *t = &o->t;
    size_t p = t->prefix_bytes, width = 16 - p;
    if (p == 1) {
        while (le32(t->buckets + 4 * ((size_t)o->top + 1)) <= o->row) o->top++;
        fp[0] = (uint8_t)o->top;
    } else if (p == 2) {
        const uint8_t *bitmap = t->buckets + BUCKET_OFFSETS_BYTES;
        while (!(bitmap[o->bit >> 3] >> (o->bit & 7) & 1)) { /* zeros: next second byte */
            o->bit++;
            if (++o->second == 256) {
                o->second = 0;
                o->top++;
            }
        }
        fp[0] = (uint8_t)o->top;
        fp[1] = (uint8_t)o->second;
        o->bit++;
    }
    memcpy(fp + p, t->fingerprints + o->row * width, width);
}

typedef struct {
    uint8_t fp[16];
    uint32_t tag;
} row_t;

static int row_less(const row_t *a, const row_t *b) {
    int order = memcmp(a->fp, b->fp, 16);
    return order < 0 || (order == 0 && a->tag < b->tag);
}

typedef struct {
    uint8_t *rows, *tags, *bitmap;
    uint32_t p, tag_bits;
    uint64_t n, written;
    uint32_t counts[256];
    row_t last;
} writer;

static ls_status write_row(writer *w, const row_t *r) {
    if (w->written && !row_less(&w->last, r)) return LS_ERR_DELTA; /* repeats a row */
    if (w->written == w->n) return LS_ERR_DELTA;                   /* more rows than n */
    uint64_t i = w->written++;
    memcpy(w->rows + i * (16 - w->p), r->fp + w->p, 16 - w->p);
    if (w->tag_bits == 16) {
        w->tags[2 * i] = (uint8_t)r->tag;
        w->tags[2 * i + 1] = (uint8_t)(r->tag >> 8);
    } else if (w->tag_bits) {
        uint64_t start = i * w->tag_bits;
        w->tags[start >> 3] |= (uint8_t)(r->tag << (start & 7));
    }
    w->counts[r->fp[0]]++;
    if (w->p == 2) {
        uint64_t bit = i + ((uint64_t)r->fp[0] << 8 | r->fp[1]);
        w->bitmap[bit >> 3] |= (uint8_t)(1u << (bit & 7));
    }
    w->last = *r;
    return LS_OK;
}

typedef struct {
    uint32_t id;
    const uint8_t *data; /* NULL for a derived section (written in place) */
    uint64_t length, offset;
} out_section;

ls_status ls_delta_apply(const uint8_t *old, size_t old_len, const uint8_t *delta,
                         size_t delta_len, uint8_t *out, size_t cap, size_t *out_len) {
    if ((!old && old_len) || !delta || !out_len || (!out && cap)) return LS_ERR_ARGUMENT;
    /* endpoints */
    if (delta_len < HASHES_END) return LS_ERR_DELTA;
    int v1 = memcmp(delta, "LSDELTA1", 8) == 0;
    if (!v1 && memcmp(delta, "LSDELTA2", 8) != 0) return LS_ERR_DELTA;
    uint8_t digest[32];
    ls_sha256(old ? old : (const uint8_t *)"", old_len, digest);
    if (memcmp(digest, delta + 8, 32) != 0) return LS_ERR_DELTA; /* made for another state */
    ls_bundle *parsed;
    ls_status status = ls_bundle_parse(old ? old : (const uint8_t *)"", old_len, 0, &parsed);
    if (status == LS_ERR_NOMEM) return status;
    if (status != LS_OK) return LS_ERR_DELTA; /* the old payload does not parse */
    ls_bundle_info was, h;
    ls_tables old_tables;
    ls_bundle_get_info(parsed, &was);
    ls_bundle_get_tables(parsed, &old_tables);
    status = LS_ERR_DELTA;
    reader r = {delta, delta_len, HASHES_END};
    out_section sections[MAX_SECTIONS + 4];
    size_t section_count = 0;
    const uint8_t *header = delta + HASHES_END;
    /* the new header: read and bounded as the reader does, on the same chain */
    if (delta_len - r.pos < HEADER_BYTES || ls_bundle_read_header(header, HEADER_BYTES, &h) != LS_OK)
        goto done;
    r.pos += HEADER_BYTES;
    if (memcmp(h.salt, was.salt, 16) || h.bloom_seed != was.bloom_seed || h.bloom_k != was.bloom_k ||
        h.bloom_bits != was.bloom_bits) {
        goto done;
    }
    if (h.format_version != 1 && h.format_version != 2) goto done;
    if (ls_bundle_check_header(&h) != LS_OK) goto done;
    /* carried sections */
    uint32_t count, previous_id = 0;
    if (v1) {
        static const uint32_t fixed[2] = {1, 2};
        for (int i = 0; i < 2; i++) {
            uint32_t length;
            if (!read_u32(&r, &length)) goto done;
            out_section *s = &sections[section_count++];
            s->id = fixed[i];
            if (length == UNCHANGED) {
                s->data = NULL;
                s->length = UNCHANGED;
            } else {
                if (length > r.len - r.pos) goto done;
                s->data = delta + r.pos;
                s->length = length;
                r.pos += length;
            }
        }
    } else {
        if (!read_u32(&r, &count) || count > MAX_SECTIONS) goto done;
        for (uint32_t i = 0; i < count; i++) {
            uint32_t id, length;
            if (!read_u32(&r, &id) || !read_u32(&r, &length)) goto done;
            if (id <= previous_id || derived(id)) goto done;
            out_section *s = &sections[section_count++];
            s->id = id;
            if (length == UNCHANGED) {
                s->data = NULL;
                s->length = UNCHANGED;
            } else {
                if (length > r.len - r.pos) goto done;
                s->data = delta + r.pos;
                s->length = length;
                r.pos += length;
            }
            previous_id = id;
        }
    }
    /* Bloom bits, removed rows, added rows */
    uint32_t gained_count, removed_count, added_count;
    if (!read_u32(&r, &gained_count) || gained_count > h.bloom_bits) goto done;
    reader gained_at = r;
    if (skip_values(&r, gained_count, h.bloom_bits) != LS_OK) goto done;
    if (!read_u32(&r, &removed_count) || removed_count > was.fingerprint_count) goto done;
    reader removed_at = r;
    if (skip_values(&r, removed_count, was.fingerprint_count) != LS_OK) goto done;
    if (!read_u32(&r, &added_count) || added_count > MAX_DELTA_ROWS ||
        (uint64_t)added_count * ADDED_ROW_BYTES != r.len - r.pos) {
        goto done;
    }
    const uint8_t *added = delta + r.pos;
    for (uint32_t i = 0; i < added_count; i++) {
        const uint8_t *a = added + (size_t)i * ADDED_ROW_BYTES;
        if (i) {
            row_t x, y;
            memcpy(x.fp, a - ADDED_ROW_BYTES, 16);
            x.tag = le16(a - 2);
            memcpy(y.fp, a, 16);
            y.tag = le16(a + 16);
            if (!row_less(&x, &y)) goto done;
        }
        if (le16(a + 16) >= h.list_count) goto done;
    }
    /* an unchanged section is the old payload's bytes (the old state must have it) */
    for (size_t i = 0; i < section_count; i++) {
        out_section *s = &sections[i];
        if (s->length != UNCHANGED) continue;
        uint64_t offset, length;
        if (!old_section(old, s->id, &offset, &length)) goto done;
        s->data = old + offset;
        s->length = length;
    }
    /* the layout: carried plus rebuilt sections, ascending ids */
    uint64_t n = h.fingerprint_count;
    uint32_t p = h.fingerprint_prefix_bytes;
    out_section rebuilt[4] = {{3, NULL, h.bloom_bits / 8, 0},
                              {4, NULL, n * (16 - p), 0},
                              {5, NULL, (n * h.tag_bits + 7) / 8, 0},
                              {6, NULL, p ? BUCKET_OFFSETS_BYTES + (p == 2 ? (65536 + n + 7) / 8 : 0) : 0, 0}};
    for (int i = 0; i < 4; i++) {
        if (i == 2 && !h.tag_bits) continue;
        if (i == 3 && !p) continue;
        if (section_count == MAX_SECTIONS) goto done; /* assemble_payload's bound */
        size_t at = section_count++;
        while (at && sections[at - 1].id > rebuilt[i].id) {
            sections[at] = sections[at - 1];
            at--;
        }
        sections[at] = rebuilt[i];
    }
    uint64_t size = HEADER_BYTES + (uint64_t)section_count * SECTION_ENTRY_BYTES;
    for (size_t i = 0; i < section_count; i++) {
        sections[i].offset = size;
        size += sections[i].length + (8 - sections[i].length % 8) % 8;
    }
    *out_len = (size_t)size;
    if (size > cap) {
        status = LS_ERR_BUFFER;
        goto done;
    }
    memset(out, 0, (size_t)size);
    memcpy(out, header, HEADER_BYTES);
    out[4] = (uint8_t)section_count;
    out[5] = (uint8_t)(section_count >> 8);
    uint8_t *bloom = NULL;
    writer w;
    memset(&w, 0, sizeof w);
    w.p = p;
    w.tag_bits = h.tag_bits;
    w.n = n;
    for (size_t i = 0; i < section_count; i++) {
        out_section *s = &sections[i];
        uint8_t *e = out + HEADER_BYTES + i * SECTION_ENTRY_BYTES;
        put32(e, s->id);
        put64(e + 8, s->offset);
        put64(e + 16, s->length);
        uint8_t *at = out + s->offset;
        if (s->data) memcpy(at, s->data, (size_t)s->length);
        else if (s->id == 3) bloom = at;
        else if (s->id == 4) w.rows = at;
        else if (s->id == 5) w.tags = at;
        else w.bitmap = at + BUCKET_OFFSETS_BYTES;
    }
    /* Bloom: the old filter with the new bits, none of them set before */
    memcpy(bloom, old_tables.bloom, (size_t)(h.bloom_bits / 8));
    ascending bits = {gained_at, gained_count, 0, 0};
    uint64_t bit;
    for (uint32_t i = 0; i < gained_count; i++) {
        next_value(&bits, h.bloom_bits, &bit);
        if (bloom[bit >> 3] >> (bit & 7) & 1) goto done;
        bloom[bit >> 3] |= (uint8_t)(1u << (bit & 7));
    }
    /* rows: old minus removed, merged with added */
    old_rows o = {old_tables, 0, 0, 0, 0};
    ascending removed = {removed_at, removed_count, 0, 0};
    uint64_t next_removed = UINT64_MAX;
    if (removed_count) next_value(&removed, was.fingerprint_count, &next_removed);
    uint32_t next_added = 0;
    row_t current, incoming;
    int have_current = 0;
    for (;;) {
        if (!have_current && o.row < was.fingerprint_count) {
            old_row(&o, current.fp);
            uint32_t tag = 0;
            ls_bundle_row_list(parsed, o.row, &tag);
            current.tag = tag;
            int gone = o.row == next_removed;
            o.row++;
            if (gone) {
                if (!removed.left || !next_value(&removed, was.fingerprint_count, &next_removed))
                    next_removed = UINT64_MAX;
                continue;
            }
            have_current = 1;
        }
        int more_added = next_added < added_count;
        if (!have_current && !more_added) break;
        if (more_added) {
            const uint8_t *a = added + (size_t)next_added * ADDED_ROW_BYTES;
            memcpy(incoming.fp, a, 16);
            incoming.tag = le16(a + 16);
        }
        if (have_current && (!more_added || row_less(&current, &incoming))) {
            if (write_row(&w, &current) != LS_OK) goto done;
            have_current = 0;
        } else {
            if (write_row(&w, &incoming) != LS_OK) goto done;
            next_added++;
        }
    }
    if (w.written != n) goto done; /* the header's row count */
    if (p) {
        uint8_t *offsets = w.bitmap - BUCKET_OFFSETS_BYTES;
        uint32_t total = 0;
        for (int t = 0; t < 256; t++) {
            put32(offsets + 4 * t, total);
            total += w.counts[t];
        }
        put32(offsets + 4 * 256, total);
    }
    ls_sha256(out, (size_t)size, digest);
    status = memcmp(digest, delta + 40, 32) == 0 ? LS_OK : LS_ERR_DELTA;
done:
    ls_bundle_free(parsed);
    return status;
}
