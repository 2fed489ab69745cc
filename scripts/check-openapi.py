#!/usr/bin/env python3
"""Checks BoxOffice's OpenAPI document.

    python3 scripts/check-openapi.py                        # the file in the source tree
    python3 scripts/check-openapi.py http://127.0.0.1:8080  # and the one a running server serves

Validates Sources/BoxOfficeServer/Resources/openapi.json as OpenAPI 3.0 (openapi-spec-validator),
checks the project's own rules (operationId, summary, tags, security and a default response on
every operation), and, given a base URL, fetches /api/openapi.json from that server and checks
that it parses and validates too. Exits non-zero on any failure.

Needs python3 and `pip install openapi-spec-validator`; nothing else.
"""
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

try:
    import openapi_spec_validator
except ImportError:
    sys.exit("check-openapi: needs openapi-spec-validator (pip install openapi-spec-validator)")

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "Sources" / "BoxOfficeServer" / "Resources" / "openapi.json"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def spec_errors(doc):
    """Validation errors of `doc` as OpenAPI 3.0 (empty when valid)."""
    validate = getattr(openapi_spec_validator, "validate", None) or openapi_spec_validator.validate_spec
    try:
        validate(doc)
    except Exception as error:  # the validator's own exception types differ between versions
        return [f"{type(error).__name__}: {error}"]
    return []


def rule_errors(doc):
    """The project's conventions, which the spec validator does not know."""
    problems = []
    if doc.get("openapi") != "3.0.3":
        problems.append(f"openapi is {doc.get('openapi')!r}, expected '3.0.3'")
    if "bearerAuth" not in doc.get("components", {}).get("securitySchemes", {}):
        problems.append("components.securitySchemes.bearerAuth is missing")
    if "Error" not in doc.get("components", {}).get("schemas", {}):
        problems.append("components.schemas.Error is missing")
    seen = {}
    for path, item in doc.get("paths", {}).items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            where = f"{method.upper()} {path}"
            op_id = operation.get("operationId")
            if not op_id:
                problems.append(f"{where}: no operationId")
            elif op_id in seen:
                problems.append(f"{where}: operationId {op_id} also used by {seen[op_id]}")
            else:
                seen[op_id] = where
            if not operation.get("summary"):
                problems.append(f"{where}: no summary")
            if not operation.get("tags"):
                problems.append(f"{where}: no tags")
            if "security" not in operation:
                problems.append(f"{where}: no security (use [] for public routes)")
            if "default" not in operation.get("responses", {}):
                problems.append(f"{where}: no default response")
    return problems


def check(label, doc):
    problems = spec_errors(doc) + rule_errors(doc)
    count = sum(1 for item in doc.get("paths", {}).values() for method in item if method in METHODS)
    if problems:
        print(f"{label}: FAILED")
        for problem in problems:
            print(f"  - {problem}")
        return False
    print(f"{label}: OK ({len(doc.get('paths', {}))} paths, {count} operations)")
    return True


def fetch(base):
    url = base.rstrip("/") + "/api/openapi.json"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            status, ctype, body = response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return None, f"{url}: HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return None, f"{url}: {error}"
    if status != 200:
        return None, f"{url}: HTTP {status}"
    if not ctype.startswith("application/json"):
        return None, f"{url}: Content-Type is {ctype!r}, expected application/json"
    try:
        return json.loads(body), None
    except ValueError as error:
        return None, f"{url}: not JSON: {error}"


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        print(__doc__.strip())
        return 2
    try:
        local = json.loads(DOC.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"{DOC}: FAILED: {error}")
        return 1
    ok = check(str(DOC.relative_to(ROOT)), local)
    if len(argv) == 2:
        served, problem = fetch(argv[1])
        if problem:
            print(f"served document: FAILED: {problem}")
            ok = False
        else:
            ok = check(f"served document ({argv[1].rstrip('/')}/api/openapi.json)", served) and ok
            if served != local:
                print("  note: the served document differs from the file (the server was built before the last edit)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
