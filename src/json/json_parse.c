/*
 * The JSON parser: one pass over the text that validates it strictly (RFC 8259) and writes
 * the document's tape (see json_internal.h). No allocation per value: the token array is
 * the only memory, and it is kept between parses.
 *
 * The parser is a loop over labels rather than recursive descent, so nesting costs a small
 * explicit stack instead of C stack frames, and the hot state (position, token array) stays
 * in registers.
 */
#include "json/json_internal.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned char uchar;

/* What the string scanner does with each byte. */
enum { S_PLAIN = 0, S_QUOTE = 1, S_ESC = 2, S_CTRL = 3, S_UTF8 = 4 };

/* Shorthands for the table below. */
#define P S_PLAIN
#define Q S_QUOTE
#define E S_ESC
#define C S_CTRL
#define U S_UTF8
static const uint8_t str_class[256] = {
	C, C, C, C, C, C, C, C, C, C, C, C, C, C, C, C,  /* 0x00 */
	C, C, C, C, C, C, C, C, C, C, C, C, C, C, C, C,  /* 0x10 */
	P, P, Q, P, P, P, P, P, P, P, P, P, P, P, P, P,  /* 0x20 */
	P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P,  /* 0x30 */
	P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P,  /* 0x40 */
	P, P, P, P, P, P, P, P, P, P, P, P, E, P, P, P,  /* 0x50 */
	P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P,  /* 0x60 */
	P, P, P, P, P, P, P, P, P, P, P, P, P, P, P, P,  /* 0x70 */
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,  /* 0x80 */
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,  /* 0x90 */
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,  /* 0xA0 */
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,  /* 0xB0 */
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,  /* 0xC0 */
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,  /* 0xD0 */
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,  /* 0xE0 */
	U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U,  /* 0xF0 */
};
#undef P
#undef Q
#undef E
#undef C
#undef U

/* The four whitespace bytes of RFC 8259 as a bit set over 0..32. */
#define WS_MASK ((1ull << ' ') | (1ull << '\t') | (1ull << '\n') | (1ull << '\r'))

static inline int is_ws(uchar c)
{
	return c <= ' ' && ((WS_MASK >> c) & 1);
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Word-at-a-time scanning needs to find the first flagged byte of a little-endian load. */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define BT_SWAR 1
#define BT_ALWAYS_INLINE inline __attribute__((always_inline))
static inline unsigned first_byte(uint64_t mask)
{
	return (unsigned)__builtin_ctzll(mask) >> 3;
}
#else
#define BT_SWAR 0
#define BT_ALWAYS_INLINE inline
#endif

static inline uint64_t load8(const uchar *p)
{
	uint64_t x;
	memcpy(&x, p, 8);
	return x;
}

/* Pretty-printed documents indent with runs of spaces, so those are skipped 8 at a time. */
static inline const uchar *skip_ws(const uchar *p, const uchar *end)
{
	while (p < end && is_ws(*p)) {
#if BT_SWAR
		if (*p == ' ' && end - p >= 8) {
			uint64_t x = load8(p) ^ (ONES * ' ');
			p += x ? first_byte(x) : 8;
			continue;
		}
#endif
		p++;
	}
	return p;
}

static inline int is_digit(uchar c)
{
	return (unsigned)(c - '0') < 10;
}

/*
 * The bytes of 8 (read unaligned) that are not plain ASCII string content: a quote, a
 * backslash, a control character or a byte >= 0x80 gets its high bit set in the result.
 * The zero-byte trick may also flag a byte above a real hit (through a borrow), never one
 * below it, so the lowest flagged byte is exact.
 */
static inline uint64_t special8(const uchar *p)
{
	uint64_t x = load8(p);
	uint64_t q = x ^ (ONES * '"');
	uint64_t b = x ^ (ONES * '\\');
	return (((q - ONES) & ~q) | ((b - ONES) & ~b) | (x - ONES * 0x20) | x) & HIGHS;
}

static inline int hex_val(uchar c)
{
	if (is_digit(c))
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The code unit of \uXXXX at p (p[0] == '\\'), or -1 when it is not one. */
static long hex_escape(const uchar *p, const uchar *end)
{
	if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
		return -1;
	long v = 0;
	for (int i = 2; i < 6; i++) {
		int h = hex_val(p[i]);
		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

/* Why a parse failed. */
typedef struct parse_error {
	const uchar *at;
	const char *what;
} parse_error;

/*
 * Validates the escape at p (p[0] == '\\') and returns the position after it, or NULL with
 * *e set. Surrogates must come as a high-low pair, so decoding can never fail later.
 */
static const uchar *scan_escape(const uchar *p, const uchar *end, parse_error *e)
{
	if (end - p < 2) {
		e->at = NULL; /* reported at the opening quote, like any unterminated string */
		e->what = "unterminated string";
		return NULL;
	}
	switch (p[1]) {
	case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
		return p + 2;
	case 'u':
		break;
	default:
		e->at = p;
		e->what = "invalid escape";
		return NULL;
	}
	long u = hex_escape(p, end);
	if (u < 0) {
		e->at = p;
		e->what = "invalid \\u escape";
		return NULL;
	}
	if (u >= 0xDC00 && u <= 0xDFFF) {
		e->at = p;
		e->what = "unpaired surrogate escape";
		return NULL;
	}
	if (u < 0xD800 || u > 0xDBFF)
		return p + 6;
	long lo = hex_escape(p + 6, end);
	if (lo < 0xDC00 || lo > 0xDFFF) {
		e->at = p;
		e->what = "unpaired surrogate escape";
		return NULL;
	}
	return p + 12;
}

/*
 * Handles a string byte that is not plain content and not the closing quote: an escape, a
 * control character or the start of a multi-byte UTF-8 sequence. Returns the position after
 * it, or NULL with *e set. Kept out of line: it is rare in most documents.
 */
static const uchar *scan_special(const uchar *p, const uchar *end, uint8_t *flags,
                                 parse_error *e)
{
	switch (str_class[*p]) {
	case S_ESC:
		*flags |= BT_JSON_F_ESCAPED;
		return scan_escape(p, end, e);
	case S_CTRL:
		e->at = p;
		e->what = *p ? "control character in string"
		             : "NUL byte in a string (not allowed; JSON writes it \\u0000)";
		return NULL;
	default: {
		size_t n = bt_utf8_seq_len(p, (size_t)(end - p));
		if (!n) {
			e->at = p;
			e->what = "invalid UTF-8";
			return NULL;
		}
		return p + n;
	}
	}
}

/*
 * Scans string content starting just past the opening quote at p[-1]. Returns the position
 * of the closing quote, or NULL with *e set. Sets BT_JSON_F_ESCAPED in *flags on an escape.
 */
static BT_ALWAYS_INLINE const uchar *scan_string(const uchar *p, const uchar *end,
                                                 uint8_t *flags, parse_error *e)
{
	for (;;) {
#if BT_SWAR
		if (end - p >= 8) {
			uint64_t m = special8(p);
			if (!m) {
				p += 8;
				continue;
			}
			p += first_byte(m);
		} else
#endif
		{
			while (p < end && str_class[*p] == S_PLAIN)
				p++;
			if (p == end) {
				e->at = NULL; /* the caller knows where the string began */
				e->what = "unterminated string";
				return NULL;
			}
		}
		if (*p == '"')
			return p;
		p = scan_special(p, end, flags, e);
		if (!p)
			return NULL;
	}
}

/* Scans a number at p (a '-' or a digit). Returns the position after it or NULL. */
static inline const uchar *scan_number(const uchar *p, const uchar *end, uint8_t *flags,
                                       parse_error *e)
{
	e->at = p;
	e->what = "invalid number";
	if (*p == '-')
		p++;
	if (p == end)
		return NULL;
	if (*p == '0') {
		p++;
		if (p < end && is_digit(*p)) {
			e->what = "invalid number (leading zero)";
			return NULL;
		}
	} else if (is_digit(*p)) {
		do
			p++;
		while (p < end && is_digit(*p));
	} else {
		return NULL;
	}
	if (p < end && *p == '.') {
		p++;
		if (p == end || !is_digit(*p))
			return NULL;
		do
			p++;
		while (p < end && is_digit(*p));
		*flags |= BT_JSON_F_REAL;
	}
	if (p < end && (*p | 0x20) == 'e') {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end || !is_digit(*p))
			return NULL;
		do
			p++;
		while (p < end && is_digit(*p));
		*flags |= BT_JSON_F_REAL;
	}
	return p;
}

/*
 * Makes room for at least one more token. 0 or BILLTAP_ENOMEM. Every token starts at a
 * distinct byte of the text, so the text length bounds the count (and, texts being at most
 * UINT32_MAX bytes, the count fits a uint32_t).
 */
static int grow(billtap_json *doc, size_t text_len)
{
	uint64_t want = text_len / 16 + 64; /* about one token per 16 bytes in API responses */
	if (want < (uint64_t)doc->cap * 2)
		want = (uint64_t)doc->cap * 2;
	if (want > text_len)
		want = text_len;
	if (want <= doc->cap || want > SIZE_MAX / sizeof(bt_json_tok))
		return BILLTAP_ENOMEM;
	bt_json_tok *t = realloc(doc->toks, (size_t)want * sizeof(bt_json_tok));
	if (!t)
		return BILLTAP_ENOMEM;
	doc->toks = t;
	doc->cap = (uint32_t)want;
	return 0;
}

static int fail(billtap_json *doc, size_t offset, const char *what)
{
	doc->ntok = 0;
	doc->text = NULL;
	snprintf(doc->error, sizeof doc->error, "offset %zu: %s", offset, what);
	return BILLTAP_EPARSE;
}

/* What an unexpected byte is called in a message. */
static const char *unexpected(const uchar *p, const uchar *end, const char *what)
{
	if (p == end)
		return "unexpected end of input";
	if (*p == 0)
		return "NUL byte (not allowed in JSON text)";
	return what;
}

_Static_assert(BILLTAP_JSON_MAX_DEPTH == 512, "update the \"nesting deeper\" message");

/* An open container on the parser's stack. */
typedef struct frame {
	uint32_t tok;  /* the container's token */
	uint32_t last; /* its latest element or key, BILLTAP_JSON_NONE while empty */
} frame;

/* Claims the next token index into `idx`, growing the array when full. */
#define NEW_TOK(idx)                                              \
	do {                                                      \
		if (n == doc->cap) {                              \
			if (grow(doc, len) < 0)                   \
				return fail_nomem(doc);           \
			toks = doc->toks;                         \
		}                                                 \
		(idx) = n++;                                      \
	} while (0)

#define FAIL(pos, msg)                  \
	do {                            \
		err.at = (pos);         \
		err.what = (msg);       \
		goto failed;            \
	} while (0)

static int fail_nomem(billtap_json *doc)
{
	doc->ntok = 0;
	doc->text = NULL;
	snprintf(doc->error, sizeof doc->error, "out of memory");
	return BILLTAP_ENOMEM;
}

BILLTAP_EXTERN(int) billtap_json_parse(billtap_json *doc, const char *text, size_t len)
{
	if (!doc)
		return BILLTAP_EINVAL;
	doc->ntok = 0;
	doc->text = NULL;
	doc->error[0] = '\0';
	if (!text && len)
		return BILLTAP_EINVAL;
	if (len == 0) /* before any arithmetic on text, which may be NULL then */
		return fail(doc, 0, "empty document");
#if SIZE_MAX > UINT32_MAX
	if (len > UINT32_MAX)
		return fail(doc, 0, "document larger than 4 GiB - 1");
#endif

	const uchar *base = (const uchar *)text;
	const uchar *p = base;
	const uchar *end = base + len;
	bt_json_tok *toks = doc->toks;
	uint32_t n = 0, t;
	uint32_t depth = 0;
	frame st[BILLTAP_JSON_MAX_DEPTH];
	parse_error err;
	uint8_t flags;

value:
	p = skip_ws(p, end);
	if (p == end)
		FAIL(p, n ? "unexpected end of input" : "empty document");
	NEW_TOK(t);
	switch (*p) {
	case '{':
	case '[':
		if (depth == BILLTAP_JSON_MAX_DEPTH)
			FAIL(p, "nesting deeper than 512");
		/* len and next are known at the closing bracket. */
		toks[t] = (bt_json_tok){ (uint32_t)(p - base), 0, 0,
			                 *p == '{' ? BILLTAP_JSON_OBJECT : BILLTAP_JSON_ARRAY, 0, 0 };
		st[depth].tok = t;
		st[depth].last = BILLTAP_JSON_NONE;
		depth++;
		p = skip_ws(p + 1, end);
		if (p < end && *p == (toks[t].type == BILLTAP_JSON_OBJECT ? '}' : ']')) {
			p++;
			goto close;
		}
		if (toks[t].type == BILLTAP_JSON_OBJECT)
			goto key;
		st[depth - 1].last = n;
		goto value;
	case '"': {
		const uchar *s = p + 1;
		flags = 0;
		p = scan_string(s, end, &flags, &err);
		if (!p) {
			if (!err.at)
				err.at = s - 1;
			goto failed;
		}
		toks[t] = (bt_json_tok){ (uint32_t)(s - base), (uint32_t)(p - s), t + 1,
			                 BILLTAP_JSON_STRING, flags, 0 };
		p++;
		goto after_value;
	}
	case 't':
		if (end - p < 4 || memcmp(p, "true", 4) != 0)
			FAIL(p, "invalid literal");
		toks[t] = (bt_json_tok){ (uint32_t)(p - base), 4, t + 1, BILLTAP_JSON_TRUE, 0, 0 };
		p += 4;
		goto after_value;
	case 'f':
		if (end - p < 5 || memcmp(p, "false", 5) != 0)
			FAIL(p, "invalid literal");
		toks[t] = (bt_json_tok){ (uint32_t)(p - base), 5, t + 1, BILLTAP_JSON_FALSE, 0, 0 };
		p += 5;
		goto after_value;
	case 'n':
		if (end - p < 4 || memcmp(p, "null", 4) != 0)
			FAIL(p, "invalid literal");
		toks[t] = (bt_json_tok){ (uint32_t)(p - base), 4, t + 1, BILLTAP_JSON_NULL, 0, 0 };
		p += 4;
		goto after_value;
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9': {
		const uchar *s = p;
		flags = 0;
		p = scan_number(s, end, &flags, &err);
		if (!p)
			goto failed;
		toks[t] = (bt_json_tok){ (uint32_t)(s - base), (uint32_t)(p - s), t + 1,
			                 BILLTAP_JSON_NUMBER, flags, 0 };
		goto after_value;
	}
	default:
		if (p == base && end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
			FAIL(p, "byte order mark (not allowed)");
		FAIL(p, unexpected(p, end, "expected a value"));
	}

key:
	/* p is at the first non-blank byte after '{' or ','. */
	p = skip_ws(p, end);
	if (p == end || *p != '"')
		FAIL(p, unexpected(p, end, "expected a string key"));
	NEW_TOK(t);
	st[depth - 1].last = t;
	{
		const uchar *s = p + 1;
		flags = BT_JSON_F_KEY;
		p = scan_string(s, end, &flags, &err);
		if (!p) {
			if (!err.at)
				err.at = s - 1;
			goto failed;
		}
		toks[t] = (bt_json_tok){ (uint32_t)(s - base), (uint32_t)(p - s), t + 1,
			                 BILLTAP_JSON_STRING, flags,
			                 bt_json_key_head((const char *)s, (size_t)(p - s)) };
	}
	p = skip_ws(p + 1, end);
	if (p == end || *p != ':')
		FAIL(p, unexpected(p, end, "expected ':'"));
	p++;
	goto value;

close:
	/* p is just past a closing bracket of the innermost container. */
	depth--;
	t = st[depth].tok;
	toks[t].len = (uint32_t)(p - base) - toks[t].start;
	toks[t].next = n;
	if (st[depth].last != BILLTAP_JSON_NONE)
		toks[st[depth].last].flags |= BT_JSON_F_LAST;

after_value:
	if (depth == 0)
		goto done;
	p = skip_ws(p, end);
	if (p < end) {
		if (toks[st[depth - 1].tok].type == BILLTAP_JSON_ARRAY) {
			if (*p == ',') {
				p++;
				st[depth - 1].last = n;
				goto value;
			}
			if (*p == ']') {
				p++;
				goto close;
			}
			FAIL(p, unexpected(p, end, "expected ',' or ']'"));
		}
		if (*p == ',' || *p == '}') {
			/* The member is complete: its key learns where the next member starts. */
			uint32_t k = st[depth - 1].last;
			toks[k].next = n;
			if (n == k + 2)
				toks[k].flags |= BT_JSON_F_SCALAR;
			if (*p++ == ',')
				goto key;
			goto close;
		}
		FAIL(p, unexpected(p, end, "expected ',' or '}'"));
	}
	FAIL(p, "unexpected end of input");

done:
	p = skip_ws(p, end);
	if (p != end)
		FAIL(p, unexpected(p, end, "trailing characters after the value"));
	toks[0].flags |= BT_JSON_F_LAST;
	doc->ntok = n;
	doc->text = text;
	return 0;

failed:
	return fail(doc, (size_t)(err.at - base), err.what);
}
