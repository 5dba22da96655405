-- 23: a deckhand books a part usage in the captain's name (used_by = the captain).
\ir head.sql
BEGIN;
:as_deckhand_a
INSERT INTO pms_part_usage (yacht_id, part_id, quantity, usage_reason, used_by)
VALUES (:'yacht_a', :'impeller_a', 3, 'fitted to port genset', :'captain_a')
RETURNING 'EXPLOITED' AS verdict \gset
ROLLBACK;
\echo :verdict
