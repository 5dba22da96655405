#!/usr/bin/env bash
# prove.sh NN-name [...] : run each exploit proof on the patched system, then on the unpatched
# reference; outputs in out/NN-name.{patched,reference}.txt.  Needs a PostgreSQL server reachable
# as PGHOST/PGPORT/PGUSER with CREATEDB (default 127.0.0.1:55432 postgres) and the repo's .venv.
# A proof gets the DSN of a fresh migrated + seeded database as $1 (mkdb below):
#   *.sql  psql -f (as the owner; the proof switches to authenticated itself, PostgREST-style)
#   *.py   .venv/bin/python proof.py DSN   (handler proofs drive the reference HTTP API in process)
#   *.sh   bash proof.sh DSN
# SQL defects: the patch is applied to a copy of sql/; handler defects: git apply on the checkout,
# reverted afterwards.
set -u
HERE=$(cd "$(dirname "$0")" && pwd); RT=$(dirname "$HERE"); ROOT=$(cd "$RT/../../.." && pwd)
TAG=rt$(basename "$RT" | tr -cd 0-9)   # rt5, rt6: databases and temp files per round
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-55432} PGUSER=${PGUSER:-postgres}
PY=$ROOT/.venv/bin/python
dsn() { echo "postgresql://$PGUSER@$PGHOST:$PGPORT/$1"; }
seed() {
  "$PY" - "$(dsn "$1")" <<'PYEOF'
import asyncio, sys, asyncpg
from harness.seed import seed
async def main():
    conn = await asyncpg.connect(sys.argv[1]); await seed(conn); await conn.close()
asyncio.run(main())
PYEOF
}
# The reference's migrations (up to 310), then the demo data of two yachts (harness/seed.py), then
# any later migration: a new migration is deployed onto a database that already holds several
# yachts' data, as in production (CONTRACT §11.8).
mkdb() {  # db sqldir
  dropdb --if-exists "$1" && createdb "$1" || return 1
  local seeded=""
  for f in "$2"/*.sql; do
    n=$(basename "$f" | sed 's/[^0-9].*//')
    if [ -z "$seeded" ] && [ "$((10#$n))" -gt 310 ]; then seed "$1" || return 1; seeded=1; fi
    psql -q -X -v ON_ERROR_STOP=1 -d "$1" -f "$f" >/dev/null 2>>/tmp/$TAG-migrate.log || { echo "migration $f failed"; return 1; }
  done
  [ -n "$seeded" ] || seed "$1"
}
runproof() {  # proof db
  case "$1" in
    *.sql) psql -X -d "$2" -f "$1" 2>&1 ;;
    *.py)  "$PY" "$1" "$(dsn "$2")" 2>&1 ;;
    *.sh)  bash "$1" "$(dsn "$2")" 2>&1 ;;
  esac
}
APPLIED=""
trap '[ -n "$APPLIED" ] && git -C "$ROOT" apply -R "$APPLIED"' EXIT
rc=0
for name in "$@"; do
  name=${name%.patch}; patch=$RT/$name.patch
  proof=$(ls "$HERE/$name".sql "$HERE/$name".py "$HERE/$name".sh 2>/dev/null | head -1)
  [ -f "$patch" ] && [ -n "$proof" ] || { echo "$name: missing patch or proof"; rc=1; continue; }
  db=${TAG}_$(echo "${name%%-*}" | tr -cd '0-9a-z')
  if grep -q '^diff --git a/harness/' "$patch"; then
    mkdb "$db" "$ROOT/sql" || { rc=1; continue; }
    git -C "$ROOT" apply "$patch" && APPLIED=$patch
    runproof "$proof" "$db" > "$HERE/out/$name.patched.txt"
    git -C "$ROOT" apply -R "$patch"; APPLIED=""
  else
    work=$(mktemp -d /tmp/$TAG-prove.XXXXXX); cp -r "$ROOT/sql" "$work/sql"
    (cd "$work" && git apply "$patch") || { echo "$name: patch does not apply"; rc=1; continue; }
    mkdb "$db" "$work/sql" || { rc=1; continue; }
    runproof "$proof" "$db" > "$HERE/out/$name.patched.txt"
    rm -rf "$work"
  fi
  mkdb "$db" "$ROOT/sql" || { rc=1; continue; }
  runproof "$proof" "$db" > "$HERE/out/$name.reference.txt"
  dropdb --if-exists "$db"
  p=$(grep -q EXPLOITED "$HERE/out/$name.patched.txt" && echo EXPLOITED || echo not-exploited)
  r=$(grep -q EXPLOITED "$HERE/out/$name.reference.txt" && echo EXPLOITED || { grep -q REFUSED "$HERE/out/$name.reference.txt" && echo REFUSED || echo no-verdict; })
  ok=$([ "$p" = EXPLOITED ] && [ "$r" = REFUSED ] && echo PROVEN || echo NOT-PROVEN)
  printf '%s\tpatched=%s\treference=%s\t%s\n' "$name" "$p" "$r" "$ok"
  [ "$ok" = PROVEN ] || rc=1
done
exit $rc
