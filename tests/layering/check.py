#!/usr/bin/env python3
"""The layering of compiler/ and emit/ as docs/architecture.md states it.

  check.py SRCROOT [LIBRARY]

From the sources: a file includes, from another folder, only that folder's
interface header (the table in docs/architecture.md), and every folder it
reaches is one its arrow lists. From the library (nm): no two object files
call each other, directly or round a longer circle, and the folders their
calls cross are listed arrows too. Exits 1 with every violation listed."""
import collections, os, re, subprocess, sys

root = sys.argv[1]
lib = sys.argv[2] if len(sys.argv) > 2 else None
doc = open(os.path.join(root, 'docs', 'architecture.md'), encoding='utf-8').read()

# | `util/` | owns ... | `util.h` |
iface = {}
for m in re.finditer(r'^\| `([a-z/]+)/` \|[^|]*\| `([a-z_]+\.h)` \|$', doc, re.M):
    iface[m.group(1)] = m.group(2)
rule = doc[doc.index('## The dependency rule'):]
block = rule[rule.index('```') + 3:]
block = block[:block.index('```')]
allowed = collections.defaultdict(set)
for line in block.splitlines():
    m = re.match(r'^\s*([a-z/, ]+?)\s*->\s*\{?([a-z/, ]*)\}?\s*$', line)
    if not m:
        continue
    for a in m.group(1).split(','):
        allowed[a.strip()] |= {b.strip() for b in m.group(2).split(',') if b.strip()}
# circles the page lists as still to break: each must exist (a stale entry
# fails too), and no other may appear
known = set()
if '## Circles still to break' in doc:
    sect = doc[doc.index('## Circles still to break'):]
    sect = sect[:sect.find('\n## ', 3)] if '\n## ' in sect[3:] else sect
    for m in re.finditer(r'^- (`[^\n]*`)', sect, re.M):
        known.add(tuple(sorted(re.findall(r'`([^`]+)`', m.group(1)))))
if not iface or not allowed:
    sys.exit('layering: docs/architecture.md has no folder table or dependency block')

def folder_of(rel):
    d = os.path.dirname(rel)
    if d == 'emit':
        return 'emit'
    return d[len('compiler/'):] if d.startswith('compiler/') else None

files = []
for top in ('compiler', 'emit'):
    for dp, _, fs in os.walk(os.path.join(root, top)):
        for f in fs:
            if f.endswith(('.c', '.h')):
                files.append(os.path.relpath(os.path.join(dp, f), root))
headers = {}
for rel in files:
    if rel.endswith('.h'):
        headers.setdefault(os.path.basename(rel), []).append(rel)
errors = []
for b, where in headers.items():
    if len(where) > 1:
        errors.append(f'two headers named {b}: {", ".join(where)} (every folder is on the include path)')
    if b.endswith('_internal.h'):
        errors.append(f'{where[0]}: an internal header is named <name>_int.h')
for rel in files:
    f = folder_of(rel)
    if f not in iface:
        errors.append(f'{rel}: folder {f}/ is not in the table of docs/architecture.md')
        continue
    text = open(os.path.join(root, rel), encoding='utf-8', errors='replace').read()
    for n, line in enumerate(text.splitlines(), 1):
        m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
        if not m or os.path.basename(m.group(1)) not in headers:
            continue
        h = headers[os.path.basename(m.group(1))][0]
        g = folder_of(h)
        if g == f:
            continue
        if os.path.basename(h) != iface.get(g):
            errors.append(f'{rel}:{n}: includes {os.path.basename(h)} of {g}/; other folders use {iface.get(g)} only')
        if g not in allowed.get(f, ()):
            errors.append(f'{rel}:{n}: {f}/ -> {g}/ is not an arrow of docs/architecture.md')

if lib:
    out = subprocess.run(['nm', '-A', lib], capture_output=True, text=True, check=True).stdout
    defs, uses = {}, collections.defaultdict(set)
    for line in out.splitlines():
        m = re.match(r'^[^:]+:([^:]+\.o):\s*(?:[0-9a-f]+\s+)?(\w)\s+(\S+)$', line)
        if not m:
            continue
        o, t, s = m.groups()
        o = o.rsplit('/', 1)[-1]
        if t in 'TDBRC':
            defs[s] = o
        elif t == 'U':
            uses[o].add(s)
    calls = collections.defaultdict(dict)
    for o, us in uses.items():
        for s in sorted(us):
            if s in defs and defs[s] != o:
                calls[o].setdefault(defs[s], s)
    # an object is named after its source: compiler_lint_secrets_scan.c.o
    src_of = {rel.replace('/', '_') + '.o': rel for rel in files if rel.endswith('.c')}
    # circles: Tarjan's strongly connected components
    index, low, stack, on, n = {}, {}, [], set(), [0]
    sys.setrecursionlimit(100000)
    def visit(v):
        index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
        for w in calls.get(v, {}):
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                names = tuple(sorted(src_of.get(c, c) for c in comp))
                if names in known:
                    seen_known.add(names)
                else:
                    errors.append('files that call each other in a circle: ' + ', '.join(names))
    seen_known = set()
    for v in list(calls):
        if v not in index:
            visit(v)
    for k in sorted(known - seen_known):
        errors.append('docs/architecture.md lists a circle the code no longer has: ' + ', '.join(k))
    for o, targets in calls.items():
        a = folder_of(src_of.get(o, ''))
        for t, sym in targets.items():
            b = folder_of(src_of.get(t, ''))
            if a and b and a != b and b not in allowed.get(a, ()):
                errors.append(f'{src_of[o]} calls {sym} of {src_of[t]}: {a}/ -> {b}/ is not an arrow')

for e in errors:
    print('layering:', e)
print(f'layering: {len(files)} files, {len(iface)} folders, {len(errors)} violations')
sys.exit(1 if errors else 0)
