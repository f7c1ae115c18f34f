/*
 * A small JSON writer for request bodies (GraphQL). It places commas and colons itself and
 * refuses calls out of place, so a provider cannot build invalid JSON by accident; the first
 * misuse latches an error reported when the text is asked for.
 */
#include "billtap/provider_kit.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/utf8.h"

/* What the innermost container expects next. */
enum expect { TOP, ARRAY_VALUE, OBJECT_KEY, OBJECT_VALUE };

struct billtap_json_writer {
	bt_buf out;
	char *open;          /* per open container: 'a' or 'o' */
	size_t depth, cap;
	int first;           /* no element yet in the innermost container */
	int expect_value;    /* inside an object: a key was written */
	int complete;        /* the top value is finished */
	int status;          /* 0 or the latched error */
};

BILLTAP_EXTERN(int) billtap_json_writer_new(billtap_json_writer **out)
{
	if (!out)
		return BILLTAP_EINVAL;
	*out = calloc(1, sizeof **out);
	return *out ? 0 : BILLTAP_ENOMEM;
}

BILLTAP_EXTERN(void) billtap_json_writer_free(billtap_json_writer *w)
{
	if (!w)
		return;
	bt_buf_free(&w->out);
	free(w->open);
	free(w);
}

BILLTAP_EXTERN(void) billtap_json_writer_reset(billtap_json_writer *w)
{
	if (!w)
		return;
	bt_buf_clear(&w->out);
	w->depth = 0;
	w->first = 0;
	w->expect_value = 0;
	w->complete = 0;
	w->status = 0;
}

static int latch(billtap_json_writer *w, int code)
{
	if (w->status == 0)
		w->status = code;
	return w->status;
}

static enum expect expecting(const billtap_json_writer *w)
{
	if (!w->depth)
		return TOP;
	if (w->open[w->depth - 1] == 'a')
		return ARRAY_VALUE;
	return w->expect_value ? OBJECT_VALUE : OBJECT_KEY;
}

/* Before a value: the separator it needs, or an error when no value belongs here. */
static int begin_value(billtap_json_writer *w)
{
	if (w->status)
		return w->status;
	switch (expecting(w)) {
	case TOP:
		if (w->complete)
			return latch(w, BILLTAP_EINVAL); /* one document, one value */
		return 0;
	case ARRAY_VALUE:
		if (!w->first && bt_buf_putc(&w->out, ',') < 0)
			return latch(w, BILLTAP_ENOMEM);
		w->first = 0;
		return 0;
	case OBJECT_VALUE:
		w->expect_value = 0;
		return 0;
	default:
		return latch(w, BILLTAP_EINVAL); /* a value where a key belongs */
	}
}

static void end_value(billtap_json_writer *w)
{
	if (!w->depth)
		w->complete = 1;
}

static int emit(billtap_json_writer *w, const char *text, size_t len)
{
	if (begin_value(w) < 0)
		return w->status;
	if (bt_buf_append(&w->out, text, len) < 0)
		return latch(w, BILLTAP_ENOMEM);
	end_value(w);
	return 0;
}

static int open_container(billtap_json_writer *w, char kind)
{
	if (begin_value(w) < 0)
		return w->status;
	if (w->depth == BILLTAP_JSON_MAX_DEPTH)
		return latch(w, BILLTAP_EINVAL);
	if (w->depth == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		char *p = realloc(w->open, cap);
		if (!p)
			return latch(w, BILLTAP_ENOMEM);
		w->open = p;
		w->cap = cap;
	}
	if (bt_buf_putc(&w->out, kind == 'a' ? '[' : '{') < 0)
		return latch(w, BILLTAP_ENOMEM);
	w->open[w->depth++] = kind;
	w->first = 1;
	w->expect_value = 0;
	return 0;
}

static int close_container(billtap_json_writer *w, char kind)
{
	if (w->status)
		return w->status;
	if (!w->depth || w->open[w->depth - 1] != kind || w->expect_value)
		return latch(w, BILLTAP_EINVAL);
	if (bt_buf_putc(&w->out, kind == 'a' ? ']' : '}') < 0)
		return latch(w, BILLTAP_ENOMEM);
	w->depth--;
	w->first = 0; /* the enclosing container now has this element */
	w->expect_value = 0;
	end_value(w);
	return 0;
}

BILLTAP_EXTERN(int) billtap_json_write_object_begin(billtap_json_writer *w)
{
	return w ? open_container(w, 'o') : BILLTAP_EINVAL;
}

BILLTAP_EXTERN(int) billtap_json_write_object_end(billtap_json_writer *w)
{
	return w ? close_container(w, 'o') : BILLTAP_EINVAL;
}

BILLTAP_EXTERN(int) billtap_json_write_array_begin(billtap_json_writer *w)
{
	return w ? open_container(w, 'a') : BILLTAP_EINVAL;
}

BILLTAP_EXTERN(int) billtap_json_write_array_end(billtap_json_writer *w)
{
	return w ? close_container(w, 'a') : BILLTAP_EINVAL;
}

static int put_string(billtap_json_writer *w, const char *s, size_t len)
{
	if (!s && len)
		return latch(w, BILLTAP_EINVAL);
	/* UTF-8 between the NUL bytes (which JSON carries as \u0000). */
	for (size_t at = 0; at < len;) {
		const char *nul = memchr(s + at, '\0', len - at);
		size_t run = nul ? (size_t)(nul - (s + at)) : len - at;
		if (!bt_utf8_valid(s + at, run))
			return latch(w, BILLTAP_EDATA);
		at += run + (nul ? 1 : 0);
	}
	if (bt_buf_put_json_str(&w->out, s ? s : "", len) < 0)
		return latch(w, BILLTAP_ENOMEM);
	return 0;
}

BILLTAP_EXTERN(int) billtap_json_write_key(billtap_json_writer *w, const char *key)
{
	if (!w)
		return BILLTAP_EINVAL;
	if (w->status)
		return w->status;
	if (!key || expecting(w) != OBJECT_KEY)
		return latch(w, BILLTAP_EINVAL);
	if (!w->first && bt_buf_putc(&w->out, ',') < 0)
		return latch(w, BILLTAP_ENOMEM);
	w->first = 0;
	if (put_string(w, key, strlen(key)) < 0)
		return w->status;
	if (bt_buf_putc(&w->out, ':') < 0)
		return latch(w, BILLTAP_ENOMEM);
	w->expect_value = 1;
	return 0;
}

BILLTAP_EXTERN(int) billtap_json_write_string(billtap_json_writer *w, const char *s, size_t len)
{
	if (!w)
		return BILLTAP_EINVAL;
	if (begin_value(w) < 0 || put_string(w, s, len) < 0)
		return w->status;
	end_value(w);
	return 0;
}

BILLTAP_EXTERN(int) billtap_json_write_int(billtap_json_writer *w, int64_t value)
{
	if (!w)
		return BILLTAP_EINVAL;
	if (begin_value(w) < 0)
		return w->status;
	if (bt_buf_put_i64(&w->out, value) < 0)
		return latch(w, BILLTAP_ENOMEM);
	end_value(w);
	return 0;
}

BILLTAP_EXTERN(int) billtap_json_write_bool(billtap_json_writer *w, int value)
{
	if (!w)
		return BILLTAP_EINVAL;
	return value ? emit(w, "true", 4) : emit(w, "false", 5);
}

BILLTAP_EXTERN(int) billtap_json_write_null(billtap_json_writer *w)
{
	return w ? emit(w, "null", 4) : BILLTAP_EINVAL;
}

BILLTAP_EXTERN(int) billtap_json_writer_text(const char **text, size_t *len,
                                             const billtap_json_writer *w)
{
	if (text)
		*text = NULL;
	if (len)
		*len = 0;
	if (!text || !w)
		return BILLTAP_EINVAL;
	if (w->status)
		return w->status;
	if (!w->complete || w->depth)
		return BILLTAP_EINVAL;
	*text = bt_buf_cstr(&w->out);
	if (len)
		*len = w->out.len;
	return 0;
}
