#!/usr/bin/env bash
# For each SQL defect: a database migrated with the patched sql/ and seeded, the proof run on it,
# and the same proof run on the reference database (proof_ref).  Prints "NN  patched=...  reference=...".
# env: PGADMIN  psql connection for CREATE DATABASE (a superuser), OWNER_DSN_BASE (no db name, e.g.
#      postgresql://lens_owner@127.0.0.1:55433/), PGPASSWORD for the owner.
set -u
ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
HERE="$ROOT/docs/redteam/round3"
WORK=${RT3_WORK:-/tmp/rt3}/proofsrc
mkdir -p "$WORK"
names=("$@")
[ ${#names[@]} -eq 0 ] && names=($(cd "$HERE/proofs" && ls [0-9]*.sql | grep -v session_b | sed 's/\.sql$//'))
for name in "${names[@]}"; do
  nn=${name%%-*}
  db="proof_$nn"
  if ! $PGADMIN -Atc "select 1 from pg_database where datname = '$db'" | grep -q 1; then
    rm -rf "$WORK/$nn" && mkdir -p "$WORK/$nn" && cp -r "$ROOT/sql" "$WORK/$nn/sql"
    (cd "$WORK/$nn" && git apply "$HERE/$name.patch")
    $PGADMIN -qc "CREATE DATABASE $db OWNER lens_owner"
    LENS_TARGET=dsn LENS_DSN="${OWNER_DSN_URL}$db" "$ROOT/.venv/bin/lens-harness" migrate --allow-migrate --sql-dir "$WORK/$nn/sql" >/dev/null 2>&1 || echo "$name: migrate failed"
    LENS_TARGET=dsn LENS_DSN="${OWNER_DSN_URL}$db" "$ROOT/.venv/bin/lens-harness" seed --allow-writes >/dev/null 2>&1 || echo "$name: seed failed"
  fi
  "$HERE/proofs/run_proof.sh" "$HERE/proofs/$name.sql" "${OWNER_DSN_BASE}$db" > "$WORK/$name.patched.out"
  "$HERE/proofs/run_proof.sh" "$HERE/proofs/$name.sql" "${OWNER_DSN_BASE}proof_ref" > "$WORK/$name.reference.out"
  printf '%s\tpatched: %s\treference: %s\n' "$name" "$(grep -o 'RESULT: [A-Z]*' "$WORK/$name.patched.out" | tail -1)" \
    "$(grep -o 'RESULT: [A-Z]*' "$WORK/$name.reference.out" | tail -1)"
done
