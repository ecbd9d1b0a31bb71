#!/usr/bin/env python3
"""Solve the benchmark's dumped assignment instances with OR-Tools and compare.

Not part of CI. Usage:

    python3 -m venv .venv && .venv/bin/pip install ortools
    DANVAN_BENCH_DUMP=/tmp/danvan-bench cargo bench --bench assignment
    .venv/bin/python scripts/bench_ortools.py /tmp/danvan-bench

Each instance file (written by benches/assignment.rs) holds the graph of one
village after pinned households were fixed:
  source -> household (cap 1, cost 0)
  household -> member (cap 1, cost = costs[household][member])
  member -> sink: `cap` unit arcs costing balance_weight * (forced + k), k = 1..cap
OR-Tools' SimpleMinCostFlow computes a max flow of min cost on it; adding the
instance's `constant` (pinned pairs' cost and balance) gives the same
objective as our Plan::total_cost, which must match exactly. Only solve() is
timed (best of --repeat runs); our figure is the whole solve() call,
including cost computation and building the plan.
"""

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
from ortools.graph.python import min_cost_flow


def build(inst):
    costs = inst["costs"]
    members = inst["members"]
    w = inst["balance_weight"]
    n, m = len(costs), len(members)
    source, sink = 0, n + m + 1
    starts, ends, caps, unit = [], [], [], []
    for i in range(n):
        starts.append(source), ends.append(1 + i), caps.append(1), unit.append(0)
        for j in range(m):
            starts.append(1 + i), ends.append(1 + n + j), caps.append(1), unit.append(costs[i][j])
    for j, mem in enumerate(members):
        for k in range(1, min(mem["cap"], n) + 1):
            starts.append(1 + n + j), ends.append(sink), caps.append(1)
            unit.append(w * (mem["forced"] + k))
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.array(starts, dtype=np.int32),
        np.array(ends, dtype=np.int32),
        np.array(caps, dtype=np.int64),
        np.array(unit, dtype=np.int64),
    )
    smcf.set_node_supply(source, n)
    smcf.set_node_supply(sink, -n)
    return smcf


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", type=Path, help="folder given to the benchmark as DANVAN_BENCH_DUMP")
    ap.add_argument("--repeat", type=int, default=5, help="runs per instance; the fastest counts")
    args = ap.parse_args()

    results = json.loads((args.dir / "results.json").read_text())
    mismatches, ratios = 0, []
    ours_total = tools_total = 0.0
    print(f"{'instance':<16} {'H':>4} {'M':>3} {'ours ms':>9} {'OR-Tools ms':>11} {'ratio':>6}  total cost")
    for r in results:
        inst = json.loads((args.dir / r["file"]).read_text())
        best, cost, flow = math.inf, None, None
        for _ in range(args.repeat):
            smcf = build(inst)
            t = time.perf_counter()
            status = smcf.solve_max_flow_with_min_cost()
            best = min(best, time.perf_counter() - t)
            if status != smcf.OPTIMAL:
                sys.exit(f"{r['name']}: OR-Tools status {status}")
            cost, flow = smcf.optimal_cost() + inst["constant"], smcf.maximum_flow()
        forced = sum(mem["forced"] for mem in inst["members"])
        ok = cost == r["ours_total_cost"] and flow + forced == r["covered"]
        mismatches += not ok
        tools_ms = best * 1e3
        ratio = tools_ms / r["ours_ms"]
        ratios.append(ratio)
        ours_total += r["ours_ms"]
        tools_total += tools_ms
        note = "equal" if ok else f"MISMATCH ours {r['ours_total_cost']} covered {r['covered']} vs {flow + forced}"
        print(f"{r['name']:<16} {r['households']:>4} {r['members']:>3} {r['ours_ms']:>9.3f} {tools_ms:>11.3f} "
              f"{ratio:>5.1f}x  {cost} {note}")

    geo = math.exp(sum(map(math.log, ratios)) / len(ratios)) if ratios else float("nan")
    print(f"\ninstances: {len(results)}, equal total cost: {len(results) - mismatches}/{len(results)}")
    print(f"sum of times: ours {ours_total:.1f} ms, OR-Tools solve() {tools_total:.1f} ms, "
          f"OR-Tools/ours {tools_total / ours_total:.2f}x (geometric mean per instance {geo:.2f}x)")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
