"""Does a SQL statement join tenant tables on tenant_id? What Citus needs to run it on one shard
group (co-located), checked here on the text, since Citus cannot run in these tests.

Every occurrence of a tenant table in a statement (a FROM item, a joined table, a table in a
subquery, a LATERAL subquery, a CTE) must be linked to every other by equalities on tenant_id:
`a.tenant_id = b.tenant_id`, or both equal to the same value (`a.tenant_id = 5 AND
b.tenant_id = 5`), through any chain of them, derived tables and CTEs included (`p.tenant_id`
of `(SELECT t.tenant_id ...) p` is `t.tenant_id`). Only equalities that must hold count: in
WHERE, ON and HAVING conditions, at AND level, never under OR, NOT or CASE.

Statements are tokenized with sqlparse's lexer (a Django dependency); the structure
(parentheses, clauses, scopes and aliases) is read here. It knows the SQL this project
writes; what it cannot read, it reports rather than passes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlparse import lexer, tokens

TENANT = "tenant_id"
_counter = itertools.count()

# The words that start a clause of a statement, at its top level.
_CLAUSES = {
    "SELECT", "FROM", "WHERE", "GROUP BY", "HAVING", "WINDOW", "ORDER BY", "LIMIT", "OFFSET",
    "FETCH", "FOR", "RETURNING", "SET", "VALUES", "INTO",
}  # fmt: skip
# Words that can follow a FROM item where its alias would be.
_NOT_ALIASES = {
    "ON", "USING", "NATURAL", "LATERAL", "TABLESAMPLE", "WITH ORDINALITY", "WITH", "AND", "OR",
    "NOT", "UNION", "UNION ALL", "INTERSECT", "EXCEPT",
}  # fmt: skip
_SET_OPERATIONS = {"UNION", "UNION ALL", "INTERSECT", "INTERSECT ALL", "EXCEPT", "EXCEPT ALL"}


@dataclass
class Tok:
    kind: str  # "name", "keyword", "value", "op", "punct"
    text: str  # as written (names unquoted)

    @property
    def word(self) -> str:
        return " ".join(self.text.upper().split())


@dataclass
class Group:
    """A parenthesized part of the statement."""

    items: list[Tok | Group]


Item = Tok | Group


def _tokens(sql: str) -> list[Tok]:
    found = []
    for ttype, value in lexer.tokenize(sql):
        if ttype in tokens.Whitespace or ttype in tokens.Newline or ttype in tokens.Comment:
            continue
        if ttype in tokens.String.Symbol:  # "quoted identifier"
            found.append(Tok("name", value[1:-1].replace('""', '"')))
        elif ttype in tokens.Name.Placeholder:
            text = value if value != "%s" else f"%s#{next(_counter)}"  # each %s is its own value
            found.append(Tok("value", text))
        elif ttype in tokens.Name:
            found.append(Tok("name", value))
        elif ttype in tokens.Keyword:
            found.append(Tok("keyword", value))
        elif ttype in tokens.Literal:
            found.append(Tok("value", value))
        elif ttype in tokens.Operator:
            found.append(Tok("op", value))
        else:
            found.append(Tok("punct", value))
    return found


def _nest(flat: list[Tok]) -> list[Item]:
    stack: list[list[Item]] = [[]]
    for tok in flat:
        if tok.text == "(":
            stack.append([])
        elif tok.text == ")":
            inner = stack.pop()
            stack[-1].append(Group(inner))
        else:
            stack[-1].append(tok)
    if len(stack) != 1:
        raise ValueError("unbalanced parentheses")
    return stack[0]


def _is_word(item: Item | None, *words: str) -> bool:
    return isinstance(item, Tok) and item.kind in ("keyword", "name") and item.word in words


def _is_text(item: Item, text: str) -> bool:
    return isinstance(item, Tok) and item.text == text


def _is_query(items: list[Item]) -> bool:
    if not items:
        return False
    first = items[0]
    if _is_word(first, "SELECT", "WITH", "VALUES"):
        return True
    return isinstance(first, Group) and _is_query(first.items)


def _split(items: list[Item], *words: str) -> list[list[Item]]:
    parts: list[list[Item]] = [[]]
    for item in items:
        if _is_word(item, *words) or (isinstance(item, Tok) and item.text in words):
            parts.append([])
        else:
            parts[-1].append(item)
    return parts


@dataclass
class Relation:
    """A FROM item: a base table, or a derived table / CTE (its tenant_id is what it exposes)."""

    alias: str
    table: str | None
    node: str | None  # union-find node of its tenant_id, if it has one
    columns: dict[str, str] = field(default_factory=dict)


@dataclass
class Scope:
    parent: Scope | None
    relations: dict[str, Relation] = field(default_factory=dict)
    ctes: dict[str, Relation] = field(default_factory=dict)

    def find(self, alias: str) -> Relation | None:
        """The FROM item of that alias, here or in an enclosing query (a correlated reference)."""
        return self._innermost("relations", alias)

    def cte(self, name: str) -> Relation | None:
        return self._innermost("ctes", name)

    def _innermost(self, kind: str, name: str) -> Relation | None:
        scope: Scope | None = self
        while scope is not None:
            found = getattr(scope, kind).get(name)
            if found is not None:
                return found
            scope = scope.parent
        return None


@dataclass
class Occurrence:
    table: str
    alias: str
    node: str


class Analysis:
    def __init__(self, tenant_tables: set[str]) -> None:
        self.tenant_tables = tenant_tables
        self.parent: dict[str, str] = {}
        self.occurrences: list[Occurrence] = []
        self.unread: list[str] = []

    # -- union-find over tenant_id columns and values
    def root(self, node: str) -> str:
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, a: str, b: str) -> None:
        self.parent[self.root(a)] = self.root(b)

    def new_node(self, label: str) -> str:
        return f"{label}#{next(_counter)}"

    # -- statements
    def statement(self, items: list[Item], scope: Scope) -> list[str]:
        """Analyse one statement (or subquery); returns the nodes of the tenant_id it exposes
        in its output (for derived tables and CTEs)."""
        if not items:
            return []
        if _is_word(items[0], "WITH"):
            items = self._with(items[1:], scope)
        first = items[0] if items else None
        if _is_word(first, "INSERT"):
            return self._insert(items, scope)
        if _is_word(first, "UPDATE"):
            return self._update(items, scope)
        if _is_word(first, "DELETE"):
            return self._delete(items, scope)
        exposed: list[str] = []
        for arm in self._arms(items):
            exposed += self._select(arm, scope)
        return exposed

    def _with(self, items: list[Item], scope: Scope) -> list[Item]:
        index = 1 if _is_word(items[0], "RECURSIVE") else 0
        while index < len(items):
            name = items[index]
            body = next((i for i in range(index + 1, len(items)) if isinstance(items[i], Group)), None)
            if not isinstance(name, Tok) or body is None:
                raise ValueError("unreadable WITH")
            if body == index + 1:  # a column list: name (a, b) AS (...)
                body = next(i for i in range(body + 1, len(items)) if isinstance(items[i], Group))
            group = items[body]
            assert isinstance(group, Group)
            exposed = self.statement(group.items, Scope(parent=scope, ctes=dict(scope.ctes)))
            scope.ctes[name.text] = self._derived(name.text, exposed)
            index = body + 1
            if index < len(items) and _is_text(items[index], ","):
                index += 1
                continue
            return items[index:]
        return []

    def _derived(self, alias: str, exposed: list[str]) -> Relation:
        if not exposed:
            return Relation(alias, None, None)
        node = self.new_node(f"derived {alias}")
        for inner in exposed:
            self.union(node, inner)
        return Relation(alias, None, node)

    def _arms(self, items: list[Item]) -> Iterator[list[Item]]:
        """The arms of a set operation (each a SELECT, or a parenthesized query)."""
        arm: list[Item] = []
        for item in items:
            if isinstance(item, Tok) and item.word in _SET_OPERATIONS:
                yield arm
                arm = []
            else:
                arm.append(item)
        yield arm

    def _clauses(self, items: list[Item], extra: frozenset[str] = frozenset()) -> dict[str, list[Item]]:
        clauses: dict[str, list[Item]] = {}
        current = "start"
        for item in items:
            if (
                isinstance(item, Tok)
                and item.kind == "keyword"
                and (item.word in _CLAUSES or item.word in extra)
            ):
                current = item.word
                clauses.setdefault(current, [])
            else:
                clauses.setdefault(current, []).append(item)
        return clauses

    def _select(self, items: list[Item], outer: Scope) -> list[str]:
        if len(items) >= 1 and isinstance(items[0], Group):  # (SELECT ...) [ORDER BY ...]
            exposed = self.statement(items[0].items, outer)
            self._expressions(items[1:], outer, conditions=False)
            return exposed
        if _is_word(items[0] if items else None, "VALUES"):
            self._expressions(items[1:], outer, conditions=False)
            return []
        scope = Scope(parent=outer, ctes={})
        clauses = self._clauses(items)
        if "FROM" in clauses:
            self._from(clauses["FROM"], scope)
        select_list = clauses.get("SELECT", [])
        exposed = self._exposed_tenant(select_list, scope)
        for name in ("WHERE", "HAVING"):
            if name in clauses:
                self._conditions(clauses[name], scope, reliable=True)
        for name, part in clauses.items():
            if name not in ("FROM", "WHERE", "HAVING"):
                self._expressions(part, scope, conditions=False)
        return exposed

    def _exposed_tenant(self, select_list: list[Item], scope: Scope) -> list[str]:
        """The nodes of output columns named tenant_id (`x.tenant_id`, `... AS tenant_id`)."""
        found = []
        for column in _split(select_list, ","):
            while column and _is_word(column[0], "DISTINCT", "ALL"):
                column = column[1:]
            if not column:
                continue
            named_tenant = (
                len(column) >= 2 and _is_word(column[-2], "AS") and isinstance(column[-1], Tok)
            ) and column[-1].text == TENANT
            expression = column[:-2] if named_tenant else column
            node = self._term(expression, scope)
            is_tenant_ref = self._column_name(expression) == TENANT
            if (named_tenant or is_tenant_ref) and node is not None:
                found.append(node)
        return found

    def _from(self, items: list[Item], scope: Scope) -> None:
        for entry in _split(items, ","):
            self._from_entry(entry, scope)

    def _from_entry(self, items: list[Item], scope: Scope) -> None:
        index = 0
        previous: list[Relation] = []
        while index < len(items):
            item = items[index]
            if isinstance(item, Tok) and item.kind == "keyword" and item.word.endswith("JOIN"):
                index += 1
                continue
            if _is_word(item, "LATERAL", "ONLY"):
                index += 1
                continue
            if _is_word(item, "ON"):
                end = self._next_join(items, index + 1)
                self._conditions(items[index + 1 : end], scope, reliable=True)
                index = end
                continue
            if _is_word(item, "USING") and index + 1 < len(items) and isinstance(items[index + 1], Group):
                using = items[index + 1]
                assert isinstance(using, Group)
                names = {t.text for t in using.items if isinstance(t, Tok) and t.kind == "name"}
                if TENANT in names and len(previous) >= 2:
                    left, right = previous[-2], previous[-1]
                    if left.node and right.node:
                        self.union(left.node, right.node)
                index += 2
                continue
            relation, index = self._from_item(items, index, scope)
            if relation is not None:
                scope.relations[relation.alias] = relation
                previous.append(relation)

    def _next_join(self, items: list[Item], start: int) -> int:
        for index in range(start, len(items)):
            item = items[index]
            if isinstance(item, Tok) and item.kind == "keyword" and item.word.endswith("JOIN"):
                return index
        return len(items)

    def _from_item(self, items: list[Item], index: int, scope: Scope) -> tuple[Relation | None, int]:
        item = items[index]
        index += 1
        if isinstance(item, Group):
            if _is_query(item.items):
                exposed = self.statement(item.items, scope)
                alias, index = self._alias(items, index)
                return self._derived(alias or self.new_node("subquery"), exposed), index
            self._from_entry(item.items, scope)  # a parenthesized join
            return None, index
        if not isinstance(item, Tok) or item.kind != "name":
            self.unread.append(f"FROM item {item}")
            return None, index
        name = item.text
        while index + 1 < len(items) and _is_text(items[index], "."):
            part = items[index + 1]
            name = part.text if isinstance(part, Tok) else name  # schema.table
            index += 2
        if index < len(items) and isinstance(items[index], Group):  # a function in FROM
            self._expressions([items[index]], scope, conditions=False)
            alias, index = self._alias(items, index + 1)
            if index < len(items) and isinstance(items[index], Group):  # column aliases
                index += 1
            return Relation(alias or name, None, None), index
        alias, index = self._alias(items, index)
        if index < len(items) and isinstance(items[index], Group):  # column aliases
            index += 1
        alias = alias or name
        cte = scope.cte(name)
        if cte is not None:
            return Relation(alias, None, cte.node), index
        if name in self.tenant_tables:
            node = self.new_node(f"{name} {alias}")
            self.occurrences.append(Occurrence(name, alias, node))
            return Relation(alias, name, node), index
        return Relation(alias, name, None), index

    def _alias(self, items: list[Item], index: int) -> tuple[str | None, int]:
        if index < len(items) and _is_word(items[index], "AS"):
            index += 1
        if index < len(items):
            item = items[index]
            # An alias may be a word sqlparse calls a keyword (`query`, `key`), not a clause's.
            if isinstance(item, Tok) and (
                item.kind == "name" or (item.kind == "keyword" and _may_be_alias(item.word))
            ):
                return item.text, index + 1
        return None, index

    # -- expressions and conditions
    def _expressions(self, items: list[Item], scope: Scope, *, conditions: bool) -> None:
        """Subqueries anywhere in an expression (ARRAY(SELECT ...), IN (SELECT ...), EXISTS)."""
        for item in items:
            if isinstance(item, Group):
                if _is_query(item.items):
                    self.statement(item.items, scope)
                else:
                    self._expressions(item.items, scope, conditions=conditions)

    def _conditions(self, items: list[Item], scope: Scope, *, reliable: bool) -> None:
        has_or = any(_is_word(i, "OR") for i in items)
        has_case = any(_is_word(i, "CASE") for i in items)
        if has_or or has_case or not reliable:
            self._expressions(items, scope, conditions=True)
            return
        for conjunct in _split(items, "AND"):
            if not conjunct:
                continue
            if len(conjunct) == 1 and isinstance(conjunct[0], Group) and not _is_query(conjunct[0].items):
                self._conditions(conjunct[0].items, scope, reliable=True)
                continue
            if _is_word(conjunct[0], "NOT"):
                self._expressions(conjunct, scope, conditions=True)
                continue
            self._equality(conjunct, scope)
            self._expressions(conjunct, scope, conditions=True)

    def _equality(self, conjunct: list[Item], scope: Scope) -> None:
        positions = [
            i
            for i, item in enumerate(conjunct)
            if isinstance(item, Tok) and item.kind == "op" and item.text == "="
        ]
        if len(positions) != 1:
            return
        left, right = conjunct[: positions[0]], conjunct[positions[0] + 1 :]
        pairs = [(left, right)]
        if (  # (a, b) = (c, d)
            len(left) == 1 and len(right) == 1 and isinstance(left[0], Group) and isinstance(right[0], Group)
        ):
            lefts, rights = _split(left[0].items, ","), _split(right[0].items, ",")
            if len(lefts) == len(rights) > 1:
                pairs = list(zip(lefts, rights, strict=True))
        for a, b in pairs:
            node_a, node_b = self._term(a, scope), self._term(b, scope)
            if node_a is not None and node_b is not None:
                self.union(node_a, node_b)

    def _column_name(self, term: list[Item]) -> str | None:
        term = _strip_casts(term)
        if len(term) == 1 and isinstance(term[0], Tok) and term[0].kind == "name":
            return term[0].text
        if len(term) == 3 and isinstance(term[1], Tok) and term[1].text == ".":
            last = term[2]
            return last.text if isinstance(last, Tok) else None
        return None

    def _term(self, term: list[Item], scope: Scope) -> str | None:
        """The union-find node of one side of an equality: a column, or a value (written
        the same way, the same value: literals, $n parameters, plpgsql variables)."""
        term = _strip_casts(term)
        while len(term) == 1 and isinstance(term[0], Group) and not _is_query(term[0].items):
            term = _strip_casts(term[0].items)
        if not term:
            return None
        if len(term) == 3 and isinstance(term[0], Tok) and isinstance(term[1], Tok) and term[1].text == ".":
            relation = scope.find(term[0].text)
            column = term[2].text if isinstance(term[2], Tok) else ""
            if relation is None:
                self.unread.append(f"unknown alias {term[0].text}.{column}")
                return None
            return self._column_node(relation, column)
        if len(term) == 1 and isinstance(term[0], Tok) and term[0].kind == "name" and term[0].text == TENANT:
            relation = self._only_tenant_relation(scope)
            if relation is None:
                self.unread.append("unqualified tenant_id with several candidate tables")
                return None
            return relation.node
        if any(isinstance(i, Group) and _is_query(i.items) for i in term):
            return None  # a scalar subquery: not a value we can compare
        return "value " + " ".join(_text(i) for i in term)

    def _column_node(self, relation: Relation, column: str) -> str | None:
        if column == TENANT:
            return relation.node
        return relation.columns.setdefault(column, self.new_node(f"{relation.alias}.{column}"))

    def _only_tenant_relation(self, scope: Scope) -> Relation | None:
        current: Scope | None = scope
        while current is not None:
            candidates = [r for r in current.relations.values() if r.node is not None]
            if len(candidates) == 1:
                return candidates[0]
            if candidates:
                return None
            current = current.parent
        return None

    # -- data-changing statements
    def _insert(self, items: list[Item], scope: Scope) -> list[str]:
        # The target is not joined with anything: only the rows' source is read here.
        for index, item in enumerate(items):
            if _is_word(item, "SELECT", "WITH"):
                self.statement(items[index:], scope)
                break
        else:
            self._expressions(items, scope, conditions=False)
        return []

    def _update(self, items: list[Item], scope: Scope) -> list[str]:
        inner = Scope(parent=scope)
        clauses = self._clauses(items[1:])
        self._from(clauses.get("start", []), inner)
        if "FROM" in clauses:
            self._from(clauses["FROM"], inner)
        self._changing_clauses(clauses, inner)
        return []

    def _delete(self, items: list[Item], scope: Scope) -> list[str]:
        inner = Scope(parent=scope)
        clauses = self._clauses(items[1:], extra=frozenset({"USING"}))
        self._from(clauses.get("FROM", []), inner)
        if "USING" in clauses:
            self._from(clauses["USING"], inner)
        self._changing_clauses(clauses, inner)
        return []

    def _changing_clauses(self, clauses: dict[str, list[Item]], scope: Scope) -> None:
        if "WHERE" in clauses:
            self._conditions(clauses["WHERE"], scope, reliable=True)
        for name in ("SET", "RETURNING"):
            self._expressions(clauses.get(name, []), scope, conditions=False)

    # -- the verdict
    def unlinked(self) -> list[list[Occurrence]]:
        """The occurrences grouped by what their tenant_id is linked to; one group is fine."""
        groups: dict[str, list[Occurrence]] = {}
        for occurrence in self.occurrences:
            groups.setdefault(self.root(occurrence.node), []).append(occurrence)
        return list(groups.values()) if len(groups) > 1 else []


def _may_be_alias(word: str) -> bool:
    return word not in _CLAUSES and word not in _NOT_ALIASES and not word.endswith("JOIN")


def _strip_casts(term: list[Item]) -> list[Item]:
    """`x::bigint`, `x::varchar(50)[]` -> `x`."""
    for index, item in enumerate(term):
        if isinstance(item, Tok) and item.text == "::":
            return term[:index]
    return term


def _text(item: Item) -> str:
    if isinstance(item, Group):
        return "(" + " ".join(_text(i) for i in item.items) + ")"
    if item.kind == "value":
        # '5' and 5 are one tenant id (client-side binding may quote a number).
        unquoted = item.text.strip("'")
        return unquoted if unquoted.isdigit() else item.text
    return item.text.lower()


@dataclass
class Verdict:
    sql: str
    unlinked: list[list[Occurrence]]
    unread: list[str]

    @property
    def ok(self) -> bool:
        return not self.unlinked and not self.unread

    def __str__(self) -> str:
        groups = " | ".join(", ".join(f"{o.table} {o.alias}" for o in group) for group in self.unlinked)
        problems = [f"tables not linked by tenant_id: {groups}"] if self.unlinked else []
        problems += [f"could not read: {u}" for u in self.unread]
        return "; ".join(problems) + f"\n    in: {self.sql}"


def check_statement(sql: str, tenant_tables: set[str]) -> Verdict:
    """Whether every tenant table of each statement in `sql` is tied to the others by tenant_id."""
    unlinked: list[list[Occurrence]] = []
    unread: list[str] = []
    try:
        statements = _split(_nest(_tokens(sql)), ";")
    except ValueError as exc:
        return Verdict(sql=sql, unlinked=[], unread=[str(exc)])
    for statement in statements:
        analysis = Analysis(tenant_tables)
        try:
            analysis.statement(statement, Scope(parent=None))
        except (ValueError, IndexError, StopIteration, AssertionError) as exc:
            analysis.unread.append(f"{type(exc).__name__}: {exc}")
        unlinked += analysis.unlinked()
        unread += analysis.unread
    return Verdict(sql=sql, unlinked=unlinked, unread=unread)
