-- 03: yacht A received delivery R; a crew member of yacht B receiving with the same reference
-- (a guessed or leaked PO id) through the public RPC hits a unique conflict naming it,
-- instead of the normal receive: B learns that A used R.
\ir head.sql
\set delivery 7d3c1a52-0b1e-4c57-9a0e-5b8e2f0c9d11
\set b_ok failed
BEGIN;
:as_deckhand_a
SELECT success AS a_ok FROM add_stock_inventory(:'impeller_stock_a', 2, :'yacht_a', 'received',
       jsonb_build_object('reference_type', 'receiving', 'reference_id', :'delivery')) \gset
RESET ROLE;
:as_deckhand_b
SELECT success AS b_ok FROM add_stock_inventory(:'impeller_stock_b', 2, :'yacht_b', 'received',
       jsonb_build_object('reference_type', 'receiving', 'reference_id', :'delivery')) \gset
SELECT 'EXPLOITED' AS verdict WHERE :'b_ok' <> 't' \gset
ROLLBACK;
\echo :verdict
