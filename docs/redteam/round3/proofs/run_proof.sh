#!/usr/bin/env bash
# Run one exploit proof against a seeded database (lens-harness migrate + seed).
# usage: run_proof.sh proofs/NN-name.sql 'postgresql://owner:pw@host:port/db'
# The seeded ids (harness.seed.demo_id) are passed as psql variables:
#   :'ya' :'yb'  yachts a/b;  :'<role>_a' :'<role>_b'  users (deckhand, captain, chief_engineer,
#   manager, purser, bosun, ... guest);  :'part_<p>_<y>' :'stock_<p>_<y>' (p = impeller|filter|gasket);
#   :'loc1_<y>' engine-room-locker, :'loc2_<y>' bosun-store.
set -eu
ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
vars=$("$ROOT/.venv/bin/python" - <<'PY'
from harness.seed import demo_id, LOCATIONS, PARTS
roles = ["deckhand", "bosun", "steward", "eto", "chief_engineer", "chief_officer", "captain",
         "manager", "purser", "guest"]
out = []
for y in "ab":
    out.append(f"-v y{y}={demo_id('yacht', y)}")
    for r in roles:
        out.append(f"-v {r}_{y}={demo_id('user', y, r)}")
    for p in PARTS:
        out.append(f"-v part_{p}_{y}={demo_id('part', y, p)}")
        out.append(f"-v stock_{p}_{y}={demo_id('stock', y, p, LOCATIONS[0])}")
    out.append(f"-v loc1_{y}={demo_id('location', y, LOCATIONS[0])}")
    out.append(f"-v loc2_{y}={demo_id('location', y, LOCATIONS[1])}")
print(" ".join(out))
PY
)
export PROOF_DSN="$2" PROOF_VARS="$vars" PROOF_DIR
PROOF_DIR=$(cd "$(dirname "$1")" && pwd)
# shellcheck disable=SC2086
psql "$2" -X -q -v ON_ERROR_STOP=0 $vars -f "$1" 2>&1
