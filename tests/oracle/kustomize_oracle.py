#!/usr/bin/env python3
"""The kustomize renderer of `opsc lint` (compiler/lint/actual_kust*.c)
against `kubectl kustomize` (kustomize's own), object by object.

For each kustomization directory under ROOT (or each DIR given), both
render it: `opsc __render --root ROOT DIR` and `kubectl kustomize DIR`.
Both outputs are read as YAML and their objects paired by (apiVersion,
kind, namespace, name); an object only one side has, or a field whose
value differs, is a difference. Objects whose names differ only in the
generated hash suffix (`-` and ten characters) are paired and the name
reported as a difference of the hash. Directories kubectl cannot build (a
remote base, a Helm chart, a Component on its own, a broken fixture) are
skipped, with kubectl's first line as the reason.

    kustomize_oracle.py OPSC ROOT [DIR...] [--min-compared N] [--report]
                        [--summary FILE]

Exits 1 on a difference (unless --report, which only lists them), or when
fewer than N directories could be compared; 77 when kubectl or PyYAML is
missing.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

try:
    import yaml
except ImportError:  # the oracle needs a real YAML reader
    print('skip: PyYAML is not installed')
    sys.exit(77)

class Loader(yaml.SafeLoader):
    """YAML 1.1 as kustomize's reader resolves it: `=` is a string, not
    PyYAML's `value` tag."""


Loader.yaml_implicit_resolvers = {
    c: [(tag, rx) for tag, rx in rs if tag != 'tag:yaml.org,2002:value']
    for c, rs in yaml.SafeLoader.yaml_implicit_resolvers.items()}

KUST_NAMES = ('kustomization.yaml', 'kustomization.yml', 'Kustomization')
HASH = re.compile(r'^(.*)-[a-z0-9]{10}$')
# kustomize writes a line break before a more-indented line of a folded (>)
# scalar as a blank line, which PyYAML and libyaml read as two breaks: the
# string its input held, written so that another reader gets one more.
FOLDED = re.compile(r'\n\n(?=[ \t])')


def kustomization_dirs(root):
    """Every directory under root holding a kustomization, sorted."""
    out = []
    for dp, dns, fns in os.walk(root):
        dns[:] = sorted(d for d in dns if d != '.git')
        if any(n in fns for n in KUST_NAMES):
            out.append(dp)
    return sorted(out)


def load(text):
    """The objects of a YAML stream (a List's items as objects)."""
    objs = []
    for doc in yaml.load_all(text, Loader=Loader):
        if isinstance(doc, dict) and doc.get('kind') == 'List' and isinstance(doc.get('items'), list):
            objs.extend(d for d in doc['items'] if isinstance(d, dict))
        elif isinstance(doc, dict):
            objs.append(doc)
    return objs


def key(o):
    meta = o.get('metadata') if isinstance(o.get('metadata'), dict) else {}
    return (str(o.get('apiVersion', '')), str(o.get('kind', '')), str(meta.get('namespace') or ''),
            str(meta.get('name') or ''))


def unhashed(k):
    m = HASH.match(k[3])
    return k[:3] + (m.group(1) if m else k[3],)


def diff(a, b, path=''):
    """Paths where a (opsc) and b (kustomize) differ, with both values."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            p = f'{path}.{k}' if path else str(k)
            if k not in a:
                out.append((p, '<absent>', b[k]))
            elif k not in b:
                out.append((p, a[k], '<absent>'))
            else:
                out.extend(diff(a[k], b[k], p))
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out.extend(diff(x, y, f'{path}[{i}]'))
        return out
    if a == b and type(a) is type(b):
        return []
    if isinstance(a, str) and isinstance(b, str) and FOLDED.sub('\n', b) == a:
        return []  # kustomize's writer, not its rendering: see FOLDED
    return [(path, a, b)]


def short(v):
    s = json.dumps(v, sort_keys=True, default=str)
    return s if len(s) <= 80 else s[:77] + '...'


def run(cmd, timeout=120):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, '', 'timed out'
    return p.returncode, p.stdout, p.stderr


def pair(mine, theirs):
    """(opsc object or None, kustomize object or None) pairs."""
    a = {key(o): o for o in mine}
    b = {key(o): o for o in theirs}
    pairs = [(a.pop(k), b.pop(k)) for k in sorted(set(a) & set(b))]
    loose_a = {}
    for k, o in a.items():
        loose_a.setdefault(unhashed(k), []).append(o)
    for k in sorted(b):
        cands = loose_a.get(unhashed(k))
        if cands:
            pairs.append((cands.pop(0), b.pop(k)))
    left = [o for cands in loose_a.values() for o in cands]
    pairs.extend((o, None) for o in left)
    pairs.extend((None, o) for o in b.values())
    return pairs


def compare_dir(opsc, root, d, stats, out):
    rc, kout, kerr = run(['kubectl', 'kustomize', d])
    rel = os.path.relpath(d, root)
    if rc != 0:
        reason = next((l for l in kerr.splitlines() if l.strip()), f'exit {rc}')
        m = re.search(r'err="(.*)', reason)  # klog's prefix: the message only
        reason = m.group(1) if m else reason
        stats['skipped'].append((rel, reason[:160]))
        return
    orc, oout, oerr = run([opsc, '__render', '--root', root, d])
    if orc == 2:
        stats['opsc_failed'].append((rel, oerr.strip()[:300]))
        out.append(f'{rel}: opsc __render failed: {oerr.strip()[:300]}')
        return
    try:
        mine, theirs = load(oout), load(kout)
    except yaml.YAMLError as e:
        stats['opsc_failed'].append((rel, str(e)[:300]))
        out.append(f'{rel}: unreadable output: {e}')
        return
    stats['dirs'] += 1
    for a, b in pair(mine, theirs):
        if a is None:
            stats['missing'] += 1
            out.append(f'{rel}: missing {"/".join(key(b)[1:])} (kustomize renders it, opsc does not)')
            continue
        if b is None:
            stats['extra'] += 1
            out.append(f'{rel}: extra {"/".join(key(a)[1:])} (opsc renders it, kustomize does not)')
            continue
        d_ = diff(a, b)
        if not d_:
            stats['identical'] += 1
            continue
        stats['differing'] += 1
        out.append(f'{rel}: {"/".join(key(b)[1:])} differs:')
        for p, x, y in d_[:20]:
            out.append(f'    {p}: opsc {short(x)}, kustomize {short(y)}')
            stats['paths'][re.sub(r'\[\d+\]', '[]', p)] = stats['paths'].get(re.sub(r'\[\d+\]', '[]', p), 0) + 1
        if len(d_) > 20:
            out.append(f'    ... {len(d_) - 20} more')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('opsc')
    ap.add_argument('root')
    ap.add_argument('dirs', nargs='*')
    ap.add_argument('--min-compared', type=int, default=1)
    ap.add_argument('--report', action='store_true', help='list the differences, exit 0')
    ap.add_argument('--summary', help='write the counts as JSON to this file')
    args = ap.parse_args()
    if not shutil.which('kubectl'):
        print('skip: kubectl is not installed')
        return 77
    root = os.path.realpath(args.root)
    dirs = [os.path.realpath(d) for d in args.dirs] or kustomization_dirs(root)
    stats = {'dirs': 0, 'identical': 0, 'differing': 0, 'missing': 0, 'extra': 0, 'skipped': [],
             'opsc_failed': [], 'paths': {}}
    out = []
    for d in dirs:
        compare_dir(args.opsc, root, d, stats, out)
    for line in out:
        print(line)
    for rel, why in stats['skipped']:
        print(f'skipped {rel}: {why}')
    print(f"{stats['dirs']} directories compared ({len(stats['skipped'])} skipped), "
          f"{stats['identical']} objects identical, {stats['differing']} differing, "
          f"{stats['missing']} missing, {stats['extra']} extra")
    if args.summary:
        with open(args.summary, 'w', encoding='utf-8') as f:
            json.dump(stats, f, indent=1, sort_keys=True)
    if stats['dirs'] < args.min_compared:
        print(f'FAIL: {stats["dirs"]} directories compared, want at least {args.min_compared}')
        return 1
    bad = stats['differing'] + stats['missing'] + stats['extra'] + len(stats['opsc_failed'])
    return 0 if args.report or not bad else 1


if __name__ == '__main__':
    sys.exit(main())
