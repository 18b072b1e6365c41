#!/usr/bin/env python3
"""Regenerates Tests/PerfgateCoreTests/Fixtures/statistics.json: reference values computed by SciPy
(Mann-Whitney U exact and asymptotic, Student t from summary statistics and its quantiles, the normal
quantile, the regularized incomplete beta, percentile-bootstrap intervals, the stored-baseline session
model, the paired t-test with its one-sided tolerance tests and intervals, the Wilson interval, and
the paired minimum detectable effect by the noncentral t) and by Apache Otava (E-divisive change points), on seeded data. Without OTAVA_PYTHON the stored
Otava results are kept. The Swift tests compare perfgate's statistics with these values.

    python3 scripts/stat_fixtures.py                    # SciPy part with this python
    OTAVA_PYTHON=/path/to/venv/bin/python python3 scripts/stat_fixtures.py
                                                        # also Otava (pip install apache-otava in that venv)
"""
import json
import os
import subprocess
import sys

import numpy as np
import scipy
from scipy import special, stats

rng = np.random.default_rng(20261124)
out = {"scipy_version": scipy.__version__, "mannwhitney": [], "ttest": [], "norm_ppf": [], "betainc": [], "bootstrap": []}


def mwu(x, y, method):
    r = stats.mannwhitneyu(x, y, alternative="two-sided", method=method)
    out["mannwhitney"].append({"x": list(map(float, x)), "y": list(map(float, y)), "method": method,
                               "u": float(r.statistic), "p": float(r.pvalue)})


# Small samples without ties (exact), and larger ones and ties (asymptotic with tie correction).
for n1, n2, shift in [(3, 4, 0.5), (5, 6, 1.0), (7, 5, 0.0), (8, 8, 0.8), (4, 9, 2.0), (10, 10, 0.4), (6, 12, -1.0)]:
    x = np.round(rng.normal(100, 3, n1), 6)
    y = np.round(rng.normal(100 + 3 * shift, 3, n2), 6)
    mwu(x, y, "exact")
    mwu(x, y, "asymptotic")
for n1, n2 in [(10, 10), (20, 15), (12, 30)]:
    x = np.round(rng.normal(1000, 30, n1))
    y = np.round(rng.normal(1020, 30, n2))
    mwu(x, y, "asymptotic")
mwu([1, 2, 2, 3, 3, 3, 4], [3, 4, 4, 5, 5, 6], "asymptotic")
mwu([5, 5, 5, 5], [5, 5, 5, 6], "asymptotic")
mwu(list(range(10)), list(range(10, 20)), "asymptotic")

for m1, s1, n1, m2, s2, n2 in [(10, 1, 5, 11, 1.2, 6), (100, 5, 30, 102, 4, 40), (1.0, 0.1, 2, 1.5, 0.2, 3), (50, 10, 10, 50, 10, 10)]:
    t, p = stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=True)
    out["ttest"].append({"mean1": m1, "std1": s1, "n1": n1, "mean2": m2, "std2": s2, "n2": n2, "p": float(p)})

for p in [1e-10, 1e-4, 0.001, 0.025, 0.1, 0.5, 0.8, 0.975, 0.999999]:
    out["norm_ppf"].append({"p": p, "z": float(stats.norm.ppf(p))})
for x, a, b in [(0.1, 2, 3), (0.5, 0.5, 0.5), (0.9, 10, 1.5), (0.3, 50, 50), (0.999, 4.5, 0.5), (0.01, 0.5, 20)]:
    out["betainc"].append({"x": x, "a": a, "b": b, "value": float(special.betainc(a, b, x))})


def relative_change_of_medians(base, cur, axis=-1):
    return np.median(cur, axis=axis) / np.median(base, axis=axis) - 1


for shift, noise in [(0.0, 0.01), (0.05, 0.01), (-0.1, 0.03), (0.02, 0.02)]:
    base = rng.normal(1000, 1000 * noise, 10)
    cur = rng.normal(1000 * (1 + shift), 1000 * noise, 10)
    res = stats.bootstrap((base, cur), relative_change_of_medians, method="percentile", n_resamples=20000,
                          vectorized=True, paired=False, random_state=np.random.default_rng(1), confidence_level=0.95)
    out["bootstrap"].append({"baseline": list(map(float, base)), "current": list(map(float, cur)),
                             "low": float(res.confidence_interval.low), "high": float(res.confidence_interval.high)})

# Change points: level shifts buried in noise, computed by Otava in its own environment.
series_list = []
for spec in [[(40, 100)], [(30, 100), (30, 120)], [(25, 100), (35, 90), (30, 130)],
             [(60, 50), (40, 53)], [(20, 10), (20, 10.5), (20, 20), (20, 19.8), (20, 30)]]:
    values = []
    for length, level in spec:
        values += list(np.round(rng.normal(level, level * 0.01, length), 4))
    series_list.append([float(v) for v in values])
out["changepoints"] = {"max_pvalue": 0.001, "window": 50, "min_magnitude": 0.0, "series": series_list, "otava": None}
otava_python = os.environ.get("OTAVA_PYTHON")
if otava_python:
    program = """
import json, sys
from otava.analysis import compute_change_points
import otava, importlib.metadata as md
data = json.load(sys.stdin)
result = []
for s in data["series"]:
    cps, _ = compute_change_points(s, window_len=data["window"], max_pvalue=data["max_pvalue"], min_magnitude=data["min_magnitude"])
    result.append([{"index": int(c.index), "p": float(c.stats.pvalue)} for c in cps])
print(json.dumps({"version": md.version("apache-otava"), "points": result}))
"""
    proc = subprocess.run([otava_python, "-c", program], input=json.dumps(out["changepoints"]), capture_output=True, text=True, check=True)
    out["changepoints"]["otava"] = json.loads(proc.stdout)

path = os.path.join(os.path.dirname(__file__), "..", "Tests", "PerfgateCoreTests", "Fixtures", "statistics.json")
if not otava_python and os.path.exists(path):
    # Keep the Otava results already stored when this run cannot compute them (same seeded series).
    with open(path) as f:
        previous = json.load(f).get("changepoints", {})
    if previous.get("series") == out["changepoints"]["series"]:
        out["changepoints"]["otava"] = previous.get("otava")

# Student t quantiles (the session model's prediction intervals, and the paired mode's intervals at
# the small levels its looks spend).
out["t_ppf"] = [{"p": p, "df": df, "t": float(stats.t.ppf(p, df))}
                for p, df in [(0.975, 1), (0.975, 2), (0.975, 4), (0.975, 9), (0.995, 5), (0.9, 30), (0.6, 3),
                              (0.8, 7), (1 - 1e-4, 7), (1 - 1e-6, 15), (1 - 1e-7, 31), (1 - 5e-5, 2), (0.99999, 127)]]

# The paired mode's t on log ratios: the two-sided test against 0 (ttest_1samp), the one-sided tests
# against the tolerance, and the interval at a look's miscoverage.
out["paired_t"] = []
for n, shift, noise, bound, miscoverage in [(8, 0.02, 0.03, 0.03, 0.0002), (16, 0.05, 0.02, 0.03, 0.001),
                                           (32, -0.01, 0.05, 0.05, 0.01), (3, 0.1, 0.01, 0.03, 0.05),
                                           (25, 0.0, 0.001, 0.01, 1e-5)]:
    x = rng.normal(shift, noise, n)
    mean, se = float(np.mean(x)), float(stats.sem(x))
    low, high = stats.t.interval(1 - miscoverage, n - 1, loc=mean, scale=se)
    out["paired_t"].append({
        "logratios": list(map(float, x)), "bound": bound, "miscoverage": miscoverage,
        "p": float(stats.ttest_1samp(x, 0).pvalue),
        "p_above": float(stats.ttest_1samp(x, bound, alternative="greater").pvalue),
        "p_below": float(stats.ttest_1samp(x, -bound, alternative="less").pvalue),
        "low": float(low), "high": float(high)})

# The Wilson score interval of a proportion (the evidence scripts' error rates).
out["wilson"] = [{"k": k, "n": n, "confidence": c,
                  "low": float(stats.binomtest(k, n).proportion_ci(confidence_level=c, method="wilson").low),
                  "high": float(stats.binomtest(k, n).proportion_ci(confidence_level=c, method="wilson").high)}
                 for k, n, c in [(0, 24, 0.95), (1, 24, 0.95), (9, 10, 0.95), (10, 10, 0.9), (37, 400, 0.99)]]


def paired_power(mu, n, sigma, miscoverage, tolerance):
    """P(the paired interval's lower end > log(1 + tolerance)) at a true mean log ratio mu: the
    t statistic against the bound is noncentral t with n - 1 degrees of freedom."""
    q = stats.t.ppf(1 - miscoverage / 2, n - 1)
    ncp = (mu - np.log1p(tolerance)) / (sigma / np.sqrt(n))
    return stats.nct.sf(q, n - 1, ncp)


# The paired MDE: the true change detected with 80 % power, exactly (noncentral t), for perfgate's
# approximation to be checked against.
from scipy.optimize import brentq
out["paired_mde"] = []
for n, sigma, miscoverage, tolerance in [(8, 0.03, 0.0002, 0.03), (16, 0.03, 0.0006, 0.03), (32, 0.02, 0.001, 0.05),
                                        (64, 0.05, 0.002, 0.03), (128, 0.01, 0.003, 0.02)]:
    mu = brentq(lambda m: paired_power(m, n, sigma, miscoverage, tolerance) - 0.8, np.log1p(tolerance), 5)
    out["paired_mde"].append({"n": n, "sigma": sigma, "miscoverage": miscoverage, "tolerance": tolerance,
                              "mde": float(np.expm1(mu))})


def session_model(medians, current, confidence=0.95):
    """The stored-baseline session model (Sources/PerfgateCore/Statistics/SessionModel.swift), in NumPy/SciPy."""
    logs = np.log(medians)
    k = len(medians)
    between = logs.var(ddof=1)
    current_logs = np.log(current)
    se = np.sqrt(np.pi / 2 * current_logs.var(ddof=1) / len(current))
    scale = np.sqrt(between * (1 + 1 / k) + se * se)
    d = np.log(np.median(current)) - logs.mean()
    q = stats.t.ppf(1 - (1 - confidence) / 2, k - 1)
    p = 2 * stats.t.sf(abs(d / scale), k - 1)
    return {"change": float(np.expm1(d)), "low": float(np.expm1(d - q * scale)), "high": float(np.expm1(d + q * scale)), "p": float(p)}


out["session_model"] = []
for k, between, within, shift in [(3, 0.03, 0.01, 0.0), (5, 0.02, 0.01, 0.06), (8, 0.05, 0.02, 0.3), (2, 0.01, 0.005, -0.1)]:
    medians = 1000 * np.exp(rng.normal(0, between, k))
    current = 1000 * (1 + shift) * np.exp(rng.normal(0, between, 1)[0] + rng.normal(0, within, 12))
    case = {"medians": list(map(float, medians)), "current": list(map(float, current))}
    case.update(session_model(medians, current))
    out["session_model"].append(case)

with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", os.path.normpath(path), "with Otava" if otava_python else "without Otava")
