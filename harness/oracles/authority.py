"""CONTRACT §11.4, authority comes from the database: the caller's observations with forged
claims (hostile ``user_metadata`` / ``app_metadata``, custom claims, another ``role`` string)
equal its plain ones; claims without ``sub`` observe what a stranger (a ``sub`` with no
profile) observes; a user holding any role string mined from the catalog that CONTRACT §2 does
not list observes what a user of no tier observes.

Some tokens may instead be turned away at the door (another ``role`` string, no ``sub``,
expired, not yet valid): what they must never do is get more.  ``judge_or_refused`` accepts,
per call, the plain observation or a refusal that left every row as it was; ``anon`` with no
claims is judged so against a stranger's ``sub`` (§11's closed world: a signed-out client sees
and changes no yacht)."""
from __future__ import annotations

from harness.oracles.observation import Observation, delta, differences, tenant_view


def judge(plain: list[Observation], other: list[Observation], labels: dict[str, str], yacht: str,
          what: tuple[str, str]) -> list[str]:
    return [f"authority: {line}" for line in differences(plain, other, tenant_view(labels, yacht), what)]


def judge_or_refused(plain: list[Observation], other: list[Observation], labels: dict[str, str], yacht: str,
                     what: tuple[str, str]) -> list[str]:
    """Each call of ``other`` observes what ``plain`` does, or is refused (an exception, an error
    code, a 4xx) having changed no row."""
    view = tenant_view(labels, yacht)
    return [f"authority: {o.where()}: {what[0]} {view(p)[:300]} | {what[1]} {view(o)[:300]}"
            for p, o in zip(plain, other, strict=True)
            if view(o) != view(p) and not (o.outcome.refused and not any(delta(o.before, o.after)))]
