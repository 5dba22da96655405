#!/usr/bin/env bash
# Red team rounds: run the gate once per defect on the patched system.
#   docs/redteam/round4/run.sh [NN-name ...]      (default: every NN-*.patch here)
# A later round's run.sh execs this one with ROUND_DIR set to its own folder.
# Run from a checkout of the repository (its .venv installed).  SQL defects run on a patched
# copy of sql/ (--sql-dir); handler defects are applied to the checkout (git apply), the gate
# runs, and the patch is reverted (also on Ctrl-C / TERM).  One gate at a time.
# Appends  name<TAB>exit<TAB>seconds<TAB>what the report named as failing  to $RESULTS
# (default results.tsv in the round's folder).  Exit 0 = the defect ESCAPED the gate.
set -u
HERE=${ROUND_DIR:-$(cd "$(dirname "$0")" && pwd)}
ROUND=$(basename "$HERE")
ROOT=$(cd "$HERE/../../.." && pwd)
cd "$ROOT"
RESULTS=${RESULTS:-$HERE/results.tsv}
REPORTS=${REPORTS:-/tmp/$ROUND-reports}
GATE=${GATE:-"$ROOT/.venv/bin/lens-harness"}
mkdir -p "$REPORTS"
APPLIED=""
revert() { if [ -n "$APPLIED" ]; then git -C "$ROOT" apply -R "$APPLIED" && echo "reverted $(basename "$APPLIED")"; APPLIED=""; fi; }
trap 'revert; exit 130' INT TERM
trap revert EXIT

failing() {  # the non-passing criteria of a sign-off report, with the report's reason
  local md=$1/signoff.md
  [ -f "$md" ] || { echo "no signoff.md"; return; }
  awk -F'|' '/^## Sign-off criteria/{t=1;next} t&&/^## /{t=0}
             t&&/^\| /&&$4!~/pass/&&$3!~/Criterion/&&$3!~/^ *-+ *$/ {
               gsub(/\*/,"",$4); c=$3; w=$5; gsub(/^ +| +$/,"",c); gsub(/^ +| +$/,"",w); gsub(/^ +| +$/,"",$4);
               printf "%s[%s: %s] %s", sep, $4, c, substr(w,1,300); sep=" ; " }' "$md"
}

if [ $# -gt 0 ]; then names=("$@"); else names=($(cd "$HERE" && ls [0-9][0-9]-*.patch | sed 's/\.patch$//')); fi
head=$(git -C "$ROOT" rev-parse --short HEAD)
for name in "${names[@]}"; do
  name=${name%.patch}
  patch=$HERE/$name.patch
  [ -f "$patch" ] || { echo "no $patch"; continue; }
  rep=$REPORTS/$name; rm -rf "$rep"
  start=$(date +%s)
  if grep -q '^diff --git a/harness/' "$patch"; then
    git -C "$ROOT" apply "$patch" || { printf '%s\tpatch-failed\t0\t%s\n' "$name" "$head" >>"$RESULTS"; continue; }
    APPLIED=$patch
    "$GATE" run --quiet --report-dir "$rep" >"$REPORTS/$name.log" 2>&1; rc=$?
    revert
  else
    work=$(mktemp -d "/tmp/$ROUND-run.XXXXXX"); cp -r "$ROOT/sql" "$work/sql"
    (cd "$work" && git apply "$patch") || { printf '%s\tpatch-failed\t0\t%s\n' "$name" "$head" >>"$RESULTS"; rm -rf "$work"; continue; }
    "$GATE" run --quiet --sql-dir "$work/sql" --report-dir "$rep" >"$REPORTS/$name.log" 2>&1; rc=$?
    rm -rf "$work"
  fi
  secs=$(( $(date +%s) - start ))
  why=$(failing "$rep" | tr '\t\n' '  ')
  [ "$rc" = 0 ] && why="ESCAPED (gate PASS) ${why}"
  printf '%s\t%s\t%s\t%s\n' "$name" "$rc" "$secs" "$why" | tee -a "$RESULTS"
done
