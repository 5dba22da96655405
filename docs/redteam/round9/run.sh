#!/usr/bin/env bash
# Red team round 9: run the gate once per defect on the patched system (round 4's runner, on
# this folder's patches; results.tsv here by default).
#   docs/redteam/round9/run.sh [NN-name ...]      (default: every NN-*.patch here)
ROUND_DIR=$(cd "$(dirname "$0")" && pwd) exec "$(dirname "$0")/../round4/run.sh" "$@"
