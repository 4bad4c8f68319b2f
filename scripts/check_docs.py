"""Check README.md and docs/: the README stays a first page, and every link leads somewhere in the repo.

    python scripts/check_docs.py            # print each problem as file:line; exit 1 if any (make lint)

The rules:
- README.md has at most 250 lines; detail belongs in docs/.
- A relative link (or image) names a file or folder that exists in the repository; a page in
  docs/ links only to files in docs/, which is what the MkDocs site can follow.
- No link points outside the repository: no URL with a scheme (http, https, mailto, ...),
  localhost included (the reader's machine is not ours to link: write such a URL as a code
  span), no absolute path, no `../` above the repository root. GitHub turns a bare URL in the
  text into a link, so a bare URL counts too.
Code blocks and code spans are not links: a URL shown there is text for the reader.
- The team's folder beside the checkout (`../shared`) is not named at all, not even in code:
  a user's clone does not have it.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

REPO = Path(__file__).resolve().parent.parent
README_MAX_LINES = 250
# Folders beside the team's checkouts that no user's clone has.
TEAM_ONLY_FOLDERS = ("../shared",)

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
# A run of backticks, then anything up to the same run, never across a blank line.
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1)[^\n]|\n(?![ \t]*\n))+?\1")
_INLINE_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*)>")
_HTML_ATTRIBUTE = re.compile(r"\b(?:href|src)\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)
_BARE_URL = re.compile(r"(?:\b[a-zA-Z][a-zA-Z0-9+.-]*://|\bwww\.)[^\s<>()\[\]]+")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def pages(root: Path) -> list[Path]:
    """The Markdown files the rules cover: README.md and everything under docs/."""
    found = [root / "README.md"] if (root / "README.md").is_file() else []
    return found + sorted((root / "docs").rglob("*.md"))


def prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) outside fenced code blocks, with code spans blanked out.

    A code span may run over a line break inside its paragraph. Indented code blocks are not
    recognised: these pages fence their code, and a four-space indent here is a nested list
    item's continuation, whose links must still be checked.
    """
    lines: list[str] = []
    fence: str | None = None
    for line in text.splitlines():
        opened = _FENCE.match(line)
        if fence is None and opened:
            fence = opened.group(1)
        elif fence is not None and opened and opened.group(1)[0] == fence[0]:
            if len(opened.group(1)) >= len(fence) and not line.strip()[len(opened.group(1)) :]:
                fence = None
        elif fence is None:
            lines.append(line)
            continue
        lines.append("")  # fence lines and code keep their place, so line numbers stay right
    prose = _CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), "\n".join(lines))
    for number, line in enumerate(prose.split("\n"), start=1):
        if line.strip():
            yield number, line


def link_targets(line: str) -> Iterator[str]:
    """Every link target on one prose line: inline links, images, definitions, autolinks, bare URLs."""
    found: list[str] = []
    rest = line
    for pattern in (_INLINE_LINK, _REFERENCE_DEFINITION, _AUTOLINK, _HTML_ATTRIBUTE):
        found += [m.group(1) for m in pattern.finditer(rest)]
        rest = pattern.sub(" ", rest)
    found += [m.group(0).rstrip(".,;:!?'\"") for m in _BARE_URL.finditer(rest)]
    yield from found


def target_problem(root: Path, page: Path, target: str) -> str | None:
    """Why `target`, linked from `page`, is not allowed; None when it is."""
    if target == "" or target.startswith("#"):
        return None  # a heading on the same page (MkDocs checks the anchor)
    if _SCHEME.match(target) or target.startswith(("//", "www.")):
        return (
            f"{target} points outside the repository "
            "(a URL for the reader's own machine goes in a code span, not a link)"
        )
    if target.startswith("/"):
        return f"{target} is an absolute path: link relative to this file"
    path = unquote(re.split(r"[#?]", target, maxsplit=1)[0])
    # normpath, not resolve(): a symlink in the checkout must not decide where a link leads.
    resolved = Path(os.path.normpath(page.parent / path))
    if not resolved.is_relative_to(root):
        return f"{target} points outside the repository"
    if not resolved.exists():
        return f"{target} does not exist"
    docs = root / "docs"
    if page.is_relative_to(docs):
        if not resolved.is_relative_to(docs):
            return f"{target} leaves docs/: the docs site can only follow links to files in docs/"
        if resolved.is_dir():
            return f"{target} is a folder: link its index.md or README.md"
    return None


def check(root: Path) -> list[Problem]:
    root = Path(os.path.normpath(root.absolute()))
    problems: list[Problem] = []
    readme = root / "README.md"
    if readme.is_file():
        count = len(readme.read_text(encoding="utf-8").splitlines())
        if count > README_MAX_LINES:
            problems.append(
                Problem(
                    "README.md",
                    README_MAX_LINES + 1,
                    f"README.md has {count} lines, at most {README_MAX_LINES}: move detail into docs/",
                )
            )
    for page in pages(root):
        shown = page.relative_to(root).as_posix()
        text = page.read_text(encoding="utf-8")
        reported: set[int] = set()
        for number, line in prose_lines(text):
            for target in link_targets(line):
                message = target_problem(root, page, target)
                if message:
                    problems.append(Problem(shown, number, message))
                    reported.add(number)
        # Named as text or code (no link to report): still a folder the reader does not have.
        for number, line in enumerate(text.splitlines(), start=1):
            for folder in TEAM_ONLY_FOLDERS:
                if folder in line and number not in reported:
                    problems.append(Problem(shown, number, f"{folder} is not in a user's clone"))
    return sorted(problems, key=lambda p: (p.path, p.line))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO, help="the repository to check")
    args = parser.parse_args(argv)
    problems = check(args.root)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
