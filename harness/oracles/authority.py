"""CONTRACT §11.4, authority comes from the database: the caller's observations with forged
claims (hostile ``user_metadata`` / ``app_metadata``, custom claims, another ``role`` string)
equal its plain ones; claims without ``sub`` observe what a stranger (a ``sub`` with no
profile) observes; a user holding any role string mined from the catalog that CONTRACT §2 does
not list observes what a user of no tier observes."""
from __future__ import annotations

from harness.oracles.observation import Observation, differences, tenant_view


def judge(plain: list[Observation], other: list[Observation], labels: dict[str, str], yacht: str,
          what: tuple[str, str]) -> list[str]:
    return [f"authority: {line}" for line in differences(plain, other, tenant_view(labels, yacht), what)]
