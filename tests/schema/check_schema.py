#!/usr/bin/env python3
"""Validates JSON instances against a JSON Schema (draft 2020-12), for the C++ schema tests.

usage: check_schema.py SCHEMA INSTANCES

INSTANCES is a file holding one JSON array of instances. Checks the schema against the
draft 2020-12 meta-schema first, then prints one line per instance, in order: "valid" or
"invalid: <message>". Exit codes: 0 it ran, 2 bad usage, 3 the jsonschema package (Debian:
python3-jsonschema) is missing or lacks draft 2020-12, 4 the schema itself is invalid.
"""
import json
import sys

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError as e:
    print(f"check_schema.py: {sys.executable}: jsonschema with draft 2020-12 is missing ({e}); "
          "install python3-jsonschema (bash ops/setup.sh)", file=sys.stderr)
    sys.exit(3)


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    try:
        Draft202012Validator.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        print(f"check_schema.py: {argv[1]} is not a valid draft 2020-12 schema: {e.message}",
              file=sys.stderr)
        return 4
    validator = Draft202012Validator(schema)
    with open(argv[2], encoding="utf-8") as f:
        instances = json.load(f)
    for instance in instances:
        error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
        if error is None:
            print("valid")
        else:
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"invalid: /{where}: {error.message}"[:300].replace("\n", " "))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
