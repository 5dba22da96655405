-- A deckhand of yacht a shadows auth_users_profiles with a temporary table naming itself on
-- yacht b, puts pg_temp first in its search_path, and reads yacht b's on-hand through the
-- definer function (its search_path is not pinned: CONTRACT section 2).
\set ok false
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
CREATE TEMP TABLE auth_users_profiles (id uuid, yacht_id uuid, is_active boolean) ON COMMIT DROP;
INSERT INTO pg_temp.auth_users_profiles VALUES
  ('1129d21c-2c81-5d89-beb7-2b77d2c8b521', 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', true);
SET LOCAL search_path = pg_temp, public;
SELECT public.part_on_hand('07889066-4637-5cd3-b551-2f74dbad5c61') = 12 AS ok \gset
COMMIT;
\if :ok
\echo EXPLOITED: yacht b on-hand read through a shadowed table
\else
\echo REFUSED
\endif
