"""The attachments folder (Django's storage root) in whole-installation backups."""

from __future__ import annotations

import os
import tarfile
from pathlib import Path

from django.core.files.storage import FileSystemStorage, default_storage

from operations.errors import OperationError


def storage_root() -> Path:
    """Where the default storage keeps its files; only a local folder can be archived here."""
    # default_storage is a lazy proxy; isinstance sees the storage it stands for.
    if not isinstance(default_storage, FileSystemStorage):
        raise OperationError(
            f"Attachments are kept by {type(default_storage).__name__}, not in a local folder: back "
            "them up with that storage's own tools and pass --no-media."
        )
    return Path(default_storage.location).resolve()


def media_files(root: Path) -> list[Path]:
    """Regular files under `root`, in a stable order (links are not followed)."""
    if not root.is_dir():
        return []
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        found.extend(Path(folder) / name for name in sorted(files) if (Path(folder) / name).is_file())
    return found


def pack_media(root: Path, dest: Path) -> tuple[int, int]:
    """Write every file under `root` to the tar `dest`; returns (files, bytes)."""
    files = media_files(root)
    total = 0
    with tarfile.open(dest, "w") as tar:
        for path in files:
            tar.add(path, arcname=str(path.relative_to(root)), recursive=False)
            total += path.stat().st_size
    return len(files), total


def is_empty_folder(root: Path) -> bool:
    return not media_files(root)


def unpack_media(source: Path, root: Path) -> tuple[int, int]:
    """Extract the tar `source` into `root`; returns (files, bytes) as found on disk afterwards."""
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source, "r") as tar:
        members = [member for member in tar.getmembers() if member.isfile()]
        tar.extractall(root, members=members, filter="data")
    total = 0
    for member in members:
        path = root / member.name
        if not path.is_file() or path.stat().st_size != member.size:
            raise OperationError(f"Attachment {member.name} was not restored whole into {root}.")
        total += member.size
    return len(members), total
