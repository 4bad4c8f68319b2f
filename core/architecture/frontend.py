"""FRONTEND_ARCHITECTURE.md: the portal's routes and feature folders, read from its source.

The route table comes from `portal/src/app/router.tsx` (React Router `<Route>` elements,
nested paths joined, index routes shown as the parent path); the route modules from
`portal/src/app/routes`; the feature list from `portal/src/features/*/{api,components}` and
each feature's `index.ts`. The prose sections are kept here, beside the generator, so the
whole file stays generated and the staleness test covers it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

PORTAL = Path(settings.REPO_DIR) / "portal"
ROUTER_FILE = PORTAL / "src" / "app" / "router.tsx"
ROUTES_DIR = PORTAL / "src" / "app" / "routes"


@dataclass
class RouteRow:
    path: str
    element: str
    access: str


def _tag_end(text: str, start: int) -> tuple[int, bool]:
    """Index just past the tag starting at `start`, and whether it closes itself."""
    depth, i = 0, start
    while i < len(text):
        ch = text[i]
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0 and text.startswith("/>", i):
            return i + 2, True
        elif depth == 0 and ch == ">":
            return i + 1, False
        i += 1
    raise ValueError("unterminated <Route> tag in router.tsx")


def _access(tag: str) -> str:
    if "customer(" in tag:
        return "customers"
    if "staff(" in tag:
        return "staff (owner, admin, agent)"
    audience = re.search(r'audience="([^"]+)"', tag)
    if audience:
        return audience.group(1)
    return "anyone"


def _element(tag: str) -> str:
    redirect = re.search(r'<Navigate to="([^"]+)"', tag)
    if redirect:
        return f"redirect to `{redirect.group(1)}`"
    # A lazily loaded page sits in <Suspense fallback={<Loading … />}>: name the page, not those.
    tag = re.sub(r"fallback=\{<[^>]*/>\}", "", tag)
    wrappers = {"Route", "RequireRole", "Suspense"}
    names = [n for n in re.findall(r"<([A-Z][A-Za-z0-9]*)", tag) if n not in wrappers]
    return f"`{names[0]}`" if names else "(layout)"


def routes() -> list[RouteRow]:
    text = ROUTER_FILE.read_text()
    rows: list[RouteRow] = []
    stack: list[str] = []
    pattern = re.compile(r"<Route\b|</Route>")
    pos = 0
    while True:
        match = pattern.search(text, pos)
        if match is None:
            break
        if match.group(0) == "</Route>":
            stack.pop()
            pos = match.end()
            continue
        end, self_closing = _tag_end(text, match.start())
        tag = text[match.start() : end]
        path_attr = re.search(r'\bpath="([^"]*)"', tag)
        segment = path_attr.group(1) if path_attr else ""
        full = "/" + "/".join(s for s in [*stack, segment] if s)
        element = _element(tag)
        if (path_attr or " index" in tag) and element != "(layout)":
            rows.append(RouteRow(path=full, element=element, access=_access(tag)))
        if not self_closing:
            stack.append(segment)
        pos = end
    return rows


def route_modules() -> list[str]:
    modules = (p for p in ROUTES_DIR.rglob("*.ts*") if ".test." not in p.name)
    return sorted(p.relative_to(ROUTES_DIR).with_suffix("").as_posix() for p in modules)


def public_names(index: Path) -> list[str]:
    """What a feature's index.ts exports (`export { A, type B } from ...`): all other features may use."""
    if not index.is_file():
        return []
    names = []
    for group in re.findall(r"export\s*\{([^}]*)\}", index.read_text()):
        names += [n.strip().removeprefix("type ").strip() for n in group.split(",") if n.strip()]
    return sorted(names)


def features() -> list[tuple[str, list[str], list[str], list[str]]]:
    found = []
    for folder in sorted((PORTAL / "src" / "features").iterdir()):
        if not folder.is_dir():
            continue
        api = sorted(p.stem for p in (folder / "api").glob("*.ts*") if ".test." not in p.name)
        components = sorted(p.stem for p in (folder / "components").glob("*.tsx") if ".test." not in p.name)
        found.append((folder.name, api, components, public_names(folder / "index.ts")))
    return found


def shared_components() -> list[str]:
    return sorted(p.stem for p in (PORTAL / "src" / "components").glob("*.tsx") if ".test." not in p.name)


PROSE = """
## State management

- **Server state lives in TanStack Query.** Each feature's `api/` module exports the fetch
  function, its query options (key + fetcher) and a hook; components call the hook. Writes
  are mutations that invalidate the affected query keys, so lists and details refetch.
- **Client state is small and local:** form drafts, the open composer tab, the inbox cursor
  stack, kept in component state (`useState`), plus the URL (route params, `?next=`).
- **Who is signed in** is itself a query (`GET /api/v1/auth/me`); signing out reloads the page
  so nothing of the previous person stays in memory.
- **Types:** `src/api/schema.d.ts` is generated from core's OpenAPI schema (`make portal-api`);
  `make lint` fails when it is stale, and a core test fails when `portal/openapi.json` differs
  from the live API.

## App shape (`src/app`)

- `src/main.tsx` renders `<AppProvider><AppRouter /></AppProvider>`.
- `provider.tsx` holds what every page runs inside, outside the router: an error boundary
  (a blank page becomes a message with a reload), the TanStack Query client, the session
  (who is signed in, asked at once) with that person's realtime socket, whose events become
  query invalidations (`liveUpdates.ts`), and the tenant gate (`tenant.tsx`: branding fetched
  and applied before any page, read by pages with `useTenant()`).
- `router.tsx` is the route table above: `BrowserRouter` with route objects made from
  `<Route>` elements, all pages inside the frame (`Shell.tsx`), the role guards
  (`RequireRole.tsx`) on each, and a per-page error boundary (`routes/error.tsx`) that keeps
  the frame and resets on another address.
- `routes/*` has one module per page group (auth, portal, help, agent/inbox, agent/ticket,
  ...). A route module re-exports a feature's page as it is, or composes features into it:
  those are named `...Route` (e.g. `NewTicketRoute` puts the KB's suggestions into the new
  ticket form). The ticket view and the reports dashboard are lazy chunks
  (`routes/agent/lazy.ts`); the inbox prefetches the ticket view's.

## Boundaries

- A feature (`src/features/<name>/{api,components}`) reaches another only through its
  `index.ts` (`@/features/sla`), never its `api/` or `components/`; ESLint
  `import/no-restricted-paths` enforces it, and `import/no-cycle` keeps features from
  importing each other in a circle. The inbox composes the sla, macros, triage and kb
  features this way. Keep an index to what other features need: whatever the first chunk
  imports through an index comes with everything that index exports.
- Shared UI lives in `src/components`, shared helpers and hooks in `src/lib` (such as
  `lib/ticket.ts`: priorities, query keys and the refreshing mutation of a workspace ticket);
  neither imports a feature or the app. `src/app` imports any feature's files directly and
  composes them into routes.
- The API client sends the CSRF token from the cookie on unsafe requests; the session cookie
  is host-only, so each tenant host is its own sign-in.

## Build and serving

- `make run` / `make test` build the app with Vite into `portal/dist`; core's `portal_host`
  app serves `index.html` for every portal route on tenant hosts and whitenoise serves
  `/static/portal/` (hashed files cached for a year). `npm run dev` runs Vite with a proxy to
  core that keeps the Host header.

## Realtime integration

- One socket per signed-in tab: `app/provider.tsx` mounts `RealtimeProvider`
  (`lib/realtime/`), which fetches a short-lived token from `POST /api/v1/realtime/token`,
  connects to the gateway (`realtime/`, ws on port 8002), joins the open ticket's topic
  (`ticket:<id>`) for presence and typing, and resumes from the last stream id after a
  reconnect.
- `app/liveUpdates.ts` turns each event into TanStack Query invalidations of the views it
  touches, so pages refetch what changed instead of carrying their own socket code.
"""


def render() -> str:
    out = [
        "# Frontend architecture",
        "",
        "Generated by `make docs` (`manage.py generate_docs`) from the portal's source; do not edit.",
        "A test fails when this file is stale.",
        "",
        "One React + TypeScript application in `portal/` (Vite, TypeScript strict, React Router,",
        "TanStack Query) serves both the customer portal and the agent workspace, under each",
        "tenant's host.",
        "",
        "## Routes",
        "",
        "| path | page | who |",
        "|---|---|---|",
    ]
    out += [f"| `{r.path}` | {r.element} | {r.access} |" for r in routes()]
    out += ["", f"Route modules (`src/app/routes`): {', '.join(route_modules())}."]
    out += ["", "## Feature folders (`src/features/<feature>/{api,components,index.ts}`)", ""]
    out += ["| feature | api modules | components | index (for other features) |", "|---|---|---|---|"]
    for name, api, components, public in features():
        cells = [f"`{name}`", *(", ".join(names) or "-" for names in (api, components, public))]
        out.append(f"| {' | '.join(cells)} |")
    out += ["", f"Shared components (`src/components`): {', '.join(shared_components())}."]
    out.append(PROSE.rstrip())
    return "\n".join(out).rstrip() + "\n"
