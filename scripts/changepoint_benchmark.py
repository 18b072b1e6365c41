#!/usr/bin/env python3
"""Seeded histories with known change points, and how well each detector finds them.

Every history is a metric recorded on consecutive commits, 5 rounds per commit, the way perfgate
records it: commit c's rounds are level(c) * exp(session_c + round noise), where session_c is that
commit's session effect (shared by its rounds) and the round noise occasionally has an outlier.

Kinds of history (the generator's truth):
  flat    no change at all
  steps   1 to 3 level shifts of 2, 3, 5, 10 or 20 % up or down, at least 15 commits apart
  spikes  1 to 3 single-commit session outliers (+15 to +40 %), half of them with one real step too
  drift   a linear drift of 5 to 15 % over 50 to 150 commits (no step; a detection inside the
          drift, widened by 5 commits, is neither right nor wrong and is counted apart)

A detection within 3 commits of a true change point is a true positive (each true point is matched
once); any other detection is a false positive; an unmatched true point is a false negative.

Detectors: perfgate's penalized segmentation of the rounds (`perfgate _changepoints`), perfgate's
E-divisive on per-commit medians (its reimplementation of Otava), and Apache Otava itself
(`compute_change_points` with its defaults: window 50, max p 0.001, min magnitude 0) on the same
per-commit medians.

    python3 scripts/changepoint_benchmark.py PERFGATE OTAVA_PYTHON [--seeds 11,12,13,14,15] [--histories N]

The segmentation's penalty (4) was chosen on seeds 1 to 6; the reported figures use seeds 11 to 15,
which were not looked at before.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

TOLERANCE = 3


def generate(seed, count):
    rng = np.random.default_rng(seed)
    histories = []
    kinds = ["flat", "steps", "steps", "steps", "spikes", "drift"]
    for h in range(count):
        kind = kinds[h % len(kinds)]
        n = int(rng.integers(120, 301))
        session_noise = float(rng.choice([0.005, 0.01, 0.02]))
        round_noise = float(rng.choice([0.01, 0.03]))
        level = np.zeros(n)
        truth, ignore = [], []
        if kind in ("steps", "spikes"):
            steps = int(rng.integers(1, 4)) if kind == "steps" else int(rng.integers(0, 2))
            positions = []
            while len(positions) < steps:
                p = int(rng.integers(10, n - 10))
                if all(abs(p - q) >= 15 for q in positions):
                    positions.append(p)
            for p in sorted(positions):
                size = float(rng.choice([0.02, 0.03, 0.05, 0.10, 0.20])) * float(rng.choice([-1, 1]))
                level[p:] += np.log1p(size)
                truth.append(p)
        if kind == "drift":
            length = int(rng.integers(50, min(151, n - 30)))
            start = int(rng.integers(10, n - length - 10))
            total = float(rng.uniform(0.05, 0.15)) * float(rng.choice([-1, 1]))
            ramp = np.linspace(0, np.log1p(total), length)
            level[start:start + length] += ramp
            level[start + length:] += np.log1p(total)
            ignore = [(start - 5, start + length + 5)]
        session = rng.normal(0, session_noise, n)
        if kind == "spikes":
            for _ in range(int(rng.integers(1, 4))):
                p = int(rng.integers(5, n - 5))
                session[p] += np.log1p(float(rng.uniform(0.15, 0.40)))
        rounds = []
        for c in range(n):
            noise = rng.normal(0, round_noise, 5)
            outliers = rng.random(5) < 0.05
            noise[outliers] += np.log(1.5)
            rounds.append([float(v) for v in np.round(1000 * np.exp(level[c] + session[c] + noise), 3)])
        histories.append({"kind": kind, "rounds": rounds, "truth": truth, "ignore": ignore,
                          "session_noise": session_noise, "round_noise": round_noise})
    return histories


def score(histories, detections):
    tp = fp = fn = 0
    quiet_false = 0
    drift_inside = 0
    for history, found in zip(histories, detections):
        truth = list(history["truth"])
        matched = set()
        for d in found:
            best = None
            for i, t in enumerate(truth):
                if i not in matched and abs(d - t) <= TOLERANCE and (best is None or abs(d - t) < abs(d - truth[best])):
                    best = i
            if best is not None:
                matched.add(best)
                tp += 1
            elif any(lo <= d <= hi for lo, hi in history["ignore"]):
                drift_inside += 1
            else:
                fp += 1
                if not truth:
                    quiet_false += 1
        fn += len(truth) - len(matched)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1,
            "false_on_series_without_change": quiet_false, "inside_drifts": drift_inside}


OTAVA_PROGRAM = """
import json, sys
from otava.analysis import compute_change_points
data = json.load(sys.stdin)
print(json.dumps([[int(c.index) for c in compute_change_points(s)[0]] for s in data]))
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("perfgate")
    parser.add_argument("otava_python")
    parser.add_argument("--seeds", default="11,12,13,14,15")
    parser.add_argument("--histories", type=int, default=120, help="histories per seed")
    parser.add_argument("--penalty", type=float)
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    histories = [h for seed in seeds for h in generate(seed, args.histories)]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"series": [h["rounds"] for h in histories]}, f)
        path = f.name
    try:
        command = [args.perfgate, "_changepoints", path] + (["--penalty", str(args.penalty)] if args.penalty else [])
        ours = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    finally:
        os.unlink(path)
    medians = [[float(np.median(r)) for r in h["rounds"]] for h in histories]
    otava = json.loads(subprocess.run([args.otava_python, "-c", OTAVA_PROGRAM], input=json.dumps(medians),
                                      capture_output=True, text=True, check=True).stdout)
    version = subprocess.run([args.otava_python, "-c", "import importlib.metadata as m; print(m.version('apache-otava'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    rows = [("perfgate segmentation (rounds)", ours["segmentation"]),
            ("perfgate E-divisive (medians)", ours["eDivisive"]),
            (f"Apache Otava {version} (medians, defaults)", otava)]
    truths = sum(len(h["truth"]) for h in histories)
    print(f"seeds {args.seeds}: {len(histories)} histories, {truths} true change points, "
          f"{sum(1 for h in histories if not h['truth'])} histories without one; match within ±{TOLERANCE} commits")
    print("| detector | precision | recall | F1 | true / false / missed | false changes on histories without one | inside drifts |")
    print("|---|---|---|---|---|---|---|")
    result = {}
    for name, found in rows:
        s = score(histories, found)
        result[name] = s
        print(f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | **{s['f1']:.3f}** | {s['tp']} / {s['fp']} / {s['fn']} "
              f"| {s['false_on_series_without_change']} | {s['inside_drifts']} |")
    by_kind = {}
    for name, found in rows[:1] + rows[2:]:
        for kind in ("flat", "steps", "spikes", "drift"):
            subset = [(h, d) for h, d in zip(histories, found) if h["kind"] == kind]
            s = score([h for h, _ in subset], [d for _, d in subset])
            by_kind.setdefault(kind, []).append(f"{s['tp']}/{s['fp']}/{s['fn']}")
    print("by kind (true/false/missed), segmentation vs Otava: " +
          "; ".join(f"{k}: {v[0]} vs {v[1]}" for k, v in by_kind.items()))
    for noise in (0.005, 0.01, 0.02):
        subset = [i for i, h in enumerate(histories) if h["session_noise"] == noise]
        f1 = [score([histories[i] for i in subset], [found[i] for i in subset])["f1"] for _, found in (rows[0], rows[2])]
        print(f"session noise {noise * 100:g} % ({len(subset)} histories): F1 {f1[0]:.3f} segmentation, {f1[1]:.3f} Otava")
    print(f"perfgate segmentation analysed the {len(histories)} histories in {ours['seconds'] * 1000:.0f} ms")
    json.dump(result, sys.stderr)


if __name__ == "__main__":
    main()
