"""Model artifacts are JSON + plain numeric arrays: loading never unpickles anything."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from ai.storage import StorageError, VersionStore, read_bundle, tenant_dir
from ai.tests.conftest import labelled
from ai.textmodel import TextClassifier


class Boom:
    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path("/tmp/ai-pickle-ran").touch, ())


def test_roundtrip_gives_identical_predictions(tmp_path: Path) -> None:
    rows = labelled()
    model = TextClassifier.train([r["text"] for r in rows], [r["label"] for r in rows])
    store = VersionStore(tmp_path, 7, "category")
    version = store.save(*model.to_arrays())
    loaded = TextClassifier.from_arrays(*store.load(version))
    texts = ["refund please", "cannot sign in", "parcel late", "zzz"]
    assert np.allclose(loaded.predict_proba(texts), model.predict_proba(texts))
    assert loaded.labels == model.labels


def test_an_object_array_in_a_bundle_is_refused(tmp_path: Path) -> None:
    # Given a tampered bundle whose npz holds a pickled object array
    folder = tmp_path / "v1"
    folder.mkdir()
    (folder / "meta.json").write_text("{}")
    np.savez(folder / "arrays.npz", coef=np.array([Boom()], dtype=object))
    # When it is loaded, numpy refuses instead of running the pickle
    with pytest.raises(ValueError, match="allow_pickle"):
        read_bundle(folder)
    assert not Path("/tmp/ai-pickle-ran").exists()
    assert pickle  # the payload above really is a pickle gadget


def test_mismatched_arrays_are_refused(tmp_path: Path) -> None:
    rows = labelled()
    meta, arrays = TextClassifier.train([r["text"] for r in rows], [r["label"] for r in rows]).to_arrays()
    arrays["coef"] = arrays["coef"][:, :10]
    with pytest.raises(ValueError, match="do not match"):
        TextClassifier.from_arrays(meta, arrays)
    with pytest.raises(ValueError, match="unknown model format"):
        TextClassifier.from_arrays({**meta, "format": "pickle"}, arrays)


@pytest.mark.parametrize("tenant", [0, -3])
def test_tenant_folder_needs_a_positive_id(tmp_path: Path, tenant: int) -> None:
    with pytest.raises(StorageError):
        tenant_dir(tmp_path, tenant)


def test_bad_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError):
        VersionStore(tmp_path, 1, "../x")


def test_temperature_makes_confidence_follow_accuracy() -> None:
    # Given a model calibrated on held-out tickets it gets right, and one calibrated on tickets
    # whose labels are shuffled (it is mostly wrong on them)
    import random

    rows = labelled()
    texts, labels = [r["text"] for r in rows], [r["label"] for r in rows]
    shuffled = labels[:]
    random.Random(1).shuffle(shuffled)
    sure = TextClassifier.train(texts, labels)
    sure.calibrate(texts, labels)
    unsure = TextClassifier.train(texts, labels)
    unsure.calibrate(texts, shuffled)
    # Then the second reports lower confidence for the same predictions
    assert unsure.temperature > sure.temperature
    probe = ["refund on my invoice", "password reset", "parcel late"]
    assert max(p for _, p in unsure.predict(probe)) < min(p for _, p in sure.predict(probe))
