#!/usr/bin/env python3
"""Validates NDJSON messages against a schema of this directory.

usage: validate.py SCHEMA FILE|-    e.g. validate.py decide.response lines.ndjson
Each non-empty line is one message; prints every violation with its line
number and exits 1 if there is any. Needs the `jsonschema` package.
"""
import json
import pathlib
import sys

import jsonschema
from referencing import Registry, Resource

HERE = pathlib.Path(__file__).resolve().parent


def registry():
    resources = []
    for path in HERE.glob("*.schema.json"):
        schema = json.loads(path.read_text())
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def validator(name):
    schema = json.loads((HERE / f"{name}.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema, registry=registry())


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    check = validator(sys.argv[1])
    source = sys.stdin if sys.argv[2] == "-" else open(sys.argv[2], encoding="utf-8")
    failures = 0
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            message = json.loads(line, parse_constant=lambda name: float(name))
        except ValueError as problem:
            print(f"line {number}: not JSON: {problem}")
            failures += 1
            continue
        for error in check.iter_errors(message):
            path = "/".join(str(p) for p in error.absolute_path)
            print(f"line {number}: {path or '(root)'}: {error.message[:300]}")
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
