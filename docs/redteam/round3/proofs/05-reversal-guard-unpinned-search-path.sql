-- 05: a SECURITY DEFINER trigger function without a pinned search_path (CONTRACT §2).
-- Every name in its body is schema-qualified and authenticated cannot CREATE in any schema,
-- so this proof shows the catalog fact only (no data damage on this database).
\set exploited false
BEGIN;
SELECT p.prosecdef AND p.proconfig IS NULL AS exploited, p.proconfig
FROM pg_proc p WHERE p.proname = 'inventory_tx_reversal_guard' \gset
\echo proconfig=:proconfig
\if :exploited
\echo RESULT: EXPLOITED
\else
\echo RESULT: REFUSED
\endif
ROLLBACK;
