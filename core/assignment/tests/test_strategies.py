"""Each strategy on its own: pure choices over given candidates."""

from assignment.strategies import DEFAULT_STRATEGY, get_strategy, registry
from assignment.strategies.base import Candidate, Context, TicketFacts


def ctx(candidates, last=None, tags=(), category="", **options):
    return Context(
        ticket=TicketFacts(tags=frozenset(tags), category=category, priority="normal"),
        candidates=tuple(candidates),
        last_assigned_membership_id=last,
        options={"require_match": True, **options},
    )


A, B, C = Candidate(1, 3), Candidate(2, 1), Candidate(3, 1)


def test_registry_holds_every_strategy_and_falls_back_to_manual():
    assert set(registry()) == {"manual", "round_robin", "least_loaded", "skills"}
    assert get_strategy("no-such").key == DEFAULT_STRATEGY == "manual"
    assert get_strategy(None).choose(ctx([A, B])) is None


def test_round_robin_takes_turns_and_wraps():
    rr = get_strategy("round_robin")
    assert rr.choose(ctx([A, B, C])) == 1
    assert rr.choose(ctx([A, B, C], last=1)) == 2
    assert rr.choose(ctx([A, B, C], last=3)) == 1
    assert rr.choose(ctx([A, C], last=1)) == 3  # B is away or full: skipped
    assert rr.choose(ctx([])) is None


def test_least_loaded_prefers_fewest_open_tickets_then_turns():
    ll = get_strategy("least_loaded")
    assert ll.choose(ctx([A, B, C])) == 2
    assert ll.choose(ctx([A, B, C], last=2)) == 3


def test_skills_match_tags_and_category():
    billing = Candidate(1, 5, frozenset({"billing", "refunds"}))
    tech = Candidate(2, 0, frozenset({"api"}))
    both = Candidate(3, 9, frozenset({"billing", "api", "refunds"}))
    skills = get_strategy("skills")
    assert skills.choose(ctx([billing, tech, both], tags={"api"})) == 2  # tie on one skill: least loaded
    assert skills.choose(ctx([billing, tech, both], tags={"refunds"}, category="Billing")) in {1, 3}
    assert skills.choose(ctx([billing, tech, both], tags={"refunds"}, category="Billing")) == 1
    assert skills.choose(ctx([billing, tech], tags={"api", "billing", "refunds"})) == 1
    assert skills.choose(ctx([billing, tech], tags={"shipping"})) is None
    assert skills.choose(ctx([billing, tech], tags={"shipping"}, require_match=False)) == 2
