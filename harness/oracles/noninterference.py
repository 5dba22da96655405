"""CONTRACT §11.1, tenants cannot observe each other: a tenant's observations are identical in
two worlds that differ only in another yacht's data.

World B's other yacht holds rows with the values the tenant's calls use (the collision literal
in every unique text column, a phantom row per table whose id the calls pass), world A's does
not.  A lookup with no yacht filter answers differently, a unique index without ``yacht_id``
refuses in B only (23505), an error message names a foreign row where an unknown one reads
differently — whatever the defect, the tenant saw the other yacht.
"""
from __future__ import annotations

from harness.oracles.observation import Observation, differences, tenant_view


def judge(world_a: list[Observation], world_b: list[Observation], labels: dict[str, str], yacht: str) -> list[str]:
    return [f"non-interference: {line}" for line in
            differences(world_a, world_b, tenant_view(labels, yacht), ("world A (other yacht without collisions)",
                                                                "world B (other yacht with colliding rows)"))]
