#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""json_check.py - checks auxrec's JSON output against docs/schema/.

Usage:
  json_check.py [--doc] SCHEMA FILE...
  json_check.py --check-schema SCHEMA...

Each FILE is JSON Lines (one value a line; --doc: one document, which may
be pretty-printed; - is stdin). Every object in it (nested ones too) must
have each key once, and every value must validate against SCHEMA (a file;
the other *.schema.json files of its directory resolve its $refs). Numbers
must be finite (no NaN or Infinity). On failure: the first failing line
with its error, how many failed, exit 1. On success: one line of counts.

--check-schema: each SCHEMA must be a valid schema of its $schema draft,
and every $ref in it must resolve.
"""
import argparse
import glob
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("json_check: python3-jsonschema missing", file=sys.stderr)
    sys.exit(77)


class RepeatedKey(ValueError):
    pass


def load_schemas(directory):
    schemas = {}
    for path in sorted(glob.glob(os.path.join(directory, "*.schema.json"))):
        with open(path, encoding="utf-8") as f:
            schemas[path] = json.load(f)
    return schemas


def validator_for(path):
    """A validator of the schema at path, its directory's schemas resolvable by $id."""
    schemas = load_schemas(os.path.dirname(os.path.abspath(path)) or ".")
    with open(path, encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    try:	# jsonschema >= 4.18
        import referencing
        import referencing.jsonschema
        registry = referencing.Registry().with_resources(
            (s["$id"], referencing.Resource.from_contents(
                s, default_specification=referencing.jsonschema.DRAFT202012))
            for s in schemas.values() if "$id" in s)
        return cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)
    except ImportError:	# Debian bookworm's 4.10
        store = {s["$id"]: s for s in schemas.values() if "$id" in s}
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        return cls(schema, resolver=resolver, format_checker=cls.FORMAT_CHECKER)


def iter_refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield v
            else:
                yield from iter_refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from iter_refs(v)


def check_schema(path):
    with open(path, encoding="utf-8") as f:
        schema = json.load(f, object_pairs_hook=no_repeated_keys)
    cls = jsonschema.validators.validator_for(schema, default=None)
    if cls is None:
        raise jsonschema.SchemaError("no known $schema: %r" % schema.get("$schema"))
    cls.check_schema(schema)
    v = validator_for(path)
    resolver = getattr(v, "_resolver", None)
    for ref in set(iter_refs(schema)):
        if resolver is not None and hasattr(resolver, "lookup"):	# referencing
            resolver.lookup(ref)
        else:
            v.resolver.resolve(ref)
    return len(set(iter_refs(schema)))


def no_repeated_keys(pairs):
    """object_pairs_hook rejecting repeated keys."""
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise RepeatedKey("repeated key %r" % k)
        obj[k] = v
    return obj


def no_constant(name):
    raise ValueError("not JSON: %s" % name)


def error_text(err):
    """A validation error as "at /PATH: what" (alternatives: what each says)."""
    def short(e):
        m = e.message
        if isinstance(e.instance, (dict, list)):
            m = m.replace(repr(e.instance), "the %s" % type(e.instance).__name__.replace("dict", "object"))
        return m
    where = "/".join(str(p) for p in err.absolute_path)
    msg = short(err)
    if err.context:
        subs = sorted({short(e) for e in err.context}, key=len)
        msg += " (%s)" % "; ".join(subs[:4])
    return "%s%s" % ("at /%s: " % where if where else "", msg)


def check_file(v, name, text, doc):
    """Returns (values checked, failures, first failure text)."""
    if doc:
        units = [(1, text)]
    else:
        units = [(i + 1, l) for i, l in enumerate(text.split("\n"))]
        if units and units[-1][1] == "":
            units.pop()	# the newline ending the last line
    n = failed = 0
    first = None
    for lineno, unit in units:
        n += 1
        why = None
        try:
            value = json.loads(unit, object_pairs_hook=no_repeated_keys, parse_constant=no_constant)
        except (ValueError, RepeatedKey) as e:
            why = str(e)
        else:
            errs = list(v.iter_errors(value))
            # a key unevaluated because its type's schema failed: say why that failed
            named = [e for e in errs if e.validator != "unevaluatedProperties"]
            err = jsonschema.exceptions.best_match(named or errs)
            if err is not None:
                why = error_text(err)
        if why:
            failed += 1
            if first is None:
                shown = unit if len(unit) <= 300 else unit[:300] + "..."
                first = "%s:%d: %s\n  %s" % (name, lineno, why, shown)
    return n, failed, first


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--doc", action="store_true", help="each FILE is one JSON document")
    ap.add_argument("--check-schema", action="store_true")
    ap.add_argument("schema")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()

    if a.check_schema:
        status = 0
        for path in [a.schema] + a.files:
            try:
                refs = check_schema(path)
                print("%s: valid schema, %d $refs resolve" % (path, refs))
            except Exception as e:	# SchemaError, unresolvable refs, bad JSON
                print("%s: %s" % (path, getattr(e, "message", e)))
                status = 1
        return status

    v = validator_for(a.schema)
    total = status = 0
    for name in a.files or ["-"]:
        try:
            if name == "-":
                text = sys.stdin.buffer.read().decode("utf-8")
            else:
                with open(name, "rb") as f:
                    text = f.read().decode("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            print("%s: %s" % (name, e))
            status = 1
            continue
        n, failed, first = check_file(v, name, text, a.doc)
        total += n
        if not n:
            print("%s: empty" % name)
            status = 1
        if failed:
            print(first)
            print("%s: %d of %d %s fail %s" % (name, failed, n, "documents" if a.doc else "lines",
                                               os.path.basename(a.schema)))
            status = 1
    if not status:
        print("%d %s valid against %s" % (total, "documents" if a.doc else "lines",
                                           os.path.basename(a.schema)))
    return status


if __name__ == "__main__":
    sys.exit(main())
