#!/usr/bin/env python3
"""Golden metric values for lib/metrics/ (torch.metrics), computed by scikit-learn.

Run from the repository root with Debian's python3 (python3-sklearn, python3-numpy):
    /usr/bin/python3 scripts/golden/metrics_cases.py
Writes test/fixtures/metrics_golden.json, replayed by test/metrics.test.ts.

Each case names a metric class and its functional form, the options (camelCase, as the TypeScript
API takes them), its inputs (an index into the shared `inputs` list: cases that differ only in the
metric or the average share them) split into batches (the class is updated batch by batch, the
functional form gets the concatenation) and the expected result. The expected values come from
sklearn on the whole data, with torchmetrics' conventions where the two differ in spelling only:

- the task wrappers' default average is 'micro';
- multiclass accuracy per class is recall; 'macro' averages over the classes that occur in target
  or preds (sklearn's default labels), 'none' gives every class (labels=range(C), 0 for 0/0);
- binary float preds outside [0, 1] are logits: sigmoid, then `> threshold`;
- multiclass scores are argmax'd (or top-k'd) along dimension 1, extra dimensions flattened;
- AUROC and AveragePrecision one-vs-rest are sklearn's binary scores per class, averaged by mean
  ('macro') or by support ('weighted').

Scores are float32 values (the inputs the TypeScript side builds), so both sides see the same data.
"""
import json
import os

import numpy as np
from sklearn import metrics as skm

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "metrics_golden.json")

CASES = []
# The inputs, each stored once: cases that share data (one per metric and average) name it by index.
INPUTS = []
INPUT_INDEX = {}


def f32(array):
    return np.asarray(array, dtype=np.float32)


def encode(array, dtype):
    array = np.asarray(array)
    values = []
    for value in array.reshape(-1).tolist():
        if isinstance(value, float) and np.isnan(value):
            values.append("nan")
        else:
            values.append(value)
    return {"values": values, "shape": list(array.shape), "dtype": dtype}


def batches_of(preds, target, splits, preds_dtype, target_dtype):
    """The batches at the given split points along dimension 0."""
    cuts = [0, *splits, len(target)]
    return [
        {"preds": encode(preds[a:b], preds_dtype), "target": encode(target[a:b], target_dtype)}
        for a, b in zip(cuts[:-1], cuts[1:])
    ]


def add(name, metric, fn, options, preds, target, splits, expected, preds_dtype="float32", target_dtype="int64",
        expected_dtype="float32"):
    batches = batches_of(preds, target, splits, preds_dtype, target_dtype)
    key = json.dumps(batches)
    if key not in INPUT_INDEX:
        INPUT_INDEX[key] = len(INPUTS)
        INPUTS.append(batches)
    CASES.append({
        "name": name,
        "metric": metric,
        "fn": fn,
        "options": options,
        "inputs": INPUT_INDEX[key],
        "expected": encode(np.asarray(expected, dtype=np.float64 if expected_dtype != "int64" else np.int64), expected_dtype),
    })


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x.astype(np.float64)))


def binary_labels(preds, threshold):
    preds = np.asarray(preds)
    if np.issubdtype(preds.dtype, np.floating):
        if preds.min() < 0 or preds.max() > 1:
            preds = sigmoid(preds)
        return (preds > threshold).astype(np.int64)
    return preds.astype(np.int64)


# ---- classification: Accuracy, Precision, Recall, F1Score ---------------------------------------

CLASSIFICATION = [("Accuracy", "accuracy"), ("Precision", "precision"), ("Recall", "recall"), ("F1Score", "f1Score")]


def binary_expected(metric, y, p):
    if metric == "Accuracy":
        return skm.accuracy_score(y, p)
    kw = {"zero_division": 0}
    if metric == "Precision":
        return skm.precision_score(y, p, **kw)
    if metric == "Recall":
        return skm.recall_score(y, p, **kw)
    return skm.f1_score(y, p, **kw)


def multiclass_expected(metric, y, p, num_classes, average):
    """sklearn's value for labels p (ints); accuracy per class is recall."""
    if metric == "Accuracy" and average == "micro":
        return skm.accuracy_score(y, p)
    fn = {"Accuracy": skm.recall_score, "Precision": skm.precision_score, "Recall": skm.recall_score, "F1Score": skm.f1_score}[metric]
    if average == "none":
        return fn(y, p, labels=list(range(num_classes)), average=None, zero_division=0)
    return fn(y, p, average=average, zero_division=0)


def topk_stats(y, scores, k, num_classes):
    """tp, fp, fn per class when each sample predicts its k highest-scoring classes."""
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    pred = np.zeros_like(scores, dtype=bool)
    np.put_along_axis(pred, top, True, axis=1)
    true = np.eye(num_classes, dtype=bool)[y]
    return (pred & true).sum(0), (pred & ~true).sum(0), (~pred & true).sum(0)


def safe_div(num, den):
    num, den = np.asarray(num, dtype=np.float64), np.asarray(den, dtype=np.float64)
    return np.where(den != 0, num / np.where(den != 0, den, 1), 0.0)


def topk_expected(metric, y, scores, k, num_classes, average):
    """torchmetrics' top-k reduction, in numpy (sklearn has top-k for micro accuracy only)."""
    tp, fp, fn = topk_stats(y, scores, k, num_classes)
    if metric == "Accuracy" and average == "micro":
        value = skm.top_k_accuracy_score(y, scores, k=k, labels=list(range(num_classes)))
        assert abs(value - tp.sum() / (tp + fn).sum()) < 1e-12
        return value
    if average == "micro":
        tp, fp, fn = tp.sum(), fp.sum(), fn.sum()
    score = {
        "Accuracy": safe_div(tp, tp + fn),
        "Recall": safe_div(tp, tp + fn),
        "Precision": safe_div(tp, tp + fp),
        "F1Score": safe_div(2 * tp, 2 * tp + fp + fn),
    }[metric]
    if average in ("micro", "none"):
        return score
    weights = (tp + fn).astype(np.float64) if average == "weighted" else (tp + fn != 0).astype(np.float64)
    return float((safe_div(weights * score, weights.sum())).sum())


def classification_cases():
    rng = np.random.default_rng(20240601)

    # binary probabilities, three batches
    target = rng.integers(0, 2, 40)
    probs = f32(np.clip(target * 0.35 + rng.random(40) * 0.65, 0, 1))
    for metric, fn in CLASSIFICATION:
        add(f"{fn} binary probabilities (3 batches)", metric, fn, {"task": "binary"}, probs, target, [13, 27],
            binary_expected(metric, target, binary_labels(probs, 0.5)))

    # binary logits: sigmoid, then > 0.5
    target = rng.integers(0, 2, 30)
    logits = f32(rng.normal(size=30) * 2 + (target - 0.5))
    for start, stop in [(0, 12), (12, 30)]:
        assert logits[start:stop].min() < 0 or logits[start:stop].max() > 1  # every batch is seen as logits
    for metric, fn in CLASSIFICATION:
        add(f"{fn} binary logits (2 batches)", metric, fn, {"task": "binary"}, logits, target, [12],
            binary_expected(metric, target, binary_labels(logits, 0.5)))

    # binary label preds, threshold 0.3 on probabilities, 2-D inputs
    target = rng.integers(0, 2, 25)
    labels = rng.integers(0, 2, 25)
    for metric, fn in CLASSIFICATION:
        add(f"{fn} binary labels", metric, fn, {"task": "binary"}, labels, target, [10], binary_expected(metric, target, labels),
            preds_dtype="int64")
    probs = f32(rng.random(30))
    target = rng.integers(0, 2, 30)
    for metric, fn in CLASSIFICATION:
        add(f"{fn} binary threshold 0.3", metric, fn, {"task": "binary", "threshold": 0.3}, probs, target, [],
            binary_expected(metric, target, binary_labels(probs, 0.3)))
    probs2d = f32(rng.random((8, 4)))
    target2d = rng.integers(0, 2, (8, 4))
    for metric, fn in CLASSIFICATION:
        add(f"{fn} binary 2-D inputs (flattened)", metric, fn, {"task": "binary"}, probs2d, target2d, [3],
            binary_expected(metric, target2d.reshape(-1), binary_labels(probs2d, 0.5).reshape(-1)))
    # nothing predicted positive: precision and F1 are 0/0 -> 0
    probs = f32(rng.random(12) * 0.4)
    target = np.array([0, 1] * 6)
    for metric, fn in CLASSIFICATION:
        add(f"{fn} binary nothing predicted positive", metric, fn, {"task": "binary"}, probs, target, [],
            binary_expected(metric, target, binary_labels(probs, 0.5)))

    # multiclass logits, every average
    num_classes = 4
    target = rng.integers(0, num_classes, 60)
    logits = f32(rng.normal(size=(60, num_classes)) + np.eye(num_classes)[target] * 1.2)
    labels = logits.argmax(1)
    for metric, fn in CLASSIFICATION:
        for average in ["micro", "macro", "weighted", "none"]:
            add(f"{fn} multiclass logits average={average} (3 batches)", metric, fn,
                {"task": "multiclass", "numClasses": num_classes, "average": average}, logits, target, [20, 45],
                multiclass_expected(metric, target, labels, num_classes, average))
    # default average (micro)
    for metric, fn in CLASSIFICATION:
        add(f"{fn} multiclass default average", metric, fn, {"task": "multiclass", "numClasses": num_classes}, logits, target, [],
            multiclass_expected(metric, target, labels, num_classes, "micro"))

    # multiclass labels: class 2 never predicted, class 4 in neither preds nor target
    num_classes = 5
    target = rng.integers(0, 4, 50)
    preds = np.where(rng.random(50) < 0.6, target, rng.integers(0, 4, 50))
    preds = np.where(preds == 2, 3, preds)
    assert 2 not in preds and 2 in target and 4 not in preds and 4 not in target
    for metric, fn in CLASSIFICATION:
        for average in ["micro", "macro", "weighted", "none"]:
            add(f"{fn} multiclass labels, a class never predicted, average={average}", metric, fn,
                {"task": "multiclass", "numClasses": num_classes, "average": average}, preds, target, [17, 33],
                multiclass_expected(metric, target, preds, num_classes, average), preds_dtype="int64")

    # multiclass top-k
    num_classes = 5
    target = rng.integers(0, num_classes, 40)
    probs = rng.random((40, num_classes))
    probs = f32(probs / probs.sum(1, keepdims=True))
    for metric, fn in CLASSIFICATION:
        for average in ["micro", "macro", "weighted", "none"]:
            add(f"{fn} multiclass topK=2 average={average}", metric, fn,
                {"task": "multiclass", "numClasses": num_classes, "average": average, "topK": 2}, probs, target, [15],
                topk_expected(metric, target, probs.astype(np.float64), 2, num_classes, average))

    # multiclass scores with an extra dimension: (N, C, L) against (N, L)
    num_classes = 3
    target = rng.integers(0, num_classes, (6, 5))
    logits = f32(rng.normal(size=(6, num_classes, 5)))
    labels = logits.argmax(1)
    for metric, fn in CLASSIFICATION:
        add(f"{fn} multiclass (N, C, L) scores, macro", metric, fn,
            {"task": "multiclass", "numClasses": num_classes, "average": "macro"}, logits, target, [2],
            multiclass_expected(metric, target.reshape(-1), labels.reshape(-1), num_classes, "macro"))


# ---- ConfusionMatrix ---------------------------------------------------------------------------

def confusion_cases():
    rng = np.random.default_rng(7)
    target = rng.integers(0, 2, 30)
    probs = f32(rng.random(30))
    labels = binary_labels(probs, 0.5)
    for normalize in ["none", "true", "pred", "all"]:
        expected = skm.confusion_matrix(target, labels, labels=[0, 1], normalize=None if normalize == "none" else normalize)
        add(f"confusionMatrix binary normalize={normalize}", "ConfusionMatrix", "confusionMatrix",
            {"task": "binary", "normalize": normalize}, probs, target, [11],
            expected, expected_dtype="int64" if normalize == "none" else "float32")

    num_classes = 4  # class 3 never occurs: its row (true) and column (pred) are all zero
    target = rng.integers(0, 3, 40)
    logits = f32(rng.normal(size=(40, num_classes)))
    logits[:, 3] -= 10
    labels = logits.argmax(1)
    assert 3 not in labels
    for normalize in ["none", "true", "pred", "all"]:
        expected = skm.confusion_matrix(target, labels, labels=list(range(num_classes)),
                                        normalize=None if normalize == "none" else normalize)
        add(f"confusionMatrix multiclass normalize={normalize}", "ConfusionMatrix", "confusionMatrix",
            {"task": "multiclass", "numClasses": num_classes, "normalize": normalize}, logits, target, [9, 25],
            expected, expected_dtype="int64" if normalize == "none" else "float32")


# ---- AUROC, AveragePrecision -------------------------------------------------------------------

def one_vs_rest(score_fn, target, scores, num_classes, average):
    per_class = np.array([score_fn((target == c).astype(np.int64), scores[:, c].astype(np.float64)) for c in range(num_classes)])
    if average == "none":
        return per_class
    if average == "macro":
        return per_class.mean()
    support = np.bincount(target, minlength=num_classes).astype(np.float64)
    return (per_class * support).sum() / support.sum()


def softmax(x):
    x = x.astype(np.float64)
    e = np.exp(x - x.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


RANKING = [("AUROC", "auroc", skm.roc_auc_score), ("AveragePrecision", "averagePrecision", skm.average_precision_score)]


def ranking_cases():
    rng = np.random.default_rng(99)
    # binary, many ties (scores rounded to one decimal), three batches
    target = rng.integers(0, 2, 50)
    scores = f32(np.round(np.clip(target * 0.3 + rng.random(50) * 0.7, 0, 1), 1))
    assert len(np.unique(scores)) < 15
    for metric, fn, score_fn in RANKING:
        add(f"{fn} binary with ties (3 batches)", metric, fn, {"task": "binary"}, scores, target, [17, 34],
            score_fn(target, scores.astype(np.float64)))
    # binary logits: only the order matters
    target = rng.integers(0, 2, 40)
    logits = f32(rng.normal(size=40) * 3 + target)
    for metric, fn, score_fn in RANKING:
        add(f"{fn} binary logits", metric, fn, {"task": "binary"}, logits, target, [20], score_fn(target, logits.astype(np.float64)))
    # binary, every score tied
    target = np.array([0, 1, 1, 0, 1, 0, 0])
    scores = f32(np.full(7, 0.5))
    for metric, fn, score_fn in RANKING:
        add(f"{fn} binary all scores tied", metric, fn, {"task": "binary"}, scores, target, [], score_fn(target, scores))
    # binary integer scores
    target = rng.integers(0, 2, 20)
    scores = rng.integers(0, 5, 20)
    for metric, fn, score_fn in RANKING:
        add(f"{fn} binary integer scores", metric, fn, {"task": "binary"}, scores, target, [8], score_fn(target, scores),
            preds_dtype="int64")

    # multiclass probabilities (rows sum to 1), checked against sklearn's own one-vs-rest
    num_classes = 4
    target = rng.integers(0, num_classes, 80)
    probs = f32(softmax(rng.normal(size=(80, num_classes)) + np.eye(num_classes)[target]))
    for average in ["macro", "weighted"]:
        sk = skm.roc_auc_score(target, probs.astype(np.float64), multi_class="ovr", average=average, labels=list(range(num_classes)))
        assert abs(sk - one_vs_rest(skm.roc_auc_score, target, probs, num_classes, average)) < 1e-12
    for metric, fn, score_fn in RANKING:
        for average in ["macro", "weighted", "none"]:
            add(f"{fn} multiclass probabilities average={average} (3 batches)", metric, fn,
                {"task": "multiclass", "numClasses": num_classes, "average": average}, probs, target, [30, 55],
                one_vs_rest(score_fn, target, probs, num_classes, average))
    # multiclass probabilities with ties (rounded to one decimal: still in [0, 1], so no softmax)
    num_classes = 3
    target = rng.integers(0, num_classes, 45)
    probs = f32(np.round(softmax(rng.normal(size=(45, num_classes)) + np.eye(num_classes)[target]), 1))
    for metric, fn, score_fn in RANKING:
        for average in ["macro", "weighted", "none"]:
            add(f"{fn} multiclass with ties average={average}", metric, fn,
                {"task": "multiclass", "numClasses": num_classes, "average": average}, probs, target, [20],
                one_vs_rest(score_fn, target, probs, num_classes, average))
    # multiclass logits: softmax first (per batch, as torchmetrics)
    num_classes = 3
    target = rng.integers(0, num_classes, 36)
    logits = f32(rng.normal(size=(36, num_classes)) * 2 + np.eye(num_classes)[target])
    for metric, fn, score_fn in RANKING:
        add(f"{fn} multiclass logits (softmax) macro", metric, fn,
            {"task": "multiclass", "numClasses": num_classes}, logits, target, [12, 24],
            one_vs_rest(score_fn, target, f32(softmax(logits)), num_classes, "macro"))


# ---- regression --------------------------------------------------------------------------------

def regression_cases():
    rng = np.random.default_rng(3)
    target = f32(rng.normal(size=50) * 2 + 1)
    preds = f32(target + rng.normal(size=50) * 0.7)
    t64, p64 = target.astype(np.float64), preds.astype(np.float64)
    add("meanSquaredError 1-D (3 batches)", "MeanSquaredError", "meanSquaredError", {}, preds, target, [10, 30],
        skm.mean_squared_error(t64, p64), target_dtype="float32")
    add("meanSquaredError squared=false (RMSE)", "MeanSquaredError", "meanSquaredError", {"squared": False}, preds, target, [25],
        np.sqrt(skm.mean_squared_error(t64, p64)), target_dtype="float32")
    add("meanAbsoluteError 1-D (3 batches)", "MeanAbsoluteError", "meanAbsoluteError", {}, preds, target, [10, 30],
        skm.mean_absolute_error(t64, p64), target_dtype="float32")
    add("r2Score 1-D (3 batches)", "R2Score", "r2Score", {}, preds, target, [10, 30], skm.r2_score(t64, p64), target_dtype="float32")
    n, k = 50, 3
    r2 = skm.r2_score(t64, p64)
    add("r2Score adjusted=3", "R2Score", "r2Score", {"adjusted": k}, preds, target, [20],
        1 - (1 - r2) * (n - 1) / (n - k - 1), target_dtype="float32")

    target = f32(rng.normal(size=(40, 3)) * np.array([1.0, 3.0, 0.5]) + np.array([0.0, 5.0, -2.0]))
    preds = f32(target + rng.normal(size=(40, 3)) * np.array([0.5, 1.0, 0.6]))
    t64, p64 = target.astype(np.float64), preds.astype(np.float64)
    add("meanSquaredError 2-D", "MeanSquaredError", "meanSquaredError", {}, preds, target, [15],
        skm.mean_squared_error(t64.reshape(-1), p64.reshape(-1)), target_dtype="float32")
    add("meanAbsoluteError 2-D", "MeanAbsoluteError", "meanAbsoluteError", {}, preds, target, [15],
        skm.mean_absolute_error(t64.reshape(-1), p64.reshape(-1)), target_dtype="float32")
    for multioutput in ["uniform_average", "raw_values", "variance_weighted"]:
        add(f"r2Score 2-D multioutput={multioutput}", "R2Score", "r2Score", {"multioutput": multioutput}, preds, target, [15, 31],
            skm.r2_score(t64, p64, multioutput=multioutput), target_dtype="float32")

    # integer inputs are promoted
    target = rng.integers(-5, 5, 20)
    preds = rng.integers(-5, 5, 20)
    add("meanAbsoluteError integer inputs", "MeanAbsoluteError", "meanAbsoluteError", {}, preds, target, [7],
        skm.mean_absolute_error(target, preds), preds_dtype="int64")
    add("meanSquaredError integer inputs", "MeanSquaredError", "meanSquaredError", {}, preds, target, [7],
        skm.mean_squared_error(target, preds), preds_dtype="int64")
    # a constant target: sklearn's rule, 1 when the predictions are exact, else 0
    target = f32(np.full(6, 2.5))
    add("r2Score constant target, exact preds", "R2Score", "r2Score", {}, target, target, [], skm.r2_score(target, target),
        target_dtype="float32")
    add("r2Score constant target, inexact preds", "R2Score", "r2Score", {}, f32(target + 0.5), target, [],
        skm.r2_score(target, target + 0.5), target_dtype="float32")


def main():
    classification_cases()
    confusion_cases()
    ranking_cases()
    regression_cases()
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    with open(OUT_PATH, "w") as out:
        json.dump({"generator": "scripts/golden/metrics_cases.py", "inputs": INPUTS, "cases": CASES}, out, separators=(",", ":"))
        out.write("\n")
    print(f"wrote {len(CASES)} cases to {os.path.relpath(OUT_PATH)}")


if __name__ == "__main__":
    main()
