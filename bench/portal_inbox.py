"""Time to interactive of the agent inbox in headless Chromium, against a running core.

Seeds the tenant up to --tickets tickets through the REST API (as the customer), then
opens /agent/inbox/all in a fresh browser context --runs times and prints the median and
p99 of: DOMContentLoaded, "interactive" = the first page of rows rendered by React
(the app has no server rendering, so rows on screen means handlers are attached), and
"live" = the realtime socket is open; plus the bundle size. Start core first (`make run`),
then for example:

    .venv/bin/python bench/portal_inbox.py --base http://acme.localhost:8000 --tickets 1000
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DIST = Path(__file__).resolve().parent.parent / "portal" / "dist"


# Requests go through the page's fetch: Chromium resolves *.localhost, Node's resolver does not.
SIGN_IN_JS = """async ([email, password]) => {
  const csrf = (await (await fetch('/api/v1/auth/csrf')).json()).csrf_token;
  const r = await fetch('/api/v1/auth/login', {method: 'POST', headers: {'Content-Type': 'application/json',
    'X-CSRFToken': csrf}, body: JSON.stringify({email, password})});
  return r.status;
}"""

SEED_JS = """async ([from, to]) => {
  const csrf = document.cookie.match(/csrftoken=([^;]+)/)[1];
  let have = 0, cursor = null;
  do {
    const url = '/api/v1/tickets?limit=100' + (cursor ? '&cursor=' + cursor : '');
    const page = await (await fetch(url)).json();
    have += page.items.length; cursor = page.next_cursor;
  } while (cursor);
  for (let n = have; n < to; n++) {
    const r = await fetch('/api/v1/tickets', {method: 'POST', headers: {'Content-Type': 'application/json',
      'X-CSRFToken': csrf}, body: JSON.stringify({subject: 'Bench ticket ' + n, body_text: 'Load test.',
      priority: 'normal', type: 'question', category: ''})});
    if (!r.ok) return 'failed: ' + r.status + ' ' + await r.text();
  }
  return 'had ' + have + ', now ' + Math.max(have, to);
}"""


def signed_in_page(browser: Any, base: str, email: str, password: str) -> Any:
    page = browser.new_context().new_page()
    page.goto(f"{base}/login")
    status = page.evaluate(SIGN_IN_JS, [email, password])
    if status != 200:
        raise SystemExit(f"login as {email} failed: {status}")
    return page


def seed(browser: Any, base: str, email: str, password: str, wanted: int) -> None:
    page = signed_in_page(browser, base, email, password)
    print(f"tickets of {email}: {page.evaluate(SEED_JS, [0, wanted])}")
    page.context.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://acme.localhost:8000")
    parser.add_argument("--agent", default="agent@acme.test")
    parser.add_argument("--customer", default="customer@acme.test")
    parser.add_argument("--password", default="frontline-demo-2026")
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        seed(browser, args.base, args.customer, args.password, args.tickets)
        dcl, interactive, api_ms, live = [], [], [], []
        for _ in range(args.runs):
            # A fresh context each time: cold HTTP cache, new session.
            page = signed_in_page(browser, args.base, args.agent, args.password)
            context = page.context
            page.goto(f"{args.base}/agent/inbox/all")
            page.locator("table tbody tr").nth(24).wait_for(timeout=30_000)
            ready = page.evaluate("performance.now()")
            # Live: the realtime socket is open (token fetched, gateway welcomed it).
            page.locator("html[data-realtime=open]").wait_for(state="attached", timeout=30_000)
            live.append(page.evaluate("performance.now()"))
            timing = page.evaluate(
                "JSON.parse(JSON.stringify(performance.getEntriesByType('navigation')[0]))"
            )
            resources = page.evaluate(
                "performance.getEntriesByType('resource').map(r => [r.name, r.startTime, r.responseEnd])"
            )
            api_ms.append(sum(end - start for name, start, end in resources if "/api/v1/tickets" in name))
            dcl.append(timing["domContentLoadedEventEnd"])
            interactive.append(ready)
            context.close()
        browser.close()

    js = sorted(DIST.glob("assets/*.js"))
    css = sorted(DIST.glob("assets/*.css"))
    raw = sum(p.stat().st_size for p in js + css)
    zipped = sum(len(gzip.compress(p.read_bytes(), 9)) for p in js + css)
    print(f"\ninbox /agent/inbox/all, {args.runs} cold loads, {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"{'measure':<34}{'median ms':>10}{'p99 ms':>10}")
    rows = (
        ("DOMContentLoaded", dcl),
        ("GET /api/v1/tickets (first page)", api_ms),
        ("first 25 rows rendered (TTI)", interactive),
        ("realtime socket open (live)", live),
    )
    for name, values in rows:
        print(f"{name:<34}{statistics.median(values):>10.0f}{percentile(values, 0.99):>10.0f}")
    print(f"bundle: {raw / 1024:.1f} KiB raw, {zipped / 1024:.1f} KiB gzip ({len(js)} js, {len(css)} css)")


if __name__ == "__main__":
    main()
