"""The outside tests' one way to record a check: `check(name, condition, detail)` prints `ok`/`FAIL` and keeps the
outcome in `results` (name, None or what was wrong), from which each test prints its `NAME: N passed, M failed` line
(scripts/test adds those up)."""

results = []


def check(name, condition, detail=""):
    results.append((name, None if condition else detail))
    print(f"{'ok  ' if condition else 'FAIL'} {name}" + ("" if condition else f": {detail}"), flush=True)
