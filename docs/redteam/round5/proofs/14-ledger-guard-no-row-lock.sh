#!/usr/bin/env bash
# 14: two crew members of yacht A each book a direct 'consumed' ledger row (§5 crew_insert_consume)
# against the same stock row at the same moment.  Without the row lock in the ledger guard, the
# second computes quantity_after from the quantity it read before the first committed: a lost
# update, stock and ledger diverge (CONTRACT §4 "stock and ledger never diverge", §6 lock).
DSN=$1
as_crew() {  # user, sleep-before-commit
  cat <<SQL
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"$1","role":"authenticated"}', true);
INSERT INTO pms_inventory_transactions (yacht_id, stock_id, transaction_type, quantity_change, user_id)
VALUES ('cf3df952-f993-5386-8585-4184c42e9285', 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 'consumed', -1, '$1');
SELECT pg_sleep($2);
COMMIT;
SQL
}
as_crew 1129d21c-2c81-5d89-beb7-2b77d2c8b521 2 | psql -X -q -d "$DSN" >/dev/null &
sleep 0.7
as_crew 369f641b-99c8-5d39-bcb4-da2897ed4be1 0 | psql -X -q -d "$DSN" >/dev/null &
wait
psql -X -At -d "$DSN" <<'SQL'
SELECT CASE WHEN count(*) > 0
  THEN 'EXPLOITED: stock ' || min(quantity) || ' but its ledger sums to ' || min(ledger_sum) || ' (two consumes of 1 from 12, one lost)'
  ELSE 'REFUSED: stock and ledger agree after the concurrent consumes: ' ||
       (SELECT quantity FROM pms_inventory_stock WHERE id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c') END
FROM check_inventory_drift() WHERE stock_id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c';
SQL
