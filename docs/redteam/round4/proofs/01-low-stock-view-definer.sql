-- 01: a deckhand of yacht B reads yacht A's parts and on-hand through the new view.
\ir head.sql
BEGIN;
:as_deckhand_b
SELECT 'EXPLOITED' AS verdict FROM public.v_low_stock WHERE yacht_id = :'yacht_a' LIMIT 1 \gset
ROLLBACK;
\echo :verdict
