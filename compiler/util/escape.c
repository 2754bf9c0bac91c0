/*
 * escape.c - the escaping of untrusted strings, one helper per output
 * format (escape.h). All of them classify characters the same way, here.
 */
#include "escape.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>

/* ---------------------------------------------------------------- UTF-8 */

/* The length of the valid UTF-8 sequence at s (RFC 3629: no overlong form,
 * no surrogate, nothing above U+10FFFF) and its code point; 0 if invalid. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	static const struct {
		unsigned char lead_lo, lead_hi, mask;
		size_t n;
		uint32_t min;
	} forms[] = {
		{ 0xC2, 0xDF, 0x1F, 2, 0x80 },
		{ 0xE0, 0xEF, 0x0F, 3, 0x800 },
		{ 0xF0, 0xF4, 0x07, 4, 0x10000 },
	};
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
		if (s[0] < forms[f].lead_lo || s[0] > forms[f].lead_hi)
			continue;
		size_t n = forms[f].n;
		if (len < n)
			return 0;
		uint32_t c = s[0] & forms[f].mask;
		for (size_t k = 1; k < n; k++) {
			if ((s[k] & 0xC0) != 0x80)
				return 0;
			c = c << 6 | (s[k] & 0x3F);
		}
		if (c < forms[f].min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return 0;
		*cp = c;
		return n;
	}
	return 0;
}

bool opsc_esc_is_utf8(const char *s, size_t len)
{
	uint32_t cp;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

/* A code point a terminal or a reader would not show as itself: C0, DEL,
 * C1, and the bidirectional embeddings, overrides and isolates. */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* ----------------------------------------------------------------- text */

/* The visible escape of the character at s, in buf; returns its length and
 * sets *used to the bytes of s it stands for. 0 when the character is shown
 * as itself. */
static int escape_of(const char *s, size_t len, char buf[8], size_t *used)
{
	uint32_t cp;
	size_t n = utf8_decode((const unsigned char *)s, len, &cp);
	if (!n) {
		*used = 1;
		return snprintf(buf, 8, "\\x%02x", (unsigned char)s[0]);
	}
	*used = n;
	if (!is_control(cp))
		return 0;
	switch (cp) {
	case '\n': return snprintf(buf, 8, "\\n");
	case '\r': return snprintf(buf, 8, "\\r");
	case '\t': return snprintf(buf, 8, "\\t");
	}
	return cp < 0x80 ? snprintf(buf, 8, "\\x%02x", cp) : snprintf(buf, 8, "\\u%04x", cp);
}

size_t opsc_esc_text_char(FILE *out, const char *s, size_t len, uint32_t *width)
{
	char buf[8];
	size_t used;
	int n = escape_of(s, len, buf, &used);
	if (out)
		fwrite(n ? buf : s, 1, n ? (size_t)n : used, out);
	*width += n ? (uint32_t)n : 1;
	return used;
}

void opsc_esc_text(FILE *out, const char *s, size_t len)
{
	uint32_t w = 0;
	for (size_t i = 0; i < len;) {
		size_t run = 0; /* printable ASCII goes out as it is, in one write */
		while (i + run < len && s[i + run] >= 0x20 && s[i + run] < 0x7F)
			run++;
		if (run) {
			fwrite(s + i, 1, run, out);
			i += run;
		} else {
			i += opsc_esc_text_char(out, s + i, len - i, &w);
		}
	}
}

void opsc_esc_text_str(FILE *out, const char *s)
{
	opsc_esc_text(out, s, strlen(s));
}

void opsc_esc_text_line(FILE *out, const char *s)
{
	opsc_esc_text_linen(out, s, strlen(s));
}

void opsc_esc_text_linen(FILE *out, const char *s, size_t len)
{
	size_t i = 0;
	uint32_t w = 0;
	for (; i < len && !isalnum((unsigned char)s[i]); ) {
		if (s[i] == ':') {
			fputs("\\x3a", out);
			i++;
		} else {
			i += opsc_esc_text_char(out, s + i, len - i, &w);
		}
	}
	opsc_esc_text(out, s + i, len - i);
}

void opsc_esc_text_lines(FILE *out, const char *s, const char *indent)
{
	for (;;) {
		const char *nl = strchr(s, '\n');
		opsc_esc_text_linen(out, s, nl ? (size_t)(nl - s) : strlen(s));
		if (!nl)
			return;
		fputc('\n', out);
		fputs(indent, out);
		s = nl + 1;
	}
}

/* One conversion of opsc_esc_printf: %[-][width][.prec](s|u|d|zu|c|%). */
static const char *print_conv(FILE *out, const char *f, va_list *ap, bool line_start)
{
	char spec[32];
	size_t n = strspn(f, "-0123456789.");
	bool z = f[n] == 'z';
	n += z;
	if (n + 3 > sizeof spec || !f[n])
		return f + n;
	memcpy(spec, f - 1, n + 2);
	spec[n + 2] = '\0';
	switch (f[n]) {
	case 's': {
		const char *arg = va_arg(*ap, const char *);
		if (n == 0) {
			(line_start ? opsc_esc_text_line : opsc_esc_text_str)(out, arg);
			break;
		}
		/* width and precision count bytes; the words they pad are short */
		char tmp[512];
		snprintf(tmp, sizeof tmp, spec, arg);
		opsc_esc_text_str(out, tmp);
		break;
	}
	case 'u':
		if (z)
			fprintf(out, spec, va_arg(*ap, size_t));
		else
			fprintf(out, spec, va_arg(*ap, unsigned));
		break;
	case 'd':
	case 'c': fprintf(out, spec, va_arg(*ap, int)); break;
	default: fputc('%', out); /* %% */
	}
	return f + n + 1;
}

void opsc_esc_printf(FILE *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool line_start = true;
	for (const char *f = fmt; *f;) {
		const char *pct = strchr(f, '%');
		size_t lit = pct ? (size_t)(pct - f) : strlen(f);
		fwrite(f, 1, lit, out);
		if (!pct)
			break;
		line_start = lit ? f[lit - 1] == '\n' : line_start;
		f = print_conv(out, pct + 1, &ap, line_start);
		line_start = false;
	}
	va_end(ap);
}

/* --------------------------------------------------------------- github */

void opsc_esc_github(FILE *out, const char *s, bool property)
{
	size_t len = strlen(s);
	uint32_t w = 0;
	for (size_t i = 0; i < len;) {
		switch (s[i]) {
		case '%': fputs("%25", out); break;
		case '\r': fputs("%0D", out); break;
		case '\n': fputs("%0A", out); break;
		case ':': fputs(property ? "%3A" : ":", out); break;
		case ',': fputs(property ? "%2C" : ",", out); break;
		default: i += opsc_esc_text_char(out, s + i, len - i, &w); continue;
		}
		i++;
	}
}

/* ------------------------------------------------------------- markdown */

void opsc_esc_markdown(FILE *out, const char *s)
{
	size_t len = strlen(s);
	uint32_t w = 0;
	for (size_t i = 0; i < len;) {
		if (strchr("|`*_[]<>~!&$\\", s[i]))
			fputc('\\', out);
		i += opsc_esc_text_char(out, s + i, len - i, &w);
	}
}

/* ----------------------------------------------------------- JSON, URIs */

const char *opsc_esc_utf8(opsc_arena *arena, const char *s)
{
	size_t len = strlen(s);
	if (opsc_esc_is_utf8(s, len))
		return s;
	char *out = opsc_arena_alloc(arena, len * 4 + 1), *o = out;
	uint32_t cp;
	for (size_t i = 0; i < len;) {
		size_t n = utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (n) {
			memcpy(o, s + i, n);
			o += n;
			i += n;
		} else {
			o += sprintf(o, "\\x%02x", (unsigned char)s[i++]);
		}
	}
	*o = '\0';
	return out;
}

const char *opsc_esc_uri(opsc_arena *arena, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	static const char keep[] = "-._~/";
	char *out = opsc_arena_alloc(arena, strlen(path) * 3 + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p < 0x80 && isalnum(*p)) || strchr(keep, *p))
			*o++ = (char)*p;
		else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

/* -------------------------------------------------------------- redaction */

char *opsc_esc_redact(opsc_arena *arena, const char *secret, size_t len)
{
	/* a quarter of a short secret, never more than four characters */
	size_t show = len >= 16 ? 4 : len / 4;
	for (size_t i = 0; i < show; i++)
		if ((unsigned char)secret[i] < 0x21 || (unsigned char)secret[i] > 0x7e)
			show = i;
	return opsc_arena_printf(arena, "%.*s\u2026 (%zu chars)", (int)show, secret, len);
}
