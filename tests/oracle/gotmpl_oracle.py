#!/usr/bin/env python3
"""Go templates: opsc's parser (compiler/sema_gotmpl.c) against the real ones.

promtool check rules parses every annotation and label of a rule as a Go
template with Prometheus' functions and $labels/$value; amtool check-config
parses the template files a configuration lists with Alertmanager's. Each
text of a corpus (hand-written cases, texts generated over the template
grammar and mutations of them, from a fixed seed) is given to opsc and to
the tool; the verdicts must be the same, in both directions.

    gotmpl_oracle.py GOTMPL_CLI [--count N] [--seed S]

Skips (exit 77) when promtool or amtool is missing.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# Hand-written cases: each construct, valid and broken.
CASES = [
    "", "plain text", "}} stray closing braces are text", "{{ $labels.instance }}",
    "{{ .Labels.instance }}", "{{ $value | humanize }}", "{{ humanize $value }}",
    "{{ humanise $value }}", "{{ $value | printf \"%.2f\" }}", "{{- $labels.job -}}",
    "{{-3}}", "{{ -3 }}", "{{ - }}", "{{/* comment */}}", "{{- /* trimmed */ -}}",
    "{{ /* not a comment */ }}", "{{/* unclosed", "{{/* c */ }}", "{{ if .x }}a{{ end }}",
    "{{ if .x }}a{{ else }}b{{ end }}", "{{ if .x }}a{{ else if .y }}b{{ else }}c{{ end }}",
    "{{ if .x }}a", "{{ end }}", "{{ else }}", "{{ if }}{{ end }}", "{{ with .x }}{{ . }}{{ end }}",
    "{{ with .x }}{{ else if .y }}{{ end }}", "{{ range . }}{{ . }}{{ end }}",
    "{{ range $i, $e := . }}{{ $i }}{{ $e }}{{ end }}", "{{ range $i, $e, $f := . }}{{ end }}",
    "{{ range $i, 1 }}{{ end }}", "{{ with $x, $y := . }}{{ end }}", "{{ range . }}{{ break }}{{ end }}",
    "{{ range . }}{{ continue }}{{ end }}", "{{ break }}", "{{ range . }}{{ else }}{{ break }}{{ end }}",
    "{{ define \"x\" }}a{{ end }}{{ template \"x\" . }}", "{{ define \"x\" }}{{ $labels }}{{ end }}",
    "{{ if 1 }}{{ define \"x\" }}{{ end }}{{ end }}", "{{ template x }}", "{{ template \"x\" }}",
    "{{ block \"b\" . }}x{{ end }}", "{{ block \"b\" }}x{{ end }}", "{{ block \"b\" . }}{{ else }}{{ end }}",
    "{{ $x := 1 }}{{ $x }}", "{{ $x = 1 }}", "{{ $y }}", "{{ if 1 }}{{ $y := 1 }}{{ end }}{{ $y }}",
    "{{ if $x := 1 }}{{ else }}{{ $x }}{{ end }}", "{{ $ }}", "{{ $.Labels }}", "{{ x",
    "{{ .a | 1 }}", "{{ 1 | printf }}", "{{ printf | 1 }}", "{{ .|}}", "{{ | }}", "{{ \"a\".b }}",
    "{{ (1).b }}", "{{ (.a).b }}", "{{ ( }}", "{{ ) }}", "{{ (1 }}", "{{ (((1))) }}", "{{ () }}",
    "{{ \"a\\q\" }}", "{{ \"a\\n\\t\\x41\\u00e9\\101\" }}", "{{ 'a' }}", "{{ 'ab' }}", "{{ '\\'' }}",
    "{{ '\\\"' }}", "{{ \"\\'\" }}", "{{ `raw\nstring` }}", "{{ \"unterminated }}", "{{ 'x }}",
    "{{ `x }}", "{{ 1_0 }}", "{{ 1__0 }}", "{{ _1 }}", "{{ 1_ }}", "{{ 0x1p3 }}", "{{ 0x1.8 }}",
    "{{ 1.5i }}", "{{ 1+2i }}", "{{ 1e }}", "{{ 1e5 }}", "{{ 09 }}", "{{ 0o17 }}", "{{ 0b101 }}",
    "{{ 0x }}", "{{ 99999999999999999999 }}", "{{ 18446744073709551615 }}", "{{ -9223372036854775808 }}",
    "{{ -9223372036854775809 }}", "{{ 1e400 }}", "{{ .5 }}", "{{ 5. }}", "{{ 1x }}", "{{ nil }}",
    "{{ true | not }}", "{{ a# }}", "{{ .a# }}", "{{ $a# }}", "{{ # }}", "{{ .a.b.c }}",
    "{{ index $labels \"a\" }}", "{{ len . }}", "{{ and 1 2 }}", "{{ eq 1 2 }}", "{{ call . }}",
    "{{ query \"up\" | first | value }}", "{{ stripPort \"a:1\" }}", "{{ toTime 1 }}",
    "{{ join \",\" . }}", "{{ stringSlice }}", "{{ date }}", "{{ trimSpace . }}", "{{ since . }}",
    "{{ humanizeDuration 1 }}", "{{ $externalURL }}{{ $externalLabels }}", "{{ . := 1 }}",
    "{{ $x := }}", "{{ $x :- 1 }}", "{{ $x : 1 }}", "{{ = }}", "{{ , }}", "{{ .a , }}", "{{\x01}}",
    "{{ \"a\" \"b\" }}", "{{ printf \"%s\" (humanize 1) }}", "{{ if and .a .b }}{{ end }}",
    "{{ with $labels.x }}{{ . }}{{ end }}", "{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}",
    "a {{ if .x }} b {{ else }} c {{ else }} d {{ end }}", "{{ if .x }}{{ end }}{{ end }}",
    "{{ define \"a\" }}x{{ end }}{{ define \"a\" }}y{{ end }}", "{{ define \"a\" }}{{ end }}{{ define \"a\" }}y{{ end }}",
    "{{ define \"a\" }}", "{{ define a }}{{ end }}", "{{ define \"a\" 1 }}{{ end }}",
    "{{ template \"a\" 1 2 }}", "{{ if 1 }}{{ else if }}{{ end }}", "{{else if 1}}",
    "{{ end 1 }}", "{{ else 1 }}", "{{ break 1 }}", "{{ range . }}{{ break 1 }}{{ end }}",
    "{{ .x }}}}", "{{{{ .x }}", "{ { .x } }", "{{ .x }", "{{ .x -}}", "{{ .x - }}", "{{ .x-}}",
    "{{- .x }}", "{{-.x }}", "{{\n.x\n}}", "{{ .x\n| printf \"%v\" }}", "{{ range . }}{{ if 1 }}{{ break }}{{ end }}{{ end }}",
    "{{ with 1 }}{{ break }}{{ end }}", "{{ range . }}{{ define \"z\" }}{{ end }}{{ end }}",
    "{{ template \"x\" | printf }}", "{{ (printf) | printf }}", "{{ $x := 1 | printf \"%d\" }}",
    "{{ humanize.x }}", "{{ $value.x.y }}", "{{ ..x }}", "{{ . . }}",
]

# Pieces of the grammar for the generator.
TERMS = [".", ".Labels", ".Labels.instance", "$labels", "$labels.job", "$value", "$", "$.Value",
         "nil", "true", "false", "1", "-3", "1.5", "0x1F", "'a'", '"s"', '"%v"', "`r`", "1e3"]
FUNCS = ["humanize", "printf", "toUpper", "title", "index", "len", "not", "eq", "and", "or", "join",
         "reReplaceAll", "match", "humanizeDuration", "humanise", "stringSlice", "label", "first"]
MUTATE = list("{}()|$.\"'`- =:,e/*\n") + ["{{", "}}", "{{-", "-}}", "end", "else", "if "]


def gen_pipeline(r, depth):
    cmds = []
    for i in range(r.choice([1, 1, 1, 2, 3])):
        if i == 0 and r.random() < 0.6:
            args = [gen_term(r, depth)]
        else:
            args = [r.choice(FUNCS)] + [gen_term(r, depth) for _ in range(r.choice([0, 1, 2]))]
        cmds.append(" ".join(args))
    pipe = " | ".join(cmds)
    if r.random() < 0.15:
        pipe = "$v%d := %s" % (r.randrange(3), pipe)
    return pipe


def gen_term(r, depth):
    if depth < 3 and r.random() < 0.1:
        return "(%s)" % gen_pipeline(r, depth + 1)
    return r.choice(TERMS + ["$v0", "$v1"])


def gen_items(r, depth):
    out = []
    for _ in range(r.choice([1, 2, 3])):
        x = r.random()
        left, right = ("{{- ", " -}}") if r.random() < 0.1 else ("{{ ", " }}")
        if x < 0.35:
            out.append(r.choice(["text ", "on ", "/", " ", "\n"]))
        elif x < 0.7 or depth >= 3:
            out.append(left + gen_pipeline(r, depth) + right)
        elif x < 0.9:
            kw = r.choice(["if", "with", "range"])
            body = gen_items(r, depth + 1)
            if kw == "range" and r.random() < 0.3:
                body += "{{ break }}"
            s = "{{ %s %s }}%s" % (kw, gen_pipeline(r, depth), body)
            if r.random() < 0.3:
                s += "{{ else %s}}%s" % ("if %s " % gen_pipeline(r, depth) if kw == "if" and r.random() < 0.5 else "",
                                         gen_items(r, depth + 1))
            out.append(s + "{{ end }}")
        elif x < 0.95:
            out.append("{{/* note */}}")
        else:
            out.append('{{ template "t" %s }}' % gen_term(r, depth))
    return "".join(out)


def mutate(r, s):
    for _ in range(r.choice([1, 1, 2])):
        i = r.randrange(len(s) + 1)
        op = r.random()
        if op < 0.4 and s:
            s = s[:i] + s[i + 1:]
        elif op < 0.8:
            s = s[:i] + r.choice(MUTATE) + s[i:]
        elif s:
            j = r.randrange(len(s) + 1)
            a, b = min(i, j), max(i, j)
            s = s[:b] + s[a:b] + s[b:]
    return s


def corpus(count, seed):
    r = random.Random(seed)
    texts = list(CASES)
    generated = [gen_items(r, 0) for _ in range(count)]
    texts += generated
    texts += [mutate(r, r.choice(generated)) for _ in range(count)]
    seen, out = set(), []
    for t in texts:
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def opsc_verdicts(cli, dialect, texts):
    data = b"\0".join(t.encode() for t in texts) + b"\0"
    out = subprocess.run([cli, dialect], input=data, capture_output=True, check=True).stdout.decode()
    lines = out.splitlines()
    assert len(lines) == len(texts), "gotmpl_cli answered %d of %d" % (len(lines), len(texts))
    return [None if l == "ok" else l.split(" ", 3)[3] for l in lines]


def promtool_verdicts(tmp, texts):
    path = os.path.join(tmp, "rules.yml")
    with open(path, "w") as f:
        f.write("groups:\n- name: g\n  rules:\n")
        for i, t in enumerate(texts):
            f.write("  - alert: A%d\n    expr: up\n    annotations:\n      s: %s\n" % (i, json.dumps(t)))
    p = subprocess.run(["promtool", "check", "rules", path], capture_output=True, text=True)
    got = [None] * len(texts)
    for m in re.finditer(r'rule (\d+), "A\d+": annotation "s": (.*)', p.stdout + p.stderr):
        got[int(m[1]) - 1] = m[2]
    if p.returncode != 0 and all(g is None for g in got):
        raise SystemExit("promtool failed without a template error:\n" + p.stdout + p.stderr)
    return got


def amtool_verdicts(tmp, texts):
    configs = []
    for i, t in enumerate(texts):
        tmpl = os.path.join(tmp, "t%d.tmpl" % i)
        with open(tmpl, "w") as f:
            f.write(t)
        cfg = os.path.join(tmp, "c%d.yml" % i)
        with open(cfg, "w") as f:
            f.write("route:\n  receiver: r\nreceivers:\n- name: r\ntemplates:\n- %s\n" % json.dumps(tmpl))
        configs.append(cfg)
    p = subprocess.run(["amtool", "check-config"] + configs, capture_output=True, text=True)
    got = [None] * len(texts)
    for block in re.split(r"^Checking ", p.stdout + p.stderr, flags=re.M)[1:]:
        m = re.match(r"'.*?c(\d+)\.yml'", block)
        f = re.search(r"FAILED: (.*)", block)
        if m and f:
            got[int(m[1])] = f[1]
    return got


def compare(name, texts, mine, theirs):
    differ = 0
    for t, a, b in zip(texts, mine, theirs):
        if (a is None) != (b is None):
            differ += 1
            if differ <= 20:
                print("%s: %r\n  opsc: %s\n  tool: %s" % (name, t, a or "accepts", b or "accepts"))
    rejected = sum(b is not None for b in theirs)
    print("%s: %d texts, %d rejected by the tool, %d verdicts differ" % (name, len(texts), rejected, differ))
    return differ


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("--count", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args()
    if not shutil.which("promtool") or not shutil.which("amtool"):
        print("promtool or amtool not installed: skipped")
        return 77
    texts = corpus(args.count, args.seed)
    tmp = tempfile.mkdtemp(prefix="opsc-gotmpl-")
    try:
        differ = compare("prometheus", texts, opsc_verdicts(args.cli, "prometheus", texts),
                         promtool_verdicts(tmp, texts))
        differ += compare("alertmanager", texts, opsc_verdicts(args.cli, "alertmanager", texts),
                          amtool_verdicts(tmp, texts))
    finally:
        shutil.rmtree(tmp)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
