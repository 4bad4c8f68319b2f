"""Category-model variants tried against the service's TF-IDF + linear SVM, on the same folds.

    nice -n 10 .venv/bin/python bench/ai_variants.py --data banking77 --variants base,joint,fast
    nice -n 10 .venv/bin/python bench/ai_variants.py --data it_tickets --variants grid --vector-cache DIR

BANKING77 is scored with 5-fold CV on its train split, the IT tickets with the 80/20 hold-out
of their train split (as bench/ai_eval.py does): the held-back test splits are never read, so
the grids here choose hyper-parameters on training data only. MiniLM variants encode every text
once with the service's encoder as it classifies (64 word pieces; slow: ~1 min per 10,000 short
texts on a busy machine; --vector-cache DIR keeps them), WordLlama ones with the static encoder
(~0.1 ms a text). Each row reports the encoder's own per-ticket CPU cost, which it adds to
classify latency. Prints a table (or --json).
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

from ai.embeddings import CLASSIFY_TOKENS, load_encoder
from ai.static_embeddings import load_static_encoder
from ai.textmodel import normalize
from bench.ai_eval import DATA, Vectors, percentiles, read_csv, table

SETS = {
    "banking77": (DATA / "banking77" / "train.csv", ["text"], "category"),
    "it_tickets": (DATA / "it_tickets" / "train.csv", ["Document"], "Topic_group"),
}
Split = tuple[np.ndarray, np.ndarray]


def _cpu_ms(encode: Callable[[str], object], texts: list[str]) -> tuple[float, float]:
    """p50/p99 CPU ms of encoding one text (ones never seen, so no cache answers)."""
    cpu = []
    for text in texts[-200:]:
        started = time.thread_time()
        encode(text + " ?")
        cpu.append(time.thread_time() - started)
    return percentiles(cpu)


class Data:
    def __init__(self, name: str, embed: set[str], vector_cache: Path | None = None):
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
        self.emb: np.ndarray | None = None  # MiniLM, as served
        self.static: np.ndarray | None = None  # WordLlama
        self.embed_ms: dict[str, tuple[float, float]] = {}
        if "minilm" in embed:
            encoder = load_encoder()
            if encoder is None:
                raise SystemExit("MiniLM variants need the MiniLM model files")
            self.emb, _ = Vectors(encoder, vector_cache).of(texts)
            self.embed_ms["minilm"] = _cpu_ms(
                lambda t: encoder.encode([t], max_tokens=CLASSIFY_TOKENS), texts
            )
        if "static" in embed:
            static = load_static_encoder()
            if static is None:
                raise SystemExit("WordLlama variants need the wordllama package")
            self.static = static.encode(texts)
            self.embed_ms["static"] = _cpu_ms(lambda t: static.encode([t]), texts)
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


def _vectors(d: Data, which: str) -> np.ndarray:
    blocks = {"minilm": [d.emb], "static": [d.static], "both": [d.emb, d.static]}[which]
    if any(b is None for b in blocks):
        raise SystemExit(f"variant needs {which} vectors")
    return np.hstack(blocks)  # type: ignore[arg-type]  # checked above


def joint(which: str, weight: float, c: float = 0.5) -> Variant:
    """TF-IDF and sentence vectors (scaled by `weight`) side by side in one linear SVM: what the
    service trains (ai.textmodel), here on precomputed folds."""

    def run(d: Data, split: Split) -> np.ndarray:
        a, b = d.tfidf(split, (1, 2), (2, 5))
        tr, te = split
        vectors = _vectors(d, which)
        a = sparse.hstack([a, sparse.csr_matrix(vectors[tr] * weight)]).tocsr()
        b = sparse.hstack([b, sparse.csr_matrix(vectors[te] * weight)]).tocsr()
        return np.asarray(LinearSVC(C=c).fit(a, d.y[tr]).predict(b))

    return run


def joint_lr(which: str, weight: float, c: float = 20.0) -> Variant:
    """The same concatenation in a multinomial logistic regression (probabilities without a
    temperature)."""

    def run(d: Data, split: Split) -> np.ndarray:
        a, b = d.tfidf(split, (1, 2), (2, 5))
        tr, te = split
        vectors = _vectors(d, which)
        a = sparse.hstack([a, sparse.csr_matrix(vectors[tr] * weight)]).tocsr()
        b = sparse.hstack([b, sparse.csr_matrix(vectors[te] * weight)]).tocsr()
        return np.asarray(LogisticRegression(C=c, max_iter=300).fit(a, d.y[tr]).predict(b))

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


MINILM, STATIC, BOTH = {"minilm"}, {"static"}, {"minilm", "static"}
VARIANTS: dict[str, tuple[str, Variant, set[str]]] = {
    "base": ("TF-IDF word 1-2 + char_wb 2-5, LinearSVC C=0.5 (the TF-IDF-only pipeline)", svm(), set()),
    "w13": ("word 1-3 + char_wb 2-5, C=0.5", svm(word=(1, 3)), set()),
    "C0.2": ("word 1-2 + char_wb 2-5, C=0.2", svm(c=0.2), set()),
    "C1": ("word 1-2 + char_wb 2-5, C=1", svm(c=1.0), set()),
    "w13C0.2": ("word 1-3 + char_wb 2-5, C=0.2", svm(word=(1, 3), c=0.2), set()),
    "emb_lr": ("MiniLM vectors, logistic regression", emb_lr, MINILM),
    "knn": ("MiniLM vectors, 10-NN cosine vote", knn(10), MINILM),
    "blend0.5": ("SVM softmax 0.5 + MiniLM LR 0.5 (two models averaged)", blend(0.5), MINILM),
    "lr_minilm": ("TF-IDF + 2 x MiniLM, one logistic regression C=20", joint_lr("minilm", 2.0), MINILM),
    "both": ("TF-IDF + 2 x MiniLM + 2 x WordLlama in one SVM", joint("both", 2.0), BOTH),
}
# The grids that chose ai.textmodel's JOINT_C and VECTOR_WEIGHT (training splits only).
for _w in (1.0, 2.0, 3.0):
    for _c in (0.5, 1.0):
        VARIANTS[f"minilm_w{_w:g}_C{_c:g}"] = (
            f"TF-IDF + {_w:g} x MiniLM in one SVM, C={_c:g}",
            joint("minilm", _w, _c),
            MINILM,
        )
        VARIANTS[f"static_w{_w:g}_C{_c:g}"] = (
            f"TF-IDF + {_w:g} x WordLlama in one SVM, C={_c:g}",
            joint("static", _w, _c),
            STATIC,
        )
GROUPS = {
    "grid": [k for k in VARIANTS if k.startswith(("minilm_w", "static_w"))],
    "minilm_grid": [k for k in VARIANTS if k.startswith("minilm_w")],
    "static_grid": [k for k in VARIANTS if k.startswith("static_w")],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", choices=sorted(SETS), default="banking77")
    parser.add_argument(
        "--variants", default="base", help=f"comma-separated: {', '.join([*GROUPS, *VARIANTS])}"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--folds", type=int, default=5, help="score the first N of the 5 folds (grids on a busy machine)"
    )
    parser.add_argument(
        "--vector-cache", type=Path, help="folder (outside the repository) for MiniLM vectors"
    )
    args = parser.parse_args(argv)
    wanted = [k for v in args.variants.split(",") if v.strip() for k in GROUPS.get(v.strip(), [v.strip()])]
    unknown = [v for v in wanted if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant(s): {', '.join(unknown)}")
    data = Data(args.data, set().union(*(VARIANTS[v][2] for v in wanted)), args.vector_cache)
    scores: dict[str, tuple[list[float], list[float], list[float]]] = {k: ([], [], []) for k in wanted}
    # Folds outside, variants inside: each fold's TF-IDF matrices are built once.
    for split in data.splits[: args.folds]:
        for key in wanted:
            started = time.perf_counter()
            predicted = VARIANTS[key][1](data, split)
            scores[key][0].append(accuracy_score(data.y[split[1]], predicted))
            scores[key][1].append(f1_score(data.y[split[1]], predicted, average="macro", zero_division=0))
            scores[key][2].append(time.perf_counter() - started)
            if not args.json:
                print(f"fold done: {key} {scores[key][0][-1]:.4f}", file=sys.stderr, flush=True)
    rows = []
    for key in wanted:
        name, _, encoders = VARIANTS[key]
        accuracies, f1s, seconds = scores[key]
        row = {
            "name": f"{args.data}: {name}",
            "accuracy": float(np.mean(accuracies)),
            "macro_f1": float(np.mean(f1s)),
            "train_seconds": float(np.mean(seconds)),
        }
        if encoders:  # the encoders' own cost per ticket, CPU
            p50 = sum(data.embed_ms[e][0] for e in encoders)
            p99 = sum(data.embed_ms[e][1] for e in encoders)
            row["cpu_p50_ms"], row["cpu_p99_ms"] = p50, p99
        rows.append(row)
    print(json.dumps({"results": rows}) if args.json else table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
