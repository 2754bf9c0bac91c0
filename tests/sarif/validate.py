#!/usr/bin/env python3
"""validate.py OPSC - `opsc lint --format sarif` against SARIF 2.1.0.

Runs opsc on a directory of planted secrets (outside any repository, with a
binary file so a notification is emitted) and validates the log with
python3-jsonschema against:

* the official OASIS schema (sarif-schema-2.1.0.json) when it is available:
  $OPSC_SARIF_SCHEMA, or ../shared/schemas/sarif-schema-2.1.0.json;
* always, SUBSET below: the definitions of every SARIF object opsc emits,
  transcribed from the official schema (required properties, enums, minima,
  and additionalProperties: false where the official schema has it).

Exit 77 (skip) when jsonschema is not installed.
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema is not installed")
    sys.exit(77)


def obj(props, required=(), closed=True, **extra):
    s = {"type": "object", "properties": props, **extra}
    if required:
        s["required"] = list(required)
    if closed:
        s["additionalProperties"] = False
    return s


REF = lambda name: {"$ref": "#/definitions/" + name}
LEVEL = {"enum": ["none", "note", "warning", "error"]}
IDX = {"type": "integer", "minimum": -1}
BAG = REF("propertyBag")

SUBSET = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    **obj({"$schema": {"type": "string"}, "version": {"enum": ["2.1.0"]},
           "runs": {"type": ["array", "null"], "items": REF("run")}},
          ["version", "runs"]),
    "definitions": {
        "propertyBag": obj({"tags": {"type": "array", "uniqueItems": True,
                                     "items": {"type": "string"}}}, closed=False),
        "message": obj({"text": {"type": "string"}, "markdown": {"type": "string"},
                        "id": {"type": "string"}, "arguments": {"type": "array"},
                        "properties": BAG},
                       anyOf=[{"required": ["text"]}, {"required": ["id"]}]),
        "multiformatMessageString": obj({"text": {"type": "string"},
                                         "markdown": {"type": "string"},
                                         "properties": BAG}, ["text"]),
        "artifactLocation": obj({"uri": {"type": "string"}, "uriBaseId": {"type": "string"},
                                 "index": IDX, "description": REF("message"),
                                 "properties": BAG}),
        "region": obj({"startLine": {"type": "integer", "minimum": 1},
                       "startColumn": {"type": "integer", "minimum": 1},
                       "endLine": {"type": "integer", "minimum": 1},
                       "endColumn": {"type": "integer", "minimum": 1},
                       "charOffset": IDX, "charLength": {"type": "integer", "minimum": 0},
                       "byteOffset": IDX, "byteLength": {"type": "integer", "minimum": 0},
                       "snippet": {"type": "object"}, "message": REF("message"),
                       "sourceLanguage": {"type": "string"}, "properties": BAG}),
        "physicalLocation": obj({"address": {"type": "object"},
                                 "artifactLocation": REF("artifactLocation"),
                                 "region": REF("region"), "contextRegion": REF("region"),
                                 "properties": BAG},
                                anyOf=[{"required": ["address"]},
                                       {"required": ["artifactLocation"]}]),
        "location": obj({"id": IDX, "physicalLocation": REF("physicalLocation"),
                         "logicalLocations": {"type": "array"}, "message": REF("message"),
                         "annotations": {"type": "array"}, "relationships": {"type": "array"},
                         "properties": BAG}),
        "reportingConfiguration": obj({"enabled": {"type": "boolean"}, "level": LEVEL,
                                       "rank": {"type": "number", "minimum": -1, "maximum": 100},
                                       "parameters": BAG, "properties": BAG}),
        "reportingDescriptor": obj({
            "id": {"type": "string"}, "deprecatedIds": {"type": "array"},
            "guid": {"type": "string"}, "name": {"type": "string"},
            "shortDescription": REF("multiformatMessageString"),
            "fullDescription": REF("multiformatMessageString"),
            "messageStrings": {"type": "object"},
            "defaultConfiguration": REF("reportingConfiguration"),
            "helpUri": {"type": "string"}, "help": REF("multiformatMessageString"),
            "relationships": {"type": "array"}, "properties": BAG}, ["id"]),
        "toolComponent": obj({
            "guid": {"type": "string"}, "name": {"type": "string"},
            "organization": {"type": "string"}, "product": {"type": "string"},
            "fullName": {"type": "string"}, "version": {"type": "string"},
            "semanticVersion": {"type": "string"}, "informationUri": {"type": "string"},
            "rules": {"type": "array", "uniqueItems": True, "items": REF("reportingDescriptor")},
            "properties": BAG}, ["name"]),
        "tool": obj({"driver": REF("toolComponent"), "extensions": {"type": "array"},
                     "properties": BAG}, ["driver"]),
        "notification": obj({"locations": {"type": "array", "uniqueItems": True,
                                           "items": REF("location")},
                             "message": REF("message"), "level": LEVEL,
                             "threadId": {"type": "integer"}, "timeUtc": {"type": "string"},
                             "exception": {"type": "object"}, "descriptor": {"type": "object"},
                             "associatedRule": {"type": "object"}, "properties": BAG},
                            ["message"]),
        "invocation": obj({"executionSuccessful": {"type": "boolean"},
                           "toolExecutionNotifications": {"type": "array",
                                                          "items": REF("notification")},
                           "toolConfigurationNotifications": {"type": "array",
                                                              "items": REF("notification")},
                           "exitCode": {"type": "integer"}, "commandLine": {"type": "string"},
                           "properties": BAG},
                          ["executionSuccessful"], closed=False),
        "result": obj({
            "ruleId": {"type": "string"}, "ruleIndex": IDX,
            "kind": {"enum": ["notApplicable", "pass", "fail", "review", "open", "informational"]},
            "level": LEVEL, "message": REF("message"),
            "locations": {"type": "array", "items": REF("location")},
            "partialFingerprints": {"type": "object", "additionalProperties": {"type": "string"}},
            "fingerprints": {"type": "object", "additionalProperties": {"type": "string"}},
            "relatedLocations": {"type": "array", "uniqueItems": True, "items": REF("location")},
            "properties": BAG}, ["message"], closed=False),
        "run": obj({"tool": REF("tool"), "invocations": {"type": "array", "items": REF("invocation")},
                    "results": {"type": ["array", "null"], "items": REF("result")},
                    "properties": BAG}, ["tool"], closed=False),
    },
}

# Fake tokens in the providers' formats.
FILES = {
    "deploy.sh": "export GITHUB_TOKEN=ghp_aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5\n",  # opsc:ignore
    "main.tf": 'provider "aws" {\n  access_key = "AKIAZ7VRSQ5TJN2XVD4K"\n}\n',  # opsc:ignore
    "values.yaml": 'db_password: "Zq8vN3xLp2Rt7Wm"\n',  # opsc:ignore
}


def main():
    opsc = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in FILES.items():
            with open(os.path.join(tmp, name), "w") as f:
                f.write(text)
        with open(os.path.join(tmp, "logo.png"), "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n\0\0\0")
        run = subprocess.run([opsc, "lint", "--format", "sarif", "."], cwd=tmp,
                             capture_output=True, text=True)
    if run.returncode != 1:
        print(run.stderr)
        sys.exit("FAIL: exit %d, expected 1" % run.returncode)
    log = json.loads(run.stdout)
    jsonschema.Draft4Validator(SUBSET).validate(log)
    results = log["runs"][0]["results"]
    assert sorted(r["ruleId"] for r in results) == \
        ["aws-access-key-id", "generic-credential", "github-pat"], results
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(r["help"]["text"] and r["help"]["markdown"] for r in rules)
    assert log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"] \
        == "skipped: binary file"
    for secret in ("ghp_aB3dE", "AKIAZ", "Zq8vN"):
        assert secret not in run.stdout, secret

    official = os.environ.get("OPSC_SARIF_SCHEMA") or os.path.join(
        os.path.dirname(__file__), "../../../shared/schemas/sarif-schema-2.1.0.json")
    if os.path.exists(official):
        with open(official) as f:
            jsonschema.Draft4Validator(json.load(f)).validate(log)
        print("ok: valid against the official schema and the subset")
    else:
        print("ok: valid against the subset (official schema not found: set OPSC_SARIF_SCHEMA)")


main()
