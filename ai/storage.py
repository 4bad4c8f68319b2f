"""Per-tenant artifact storage: JSON + .npz (allow_pickle=False) in versioned folders, atomic writes.

Layout: <data_dir>/tenants/<tenant_id>/<kind>/v<N>/{meta.json,arrays.npz} and
<kind>/ACTIVE (the active version number). Nothing here ever unpickles: a file a tenant's
data or the network could influence is read as JSON or as raw numeric arrays only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

_KIND = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class StorageError(Exception):
    pass


def tenant_dir(root: Path, tenant_id: int) -> Path:
    # tenant_id is an int from the path: no traversal is possible through it.
    if not isinstance(tenant_id, int) or tenant_id <= 0:
        raise StorageError("tenant id must be a positive integer")
    return root / "tenants" / str(tenant_id)


def _atomic_write(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bundle(folder: Path, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """Write meta.json and arrays.npz into `folder` (created; replaced as a whole if present)."""
    staging = folder.with_name(f".{folder.name}.staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    np.savez(staging / "arrays.npz", **{k: np.ascontiguousarray(v) for k, v in arrays.items()})  # type: ignore[arg-type]  # numpy stubs mistype **kwds
    (staging / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    if folder.exists():
        shutil.rmtree(folder)
    os.replace(staging, folder)


def read_bundle(folder: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    with np.load(folder / "arrays.npz", allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    return meta, arrays


class VersionStore:
    """Numbered versions of one kind of model for one tenant, with an ACTIVE pointer."""

    def __init__(self, root: Path, tenant_id: int, kind: str):
        if not _KIND.match(kind):
            raise StorageError("bad model kind")
        self.base = tenant_dir(root, tenant_id) / kind

    def versions(self) -> list[int]:
        if not self.base.exists():
            return []
        return sorted(int(p.name[1:]) for p in self.base.iterdir() if re.fullmatch(r"v\d+", p.name))

    def active(self) -> int | None:
        pointer = self.base / "ACTIVE"
        if not pointer.exists():
            return None
        value = pointer.read_text().strip()
        return int(value) if value.isdigit() else None

    def set_active(self, version: int | None) -> None:
        if version is not None and version not in self.versions():
            raise StorageError(f"version {version} does not exist")
        text = "" if version is None else str(version)
        _atomic_write(self.base / "ACTIVE", lambda h: h.write(text.encode()))

    def save(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> int:
        version = max(self.versions(), default=0) + 1
        write_bundle(self.base / f"v{version}", {**meta, "version": version}, arrays)
        return version

    def load(self, version: int) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        folder = self.base / f"v{version}"
        if not folder.exists():
            raise StorageError(f"version {version} does not exist")
        return read_bundle(folder)

    def meta(self, version: int) -> dict[str, Any]:
        return dict(json.loads((self.base / f"v{version}" / "meta.json").read_text(encoding="utf-8")))

    def prune(self, keep: int) -> None:
        """Drop the oldest versions beyond `keep`, never the active one."""
        active = self.active()
        old = [v for v in self.versions() if v != active]
        for version in old[: max(0, len(old) - (keep - 1))]:
            shutil.rmtree(self.base / f"v{version}", ignore_errors=True)
