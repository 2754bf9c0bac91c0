#include "glob.h"

#include <string.h>

/* Matches one bracket class at *p against c; advances *p past the ']'.
 * An unterminated '[' is a literal. */
static bool class_match(const char **pp, char c)
{
	const char *p = *pp + 1;
	bool negate = *p == '!' || *p == '^';
	if (negate)
		p++;
	bool hit = false;
	const char *first = p;
	while (*p && (*p != ']' || p == first)) {
		if (p[1] == '-' && p[2] && p[2] != ']') {
			hit |= c >= p[0] && c <= p[2];
			p += 3;
		} else {
			hit |= c == *p++;
		}
	}
	if (!*p) { /* no closing bracket: literal '[' */
		*pp += 1;
		return c == '[';
	}
	*pp = p + 1;
	return hit != negate;
}

static bool match_here(const char *p, const char *s)
{
	while (*p) {
		if (p[0] == '*' && p[1] == '*') {
			p += 2;
			bool segment = *p == '/';
			if (segment)
				p++;
			if (!*p)
				return true;
			/* `**` followed by `/` may match zero segments. */
			for (const char *t = s;; t++) {
				if ((!segment || t == s || t[-1] == '/') && match_here(p, t))
					return true;
				if (!*t)
					return false;
			}
		}
		if (*p == '*') {
			p++;
			for (const char *t = s;; t++) {
				if (match_here(p, t))
					return true;
				if (!*t || *t == '/')
					return false;
			}
		}
		if (!*s)
			return false;
		if (*p == '?') {
			if (*s == '/')
				return false;
			p++;
		} else if (*p == '[') {
			if (*s == '/' || !class_match(&p, *s))
				return false;
		} else if (*p++ != *s) {
			return false;
		}
		s++;
	}
	return !*s;
}

bool opsc_glob_match(const char *pattern, const char *path)
{
	if (strchr(pattern, '/'))
		return match_here(pattern[0] == '/' ? pattern + 1 : pattern, path);
	const char *base = strrchr(path, '/');
	return match_here(pattern, base ? base + 1 : path);
}
