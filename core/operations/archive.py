"""Archives of the operations commands: a tar holding named parts and a manifest of their checksums.

Written beside the destination and renamed into place, so a crash never leaves a file that
looks like a finished archive; read by unpacking into a temporary directory and checking
every part's SHA-256 against the manifest before anything is restored from it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from operations.errors import OperationError

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def describe_part(path: Path) -> dict[str, Any]:
    return {"bytes": path.stat().st_size, "sha256": sha256_file(path)}


def human_bytes(size: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def check_new_output(output: Path) -> Path:
    output = output.expanduser().resolve()
    if output.exists():
        raise OperationError(
            f"{output} exists already; choose a new file name (archives are never overwritten)."
        )
    if not output.parent.is_dir():
        raise OperationError(f"{output.parent} is not a directory.")
    return output


@contextmanager
def staging_dir(output: Path) -> Iterator[Path]:
    """A work directory beside `output` (same disk), removed afterwards whatever happens."""
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=f".{output.name}.") as tmp:
        yield Path(tmp)


def write_archive(output: Path, staged: Path, manifest: dict[str, Any]) -> int:
    """Tar the manifest and every part it lists from `staged` into `output`; returns its size.

    Parts are stored as they are: the database dump is compressed already; name the output
    `.tar.gz` to compress the rest.
    """
    manifest = {**manifest, "format_version": FORMAT_VERSION}
    (staged / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    partial = output.with_name(output.name + ".partial")
    mode = "w:gz" if output.name.endswith((".gz", ".tgz")) else "w"
    try:
        with tarfile.open(partial, mode) as tar:  # type: ignore[call-overload]  # mode is a literal
            tar.add(staged / MANIFEST, arcname=MANIFEST)
            for name in manifest["parts"]:
                tar.add(staged / name, arcname=name, recursive=False)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return output.stat().st_size


@contextmanager
def open_archive(path: Path, *, kind: str) -> Iterator[tuple[dict[str, Any], Path]]:
    """(manifest, directory of its parts) of a checked archive of `kind`, unpacked for the block."""
    path = path.expanduser().resolve()
    if not path.is_file():
        raise OperationError(f"{path}: no such archive.")
    # Unpacked beside the archive when possible: the same disk, not a small /tmp (a tmpfs in
    # the container).
    beside = path.parent if os.access(path.parent, os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix=".frontline-archive-", dir=beside) as tmp:
        root = Path(tmp)
        try:
            with tarfile.open(path, "r:*") as tar:
                # The "data" filter refuses absolute names, "..", devices and links leading out.
                tar.extractall(root, filter="data")
        except tarfile.ReadError as exc:
            raise OperationError(f"{path} is not a readable archive (not a tar file, or cut short).") from exc
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise OperationError(f"{path} could not be unpacked: {str(exc).splitlines()[0]}") from exc
        manifest = _load_manifest(root, path, kind)
        for name, part in manifest["parts"].items():
            _check_part(root, path, name, part)
        yield manifest, root


def _load_manifest(root: Path, path: Path, kind: str) -> dict[str, Any]:
    try:
        manifest = json.loads((root / MANIFEST).read_text())
    except FileNotFoundError as exc:
        raise OperationError(f"{path} has no {MANIFEST}: not a Frontline archive.") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise OperationError(f"{path}: its {MANIFEST} is damaged ({exc}).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != kind:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise OperationError(f"{path} is a {found or 'unknown'} archive, not a {kind} archive.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise OperationError(
            f"{path} has format version {manifest.get('format_version')}; "
            f"this Frontline reads version {FORMAT_VERSION}."
        )
    if not isinstance(manifest.get("parts"), dict):
        raise OperationError(f"{path}: its {MANIFEST} lists no parts.")
    return manifest


def _check_part(root: Path, path: Path, name: str, part: dict[str, Any]) -> None:
    parts = Path(name).parts
    if Path(name).is_absolute() or ".." in parts or not parts:
        raise OperationError(f"{path}: its {MANIFEST} names a part outside the archive ({name!r}).")
    file = root / name
    if not file.is_file():
        raise OperationError(f"{path} is incomplete: {name} is missing. Nothing was restored.")
    found = sha256_file(file)
    if found != part.get("sha256"):
        raise OperationError(
            f"{path} is damaged: {name} has SHA-256 {found[:16]}…, the manifest says "
            f"{str(part.get('sha256'))[:16]}…. Nothing was restored."
        )
