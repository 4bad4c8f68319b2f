"""Who the demo tenants contain: plain data, importable without Django (for `make run`'s banner)."""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "frontline-demo-2026"  # printed by `make run`; demo data only


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: str
    teams: tuple[str, ...] = ()


DEMO_TENANTS: dict[str, tuple[str, list[DemoPerson]]] = {
    "acme": (
        "Acme Corporation",
        [
            DemoPerson("owner@acme.test", "Olivia Owner", "owner"),
            DemoPerson("admin@acme.test", "Adam Admin", "admin", ("Billing",)),
            DemoPerson("agent@acme.test", "Alice Agent", "agent", ("Support", "Billing")),
            DemoPerson("agent2@acme.test", "Arthur Agent", "agent", ("Support",)),
            DemoPerson("customer@acme.test", "Carol Customer", "customer"),
        ],
    ),
    "globex": (
        "Globex Inc.",
        [
            DemoPerson("owner@globex.test", "Gina Owner", "owner"),
            DemoPerson("agent@globex.test", "Gus Agent", "agent", ("Support",)),
            DemoPerson("customer@globex.test", "Greg Customer", "customer"),
        ],
    ),
}
DEMO_OPERATOR = DemoPerson("operator@frontline.test", "Pat Operator", "operator")
