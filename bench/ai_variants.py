"""Category-model variants tried against the service's TF-IDF + linear SVM, on the same folds.

    nice -n 10 .venv/bin/python bench/ai_variants.py --data banking77 --variants base,w13,emb_lr,knn
    nice -n 10 .venv/bin/python bench/ai_variants.py --data it_tickets --variants base,C0.2

BANKING77 is scored with 5-fold CV on its train split, the IT tickets with the 80/20 hold-out
(as bench/ai_eval.py does). Embedding variants encode every text once with the service's
MiniLM encoder (slow: ~1 min per 10,000 short texts on a busy machine) and report the encoder's
own per-ticket cost, which any of them adds to classify latency. Prints a table (or --json).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.svm import LinearSVC

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ai.embeddings import load_encoder
from ai.textmodel import normalize
from bench.ai_eval import DATA, percentiles, read_csv, table

SETS = {
    "banking77": (DATA / "banking77" / "train.csv", ["text"], "category"),
    "it_tickets": (DATA / "it_tickets" / "train.csv", ["Document"], "Topic_group"),
}
Split = tuple[np.ndarray, np.ndarray]


class Data:
    def __init__(self, name: str, embed: bool):
        texts, labels = read_csv(*SETS[name])
        self.texts = texts
        self.docs = np.array([normalize(t) for t in texts], dtype=object)
        self.y = np.array(labels)
        if name == "banking77":
            self.splits: list[Split] = list(
                StratifiedKFold(5, shuffle=True, random_state=0).split(self.docs, self.y)
            )
        else:
            idx = np.arange(len(self.y))
            a, b = train_test_split(idx, test_size=0.2, random_state=0, stratify=self.y)
            self.splits = [(a, b)]
        self.emb: np.ndarray | None = None
        self.embed_ms: tuple[float, float] | None = None
        if embed:
            encoder = load_encoder()
            if encoder is None:
                raise SystemExit("embedding variants need the MiniLM model files")
            self.emb = encoder.encode(texts, batch_size=64)
            cpu = []
            for text in texts[:200]:
                started = time.thread_time()
                encoder.encode([text])
                cpu.append(time.thread_time() - started)
            self.embed_ms = percentiles(cpu)
        self._cache: dict[tuple, tuple[sparse.csr_matrix, sparse.csr_matrix]] = {}

    def tfidf(self, split: Split, word: tuple[int, int], char: tuple[int, int]) -> tuple:
        key = (id(split), word, char)
        if key not in self._cache:
            self._cache.clear()
            vecs = [
                TfidfVectorizer(analyzer="word", ngram_range=word, sublinear_tf=True, dtype=np.float32),
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=char, min_df=2, sublinear_tf=True, dtype=np.float32
                ),
            ]
            tr, te = split
            self._cache[key] = (
                sparse.hstack([v.fit_transform(self.docs[tr]) for v in vecs]).tocsr(),
                sparse.hstack([v.transform(self.docs[te]) for v in vecs]).tocsr(),
            )
        return self._cache[key]


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return np.asarray(e / e.sum(axis=1, keepdims=True))


Variant = Callable[[Data, Split], np.ndarray]


def svm(word: tuple[int, int] = (1, 2), char: tuple[int, int] = (2, 5), c: float = 0.5) -> Variant:
    def run(d: Data, split: Split) -> np.ndarray:
        a, b = d.tfidf(split, word, char)
        return np.asarray(LinearSVC(C=c).fit(a, d.y[split[0]]).predict(b))

    return run


def emb_lr(d: Data, split: Split) -> np.ndarray:
    assert d.emb is not None
    model = LogisticRegression(C=20, max_iter=300).fit(d.emb[split[0]], d.y[split[0]])
    return np.asarray(model.predict(d.emb[split[1]]))


def knn(k: int = 10) -> Variant:
    def run(d: Data, split: Split) -> np.ndarray:
        assert d.emb is not None
        tr, te = split
        sims = d.emb[te] @ d.emb[tr].T
        top = np.argsort(-sims, axis=1)[:, :k]
        classes, y = np.unique(d.y[tr], return_inverse=True)
        votes = np.zeros((len(te), len(classes)))
        rows = np.arange(len(te))
        for j in range(k):
            np.add.at(votes, (rows, y[top[:, j]]), sims[rows, top[:, j]])
        return np.asarray(classes[votes.argmax(axis=1)])

    return run


def concat(weight: float, c: float = 0.5) -> Variant:
    """TF-IDF and MiniLM vectors (scaled by `weight`) side by side in one linear SVM."""

    def run(d: Data, split: Split) -> np.ndarray:
        assert d.emb is not None
        a, b = d.tfidf(split, (1, 2), (2, 5))
        tr, te = split
        a = sparse.hstack([a, sparse.csr_matrix(d.emb[tr] * weight)]).tocsr()
        b = sparse.hstack([b, sparse.csr_matrix(d.emb[te] * weight)]).tocsr()
        return np.asarray(LinearSVC(C=c).fit(a, d.y[tr]).predict(b))

    return run


def blend(share: float, temperature: float = 0.1) -> Variant:
    """Average of the SVM's softmaxed scores and a logistic regression on MiniLM vectors."""

    def run(d: Data, split: Split) -> np.ndarray:
        assert d.emb is not None
        a, b = d.tfidf(split, (1, 2), (2, 5))
        tr, te = split
        svm_model = LinearSVC(C=0.5).fit(a, d.y[tr])
        lr = LogisticRegression(C=20, max_iter=300).fit(d.emb[tr], d.y[tr])
        p = (1 - share) * _softmax(svm_model.decision_function(b), temperature)
        p += share * lr.predict_proba(d.emb[te])
        return np.asarray(svm_model.classes_[p.argmax(axis=1)])

    return run


VARIANTS: dict[str, tuple[str, Variant, bool]] = {
    "base": ("TF-IDF word 1-2 + char_wb 2-5, LinearSVC C=0.5 (served)", svm(), False),
    "w13": ("word 1-3 + char_wb 2-5, C=0.5", svm(word=(1, 3)), False),
    "C0.2": ("word 1-2 + char_wb 2-5, C=0.2", svm(c=0.2), False),
    "C1": ("word 1-2 + char_wb 2-5, C=1", svm(c=1.0), False),
    "w13C0.2": ("word 1-3 + char_wb 2-5, C=0.2", svm(word=(1, 3), c=0.2), False),
    "emb_lr": ("MiniLM vectors, logistic regression", emb_lr, True),
    "knn": ("MiniLM vectors, 10-NN cosine vote", knn(10), True),
    "concat2": ("TF-IDF + 2 x MiniLM in one SVM", concat(2.0), True),
    "concat3": ("TF-IDF + 3 x MiniLM in one SVM", concat(3.0), True),
    "blend0.5": ("SVM softmax 0.5 + MiniLM LR 0.5", blend(0.5), True),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", choices=sorted(SETS), default="banking77")
    parser.add_argument("--variants", default="base", help=f"comma-separated: {', '.join(VARIANTS)}")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    wanted = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in wanted if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant(s): {', '.join(unknown)}")
    data = Data(args.data, embed=any(VARIANTS[v][2] for v in wanted))
    rows = []
    for key in wanted:
        name, run, embeds = VARIANTS[key]
        accuracies, f1s, started = [], [], time.perf_counter()
        for split in data.splits:
            predicted = run(data, split)
            accuracies.append(accuracy_score(data.y[split[1]], predicted))
            f1s.append(f1_score(data.y[split[1]], predicted, average="macro", zero_division=0))
        row = {
            "name": f"{args.data}: {name}",
            "accuracy": float(np.mean(accuracies)),
            "macro_f1": float(np.mean(f1s)),
            "train_seconds": (time.perf_counter() - started) / len(data.splits),
        }
        if embeds and data.embed_ms:
            row["cpu_p50_ms"], row["cpu_p99_ms"] = data.embed_ms  # the encoder alone, per ticket
        rows.append(row)
        if not args.json:
            print(f"done: {row['name']}", file=sys.stderr, flush=True)
    print(json.dumps({"results": rows}) if args.json else table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
