#!/usr/bin/env python3
"""Converts one version of an upstream CustomResourceDefinition to a standalone
JSON Schema (draft-07) the way ../shared/schemas were converted:

  - the version's openAPIV3Schema, descriptions kept;
  - strict like `kubectl apply --validate=strict`: every object with
    `properties` gets additionalProperties: false unless it sets
    x-kubernetes-preserve-unknown-fields;
  - optional fields also accept null, `nullable: true` becomes a null type;
  - x-kubernetes-int-or-string becomes anyOf [integer, string];
  - apiVersion and kind pinned with enum and required;
  - metadata replaced by Kubernetes ObjectMeta, taken from an already
    converted schema (--meta FILE, its properties.metadata).

Usage: convert_crd.py CRD.yaml VERSION --meta SCHEMA.json > OUT.json
"""
import argparse
import json
import sys

import yaml

DROP = ("x-kubernetes-validations", "x-kubernetes-list-type", "x-kubernetes-list-map-keys",
        "x-kubernetes-map-type", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string",
        "x-kubernetes-embedded-resource", "nullable", "example", "examples")


def with_null(s):
    s = dict(s)
    t = s.get("type")
    if isinstance(t, str):
        s["type"] = [t, "null"]
    elif isinstance(t, list):
        if "null" not in t:
            s["type"] = t + ["null"]
    elif "anyOf" in s:
        s["anyOf"] = s["anyOf"] + [{"type": "null"}]
    return s


def convert(node):
    if not isinstance(node, dict):
        return node
    out = {}
    for k, v in node.items():
        if k in DROP:
            continue
        if k == "properties":
            req = set(node.get("required", []))
            props = {}
            for name, sub in v.items():
                c = convert(sub)
                props[name] = c if name in req else with_null(c)
            out[k] = props
        elif k in ("items", "additionalProperties", "not"):
            out[k] = convert(v)
        elif k in ("allOf", "anyOf", "oneOf"):
            out[k] = [convert(x) for x in v]
        else:
            out[k] = v
    if node.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if node.get("nullable"):
        out = with_null(out)
    if "properties" in node and not node.get("x-kubernetes-preserve-unknown-fields") \
            and "additionalProperties" not in node:
        out["additionalProperties"] = False
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("crd")
    ap.add_argument("version")
    ap.add_argument("--meta", required=True)
    args = ap.parse_args()
    with open(args.crd) as f:
        crd = yaml.safe_load(f)
    ver = next(v for v in crd["spec"]["versions"] if v["name"] == args.version)
    schema = convert(ver["schema"]["openAPIV3Schema"])
    group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
    with open(args.meta) as f:
        meta = json.load(f)["properties"]["metadata"]
    props = schema["properties"]
    props["apiVersion"] = dict(props["apiVersion"], type="string", enum=["%s/%s" % (group, args.version)])
    props["kind"] = dict(props["kind"], type="string", enum=[kind])
    props["metadata"] = meta
    schema["required"] = sorted(set(schema.get("required", [])) | {"apiVersion", "kind"})
    out = {"$schema": "http://json-schema.org/draft-07/schema#", "title": "%s %s/%s" % (kind, group, args.version)}
    out.update(schema)
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


main()
