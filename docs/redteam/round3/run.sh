#!/usr/bin/env bash
# Run the gate once per defect, one at a time; append "name<TAB>exit<TAB>seconds<TAB>caught-by"
# to $RESULTS.  SQL defects run on a patched copy of sql/ (--sql-dir); handler defects are
# applied to the worktree for the run and reverted afterwards (also on Ctrl-C).
# usage: docs/redteam/round3/run.sh [NN-name ...]   (default: every *.patch)
set -u
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
HERE="$ROOT/docs/redteam/round3"
WORK=${RT3_WORK:-/tmp/rt3}
RESULTS=${RESULTS:-$WORK/results.tsv}
mkdir -p "$WORK"
cd "$ROOT"
names=("$@")
[ ${#names[@]} -eq 0 ] && names=($(cd "$HERE" && ls *.patch | sed 's/\.patch$//'))
for name in "${names[@]}"; do
  patch="$HERE/$name.patch"
  report="$WORK/$name"
  rm -rf "$report" "$WORK/src-$name"
  if grep -q '^diff --git a/harness/sut/' "$patch"; then
    git apply "$patch" || { printf '%s\t-\t-\tpatch does not apply\n' "$name" >>"$RESULTS"; continue; }
    trap 'git apply -R "$patch"; exit 130' INT TERM
    args=()
  else
    mkdir -p "$WORK/src-$name" && cp -r sql "$WORK/src-$name/sql"
    (cd "$WORK/src-$name" && git apply "$patch") || { printf '%s\t-\t-\tpatch does not apply\n' "$name" >>"$RESULTS"; continue; }
    args=(--sql-dir "$WORK/src-$name/sql")
  fi
  start=$(date +%s)
  .venv/bin/lens-harness run --quiet "${args[@]}" --report-dir "$report" >"$WORK/$name.out" 2>&1
  code=$?
  secs=$(( $(date +%s) - start ))
  if [ ${#args[@]} -eq 0 ]; then git apply -R "$patch"; trap - INT TERM; fi
  caught=$(grep -E '^\| .* \| \*\*(fail|blocked|not verified)' "$report/signoff.md" 2>/dev/null | awk -F'|' '{gsub(/^ +| +$/,"",$3); gsub(/^ +| +$/,"",$4); printf "%s [%s: %s]; ", $3, $4, substr($5,1,160)}')
  [ -z "$caught" ] && caught=$(tail -1 "$WORK/$name.out")
  printf '%s\t%s\t%s\t%s\n' "$name" "$code" "$secs" "$caught" | tee -a "$RESULTS"
done
