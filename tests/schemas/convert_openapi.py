#!/usr/bin/python3
"""Converts Kubernetes OpenAPI v2 definitions into standalone JSON Schemas
the way ../shared/schemas/README.md describes: $refs inlined, IntOrString
-> anyOf [integer, string], Quantity -> oneOf [string, number], apiVersion
and kind pinned and required, additionalProperties false on every object
with properties, optional fields also null. Descriptions are dropped (a
CronJob inlines the whole PodSpec).

usage: convert_openapi.py SWAGGER_JSON OUTDIR
(SWAGGER_JSON: kubernetes/swagger.json.unprocessed of kubernetes-client/python
tag v36.0.3, commit 67e7d9abfc6fe6629fa650d9b0abf4c99ef8c39c)
"""
import json
import sys

KINDS = {
    "io.k8s.api.batch.v1.CronJob": ("batch/v1", "CronJob", "cronjob-batch-v1.json"),
    "io.k8s.api.core.v1.ServiceAccount": ("v1", "ServiceAccount", "serviceaccount-v1.json"),
}


def convert(defs, node, depth=0):
    if depth > 60:
        raise SystemExit("recursion too deep")
    if "$ref" in node:
        name = node["$ref"].split("/")[-1]
        if name == "io.k8s.apimachinery.pkg.util.intstr.IntOrString":
            return {"anyOf": [{"type": "integer"}, {"type": "string"}]}
        if name == "io.k8s.apimachinery.pkg.api.resource.Quantity":
            return {"oneOf": [{"type": "string"}, {"type": "number"}]}
        if name == "io.k8s.apimachinery.pkg.apis.meta.v1.Time":
            return {"type": "string"}
        if name == "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime":
            return {"type": "string"}
        if name == "io.k8s.apimachinery.pkg.runtime.RawExtension":
            return {"type": "object"}
        return convert(defs, defs[name], depth + 1)
    out = {}
    for k, v in node.items():
        if k in ("description", "x-kubernetes-group-version-kind", "x-kubernetes-list-map-keys",
                 "x-kubernetes-list-type", "x-kubernetes-patch-merge-key", "x-kubernetes-patch-strategy",
                 "x-kubernetes-map-type", "x-kubernetes-unions", "example"):
            continue
        if k == "properties":
            req = set(node.get("required", []))
            props = {}
            for pk, pv in v.items():
                c = convert(defs, pv, depth + 1)
                if pk not in req:
                    c = nullable(c)
                props[pk] = c
            out["properties"] = props
        elif k == "items" or k == "additionalProperties" and isinstance(v, dict):
            out[k] = convert(defs, v, depth + 1)
        else:
            out[k] = v
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if out.get("format") == "int-or-string":
        return {"anyOf": [{"type": "integer"}, {"type": "string"}]}
    return out


def nullable(c):
    t = c.get("type")
    if isinstance(t, str):
        c = dict(c)
        c["type"] = [t, "null"]
        return c
    if "anyOf" in c or "oneOf" in c:
        return {"anyOf": [c, {"type": "null"}]}
    return c


def main():
    swagger, outdir = sys.argv[1], sys.argv[2]
    defs = json.load(open(swagger))["definitions"]
    for name, (api, kind, fname) in KINDS.items():
        s = convert(defs, defs[name])
        s["properties"]["apiVersion"] = {"type": "string", "enum": [api]}
        s["properties"]["kind"] = {"type": "string", "enum": [kind]}
        s["required"] = sorted(set(s.get("required", [])) | {"apiVersion", "kind"})
        s = {"$schema": "http://json-schema.org/draft-07/schema#", "title": api + " " + kind, **s}
        with open(f"{outdir}/{fname}", "w") as f:
            json.dump(s, f, sort_keys=True, separators=(",", ":"))
            f.write("\n")


main()
