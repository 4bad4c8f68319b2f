"""Write docs/operations/environment.md: every environment variable the services read, from their source.

    python scripts/env_reference.py           # regenerate the page
    python scripts/env_reference.py --check   # exit 1 when the page is stale (CI runs this)

Nothing is imported: the modules are parsed (ast), so the page needs no database and no
secrets. A variable is found where the code calls os.environ.get / os.getenv / os.environ[...],
where it calls a module's own helper that reads its `name` argument from the environment
(`_env_bool("X", True)`, `_float(...)`, a `*_FILE` reader), and as the fields of a
pydantic-settings class (env_prefix + field name). The description is the comment nearest above
the read (or at the end of its line); the default is the code's own expression.
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = [
    "contracts/env.py",
    "core/config/settings/base.py",
    "core/config/settings/data.py",
    "core/config/settings/auth.py",
    "core/config/settings/security.py",
    "core/config/settings/files.py",
    "core/config/settings/workers.py",
    "core/config/settings/integrations.py",
    "core/config/settings/features.py",
    "core/config/database.py",
    "ai/config.py",
    "realtime/config.py",
    "realtime/__main__.py",
    "scripts/serve.py",
    "core/operations/pgtools.py",
    "core/operations/databases.py",
]
OUTPUT = REPO / "docs" / "operations" / "environment.md"
NO_DEFAULT = "(none)"


@dataclass
class Read:
    name: str
    default: str
    source: str
    line: int
    description: str
    target: str  # what the code calls the value: a setting, a field, an option or a function


@dataclass
class Variable:
    name: str
    defaults: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    description: str = ""


def _comments(text: str) -> dict[int, str]:
    """Line number -> comment text, from the tokenizer (a '#' inside a string is no comment)."""
    found: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            found[token.start[0]] = token.string.lstrip("#").strip()
    return found


def _is_section_rule(comment: str) -> bool:
    # "# -- hosts and tenants ----" headings name a group, not one variable.
    return comment.startswith("--")


class _Describer:
    """The nearest comment above a line, looking through the lines of the enclosing statement."""

    def __init__(self, text: str, tree: ast.Module) -> None:
        self.lines = text.splitlines()
        self.comments = _comments(text)
        self.statement_start: dict[int, int] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.stmt) and node.end_lineno is not None:
                for line in range(node.lineno, node.end_lineno + 1):
                    # The innermost statement wins: it starts last.
                    self.statement_start[line] = max(self.statement_start.get(line, 0), node.lineno)

    def _block_above(self, line: int) -> str:
        """The comment lines directly above `line` (a section rule ends the block)."""
        block = []
        current = line - 1
        while current >= 1 and self.lines[current - 1].strip().startswith("#"):
            comment = self.comments.get(current, "")
            if _is_section_rule(comment):
                break
            block.append(comment)
            current -= 1
        return " ".join(reversed(block)).strip()

    def describe(self, line: int) -> str:
        """The comment at the end of the line, else right above it, else right above its statement.

        Inside a multi-line statement (a list of command arguments) a comment belongs to the
        element below it, so only the lines directly above the read or its statement count.
        """
        trailing = self.comments.get(line)
        if trailing and not self.lines[line - 1].lstrip().startswith("#"):
            return trailing
        return self._block_above(line) or self._block_above(self.statement_start.get(line, line))


def _show(node: ast.expr | None) -> str:
    if node is None:
        return NO_DEFAULT
    if isinstance(node, ast.Lambda):
        node = node.body
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str" and node.args:
        node = node.args[0]  # str(25 * 1024 * 1024): the number is the default, str() is plumbing
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return ast.unparse(node)
    if isinstance(value, str):
        return repr(value) if value == "" else value
    return repr(value)


def _is_environ(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def _environ_key(node: ast.AST) -> tuple[ast.expr, ast.expr | None] | None:
    """(key, default) when `node` reads the environment."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
        owner, method = node.func.value, node.func.attr
        if (method == "get" and _is_environ(owner)) or (
            method == "getenv" and isinstance(owner, ast.Name) and owner.id == "os"
        ):
            return node.args[0], node.args[1] if len(node.args) > 1 else None
    if isinstance(node, ast.Subscript) and _is_environ(node.value) and isinstance(node.ctx, ast.Load):
        return node.slice, None
    return None


def _helper_suffixes(function: ast.FunctionDef) -> list[str] | None:
    """The suffixes a helper reads its first parameter under ('' for the name itself, '_FILE'...)."""
    if not function.args.args:
        return None
    param = function.args.args[0].arg
    suffixes = []
    for node in ast.walk(function):
        read = _environ_key(node)
        if read is None:
            continue
        key = read[0]
        if isinstance(key, ast.Name) and key.id == param:
            suffixes.append("")
        elif (
            isinstance(key, ast.JoinedStr)
            and len(key.values) == 2
            and isinstance(key.values[0], ast.FormattedValue)
            and isinstance(key.values[0].value, ast.Name)
            and key.values[0].value.id == param
            and isinstance(key.values[1], ast.Constant)
        ):
            suffixes.append(str(key.values[1].value))
    return sorted(set(suffixes)) or None


def _helper_default(call: ast.Call, function: ast.FunctionDef) -> ast.expr | None:
    params = [a.arg for a in function.args.args]
    for keyword in call.keywords:
        if keyword.arg == "default":
            return keyword.value
    if "default" in params and params.index("default") < len(call.args):
        return call.args[params.index("default")]
    if len(call.args) > 1:
        return call.args[1]
    # The helper's own default for its second parameter, e.g. env_value(name, default="").
    defaults = function.args.defaults
    first_defaulted = len(params) - len(defaults)
    return defaults[1 - first_defaulted] if len(params) > 1 and first_defaulted <= 1 else None


Helpers = dict[str, tuple[ast.FunctionDef, list[str]]]


def _local_helpers(tree: ast.Module) -> Helpers:
    return {
        node.name: (node, suffixes)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and (suffixes := _helper_suffixes(node))
    }


def _module_file(module: str, repo: Path) -> Path | None:
    """`contracts.env` -> contracts/env.py; core's apps are importable without the `core.` prefix."""
    relative = Path(*module.split(".")).with_suffix(".py")
    for base in (repo, repo / "core"):
        if (base / relative).is_file():
            return base / relative
    return None


def _helpers(tree: ast.Module, repo: Path) -> Helpers:
    """This module's helpers, those it imports from the project (`from contracts.env import
    env_value`), and module-level aliases of either (`_env_bool = env_bool`)."""
    helpers = _local_helpers(tree)
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            path = _module_file(node.module, repo)
            if path is None:
                continue
            theirs = _local_helpers(ast.parse(path.read_text()))
            for alias in node.names:
                if alias.name in theirs:
                    helpers[alias.asname or alias.name] = theirs[alias.name]
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Name)
            and node.value.id in helpers
            and isinstance(node.targets[0], ast.Name)
        ):
            helpers[node.targets[0].id] = helpers[node.value.id]
    return helpers


def _settings_classes(tree: ast.Module) -> Iterator[tuple[str, ast.ClassDef]]:
    """pydantic-settings classes and their env_prefix."""
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        if not any(ast.unparse(base).endswith("BaseSettings") for base in node.bases):
            continue
        prefix = ""
        for item in node.body:
            if isinstance(item, ast.Assign | ast.AnnAssign) and isinstance(item.value, ast.Call):
                for keyword in item.value.keywords:
                    if keyword.arg == "env_prefix" and isinstance(keyword.value, ast.Constant):
                        prefix = str(keyword.value.value)
        yield prefix, node


def _field_default(value: ast.expr | None) -> ast.expr | None:
    if isinstance(value, ast.Call) and ast.unparse(value.func).endswith("Field"):
        for keyword in value.keywords:
            if keyword.arg in {"default", "default_factory"}:
                return keyword.value
        return value.args[0] if value.args else None
    return value


def _targets(tree: ast.Module) -> dict[int, str]:
    """id(node) -> the name its value ends up under, found by walking up from each node.

    A module-level setting wins (DATABASES, not its helper's keyword), then a keyword argument
    (a dataclass field), an argparse option, and last the function that reads it.
    """
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    names: dict[int, str] = {}
    for node in ast.walk(tree):
        keyword = function = top_level = None
        current: ast.AST = node
        while id(current) in parents:
            parent = parents[id(current)]
            if isinstance(parent, ast.keyword) and parent.arg and parent.arg != "default":
                keyword = keyword or parent.arg
            elif (
                isinstance(parent, ast.Call)
                and parent.args
                and isinstance(parent.args[0], ast.Constant)
                and str(parent.args[0].value).startswith("--")
            ):
                keyword = keyword or str(parent.args[0].value)  # an argparse option
            elif isinstance(parent, ast.FunctionDef):
                function = function or f"{parent.name}()"
            elif isinstance(parent, ast.Assign | ast.AnnAssign) and top_level is None:
                target = parent.targets[0] if isinstance(parent, ast.Assign) else parent.target
                if isinstance(target, ast.Name):
                    top_level = target.id
            current = parent
        if function is not None:
            top_level = None  # a local variable of a function names nothing an operator knows
        name = top_level or keyword or function
        if name:
            names[id(node)] = name
    return names


def reads_in(path: Path, relative: str, repo: Path = REPO) -> list[Read]:
    text = path.read_text()
    tree = ast.parse(text)
    describer = _Describer(text, tree)
    targets = _targets(tree)
    helpers = _helpers(tree, repo)
    helper_nodes = {id(n) for fn, _ in helpers.values() for n in ast.walk(fn)}
    found: list[Read] = []

    def add(
        name: str, default: ast.expr | None, node: ast.AST, target: str = "", description: str = ""
    ) -> None:
        line = getattr(node, "lineno", 0)
        target = target or targets.get(id(node), "")
        description = description or describer.describe(line)
        found.append(Read(name, _show(default), relative, line, description, target))

    for node in ast.walk(tree):
        if id(node) in helper_nodes:
            continue  # the helper's own `os.environ.get(name)` is no variable
        read = _environ_key(node)
        if read is not None:
            key, default = read
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                add(key.value, default, node)
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers:
            function, suffixes = helpers[node.func.id]
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                base = node.args[0].value
                for suffix in suffixes:
                    if suffix:
                        description = f"Path of a file holding `{base}`, instead of the variable."
                        add(base + suffix, None, node, description=description)
                    else:
                        add(base, _helper_default(node, function), node)
    for prefix, cls in _settings_classes(tree):
        for item in cls.body:
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                if item.target.id == "model_config":
                    continue
                name = f"{prefix}{item.target.id}".upper()
                add(name, _field_default(item.value), item, target=f"{cls.name}.{item.target.id}")
    return found


def collect(repo: Path = REPO) -> list[Variable]:
    variables: dict[str, Variable] = {}
    for relative in SOURCES:
        path = repo / relative
        if not path.exists():
            continue
        for read in sorted(reads_in(path, relative, repo), key=lambda r: r.line):
            variable = variables.setdefault(read.name, Variable(read.name))
            if read.default not in variable.defaults:
                variable.defaults.append(read.default)
            if read.source not in variable.sources:
                variable.sources.append(read.source)
            if read.target and read.target not in variable.targets:
                variable.targets.append(read.target)
            if not variable.description and read.description:
                variable.description = read.description
    return sorted(variables.values(), key=lambda v: v.name)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(variables: list[Variable]) -> str:
    lines = [
        "# Environment variables",
        "",
        "<!-- Generated by scripts/env_reference.py from the source; do not edit by hand. -->",
        "",
        "Every variable the services read, with its default (the code's own expression when it is",
        "computed) and the comment beside the code that reads it. Regenerate with",
        "`python scripts/env_reference.py`; CI fails while this page is stale.",
        "",
        "A secret can also be given as a file: where a `NAME_FILE` row is listed, its value is the",
        "path of a file holding the secret (compose secrets, systemd credentials).",
        "",
        f"Read from: {', '.join(f'`{s}`' for s in SOURCES)}.",
        "",
        "| Variable | Default | Read in (as) | Description |",
        "| --- | --- | --- | --- |",
    ]
    for v in variables:
        defaults = "; ".join(f"`{_cell(d)}`" if d != NO_DEFAULT else d for d in v.defaults)
        sources = ", ".join(f"`{s}`" for s in v.sources)
        targets = f" ({', '.join(f'`{_cell(t)}`' for t in v.targets)})" if v.targets else ""
        lines.append(f"| `{v.name}` | {defaults} | {sources}{targets} | {_cell(v.description)} |")
    return "\n".join(lines) + "\n"


def _shown(path: Path) -> str:
    resolved = path.resolve()
    return str(resolved.relative_to(REPO)) if resolved.is_relative_to(REPO) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate docs/operations/environment.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is stale")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text = render(collect())
    if args.check:
        if not args.output.exists() or args.output.read_text() != text:
            print(
                f"{_shown(args.output)} is stale: run `python scripts/env_reference.py`",
                file=sys.stderr,
            )
            return 1
        print(f"{_shown(args.output)} is current")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(f"wrote {_shown(args.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
