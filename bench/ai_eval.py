"""Evaluate the AI service's models on the public data sets (or any text,label CSV) and print a table.

    .venv/bin/python bench/ai_eval.py                      # every data set in ../shared/data
    .venv/bin/python bench/ai_eval.py --only banking77     # or it_tickets, endava, similar, retrain
    .venv/bin/python bench/ai_eval.py --train A.csv --test B.csv [--json]

It uses the very code the service runs (ai.textmodel, ai.priority, ai.similarity, ai.registry,
ai.triage), so the figures are the service's, not a notebook's. Category rows come in threes, one
per pipeline (ai/pipelines.py): [accurate] TF-IDF + MiniLM in one model, the default; [fast]
TF-IDF + the static WordLlama vector (no ONNX); [tfidf] neither. --no-embeddings skips
[accurate]. With --json the last line is one JSON object: the default pipeline's accuracy,
macro_f1, p50_ms / p99_ms per ticket and `pipeline`, every pipeline under `pipelines`.
Encoding 38k IT tickets takes half an hour on a busy 2-core machine: --vector-cache DIR (outside
the repository) keeps the vectors between runs.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ai import priority  # noqa: E402
from ai.embeddings import (  # noqa: E402
    CLASSIFY_TOKENS,
    DIMENSIONS,
    MODEL_SHA256,
    Encoder,
    load_encoder,
)
from ai.pipelines import ENCODER_OF  # noqa: E402
from ai.registry import Registry  # noqa: E402
from ai.schemas import Ticket  # noqa: E402
from ai.similarity import TenantIndex  # noqa: E402
from ai.static_embeddings import load_static_encoder  # noqa: E402
from ai.textmodel import TextClassifier  # noqa: E402
from ai.triage import predict_category, predict_priority  # noqa: E402


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


PIPELINES = ("accurate", "fast", "tfidf")  # the default first


class Vectors:
    """Sentence vectors of a data set's texts, as the service computes them for classification.

    With `cache_dir` (outside the repository), vectors are kept per data set and model, keyed by
    the texts, and a sample is re-encoded on each load: a cache that disagrees is refused."""

    def __init__(self, encoder: Encoder, cache_dir: Path | None):
        self.encoder = encoder
        self.cache_dir = cache_dir

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self.encoder.encode(texts, batch_size=64, max_tokens=CLASSIFY_TOKENS)

    def of(self, texts: list[str]) -> tuple[np.ndarray, float]:
        """The vectors and the encoding seconds per text (measured on a sample when cached)."""
        key = hashlib.sha256("\x00".join([MODEL_SHA256, str(CLASSIFY_TOKENS), *texts]).encode()).hexdigest()[
            :24
        ]
        path = self.cache_dir / f"vectors-{key}.npy" if self.cache_dir else None
        picked = np.random.default_rng(0).choice(len(texts), min(64, len(texts)), replace=False)
        sample = [int(i) for i in picked]
        self._encode(texts[:2])  # the first run of a session pays for its set-up
        started = time.perf_counter()
        fresh = self._encode([texts[i] for i in sample])
        seconds_per_text = (time.perf_counter() - started) / len(sample)
        if path is not None and path.exists():
            vectors = np.load(path, allow_pickle=False)
            if vectors.shape == (len(texts), DIMENSIONS) and np.allclose(vectors[sample], fresh, atol=1e-4):
                return vectors, seconds_per_text
            print(f"ignoring {path}: it does not match the encoder", file=sys.stderr)
        started = time.perf_counter()
        vectors = self._encode(texts)
        seconds_per_text = (time.perf_counter() - started) / len(texts)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, vectors)
        return vectors, seconds_per_text


def classify_latency(
    registry: Registry, tenants: dict[str, int], texts: list[str], n: int = 400
) -> dict[str, tuple[list[float], list[float]]]:
    """One ticket at a time through the service's own path (category from the tenant's stored
    model, embedding included, + priority rules), alternating the pipelines ticket by ticket so a
    burst of load on the shared machine hits them alike.

    Returns wall-clock and CPU seconds per ticket: on a shared machine the wall clock includes
    time spent waiting for a core, the CPU time is the work itself."""
    timings: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in tenants}
    for text in texts[:n]:
        ticket = Ticket(body=text)
        for name, tenant_id in tenants.items():
            started, started_cpu = time.perf_counter(), time.thread_time()
            predict_category(registry, tenant_id, text)
            predict_priority(registry, tenant_id, ticket, text)
            timings[name][0].append(time.perf_counter() - started)
            timings[name][1].append(time.thread_time() - started_cpu)
    return timings


def score(
    model: TextClassifier, texts: list[str], labels: list[str], vectors: np.ndarray | None = None
) -> tuple[float, float]:
    predicted = [label for label, _ in model.predict(texts, vectors)]
    return accuracy_score(labels, predicted), f1_score(labels, predicted, average="macro", zero_division=0)


def evaluate_split(
    train: tuple[list[str], list[str]],
    test: tuple[list[str], list[str]],
    *,
    vectors: tuple[np.ndarray, np.ndarray] | None = None,
    encode_seconds_per_text: float = 0.0,
) -> dict[str, dict[str, float]]:
    """Every pipeline on one split: [accurate] given the texts' MiniLM vectors, [fast] with the
    static vectors (computed here: ~0.1 ms a text), [tfidf] alone."""
    static = load_static_encoder()
    results: dict[str, dict[str, float]] = {}
    models: dict[str, TextClassifier] = {}
    for name in PIPELINES:
        train_vectors = test_vectors = None
        encode_seconds = 0.0
        if name == "accurate":
            if vectors is None:
                continue
            train_vectors, test_vectors = vectors
            encode_seconds = encode_seconds_per_text * len(train[0])
        elif name == "fast":
            if static is None:
                continue
            started = time.perf_counter()
            train_vectors, test_vectors = static.encode(train[0]), static.encode(test[0])
            encode_seconds = time.perf_counter() - started
        started = time.perf_counter()
        model = TextClassifier.train(
            *train,
            vectors=train_vectors,
            embedding_model=ENCODER_OF[name] if train_vectors is not None else None,  # type: ignore[index]
        )
        fit_seconds = time.perf_counter() - started
        accuracy, macro_f1 = score(model, *test, test_vectors)
        models[name] = model
        results[name] = {
            "accuracy": accuracy,
            "macro_f1": macro_f1,
            "train_seconds": fit_seconds,
            # What a retrain adds to encode these texts (the service encodes each once per retrain).
            "encode_seconds": encode_seconds,
            "train_rows": len(train[0]),
            "test_rows": len(test[0]),
        }
    with tempfile.TemporaryDirectory() as folder:
        encoder = load_encoder() if vectors is not None else None
        registry = Registry(
            Path(folder),
            min_labelled=1,
            min_per_label=1,
            keep_versions=1,
            encoder=encoder,
            static=static,
        )
        tenants = {}
        for tenant_id, (name, model) in enumerate(models.items(), start=1):
            store = registry.store(tenant_id, "category")
            store.set_active(store.save(*model.to_arrays()))
            tenants[name] = tenant_id
        for name, (wall, cpu) in classify_latency(registry, tenants, test[0]).items():
            results[name]["p50_ms"], results[name]["p99_ms"] = percentiles(wall)
            results[name]["cpu_p50_ms"], results[name]["cpu_p99_ms"] = percentiles(cpu)
    return results


def _mean(results: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    return {
        name: {key: float(np.mean([r[name][key] for r in results])) for key in results[0][name]}
        for name in results[0]
    }


def cross_validate(
    texts: list[str], labels: list[str], folds: int, vectors: Vectors | None
) -> dict[str, dict[str, float]]:
    all_vectors, per_text = vectors.of(texts) if vectors else (None, 0.0)
    results = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    x, y = np.array(texts, dtype=object), np.array(labels, dtype=object)
    for train_idx, test_idx in splitter.split(x, y):
        pair = (all_vectors[train_idx], all_vectors[test_idx]) if all_vectors is not None else None
        results.append(
            evaluate_split(
                (list(x[train_idx]), list(y[train_idx])),
                (list(x[test_idx]), list(y[test_idx])),
                vectors=pair,
                encode_seconds_per_text=per_text,
            )
        )
    return _mean(results)


def holdout(texts: list[str], labels: list[str], vectors: Vectors | None) -> dict[str, dict[str, float]]:
    """The IT tickets' protocol: 80/20 stratified split of train.csv, seed 0; the 20% is only scored."""
    all_vectors, per_text = vectors.of(texts) if vectors else (None, 0.0)
    train_idx, test_idx = train_test_split(
        np.arange(len(labels)), test_size=0.2, random_state=0, stratify=labels
    )
    pair = (all_vectors[train_idx], all_vectors[test_idx]) if all_vectors is not None else None
    return evaluate_split(
        ([texts[i] for i in train_idx], [labels[i] for i in train_idx]),
        ([texts[i] for i in test_idx], [labels[i] for i in test_idx]),
        vectors=pair,
        encode_seconds_per_text=per_text,
    )


def _rows(title: str, results: dict[str, dict[str, float]]) -> list[dict[str, Any]]:
    return [{"name": f"{title} [{name}]", **row} for name, row in results.items()]


# -- data sets --------------------------------------------------------------------------------


def banking77(folds: int, vectors: Vectors | None) -> list[dict[str, Any]]:
    texts, labels = read_csv(DATA / "banking77" / "train.csv", ["text"], "category")
    return _rows(f"BANKING77 category ({folds}-fold CV)", cross_validate(texts, labels, folds, vectors))


def it_tickets(folds: int, vectors: Vectors | None) -> list[dict[str, Any]]:
    texts, labels = read_csv(DATA / "it_tickets" / "train.csv", ["Document"], "Topic_group")
    if folds > 1:
        return _rows(f"IT tickets category ({folds}-fold CV)", cross_validate(texts, labels, folds, vectors))
    return _rows("IT tickets category (80/20 hold-out)", holdout(texts, labels, vectors))


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


def retrain(rows: int, encoder: Encoder | None = None) -> list[dict[str, Any]]:
    """The service's full retrain (split, train, evaluate, compare, refit on all, save) on N tickets.

    Without an encoder: the fast pipeline. With one (the default, accurate): twice, the second
    time with the tenant's vectors kept from the first, as a nightly retrain would."""
    texts, labels = read_csv(DATA / "banking77" / "train.csv", ["text"], "category")
    texts, labels = texts[:rows], labels[:rows]
    out = []
    with tempfile.TemporaryDirectory() as folder:
        registry = Registry(
            Path(folder),
            min_labelled=50,
            min_per_label=3,
            keep_versions=3,
            encoder=encoder,
            static=load_static_encoder(),
            pipeline="accurate" if encoder else "fast",
        )
        for attempt in ("first", "again") if encoder else ("first",):
            started, started_cpu = time.perf_counter(), time.process_time()
            result = registry.train(1, "category", texts, labels, force=True)
            out.append(
                {
                    "name": f"per-tenant retrain, {len(texts)} tickets"
                    + (f" [accurate, {attempt}]" if encoder else " [fast]"),
                    "train_seconds": time.perf_counter() - started,
                    # CPU seconds: the work itself, apart from waiting for a core on a shared machine.
                    "train_cpu_seconds": time.process_time() - started_cpu,
                    "accuracy": result.metrics["accuracy"],
                    "macro_f1": result.metrics["macro_f1"],
                }
            )
    return out


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
    ("encode_seconds", "encode s", "{:.1f}"),
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
        choices=["banking77", "it_tickets", "endava", "similar", "retrain", "retrain_minilm"],
        nargs="*",
    )
    parser.add_argument(
        "--no-embeddings",
        action="store_true",
        help="skip the accurate (MiniLM) pipeline: what the service runs without ONNX",
    )
    parser.add_argument(
        "--vector-cache",
        type=Path,
        help="folder (outside the repository) to keep data sets' MiniLM vectors between runs",
    )
    parser.add_argument("--folds", type=int, default=5, help="CV folds for BANKING77 and Endava")
    parser.add_argument("--it-folds", type=int, default=1, help="IT tickets: 1 = 80/20 hold-out")
    args = parser.parse_args(argv)

    if bool(args.train) != bool(args.test):
        parser.error("--train and --test go together")
    encoder = None if args.no_embeddings else load_encoder()
    vectors = Vectors(encoder, args.vector_cache) if encoder else None
    if args.train:
        train, test = read_csv(args.train, ["text"], "label"), read_csv(args.test, ["text"], "label")
        if not train[0] or not test[0]:
            parser.error("both CSVs need a header with text,label columns and at least one row")
        pair, per_text = None, 0.0
        if vectors:
            (train_vectors, per_text), (test_vectors, _) = vectors.of(train[0]), vectors.of(test[0])
            pair = (train_vectors, test_vectors)
        results = evaluate_split(train, test, vectors=pair, encode_seconds_per_text=per_text)
        rows = _rows(f"{args.train.name} -> {args.test.name}", results)
        # The first pipeline that ran is what the service serves by default here.
        served = {**rows[0], "pipeline": next(iter(results))}
    else:
        wanted = args.only or ["banking77", "it_tickets", "endava", "similar", "retrain"]
        jobs = {
            "banking77": lambda: banking77(args.folds, vectors),
            "it_tickets": lambda: it_tickets(args.it_folds, vectors),
            "endava": lambda: [endava(args.folds)],
            "similar": lambda: [similar(3000, 300)],
            "retrain": lambda: retrain(10_000),
            "retrain_minilm": lambda: retrain(10_000, encoder) if encoder else [],
        }
        rows = []
        for name in wanted:
            rows.extend(jobs[name]())
            if rows and not args.json:
                print(f"done: {rows[-1]['name']}", file=sys.stderr, flush=True)
    # Latency depends on what else the machine runs: say so next to the figures.
    load = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        result = {**served, "pipelines": rows} if args.train else {"results": rows}
        print(json.dumps({**result, "cpu_count": os.cpu_count(), "load_average": load}, default=float))
    else:
        print(table(rows))
        print(f"\n{os.cpu_count()} CPUs, load average {load[0]} / {load[1]} / {load[2]} while measuring")
    return 0


if __name__ == "__main__":
    sys.exit(main())
