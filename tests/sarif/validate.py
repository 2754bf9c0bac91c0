#!/usr/bin/env python3
"""validate.py OPSC - `opsc lint --format sarif` against SARIF 2.1.0.

Validates the logs opsc writes with python3-jsonschema against the OASIS
schema vendored beside this file (sarif-schema-2.1.0.json; its origin is
in README.md), with the `uri` and `uri-reference` formats checked too:

* a directory outside any repository, with planted secrets (one in a file
  whose name needs percent-encoding in a URI) and a binary file, so results,
  rules and a notification are all emitted;
* the same directory clean: a run with no results;
* a repository scanned with --history, whose results carry the introducing
  commit in their property bag (needs the git command; skipped without it).

Exit 77 (skip) when jsonschema is not installed.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema is not installed")
    sys.exit(77)

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sarif-schema-2.1.0.json")

# RFC 3986: what a URI may hold once percent-encoded (no spaces, no raw
# '%', nothing outside ASCII). A loose check, but it catches unescaped paths.
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
CHARS = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*")
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("uri-reference")
def is_uri_reference(s):
    return CHARS.fullmatch(s) is not None and s.count("#") <= 1


@FORMATS.checks("uri")
def is_uri(s):
    return SCHEME.match(s) is not None and is_uri_reference(s)


def validator():
    with open(SCHEMA) as f:
        schema = json.load(f)
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=FORMATS)


def lint(opsc, cwd, *args, want_exit):
    run = subprocess.run([opsc, "lint", "--format", "sarif", *args], cwd=cwd,
                         capture_output=True, text=True)
    if run.returncode != want_exit:
        print(run.stderr)
        sys.exit("FAIL: %s: exit %d, expected %d" % (" ".join(args), run.returncode, want_exit))
    return run.stdout, json.loads(run.stdout)


def check(v, log, what):
    errors = sorted(v.iter_errors(log), key=lambda e: list(e.absolute_path))
    for e in errors:
        print("%s: %s: %s" % (what, "/".join(str(p) for p in e.absolute_path), e.message[:300]))
    if errors:
        sys.exit("FAIL: %s: %d schema violations" % (what, len(errors)))


# Fake tokens in the providers' formats.
FILES = {
    "deploy.sh": "export GITHUB_TOKEN=ghp_aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5\n",  # opsc:ignore a test fixture, not a credential
    "main.tf": 'provider "aws" {\n  access_key = "AKIAZ7VRSQ5TJN2XVD4K"\n}\n',  # opsc:ignore a test fixture, not a credential
    "prod values/100% ü.yaml": 'db_password: "Zq8vN3xLp2Rt7Wm"\n',  # opsc:ignore a test fixture, not a credential
}


def outside_a_repository(opsc, v):
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in FILES.items():
            os.makedirs(os.path.dirname(os.path.join(tmp, name)), exist_ok=True)
            with open(os.path.join(tmp, name), "w") as f:
                f.write(text)
        with open(os.path.join(tmp, "logo.png"), "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n\0\0\0")
        out, log = lint(opsc, tmp, ".", want_exit=1)
        check(v, log, "findings")
        results = log["runs"][0]["results"]
        assert sorted(r["ruleId"] for r in results) == \
            ["aws-access-key-id", "generic-credential", "github-pat"], results
        uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results)
        assert uris == ["deploy.sh", "main.tf", "prod%20values/100%25%20%C3%BC.yaml"], uris
        rules = log["runs"][0]["tool"]["driver"]["rules"]
        assert all(r["help"]["text"] and r["help"]["markdown"] for r in rules)
        note = log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]
        assert note["message"]["text"] == "skipped: binary file", note
        for secret in ("ghp_aB3dE", "AKIAZ", "Zq8vN"):
            assert secret not in out, secret

        for name in FILES:
            os.remove(os.path.join(tmp, name))
        _, log = lint(opsc, tmp, ".", want_exit=0)
        check(v, log, "clean")
        assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []


def history(opsc, v):
    if not shutil.which("git"):
        print("history: skipped (no git command)")
        return
    env = dict(os.environ, GIT_AUTHOR_NAME="Alice", GIT_AUTHOR_EMAIL="alice@example.com",
               GIT_COMMITTER_NAME="Alice", GIT_COMMITTER_EMAIL="alice@example.com",
               GIT_AUTHOR_DATE="2024-03-01T10:00:00+01:00", GIT_COMMITTER_DATE="2024-03-01T10:00:00+01:00",
               GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
    with tempfile.TemporaryDirectory() as tmp:
        def git(*args):
            subprocess.run(["git", *args], cwd=tmp, env=env, check=True, capture_output=True)
        git("init", "-q")
        with open(os.path.join(tmp, "deploy.sh"), "w") as f:
            f.write(FILES["deploy.sh"])
        git("add", "deploy.sh")
        git("commit", "-qm", "add the deploy script")
        with open(os.path.join(tmp, "deploy.sh"), "w") as f:
            f.write("export GITHUB_TOKEN=$GITHUB_TOKEN\n")
        git("commit", "-qam", "take the token from the environment")
        _, log = lint(opsc, tmp, "--history", "--no-progress", ".", want_exit=1)
        check(v, log, "history")
        [result] = log["runs"][0]["results"]
        props = result["properties"]
        assert props["author"] == "Alice <alice@example.com>", props
        assert props["date"] == "2024-03-01T10:00:00+01:00", props
        assert re.fullmatch(r"[0-9a-f]{40}", props["commit"]), props


def main():
    opsc = os.path.abspath(sys.argv[1])
    v = validator()
    outside_a_repository(opsc, v)
    history(opsc, v)
    print("ok: valid against the OASIS SARIF 2.1.0 schema")


main()
