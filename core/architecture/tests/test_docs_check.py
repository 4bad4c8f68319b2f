"""scripts/check_docs.py: the README stays a first page and every link in README/docs leads into the repo."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]


@cache
def check_docs() -> Any:
    spec = importlib.util.spec_from_file_location("frontline_check_docs", REPO / "scripts" / "check_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def repo_with(tmp_path: Path, files: dict[str, str]) -> Path:
    base = {"README.md": "# Project\n", "docs/index.md": "# Docs\n", "docs/guide/page.md": "# Page\n"}
    for name, text in {**base, **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    return [str(p) for p in check_docs().check(repo_with(tmp_path, files))]


def test_the_repository_passes():
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "check_docs.py")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_readme_may_have_250_lines_not_251(tmp_path):
    assert problems(tmp_path, {"README.md": "line\n" * 250}) == []
    (found,) = problems(tmp_path, {"README.md": "line\n" * 251})
    assert found.startswith("README.md:251:") and "251 lines, at most 250" in found


@pytest.mark.parametrize(
    "link",
    [
        "[guide](docs/guide/page.md)",
        "[guide](docs/guide/page.md#a-heading)",
        "[docs](docs/)",
        "![picture](docs/index.md)",
        "[same page](#two-commands)",
        '[titled](docs/index.md "The docs")',
        "[ref]: docs/index.md",
    ],
)
def test_links_to_files_in_the_repository_pass(tmp_path, link):
    assert problems(tmp_path, {"README.md": f"# Project\n\nSee {link}.\n"}) == []


def test_every_missing_target_on_a_line_is_reported(tmp_path):
    found = problems(tmp_path, {"README.md": "# P\n\nSee [it](docs/gone.md) and ![x](docs/img/x.png).\n"})
    assert found == [
        "README.md:3: docs/gone.md does not exist",
        "README.md:3: docs/img/x.png does not exist",
    ]


@pytest.mark.parametrize(
    "link",
    [
        "[site](https://example.com/)",
        "[local](http://acme.localhost:8000/)",
        "<https://example.com/>",
        "see https://example.com/page for more",
        "[mail](mailto:someone@example.com)",
        "[ref]: https://example.com/",
        '<a href="https://example.com/">site</a>',
        "[shared](../shared/ARCHITECTURE.md)",
        "[root](/docs/index.md)",
        "[protocol relative](//example.com/x)",
    ],
)
def test_links_outside_the_repository_fail(tmp_path, link):
    (tmp_path.parent / "shared").mkdir(exist_ok=True)
    (tmp_path.parent / "shared" / "ARCHITECTURE.md").write_text("# outside\n")
    (found,) = problems(tmp_path, {"README.md": f"# P\n\n{link}\n"})
    assert found.startswith("README.md:3:")
    assert "outside the repository" in found or "absolute path" in found


@pytest.mark.parametrize(
    "text",
    [
        "Open `http://acme.localhost:8000/` and sign in.",
        "Use ``[a](https://example.com/)`` literally.",
        "A span over a line break: `DATABASE_URL=postgres://db\nREDIS_URL=redis://r` works.",
        "```sh\ncurl https://example.com/ [x](gone.md)\n```",
        "1. Step\n\n   ```sh\n   curl http://acme.localhost:8000/api/v1/tickets\n   ```",
    ],
)
def test_code_is_not_a_link(tmp_path, text):
    assert problems(tmp_path, {"README.md": f"# P\n\n{text}\n"}) == []


@pytest.mark.parametrize("text", ["Data in `../shared/data`.", "```sh\nls ../shared/data\n```"])
def test_the_team_folder_is_not_named_even_in_code(tmp_path, text):
    found = problems(tmp_path, {"docs/index.md": f"# Docs\n\n{text}\n"})
    assert found == [
        f"docs/index.md:{3 if text.startswith('Data') else 4}: ../shared is not in a user's clone"
    ]


def test_line_numbers_count_code_blocks(tmp_path):
    text = "# P\n\n```\ncode\n```\n\n[x](gone.md)\n"
    assert problems(tmp_path, {"README.md": text}) == ["README.md:7: gone.md does not exist"]


def test_docs_pages_link_only_inside_docs(tmp_path):
    files = {
        "docs/guide/page.md": "# Page\n\n[home](../index.md), [readme](../../README.md), [folder](../guide/)\n",
        "scripts/tool.py": "",
    }
    assert problems(tmp_path, files) == [
        "docs/guide/page.md:3: ../../README.md leaves docs/: the docs site can only follow links to files in docs/",
        "docs/guide/page.md:3: ../guide/ is a folder: link its index.md or README.md",
    ]


def test_main_exits_1_and_names_each_problem(tmp_path, capsys):
    root = repo_with(tmp_path, {"docs/index.md": "# Docs\n\n[x](https://example.com/)\n"})
    assert check_docs().main(["--root", str(root)]) == 1
    assert "docs/index.md:3: https://example.com/ points outside the repository" in capsys.readouterr().err
    assert check_docs().main(["--root", str(repo_with(tmp_path, {"docs/index.md": "# Docs\n"}))]) == 0
