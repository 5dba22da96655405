-- 309_rows_name_the_caller.sql
-- CONTRACT §11.5: every column that names a user is the caller when an API role writes it.
-- Defaults (auth.uid()) covered a client that leaves the column out, not one that names a
-- colleague in it: a crew member could book usage, a shopping-list line or a storage object
-- in someone else's name.  One trigger function, given the table's user-naming columns, refuses
-- (42501) a written value that is set, changed by the statement, and not auth.uid() — whenever
-- the request carries claims or runs as an API role (a definer path keeps auth.uid()).
-- The owner and service_role without claims (migrations, the backend's own key) are not held.

CREATE OR REPLACE FUNCTION public.lens_row_names_the_caller() RETURNS trigger
  LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  col text;
  written uuid;
  previous uuid;
BEGIN
  IF auth.uid() IS NULL AND current_user NOT IN ('authenticated', 'anon') THEN
    RETURN NEW;
  END IF;
  FOREACH col IN ARRAY TG_ARGV LOOP
    written := (to_jsonb(NEW) ->> col)::uuid;
    previous := CASE WHEN TG_OP = 'UPDATE' THEN (to_jsonb(OLD) ->> col)::uuid END;
    IF written IS NOT NULL AND written IS DISTINCT FROM previous AND written IS DISTINCT FROM auth.uid() THEN
      RAISE EXCEPTION 'attribution: % must name the caller', col USING ERRCODE = '42501';
    END IF;
  END LOOP;
  RETURN NEW;
END $$;
REVOKE ALL ON FUNCTION public.lens_row_names_the_caller() FROM PUBLIC;

DO $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES
      ('public.pms_inventory_transactions', ARRAY['user_id', 'signed_by']),
      ('public.pms_audit_log', ARRAY['user_id']),
      ('public.pms_part_usage', ARRAY['used_by']),
      ('public.pms_shopping_list_items', ARRAY['created_by']),
      ('public.pms_part_locations', ARRAY['created_by']),
      ('public.pms_parts', ARRAY['deleted_by']),
      ('public.pms_inventory_stock', ARRAY['deleted_by']),
      ('storage.objects', ARRAY['owner'])) AS v(tbl, cols)
  LOOP
    EXECUTE format('DROP TRIGGER IF EXISTS trg_row_names_the_caller ON %s', t.tbl);
    EXECUTE format('CREATE TRIGGER trg_row_names_the_caller BEFORE INSERT OR UPDATE ON %s '
                   'FOR EACH ROW EXECUTE FUNCTION public.lens_row_names_the_caller(%s)',
                   t.tbl, (SELECT string_agg(quote_literal(c), ', ') FROM unnest(t.cols) c));
  END LOOP;
END $$;
