"""Run benchmarks: ``python -m bench`` runs every ``bench_*.py`` module's ``main()``.

``python -m bench cards dashboards`` runs only the named ones (``bench_cards``, ...). The exit code
is the number of benchmarks that raised, so ``make bench`` fails when one breaks.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import traceback
from pathlib import Path


def discover() -> list[str]:
    """Names of the benchmark modules in this folder, sorted (``bench_cards``, ...)."""
    folder = Path(__file__).resolve().parent
    return sorted(
        info.name for info in pkgutil.iter_modules([str(folder)]) if info.name.startswith("bench_")
    )


def main(argv: list[str]) -> int:
    """Run the selected (default: all) benchmarks; return how many failed."""
    available = discover()
    wanted = [name if name.startswith("bench_") else f"bench_{name}" for name in argv]
    unknown = [name for name in wanted if name not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}")
        return 2
    failed = 0
    for name in wanted or available:
        print(f"== {name} ==", flush=True)
        # Each benchmark sees a clean command line (its own options default), not our selection.
        sys.argv = [f"bench/{name}.py"]
        try:
            importlib.import_module(f"bench.{name}").main()
        except Exception:  # noqa: BLE001 (report and go on: one broken benchmark must not hide the others)
            traceback.print_exc()
            failed += 1
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
