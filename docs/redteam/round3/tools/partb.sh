#!/usr/bin/env bash
# Part B: one gate run against the customer-like DSN; measures what it leaves behind.
# usage: partb.sh LABEL [lens-harness run flags...]
# needs: /tmp/rt3pg/dsn (the DSN, 0600), /tmp/rt3pg/hash.sh (per-table md5 as superuser),
#        /tmp/rt3pg/padmin (superuser psql); server log /tmp/rt3pg/log/pg.log (log_statement=all)
set -u
ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
OUT=${RT3_WORK:-/tmp/rt3}/B
LOG=/tmp/rt3pg/log/pg.log
label=$1; shift
mkdir -p "$OUT"; rm -rf "$OUT/$label" "$OUT/$label".*
catalog() { /tmp/rt3pg/padmin -d lensprod -At -c "
  select 'rel '||n.nspname||'.'||c.relname||' '||c.relkind::text from pg_class c join pg_namespace n on n.oid=c.relnamespace where n.nspname not in ('pg_catalog','information_schema','pg_toast')
  union all select 'fn '||p.oid::regprocedure::text||' '||coalesce(array_to_string(p.proacl,','),'') from pg_proc p join pg_namespace n on n.oid=p.pronamespace where n.nspname not in ('pg_catalog','information_schema')
  union all select 'pol '||schemaname||'.'||tablename||'.'||policyname||' '||cmd||' '||coalesce(qual,'')||' '||coalesce(with_check,'') from pg_policies
  union all select 'acl '||c.oid::regclass::text||' '||coalesce(array_to_string(c.relacl,','),'') from pg_class c join pg_namespace n on n.oid=c.relnamespace where n.nspname in ('public','storage','auth')
  union all select 'role '||rolname from pg_roles
  order by 1"; }
/tmp/rt3pg/hash.sh > "$OUT/$label.hash.before"; catalog > "$OUT/$label.catalog.before"
off=$(stat -c %s "$LOG")
( while :; do ps -eo pid,args >> "$OUT/$label.ps"; sleep 0.5; done ) & sampler=$!
start=$(date +%s)
LENS_TARGET=dsn LENS_DSN=$(cat /tmp/rt3pg/dsn) "$ROOT/.venv/bin/lens-harness" run --quiet --report-dir "$OUT/$label" "$@" > "$OUT/$label.out" 2>&1
code=$?
secs=$(( $(date +%s) - start ))
kill $sampler; sleep 1
tail -c +$((off + 1)) "$LOG" > "$OUT/$label.pglog"
/tmp/rt3pg/hash.sh > "$OUT/$label.hash.after"; catalog > "$OUT/$label.catalog.after"
pw=(-e 'R3 p@ss' -e 'R3%20p%40ss' -e 'p@ss:w/rd' -e 'p%40ss%3Aw' -e 'R3+p%40ss' -e 'UjMgcEBzczp3L3Jk')
ddl=$(grep -Eic '(statement|execute [^:]*): *(create|alter|drop|grant|revoke|truncate|comment on|reindex|security label|vacuum|cluster|refresh)' "$OUT/$label.pglog")
commits=$(grep -Eic '(statement|execute [^:]*): *(commit|end)\b' "$OUT/$label.pglog")
writes=$(grep -Eic '(statement|execute [^:]*): *(insert|update|delete)\b' "$OUT/$label.pglog")
hashdiff=$(diff "$OUT/$label.hash.before" "$OUT/$label.hash.after" | grep -c '^[<>]')
catdiff=$(diff "$OUT/$label.catalog.before" "$OUT/$label.catalog.after" | grep -c '^[<>]')
pw_report=$(grep -rl "${pw[@]}" "$OUT/$label" 2>/dev/null | wc -l)
pw_console=$(grep -c "${pw[@]}" "$OUT/$label.out")
pw_pglog=$(grep -c "${pw[@]}" "$OUT/$label.pglog")
pw_argv=$(grep -c "${pw[@]}" "$OUT/$label.ps")
verdict=$(grep -E '^(PASS|FAIL|NOT VERIFIED|VERIFY-ONLY)' "$OUT/$label.out" | head -1 | cut -c1-60)
printf '%s\texit=%s\t%ss\tddl_stmts=%s\twrite_stmts=%s\tcommit_stmts=%s\ttables_changed=%s\tcatalog_lines_changed=%s\tpw_in_report_files=%s\tpw_console=%s\tpw_server_log=%s\tpw_argv=%s\t%s\n' \
  "$label" "$code" "$secs" "$ddl" "$writes" "$commits" "$hashdiff" "$catdiff" "$pw_report" "$pw_console" "$pw_pglog" "$pw_argv" "$verdict" | tee -a "$OUT/summary.tsv"
