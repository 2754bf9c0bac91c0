#!/usr/bin/env bash
# opsc-language(5) as `opsc __man opsc-language` writes it (the page meson
# installs): groff and man render it without a warning, it has the written
# parts and the generated one, and it names every block the examples of
# docs/language.md open. (That every block and attribute of the schemas has
# its entry is tests/unit/test_man.c.) Skips without groff.
#
#   man_language.sh OPSC
. "$(dirname "$0")/../lib/harness.sh"
command -v groff >/dev/null || { echo "SKIP: groff is not installed"; exit 77; }
page=$work/opsc-language.5
"$opsc" __man opsc-language >"$page" && [ -s "$page" ] && ok "opsc __man opsc-language writes the page" \
  || bad "opsc __man opsc-language writes the page"

warn=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
[ -z "$warn" ] && ok "groff -man -Tutf8 -ww: no warning" || bad "groff -man -Tutf8 -ww: no warning" "$warn"
if command -v man >/dev/null; then
  warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
  [ -z "$warn" ] && ok "man --warnings -l: no warning" || bad "man --warnings -l: no warning" "$warn"
else
  echo "skip man -l: man is not installed"
fi

text=$(groff -man -Tutf8 -P-cbou "$page" 2>/dev/null)
missing=""
for s in NAME DESCRIPTION "LEXICAL STRUCTURE" LITERALS "FILES, IMPORTS AND TEMPLATES" BLOCKS \
  "SECRET REFERENCES" POLICIES EXAMPLE "SEE ALSO"; do
  grep -q "^$s\$" <<<"$text" || missing+=" [$s]"
done
[ -z "$missing" ] && ok "every section, written and generated" || bad "every section, written and generated" "missing:$missing"

# the blocks docs/language.md's "Blocks" examples open (a line that starts
# with one, nested or not; for, require and deny are a policy's statements):
# each has its subsection, `.SS type` or `.SS type (in parent)`
missing=""
for b in $(sed -n '/^## Blocks/,$p' "$top/docs/language.md" | awk '/^```/ { f = !f; next } f' |
  grep -oE '^ *[a-z_]+ ("|\{|[a-z])' | sed 's/^ *//' | cut -d' ' -f1 | grep -vxE 'for|require|deny' | sort -u); do
  grep -qE "^   $b( \(in [a-z_]+\))?\$" <<<"$text" || missing+=" $b"
done
[ -z "$missing" ] && ok "a section for every block docs/language.md shows" \
  || bad "a section for every block docs/language.md shows" "missing:$missing"

printf '%d checks, %d failed\n' "$n" "$fail"
[ "$fail" -eq 0 ]
