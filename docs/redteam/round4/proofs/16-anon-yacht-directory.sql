-- 16: without any token (anon), list every tenant.
\ir head.sql
BEGIN;
SET LOCAL ROLE anon;
SELECT 'EXPLOITED' AS verdict FROM yacht_registry WHERE id = :'yacht_a' \gset
ROLLBACK;
\echo :verdict
