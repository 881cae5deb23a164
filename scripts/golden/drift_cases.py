#!/usr/bin/env python3
"""Golden values for lib/monitor/ (torch.monitor), computed by scipy and numpy.

Run from the repository root with a python3 that has scipy and numpy (Debian's python3-scipy and
python3-numpy, or pip's; the samples come from a seeded RandomState, the same in every numpy):
    python3 scripts/golden/drift_cases.py
Writes test/fixtures/drift_golden.json, replayed by test/monitor-drift.test.ts.

- ks: scipy.stats.ks_2samp (two-sided, method 'auto': exact up to 10,000 values a sample, asymptotic
  beyond), on small and large samples, ties, identical and disjoint samples.
- chisquare: Evidently's chisquare test (scipy.stats.chisquare of the current counts against the
  reference counts scaled to the current total).
- z: Evidently's two-proportion Z-test, with the two-sided tail as 2 * norm.sf(|z|).
- wasserstein: scipy.stats.wasserstein_distance.
- jensenshannon / psi: Evidently's get_binned_data (np.histogram_bin_edges 'sturges' over the
  pooled sample past 20 distinct reference values, else per value; PSI fills empty bins), then
  scipy.spatial.distance.jensenshannon with its default base (the natural log, as Evidently calls it;
  one case with base=2) or the PSI sum.
- mmd: the unbiased MMD^2 with an RBF kernel whose bandwidth is the median pairwise distance of the
  pooled sample (numpy), and a permutation p-value from numpy's own permutations (the TypeScript
  side draws others, so the p-values agree only within Monte Carlo error).
- image: brightness (mean luma), contrast (its population std) and sharpness (population variance of
  the 3x3 Laplacian over the valid region), luma as 0.299 R + 0.587 G + 0.114 B, uint8 scaled by 1/255.
- data_drift: Evidently's default test per column (by type, reference size and distinct values) with
  its thresholds, and the share of drifted columns against 0.5.
"""
import json
import math
import os

import numpy as np
from scipy import stats
from scipy.spatial import distance

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "drift_golden.json")
rng = np.random.RandomState(20261202)


def floats(values, decimals=None):
    values = np.asarray(values, dtype=np.float64)
    if decimals is not None:
        values = np.round(values, decimals)
    return [float(v) for v in values]


def num(x):
    x = float(x)
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if math.isnan(x):
        return "nan"
    return x


# --- Kolmogorov-Smirnov -------------------------------------------------------------------------
KS = []


def ks_case(name, a, b):
    result = stats.ks_2samp(a, b)
    method = "exact" if max(len(a), len(b)) <= 10000 else "asymp"
    KS.append({"name": name, "a": list(a), "b": list(b), "statistic": num(result.statistic), "pValue": num(result.pvalue), "method": method})


ks_case("equal sizes 10, shifted", floats(rng.normal(0, 1, 10)), floats(rng.normal(1, 1, 10)))
ks_case("unequal sizes 7 and 13", floats(rng.normal(0, 1, 7)), floats(rng.normal(0.3, 1.5, 13)))
ks_case("ties: small integers", floats(rng.randint(0, 6, 40)), floats(rng.randint(0, 7, 55)))
ks_case("identical samples", floats([1, 2, 3, 4, 5]), floats([5, 4, 3, 2, 1]))
ks_case("disjoint samples 30 and 45", floats(rng.uniform(0, 1, 30)), floats(rng.uniform(2, 3, 45)))
ks_case("one value each", floats([0.5]), floats([1.5]))
ks_case("500 and 800, same distribution", floats(rng.normal(0, 1, 500), 4), floats(rng.normal(0, 1, 800), 4))
ks_case("1000 and 1000, shifted by 0.1", floats(rng.normal(0, 1, 1000), 4), floats(rng.normal(0.1, 1, 1000), 4))
ks_case("2000 and 3000, scaled", floats(rng.normal(0, 1, 2000), 3), floats(rng.normal(0, 1.1, 3000), 3))
ks_case("10000 and 600 (largest exact)", floats(rng.normal(0, 1, 10000), 3), floats(rng.normal(0.05, 1, 600), 3))
ks_case("asymptotic 12000 and 9000, same", floats(rng.normal(0, 1, 12000), 3), floats(rng.normal(0, 1, 9000), 3))
ks_case("asymptotic 12000 and 9000, shifted", floats(rng.normal(0, 1, 12000), 3), floats(rng.normal(0.08, 1, 9000), 3))
ks_case("asymptotic 11000 and 60 (n <= 140), same", floats(rng.normal(0, 1, 11000), 3), floats(rng.normal(0, 1, 60), 3))
ks_case("asymptotic 11000 and 60 (n <= 140), shifted", floats(rng.normal(0, 1, 11000), 3), floats(rng.normal(0.9, 1, 60), 3))
ks_case("asymptotic 11000 and 100, slightly shifted", floats(rng.normal(0, 1, 11000), 3), floats(rng.normal(0.2, 1, 100), 3))
ks_case("asymptotic 11000 and 400 (n > 140)", floats(rng.normal(0, 1, 11000), 3), floats(rng.normal(0.15, 1, 400), 3))
ks_case("asymptotic 11000 and 3, far apart", floats(rng.normal(0, 1, 11000), 3), floats([5.0, 6.0, 7.0]))

# --- chi-squared (Evidently's chisquare) -----------------------------------------------------------
CHI = []


def chi_case(name, reference, current):
    k_norm = sum(current) / sum(reference)
    pairs = [(r, c) for r, c in zip(reference, current) if r or c]
    f_exp = [r * k_norm for r, _ in pairs]
    f_obs = [c for _, c in pairs]
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic, p = stats.chisquare(f_obs, f_exp)
    CHI.append({"name": name, "reference": reference, "current": current, "statistic": num(statistic), "pValue": num(p), "df": len(pairs) - 1})


chi_case("three categories, similar", [50, 30, 20], [48, 33, 19])
chi_case("five categories, shifted", [100, 80, 60, 40, 20], [20, 40, 60, 80, 100])
chi_case("different totals", [500, 300, 200], [40, 35, 25])
chi_case("a category absent from both", [10, 0, 20], [12, 0, 18])
chi_case("a category the reference never saw", [10, 20, 0], [10, 20, 5])
chi_case("far tail", [1000, 1000], [1400, 600])

# --- Z-test (Evidently's proportions test) ------------------------------------------------------
Z = []


def z_case(name, a, b):
    keys = sorted(set(a) | set(b))
    if len(keys) == 1:
        z, p = 0.0, 1.0
    else:
        x = np.array([0 if v == keys[0] else 1 for v in a], dtype=float)
        y = np.array([0 if v == keys[0] else 1 for v in b], dtype=float)
        n1, n2 = len(x), len(y)
        p1, p2 = float(sum(x)) / n1, float(sum(y)) / n2
        P = float(p1 * n1 + p2 * n2) / (n1 + n2)
        z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
        p = 2 * stats.norm.sf(abs(z))
    Z.append({"name": name, "a": list(a), "b": list(b), "statistic": num(z), "pValue": num(p)})


z_case("0/1, similar", [int(v) for v in rng.binomial(1, 0.3, 200)], [int(v) for v in rng.binomial(1, 0.32, 150)])
z_case("strings, shifted", ["yes" if v else "no" for v in rng.binomial(1, 0.2, 300)], ["yes" if v else "no" for v in rng.binomial(1, 0.5, 300)])
z_case("far tail", [int(v) for v in rng.binomial(1, 0.1, 1000)], [int(v) for v in rng.binomial(1, 0.4, 1000)])
z_case("one value in both", [1, 1, 1], [1, 1])
z_case("only one value each, different", ["a", "a", "a", "a"], ["b", "b", "b"])

# --- Wasserstein ----------------------------------------------------------------------------------
W = []
for name, a, b in [
    ("small", [0.0, 1.0, 3.0], [5.0, 6.0, 8.0]),
    ("ties", floats(rng.randint(0, 5, 30)), floats(rng.randint(1, 6, 20))),
    ("normal 400 and 700", floats(rng.normal(0, 1, 400)), floats(rng.normal(0.3, 1.2, 700))),
]:
    W.append({"name": name, "a": a, "b": b, "statistic": num(stats.wasserstein_distance(a, b)), "referenceStd": num(np.std(a))})


# --- Jensen-Shannon and PSI (Evidently's binning) ----------------------------------------------------
def binned(reference, current, numeric, feel_zeroes, bins="sturges"):
    reference = np.asarray(reference, dtype=object if not numeric else np.float64)
    current = np.asarray(current, dtype=object if not numeric else np.float64)
    if numeric and len(set(reference.tolist())) > 20:
        edges = np.histogram_bin_edges(np.concatenate([reference, current]), bins=bins)
        ref = np.histogram(reference, edges)[0] / len(reference)
        cur = np.histogram(current, edges)[0] / len(current)
    else:
        keys = list(set(reference.tolist()) | set(current.tolist()))
        ref = np.array([reference.tolist().count(k) / len(reference) for k in keys])
        cur = np.array([current.tolist().count(k) / len(current) for k in keys])
    ref = ref.astype(np.float64)
    cur = cur.astype(np.float64)
    if feel_zeroes:
        for arr in (ref, cur):
            smallest = min(arr[arr != 0])
            np.place(arr, arr == 0, smallest / 10**6 if smallest <= 0.0001 else 0.0001)
    return ref, cur


def psi_value(ref, cur):
    return float(sum((r - c) * np.log(r / c) for r, c in zip(ref, cur)))


BINNED = []


def binned_case(name, a, b, numeric, bins=None, base=None):
    options = {} if bins is None else {"bins": bins}
    r, c = binned(a, b, numeric, False, bins or "sturges")
    js = distance.jensenshannon(r, c, base)
    if base is not None:
        options["base"] = base
    r, c = binned(a, b, numeric, True, bins or "sturges")
    BINNED.append({"name": name, "a": a, "b": b, "options": options, "jensenShannon": num(js), "psi": num(psi_value(r, c))})


binned_case("numerical, sturges bins", floats(rng.normal(0, 1, 300)), floats(rng.normal(0.5, 1, 250)), True)
binned_case("numerical, 10 bins", floats(rng.normal(0, 1, 300)), floats(rng.normal(0, 2, 250)), True, 10)
binned_case("numerical with empty bins", floats(rng.normal(0, 1, 200)), floats(rng.normal(4, 0.5, 100)), True)
binned_case("numerical, few values", floats(rng.randint(0, 4, 100)), floats(rng.randint(0, 5, 80)), True)
# The first case's samples again (no new draws, so the cases after it keep their data), in base 2.
binned_case("numerical, sturges bins, base 2", BINNED[0]["a"], BINNED[0]["b"], True, base=2)
binned_case(
    "categorical strings",
    [str(v) for v in rng.choice(["red", "green", "blue"], 120, p=[0.5, 0.3, 0.2])],
    [str(v) for v in rng.choice(["red", "green", "blue", "black"], 90, p=[0.3, 0.3, 0.3, 0.1])],
    False,
)

# --- MMD -------------------------------------------------------------------------------------------
def mmd_unbiased(kernel, m):
    n = kernel.shape[0] - m
    kxx, kyy, kxy = kernel[:m, :m], kernel[m:, m:], kernel[:m, m:]
    return (kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1)) - 2 * kxy.sum() / (m * n)


MMD = []


def mmd_case(name, x, y, permutations=2000):
    z = np.concatenate([x, y])
    d = np.sqrt(((z[:, None, :] - z[None, :, :]) ** 2).sum(-1))
    sigma = float(np.median(d[np.triu_indices(len(z), 1)]))
    kernel = np.exp(-(d**2) / (2 * sigma**2))
    observed = mmd_unbiased(kernel, len(x))
    perm_rng = np.random.RandomState(7)
    hits = 0
    for _ in range(permutations):
        order = perm_rng.permutation(len(z))
        hits += mmd_unbiased(kernel[np.ix_(order, order)], len(x)) >= observed
    MMD.append(
        {
            "name": name,
            "x": x.tolist(),
            "y": y.tolist(),
            "statistic": num(observed),
            "bandwidth": sigma,
            "pValue": (1 + hits) / (1 + permutations),
            "permutations": permutations,
        }
    )


mmd_case("same distribution, 3-D", np.round(rng.normal(0, 1, (40, 3)), 6), np.round(rng.normal(0, 1, (50, 3)), 6))
mmd_case("shifted, 3-D", np.round(rng.normal(0, 1, (40, 3)), 6), np.round(rng.normal(0.7, 1, (50, 3)), 6))
mmd_case("1-D, scaled", np.round(rng.normal(0, 1, (60, 1)), 6), np.round(rng.normal(0, 1.6, (45, 1)), 6))

# --- image statistics -----------------------------------------------------------------------------
IMAGES = []
LAPLACIAN = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float64)


def image_stats(images):
    out = {"brightness": [], "contrast": [], "sharpness": []}
    for image in images:
        image = image.astype(np.float64)
        gray = image[0] if image.shape[0] == 1 else 0.299 * image[0] + 0.587 * image[1] + 0.114 * image[2]
        h, w = gray.shape
        lap = sum(LAPLACIAN[i, j] * gray[i : h - 2 + i, j : w - 2 + j] for i in range(3) for j in range(3))
        out["brightness"].append(float(gray.mean()))
        out["contrast"].append(float(gray.std()))
        out["sharpness"].append(float(lap.var()))
    return out


rgb = rng.randint(0, 256, (3, 3, 8, 9)).astype(np.uint8)
IMAGES.append({"name": "uint8 RGB batch", "dtype": "uint8", "shape": list(rgb.shape), "values": rgb.flatten().tolist(), **image_stats(rgb.astype(np.float64) / 255)})
gray = np.round(rng.uniform(0, 1, (2, 1, 6, 7)), 6)
IMAGES.append({"name": "float gray batch", "dtype": "float64", "shape": list(gray.shape), "values": gray.flatten().tolist(), **image_stats(gray)})


# --- dataDrift (Evidently's default tests) -------------------------------------------------------
def evidently_column(reference, current, categorical):
    n_values = len(set(reference) | set(current))
    numeric = not categorical
    if len(reference) <= 1000:
        if numeric and n_values > 5:
            test = "ks"
        else:
            test = "chisquare" if n_values > 2 else "z"
    else:
        test = "wasserstein" if numeric and n_values > 5 else "jensenshannon"
    if test == "ks":
        result = stats.ks_2samp(reference, current)
        return test, float(result.statistic), float(result.pvalue), 0.05, bool(result.pvalue <= 0.05)
    if test == "chisquare":
        keys = list(set(reference) | set(current))
        k_norm = len(current) / len(reference)
        f_exp = [reference.count(k) * k_norm for k in keys]
        f_obs = [current.count(k) for k in keys]
        statistic, p = stats.chisquare(f_obs, f_exp)
        return test, float(statistic), float(p), 0.05, bool(p < 0.05)
    if test == "z":
        z_case("(data drift column)", reference, current)
        z = Z.pop()
        return test, z["statistic"], z["pValue"], 0.05, bool(z["pValue"] < 0.05)
    if test == "wasserstein":
        value = stats.wasserstein_distance(reference, current) / max(np.std(reference), 0.001)
        return test, float(value), None, 0.1, bool(value >= 0.1)
    r, c = binned(reference, current, numeric, False)
    value = float(distance.jensenshannon(r, c))
    return test, value, None, 0.1, bool(value >= 0.1)


def data_drift_case(name, reference, current, categorical):
    features = {}
    for column in reference:
        ref = [v for v in reference[column] if v is not None]
        cur = [v for v in current[column] if v is not None]
        test, statistic, p, threshold, drifted = evidently_column(ref, cur, column in categorical)
        features[column] = {"test": test, "statistic": statistic, "pValue": p, "threshold": threshold, "drifted": drifted}
    share = sum(f["drifted"] for f in features.values()) / len(features)
    DATA_DRIFT.append(
        {
            "name": name,
            "reference": reference,
            "current": current,
            "categorical": categorical,
            "share": share,
            "datasetDrift": share >= 0.5,
            "features": features,
        }
    )


DATA_DRIFT = []
small_ref = {
    "age": floats(rng.normal(40, 10, 200), 2),
    "income": floats(rng.lognormal(10, 0.5, 200), 2),
    "plan": [str(v) for v in rng.choice(["free", "pro", "team"], 200, p=[0.6, 0.3, 0.1])],
    "churned": [int(v) for v in rng.binomial(1, 0.2, 200)],
    "rating": floats(rng.randint(1, 5, 200)),
}
small_cur = {
    "age": floats(rng.normal(45, 10, 150), 2),
    "income": floats(rng.lognormal(10, 0.5, 150), 2),
    "plan": [str(v) for v in rng.choice(["free", "pro", "team"], 150, p=[0.3, 0.4, 0.3])],
    "churned": [int(v) for v in rng.binomial(1, 0.22, 150)],
    "rating": floats(rng.randint(1, 5, 150)),
}
small_cur["age"][3] = None  # missing values are dropped before testing
small_cur["plan"][10] = None
data_drift_case("small data: KS, chi-squared, Z", small_ref, small_cur, ["plan"])
large_ref = {
    "score": floats(rng.normal(0, 1, 1500), 3),
    "latency": floats(rng.gamma(2, 10, 1500), 2),
    "country": [str(v) for v in rng.choice(["de", "fr", "us", "jp"], 1500)],
    "bucket": floats(rng.randint(0, 3, 1500)),
}
large_cur = {
    "score": floats(rng.normal(0.2, 1, 1200), 3),
    "latency": floats(rng.gamma(2, 10, 1200), 2),
    "country": [str(v) for v in rng.choice(["de", "fr", "us", "jp"], 1200, p=[0.1, 0.1, 0.7, 0.1])],
    "bucket": floats(rng.randint(0, 3, 1200)),
}
data_drift_case("large data: Wasserstein (normed) and Jensen-Shannon", large_ref, large_cur, ["country"])

with open(OUT_PATH, "w") as f:
    json.dump(
        {
            "scipy": __import__("scipy").__version__,
            "numpy": np.__version__,
            "ks": KS,
            "chisquare": CHI,
            "z": Z,
            "wasserstein": W,
            "binned": BINNED,
            "mmd": MMD,
            "images": IMAGES,
            "dataDrift": DATA_DRIFT,
        },
        f,
        separators=(",", ":"),
    )
    f.write("\n")
print(f"wrote {OUT_PATH}: {len(KS)} KS, {len(CHI)} chi-squared, {len(Z)} Z, {len(BINNED)} binned, {len(MMD)} MMD, {len(DATA_DRIFT)} data drift cases")
