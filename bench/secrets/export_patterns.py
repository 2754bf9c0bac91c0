#!/usr/bin/env python3
"""Writes the `pattern`s of a .ops file's secret rules one per line, for
ripgrep: PATTERNS.pcre as written (rg -P), PATTERNS.rust without the
look-around assertions Rust's regex engine lacks (rg's default engine).

    python3 bench/secrets/export_patterns.py RULES.ops OUTDIR
"""
import os
import re
import sys

# ripgrep searches line by line: a pattern may not match a newline.
NEWLINE = re.compile(r"\\r\?\\n")
LOOKAROUND = re.compile(r"\(\?<?[!=](?:\[[^\]]*\]|[^()])*\)")
# nor a back-reference: (["'])...\1 becomes ["']...["']
BACKREF = re.compile(r"\(\[\"'\]\)(.*)\\1")


def rust(p):
    return BACKREF.sub(lambda m: "[\"']" + m.group(1) + "[\"']", LOOKAROUND.sub("", p))


def main():
    text = open(sys.argv[1]).read()
    pats = [NEWLINE.sub("", p) for p in re.findall(r"^\s*pattern = `([^`]*)`", text, re.M)]
    os.makedirs(sys.argv[2], exist_ok=True)
    with open(os.path.join(sys.argv[2], "patterns.pcre"), "w") as f:
        f.write("\n".join(pats) + "\n")
    with open(os.path.join(sys.argv[2], "patterns.rust"), "w") as f:
        f.write("\n".join(rust(p) for p in pats) + "\n")
    print("%d patterns" % len(pats))


if __name__ == "__main__":
    main()
