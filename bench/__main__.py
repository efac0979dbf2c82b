"""Run every benchmark and print its figures beside the baselines of the same run."""

from __future__ import annotations

import argparse
import importlib
import time

from bench.harness import Table, environment

SECTIONS = ["bench.queue", "bench.screens", "bench.reports", "bench.simulator", "bench.district"]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", help="run one section, e.g. bench.queue")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each load run")
    args = parser.parse_args()
    print(f"OneWindow benchmarks — {environment()} — {time.strftime('%Y-%m-%d %H:%M')}")
    table = Table()
    for name in SECTIONS:
        if args.only and name != args.only:
            continue
        importlib.import_module(name).run(table, seconds=args.seconds)


if __name__ == "__main__":
    main()
