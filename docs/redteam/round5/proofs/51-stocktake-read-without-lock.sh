#!/usr/bin/env bash
# 51: /rpc/record_stock_count reads the stock row without locking it: a deckhand's consume that
# commits between the count's read and its write is overwritten, and the ledger no longer sums to
# the stock (CONTRACT §4: stock and ledger never diverge; §6: lock before reading).
DSN=$1
psql -X -q -d "$DSN" >/dev/null <<'SQL' &
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
SELECT * FROM public.deduct_stock_inventory('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 2);
SELECT pg_sleep(2);
COMMIT;
SQL
sleep 0.7
psql -X -q -d "$DSN" >/dev/null 2>&1 <<'SQL' &
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}', true);
SELECT * FROM public.record_stock_count('b19fff4e-078f-5ec3-89ac-c1df8ca77c9c', 15);
COMMIT;
SQL
wait
psql -X -At -d "$DSN" <<'SQL'
SELECT CASE WHEN count(*) > 0
  THEN 'EXPLOITED: stock ' || min(quantity) || ' but its ledger sums to ' || min(ledger_sum) || ' (a consume of 2 raced the stocktake)'
  ELSE 'REFUSED: stock and ledger agree: ' || (SELECT quantity FROM pms_inventory_stock WHERE id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c') END
FROM check_inventory_drift() WHERE stock_id = 'b19fff4e-078f-5ec3-89ac-c1df8ca77c9c';
SQL
