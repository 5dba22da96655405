-- Yacht a's bosun (operational crew, no HOD tier in CONTRACT section 2) books a +40 'adjusted' row.
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"cbde6e60-6e85-5c1c-978c-a63b3d01f505","role":"authenticated"}', true);
SELECT success AS ok FROM public.add_stock_inventory('50cd66fc-5834-5e61-a381-1fafd852d6bc', 40,
  'cf3df952-f993-5386-8585-4184c42e9285', 'adjusted', '{}'::jsonb) \gset
COMMIT;
\if :ok
\echo EXPLOITED: the bosun adjusted stock, an HOD-only type
\else
\echo REFUSED
\endif
