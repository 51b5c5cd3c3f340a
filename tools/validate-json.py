#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Validate bootmm --json output against the schema in docs/JSON.md.

usage: validate-json.py docs/JSON.md [FILE|-]...

The schema is the fenced json block between the "schema: begin" and
"schema: end" markers of docs/JSON.md; the document's "command" member picks
the entry of "commands". Only the JSON Schema keywords the schema uses are
implemented (type, enum, required, properties, additionalProperties, items,
minimum, $ref), with the standard library alone, so that the check runs
wherever python3 does. Exit status: 0 valid, 1 invalid, 2 usage or
unreadable input.
"""
import json
import re
import sys

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def load_schema(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"<!-- schema: begin -->\s*```json\n(.*?)```\s*<!-- schema: end -->",
                  text, re.S)
    if not m:
        raise ValueError(f"{path}: no schema block between the schema markers")
    return json.loads(m.group(1))


class Validator:
    def __init__(self, root):
        self.root = root
        self.errors = []

    def resolve(self, ref):
        if not ref.startswith("#/"):
            raise ValueError(f"unsupported $ref {ref}")
        node = self.root
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    def check(self, value, schema, path):
        if "$ref" in schema:
            self.check(value, self.resolve(schema["$ref"]), path)
            return
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(TYPES[t](value) for t in types):
                self.errors.append(f"{path}: expected {'/'.join(types)}, got {json.dumps(value)[:60]}")
                return
        if "enum" in schema and value not in schema["enum"]:
            self.errors.append(f"{path}: {json.dumps(value)[:60]} not one of {schema['enum']}")
        if "minimum" in schema and TYPES["number"](value) and value < schema["minimum"]:
            self.errors.append(f"{path}: {value} below minimum {schema['minimum']}")
        if isinstance(value, dict):
            props = schema.get("properties", {})
            for key in schema.get("required", []):
                if key not in value:
                    self.errors.append(f"{path}: missing member '{key}'")
            for key, sub in value.items():
                if key in props:
                    self.check(sub, props[key], f"{path}.{key}")
                elif schema.get("additionalProperties", True) is False:
                    self.errors.append(f"{path}: undocumented member '{key}'")
        if isinstance(value, list) and "items" in schema:
            for i, item in enumerate(value):
                self.check(item, schema["items"], f"{path}[{i}]")


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        schema = load_schema(argv[1])
    except (OSError, ValueError) as e:
        print(f"validate-json: {e}", file=sys.stderr)
        return 2
    status = 0
    for name in argv[2:] or ["-"]:
        try:
            text = sys.stdin.read() if name == "-" else open(name, encoding="utf-8").read()
            doc = json.loads(text)
        except (OSError, ValueError) as e:
            print(f"{name}: not JSON: {e}", file=sys.stderr)
            return 2
        cmd = doc.get("command") if isinstance(doc, dict) else None
        if cmd not in schema["commands"]:
            print(f"{name}: unknown or missing \"command\": {cmd!r}", file=sys.stderr)
            status = 1
            continue
        v = Validator(schema)
        v.check(doc, schema["commands"][cmd], "$")
        for err in v.errors[:20]:
            print(f"{name}: {err}", file=sys.stderr)
        if v.errors:
            status = 1
        else:
            print(f"{name}: valid bootmm {cmd} document (schema version {doc['schema_version']})")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
