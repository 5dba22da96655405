#!/usr/bin/env bash
# prove.sh NN-name [ref|pat|both]: run proofs/NN-name.(sql|py|sh) against a fresh migrated,
# seeded database (lens-harness up) on the reference (ref) and on the patched system (pat).
# SQL patches go to a patched copy of sql/; handler patches to a patched copy of harness/
# that the proof imports (PYTHONPATH), so the checkout is never modified.  Output: proofs/out/NN-name.<ref|pat>.txt
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../../.." && pwd)
NAME=$1; WHICH=${2:-both}
PATCH=$HERE/../$NAME.patch
PROOF=$(ls "$HERE/$NAME".* 2>/dev/null | grep -E '\.(sql|py|sh)$' | head -1)
[ -f "$PATCH" ] && [ -n "$PROOF" ] || { echo "no patch/proof for $NAME"; exit 2; }
mkdir -p "$HERE/out"
HANDLER=0; grep -q '^diff --git a/harness/' "$PATCH" && HANDLER=1
UP_PID=""
cleanup() {
  [ -n "$UP_PID" ] && kill -INT "$UP_PID" 2>/dev/null && wait "$UP_PID" 2>/dev/null
  UP_PID=""
  if [ "${APPLIED:-0}" = 1 ]; then (cd "$ROOT" && git apply -R "$PATCH"); APPLIED=0; fi
}
trap cleanup EXIT INT TERM

one() {  # $1 = ref | pat
  local mode=$1 work sqldir log
  work=$(mktemp -d /tmp/rt4-proof.XXXXXX)
  # sql/ and harness/ as committed (HEAD), never the working tree (a gate run may have a
  # handler patch applied to it)
  git -C "$ROOT" archive HEAD sql | tar -x -C "$work"; sqldir=$work/sql
  # the handler runs from a copy of harness/ (PYTHONPATH shadows the editable install), so a
  # proof never touches the checkout (a gate may be running from it)
  mkdir -p "$work/pkg"; git -C "$ROOT" archive HEAD harness | tar -x -C "$work/pkg"
  if [ "$mode" = pat ]; then
    if [ $HANDLER = 1 ]; then (cd "$work/pkg" && git apply "$PATCH") || { echo "patch does not apply"; return 1; }
    else (cd "$work" && git apply "$PATCH") || { echo "patch does not apply"; return 1; }; fi
  fi
  log=$work/up.log
  "$ROOT/.venv/bin/lens-harness" up --sql-dir "$sqldir" >"$log" 2>&1 &
  UP_PID=$!
  for _ in $(seq 1 120); do grep -q '^DSN:' "$log" && break; kill -0 $UP_PID 2>/dev/null || break; sleep 0.5; done
  DSN=$(sed -n 's/^DSN: //p' "$log")
  if [ -z "$DSN" ]; then echo "database did not come up:"; cat "$log"; cleanup; return 1; fi
  out=$HERE/out/$NAME.$mode.txt
  case "$PROOF" in
    *.sql) (cd "$HERE" && psql "$DSN" -X -q -f "$PROOF") >"$out" 2>&1 ;;
    *.py)  (cd "$ROOT" && DSN=$DSN SQL_DIR=$sqldir PYTHONPATH=$work/pkg .venv/bin/python "$PROOF") >"$out" 2>&1 ;;
    *.sh)  (cd "$HERE" && DSN=$DSN SQL_DIR=$sqldir ROOT=$ROOT bash "$PROOF") >"$out" 2>&1 ;;
  esac
  cleanup
  rm -rf "$work"
  printf '%-40s %-4s %s\n' "$NAME" "$mode" "$(grep -oE 'EXPLOITED|REFUSED' "$out" | tail -1)"
}
case $WHICH in ref) one ref ;; pat) one pat ;; *) one ref; one pat ;; esac
