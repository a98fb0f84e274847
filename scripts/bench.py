"""Benchmark harness: runs every bench_*.py section, prints a table with goals, writes JSON.

Usage: scripts/bench [--only speech,store,...] [--soak] [--room] [--json PATH]
       scripts/bench hearing [--calibrate] ...   (the hearing corpus; see scripts/bench_hearing.py)
(`scripts/bench` sets up .venv, then runs this file with the project's Python.)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SECTIONS = ("speech", "turn", "store", "timeout", "coldstart", "idle")
"""Run when --only is not given; every other scripts/bench_<name>.py runs with --only <name>."""
SECTIONS = tuple(sorted(path.stem.removeprefix("bench_") for path in HERE.glob("bench_*.py")))
GOALS: dict[str, tuple[str, float]] = {}
"""Filled from each section module's own `GOALS` (key -> (operator, goal)) as it is loaded."""


def is_spread(value: object) -> bool:
    """A min/median/max summary of repeated runs (scripts/measure.py), shown as one row."""
    return isinstance(value, dict) and {"min", "median", "max"} <= value.keys()


def shown(value: object) -> str:
    if is_spread(value):
        return f"{value['min']}/{value['median']}/{value['max']} (n={value.get('n', '?')})"  # type: ignore[index]
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def flatten(values: dict, prefix: str = "") -> dict:
    """Nested section results as `a.b.c` keys, for the table (a min/median/max summary stays one value)."""
    flat: dict = {}
    for key, value in values.items():
        if isinstance(value, dict) and not is_spread(value):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def load_section(name: str):  # type: ignore[no-untyped-def]
    path = HERE / f"bench_{name}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]  # dataclasses look their module up while defined
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    GOALS.update(getattr(module, "GOALS", {}))
    return module


def verdict(key: str, value: object) -> str:
    """The goal and whether it was met (for a min/median/max summary: by its median)."""
    if is_spread(value):
        value = value["median"]  # type: ignore[index]
    if key not in GOALS or not isinstance(value, (int, float)) or isinstance(value, bool):
        return ""
    op, goal = GOALS[key]
    ok = value <= goal if op == "<=" else value >= goal
    return f"{op} {goal}  {'ok' if ok else 'MISSED'}"


def main() -> int:
    if sys.argv[1:2] == ["hearing"]:  # its own options: scripts/bench hearing [--calibrate] ...
        return int(load_section("hearing").main(sys.argv[2:]))  # type: ignore[union-attr]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated sections: " + ",".join(SECTIONS))
    parser.add_argument("--soak", action="store_true", help="also run the long soak (bench_soak.py)")
    parser.add_argument("--room", action="store_true",
                        help="also run the 5-minute session through a private PulseAudio room (bench_room.py)")
    parser.add_argument("--json", type=Path, default=HERE.parent / "bench-results" / "latest.json")
    args = parser.parse_args()
    wanted = args.only.split(",") if args.only else list(DEFAULT_SECTIONS)
    if args.soak:
        wanted.append("soak")
    if args.room:
        wanted.append("room")
    results: dict = {"date": datetime.now().isoformat(timespec="seconds"), "machine": platform.platform(),
                     "python": platform.python_version()}
    for name in wanted:
        module = load_section(name)
        if module is None:
            print(f"(section {name}: scripts/bench_{name}.py not present)", file=sys.stderr)
            continue
        started = time.perf_counter()
        section: dict = {}
        try:
            module.run(section)
        except Exception as exc:  # noqa: BLE001 - one broken section must not lose the others' figures
            section[f"{name}_failed"] = f"{type(exc).__name__}: {exc}"
            print(f"(section {name} failed: {exc})", file=sys.stderr)
        section[f"{name}_section_s"] = round(time.perf_counter() - started, 1)
        results.update(section)
        print(f"\n== {name}")
        for key, value in flatten(section).items():
            print(f"  {key:64} {shown(value):>14}  {verdict(key, value)}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nWritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
