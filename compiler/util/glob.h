/*
 * glob.h - path globs for rule scopes (`paths`, `allow_paths`).
 *
 *   *    any run of characters except '/'
 *   ?    one character except '/'
 *   **   any run of characters including '/'; as a whole segment it may
 *        also match no segment at all ("docs/ ** /x" without the spaces
 *        matches docs/x and docs/a/b/x)
 *   [..] a character class, `[!..]` or `[^..]` negated, ranges `a-z`
 *
 * A pattern without '/' matches the last segment of the path anywhere in the
 * tree, as .gitignore does: "*.tfvars" matches "a/b/prod.tfvars".
 */
#ifndef OPSC_GLOB_H
#define OPSC_GLOB_H

#include <stdbool.h>

/* Whether the '/'-separated relative `path` matches `pattern`. */
bool opsc_glob_match(const char *pattern, const char *path);

#endif
