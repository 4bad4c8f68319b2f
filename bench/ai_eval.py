"""Evaluate the AI service's models on the public data sets (or any text,label CSV) and print a table.

    .venv/bin/python bench/ai_eval.py                      # every data set in ../shared/data
    .venv/bin/python bench/ai_eval.py --only banking77     # or it_tickets, endava, similar, retrain
    .venv/bin/python bench/ai_eval.py --train A.csv --test B.csv [--json]

It uses the very code the service runs (ai.textmodel, ai.priority, ai.similarity, ai.registry),
so the figures are the service's, not a notebook's.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ai import priority  # noqa: E402
from ai.embeddings import load_encoder  # noqa: E402
from ai.registry import Registry  # noqa: E402
from ai.similarity import TenantIndex  # noqa: E402
from ai.textmodel import TextClassifier  # noqa: E402


def _find_data() -> Path:
    # ../shared/data beside the checkout (a worktree may sit one folder deeper).
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return ROOT.parent / "shared" / "data"


DATA = _find_data()
csv.field_size_limit(10_000_000)


def read_csv(path: Path, text_cols: Iterable[str], label_col: str) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = " ".join((row.get(c) or "") for c in text_cols).strip()
            if text and row.get(label_col, "") != "":
                texts.append(text)
                labels.append(row[label_col])
    return texts, labels


def percentiles(seconds: list[float]) -> tuple[float, float]:
    ms = np.array(seconds) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def classify_latency(
    model: TextClassifier, texts: list[str], n: int = 400
) -> tuple[list[float], list[float]]:
    """One ticket at a time, as the service does: category model + priority rules.

    Returns wall-clock and CPU seconds per ticket: on a shared machine the wall clock includes
    time spent waiting for a core, the CPU time is the work itself."""
    timings, cpu = [], []
    for text in texts[:n]:
        started, started_cpu = time.perf_counter(), time.thread_time()
        model.predict_proba([text])
        priority.rule_priority(text)
        timings.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - started_cpu)
    return timings, cpu


def score(model: TextClassifier, texts: list[str], labels: list[str]) -> tuple[float, float]:
    predicted = [label for label, _ in model.predict(texts)]
    return accuracy_score(labels, predicted), f1_score(labels, predicted, average="macro", zero_division=0)


def evaluate_split(
    train: tuple[list[str], list[str]], test: tuple[list[str], list[str]], *, balanced: bool = False
) -> dict[str, float]:
    started = time.perf_counter()
    model = TextClassifier.train(*train, balanced=balanced)
    train_seconds = time.perf_counter() - started
    accuracy, macro_f1 = score(model, *test)
    wall, cpu = classify_latency(model, test[0])
    p50, p99 = percentiles(wall)
    cpu50, cpu99 = percentiles(cpu)
    return {
        "cpu_p50_ms": cpu50,
        "cpu_p99_ms": cpu99,
        "accuracy": accuracy,
        "macro_f1": macro_f1,
        "train_seconds": train_seconds,
        "train_rows": len(train[0]),
        "test_rows": len(test[0]),
        "p50_ms": p50,
        "p99_ms": p99,
    }


def cross_validate(texts: list[str], labels: list[str], folds: int) -> dict[str, float]:
    results = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    x, y = np.array(texts, dtype=object), np.array(labels, dtype=object)
    for train_idx, test_idx in splitter.split(x, y):
        results.append(
            evaluate_split((list(x[train_idx]), list(y[train_idx])), (list(x[test_idx]), list(y[test_idx])))
        )
    merged = {key: float(np.mean([r[key] for r in results])) for key in results[0]}
    merged["folds"] = folds
    return merged


def holdout(texts: list[str], labels: list[str]) -> dict[str, float]:
    a, b, ya, yb = train_test_split(texts, labels, test_size=0.2, random_state=0, stratify=labels)
    return evaluate_split((a, ya), (b, yb))


# -- data sets --------------------------------------------------------------------------------


def banking77_with_embeddings(folds: int, weight: float = 2.0) -> dict[str, Any]:
    """Measured option (not what the service serves): TF-IDF features plus MiniLM vectors in one SVM."""
    encoder = load_encoder()
    if encoder is None:
        return {"name": "BANKING77 + MiniLM features: model files unavailable"}
    texts, labels = read_csv(DATA / "banking77" / "train.csv", ["text"], "category")
    started = time.perf_counter()
    vectors = encoder.encode(texts, batch_size=64)
    embed_seconds = time.perf_counter() - started
    y = np.array(labels, dtype=object)
    accuracies, f1s, seconds = [], [], []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for train_idx, test_idx in splitter.split(vectors, y):
        started = time.perf_counter()
        base = TextClassifier.train([texts[i] for i in train_idx], list(y[train_idx]))
        features = sparse.hstack(
            [base.features([texts[i] for i in train_idx]), sparse.csr_matrix(vectors[train_idx] * weight)]
        ).tocsr()
        svm = LinearSVC(C=0.5).fit(features, y[train_idx])
        seconds.append(time.perf_counter() - started)
        test = sparse.hstack(
            [base.features([texts[i] for i in test_idx]), sparse.csr_matrix(vectors[test_idx] * weight)]
        ).tocsr()
        predicted = svm.predict(test)
        accuracies.append(accuracy_score(y[test_idx], predicted))
        f1s.append(f1_score(y[test_idx], predicted, average="macro", zero_division=0))
    timings = []
    for text in texts[:200]:  # per ticket: embedding + TF-IDF + SVM
        started = time.perf_counter()
        row = sparse.hstack(
            [base.features([text]), sparse.csr_matrix(encoder.encode([text]) * weight)]
        ).tocsr()
        svm.decision_function(row)
        timings.append(time.perf_counter() - started)
    p50, p99 = percentiles(timings)
    return {
        "name": f"BANKING77 + MiniLM features ({folds}-fold CV, option)",
        "accuracy": float(np.mean(accuracies)),
        "macro_f1": float(np.mean(f1s)),
        "train_seconds": float(np.mean(seconds)) + embed_seconds * (folds - 1) / folds,
        "p50_ms": p50,
        "p99_ms": p99,
    }


def banking77(folds: int) -> dict[str, Any]:
    texts, labels = read_csv(DATA / "banking77" / "train.csv", ["text"], "category")
    return {"name": f"BANKING77 category ({folds}-fold CV)", **cross_validate(texts, labels, folds)}


def it_tickets(folds: int) -> dict[str, Any]:
    texts, labels = read_csv(DATA / "it_tickets" / "train.csv", ["Document"], "Topic_group")
    if folds > 1:
        return {"name": f"IT tickets category ({folds}-fold CV)", **cross_validate(texts, labels, folds)}
    return {"name": "IT tickets category (80/20 hold-out)", **holdout(texts, labels)}


URGENT_CODES = {"0", "1"}  # Endava urgency: 0 most urgent ... 3 least; 0 and 1 are "the urgent classes"


def _with_rules(texts: list[str], predicted: list[str]) -> list[str]:
    combined = []
    for text, code in zip(texts, predicted, strict=True):
        rules = priority.rule_priority(text)
        rule_code = {"urgent": "0", "high": "1"}.get(rules.level) if rules.reasons else None
        combined.append(min(code, rule_code) if rule_code else code)
    return combined


def endava(folds: int) -> dict[str, Any]:
    texts, labels = read_csv(DATA / "endava_tickets" / "tickets.csv", ["title", "body"], "urgency")
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    truth: list[str] = []
    text_only: list[str] = []
    with_rules: list[str] = []
    seconds = []
    x, y = np.array(texts, dtype=object), np.array(labels, dtype=object)
    for train_idx, test_idx in splitter.split(x, y):
        started = time.perf_counter()
        model = TextClassifier.train(list(x[train_idx]), list(y[train_idx]), balanced=True)
        seconds.append(time.perf_counter() - started)
        predicted = [label for label, _ in model.predict(list(x[test_idx]))]
        truth += list(y[test_idx])
        text_only += predicted
        with_rules += _with_rules(list(x[test_idx]), predicted)

    def urgent_recall(predicted: list[str]) -> float:
        hits = [p in URGENT_CODES for t, p in zip(truth, predicted, strict=True) if t in URGENT_CODES]
        return float(np.mean(hits))

    return {
        "name": f"Endava urgency ({folds}-fold CV)",
        "macro_f1": f1_score(truth, text_only, average="macro", zero_division=0),
        "urgent_recall": urgent_recall(text_only),
        "rules_macro_f1": f1_score(truth, with_rules, average="macro", zero_division=0),
        "rules_urgent_recall": urgent_recall(with_rules),
        "accuracy": accuracy_score(truth, text_only),
        "train_seconds": float(np.mean(seconds)),
    }


def similar(index_size: int, queries: int) -> dict[str, Any]:
    """Precision@5 on BANKING77: a neighbour counts when it has the query's intent."""
    texts, labels = read_csv(DATA / "banking77" / "train.csv", ["text"], "category")
    docs, asked, doc_labels, asked_labels = train_test_split(
        texts, labels, train_size=index_size, test_size=queries, random_state=0, stratify=labels
    )
    encoder = load_encoder()
    out: dict[str, Any] = {
        "name": f"similar tickets P@5 (BANKING77, {index_size} indexed, {queries} queries)"
    }
    with tempfile.TemporaryDirectory() as folder:
        index = TenantIndex(Path(folder) / "index", encoder)
        started = time.perf_counter()
        index.upsert([{"kind": "ticket", "id": str(i), "text": t} for i, t in enumerate(docs)])
        out["index_seconds"] = time.perf_counter() - started
        import ai.similarity as sim

        def run(weight: float) -> tuple[float, list[float]]:
            sim.KEYWORD_WEIGHT = weight
            precisions, timings = [], []
            for text, label in zip(asked, asked_labels, strict=True):
                started = time.perf_counter()
                hits = index.search(text, kinds=("ticket",), limit=5)
                timings.append(time.perf_counter() - started)
                precisions.append(np.mean([doc_labels[int(h.id)] == label for h in hits]) if hits else 0.0)
            return float(np.mean(precisions)), timings

        default = sim.KEYWORD_WEIGHT
        out["p_at_5_keyword"], _ = run(1.0)
        if encoder is not None:
            out["p_at_5_semantic"], _ = run(0.0)
        out["p_at_5"], timings = run(default)
        sim.KEYWORD_WEIGHT = default
        out["p50_ms"], out["p99_ms"] = percentiles(timings)
    return out


def retrain(rows: int) -> dict[str, Any]:
    """The service's full retrain (split, train, evaluate, compare, refit on all, save) on N tickets."""
    texts, labels = read_csv(DATA / "banking77" / "train.csv", ["text"], "category")
    texts, labels = texts[:rows], labels[:rows]
    with tempfile.TemporaryDirectory() as folder:
        registry = Registry(Path(folder), min_labelled=50, min_per_label=3, keep_versions=3)
        started, started_cpu = time.perf_counter(), time.process_time()
        result = registry.train(1, "category", texts, labels)
        return {
            "name": f"per-tenant retrain, {len(texts)} tickets",
            "train_seconds": time.perf_counter() - started,
            # CPU seconds: the work itself, apart from waiting for a core on a shared machine.
            "train_cpu_seconds": time.process_time() - started_cpu,
            "accuracy": result.metrics["accuracy"],
            "macro_f1": result.metrics["macro_f1"],
        }


# -- output -----------------------------------------------------------------------------------

COLUMNS = [
    ("accuracy", "acc", "{:.4f}"),
    ("macro_f1", "macro-F1", "{:.4f}"),
    ("urgent_recall", "urgent rec", "{:.3f}"),
    ("rules_macro_f1", "F1 +rules", "{:.4f}"),
    ("rules_urgent_recall", "rec +rules", "{:.3f}"),
    ("p_at_5", "P@5", "{:.3f}"),
    ("p_at_5_keyword", "P@5 kw", "{:.3f}"),
    ("p_at_5_semantic", "P@5 emb", "{:.3f}"),
    ("train_seconds", "train s", "{:.2f}"),
    ("train_cpu_seconds", "train CPU s", "{:.2f}"),
    ("p50_ms", "p50 ms", "{:.2f}"),
    ("p99_ms", "p99 ms", "{:.2f}"),
    ("cpu_p50_ms", "CPU p50 ms", "{:.2f}"),
    ("cpu_p99_ms", "CPU p99 ms", "{:.2f}"),
]


def table(rows: list[dict[str, Any]]) -> str:
    used = [c for c in COLUMNS if any(c[0] in r for r in rows)]
    head = ["data set", *[c[1] for c in used]]
    body = [[r["name"], *[(fmt.format(r[key]) if key in r else "") for key, _, fmt in used]] for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]
    lines = [" | ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)) for line in [head, *body]]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--train", type=Path, help="CSV with text,label columns")
    parser.add_argument("--test", type=Path, help="CSV with text,label columns")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--only",
        choices=["banking77", "it_tickets", "endava", "similar", "retrain", "banking77_emb"],
        nargs="*",
    )
    parser.add_argument(
        "--with-embeddings",
        action="store_true",
        help="also measure TF-IDF + MiniLM features on BANKING77 (slow)",
    )
    parser.add_argument("--folds", type=int, default=5, help="CV folds for BANKING77 and Endava")
    parser.add_argument("--it-folds", type=int, default=1, help="IT tickets: 1 = 80/20 hold-out")
    args = parser.parse_args(argv)

    if bool(args.train) != bool(args.test):
        parser.error("--train and --test go together")
    if args.train:
        row: dict[str, Any] = {"name": f"{args.train.name} -> {args.test.name}"}
        train, test = read_csv(args.train, ["text"], "label"), read_csv(args.test, ["text"], "label")
        if not train[0] or not test[0]:
            parser.error("both CSVs need a header with text,label columns and at least one row")
        row.update(evaluate_split(train, test))
        rows = [row]
    else:
        wanted = args.only or ["banking77", "it_tickets", "endava", "similar", "retrain"]
        if args.with_embeddings and "banking77_emb" not in wanted:
            wanted.append("banking77_emb")
        jobs = {
            "banking77": lambda: banking77(args.folds),
            "it_tickets": lambda: it_tickets(args.it_folds),
            "endava": lambda: endava(args.folds),
            "similar": lambda: similar(3000, 300),
            "retrain": lambda: retrain(10_000),
            "banking77_emb": lambda: banking77_with_embeddings(args.folds),
        }
        rows = []
        for name in wanted:
            rows.append(jobs[name]())
            if not args.json:
                print(f"done: {rows[-1]['name']}", file=sys.stderr, flush=True)
    # Latency depends on what else the machine runs: say so next to the figures.
    load = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        result = rows[0] if len(rows) == 1 else {"results": rows}
        print(json.dumps({**result, "cpu_count": os.cpu_count(), "load_average": load}, default=float))
    else:
        print(table(rows))
        print(f"\n{os.cpu_count()} CPUs, load average {load[0]} / {load[1]} / {load[2]} while measuring")
    return 0


if __name__ == "__main__":
    sys.exit(main())
