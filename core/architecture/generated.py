"""The generated architecture documents: where each lives and how it is rendered."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from architecture import catalog, er, events, frontend

DOCS_DIR = Path(settings.REPO_DIR) / "docs" / "architecture"

GENERATED: dict[str, Callable[[], str]] = {
    "DATABASE_MODEL_RELATIONSHIP_DIAGRAM.md": er.render,
    "DATABASE_SCHEMA_ANALYSIS_REPORT.md": catalog.render,
    "FRONTEND_ARCHITECTURE.md": frontend.render,
    "EVENTS.md": events.render,
}


def stale_files() -> list[str]:
    """Names of generated files whose content differs from what the code gives now."""
    stale = []
    for name, render in GENERATED.items():
        path = DOCS_DIR / name
        if not path.exists() or path.read_text() != render():
            stale.append(name)
    return stale


def write_all() -> list[Path]:
    DOCS_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for name, render in GENERATED.items():
        path = DOCS_DIR / name
        path.write_text(render())
        written.append(path)
    return written
