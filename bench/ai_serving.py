"""Serving figures of the category pipelines: batch classify throughput per core, memory of the
AI service's registry with N tenant models loaded (lazy, LRU), and one retrain of 10k tickets.

    nice .venv/bin/python bench/ai_serving.py --data DIR [--tenants 100] [--pipelines accurate,fast]

DIR holds banking77/train.csv (text,category); the default is the team's shared data folder
beside the checkout (bench/ai_eval.py finds it). Throughput is counted in CPU seconds of this
thread, so it is "tickets per second per core" even on a busy machine; wall seconds are printed
beside them. Prints a table, or one JSON object with --json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ai.embeddings import load_encoder
from ai.pipelines import Pipeline
from ai.registry import Registry
from ai.static_embeddings import load_static_encoder
from bench.ai_eval import DATA, read_csv


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(pipeline: Pipeline, texts: list[str], labels: list[str], tenants: int) -> dict[str, Any]:
    row: dict[str, Any] = {"name": f"[{pipeline}]"}
    with tempfile.TemporaryDirectory() as folder:
        registry = Registry(
            Path(folder),
            min_labelled=50,
            min_per_label=3,
            keep_versions=2,
            cache_size=tenants,
            encoder=load_encoder(),
            static=load_static_encoder(),
            pipeline=pipeline,
        )
        started, cpu = time.perf_counter(), time.process_time()
        result = registry.train(1, "category", texts, labels, force=True)
        row["train_seconds"], row["train_cpu_seconds"] = (
            time.perf_counter() - started,
            time.process_time() - cpu,
        )
        row["accuracy"] = result.metrics["accuracy"]
        # Batch classify: the service's path for /classify/batch (vectors, then the linear model).
        version, model = registry.active(1, "category")  # type: ignore[misc]  # trained above
        batch = texts[:2048]
        started, cpu = time.perf_counter(), time.thread_time()
        for start in range(0, len(batch), 256):
            chunk = batch[start : start + 256]
            model.predict_proba(chunk, registry.vectors_for(model, chunk))
        cpu_seconds = time.thread_time() - cpu
        row["tickets_per_cpu_second"] = len(batch) / cpu_seconds
        row["tickets_per_wall_second"] = len(batch) / (time.perf_counter() - started)
        # Memory: the same model copied to N tenants, each loaded once into the registry's LRU.
        source = registry.store(1, "category").base
        for tenant in range(2, tenants + 1):
            shutil.copytree(source, registry.store(tenant, "category").base)
        before = _rss_mib()
        for tenant in range(1, tenants + 1):
            registry.active(tenant, "category")
        row["rss_mib_models"] = _rss_mib()
        row["rss_mib_added"] = row["rss_mib_models"] - before
        row["tenants_loaded"] = tenants
        del version
    return row


COLUMNS = [
    ("accuracy", "held-out acc"),
    ("train_seconds", "retrain s"),
    ("train_cpu_seconds", "retrain CPU s"),
    ("tickets_per_cpu_second", "batch tickets/CPU-s"),
    ("tickets_per_wall_second", "batch tickets/wall-s"),
    ("rss_mib_models", "RSS MiB, N models"),
    ("rss_mib_added", "MiB added by N"),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--pipelines", default="accurate,fast,tfidf")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    texts, labels = read_csv(args.data / "banking77" / "train.csv", ["text"], "category")
    texts, labels = texts[: args.rows], labels[: args.rows]
    rows = [measure(p, texts, labels, args.tenants) for p in args.pipelines.split(",")]
    load = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        print(json.dumps({"results": rows, "load_average": load}, default=float))
    else:
        print("| pipeline | " + " | ".join(title for _, title in COLUMNS) + " |")
        print("|---" * (len(COLUMNS) + 1) + "|")
        for r in rows:
            print(f"| {r['name']} | " + " | ".join(f"{r[key]:.3g}" for key, _ in COLUMNS) + " |")
        print(f"\n{os.cpu_count()} CPUs, load average {load[0]} / {load[1]} / {load[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
