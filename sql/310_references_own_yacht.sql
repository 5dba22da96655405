-- 310_references_own_yacht.sql
-- CONTRACT §11.1: no row is written, by any path, to reference a row of another yacht; §11.3:
-- every transfer group holds one transferred_out and one transferred_in summing to zero,
-- committed together.
--
-- A foreign key only says the referenced row exists, on any yacht: a HOD could point its part's
-- primary_location_id at another yacht's location (its UPDATE policy checks the row's own
-- yacht_id, not what the row points at), and a definer path could book a ledger row naming
-- another yacht's location or usage.  trg_references_own_yacht, on every per-yacht table with
-- a foreign key to another per-yacht table, refuses such a row whoever writes it (the owner and
-- service_role too).  A dangling id and another yacht's id get the same refusal, so the error
-- tells a tenant nothing about another yacht's rows.
--
-- The stock functions book one leg per call, so a direct call (PostgREST /rpc) could leave a
-- transfer half booked.  trg_inventory_tx_transfer_pairs is deferred to commit: a transaction
-- that books both legs (the handler's transfer_part) commits, one that leaves a group
-- unpaired is rolled back.

CREATE OR REPLACE FUNCTION public.lens_references_own_yacht()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER                -- reads the referenced row past RLS, to refuse it
SET search_path = public, pg_temp
AS $$
DECLARE
  i        integer;
  v_new    jsonb := to_jsonb(NEW);
  v_old    jsonb := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) END;
  v_id     uuid;
  v_own    boolean;
BEGIN
  -- TG_ARGV: column, referenced table(s, comma-separated: a row of any), column, referenced table, ...
  FOR i IN 0 .. TG_NARGS - 1 BY 2 LOOP
    v_id := (v_new ->> TG_ARGV[i])::uuid;
    CONTINUE WHEN v_id IS NULL
      OR (v_old IS NOT NULL AND v_old ->> TG_ARGV[i] IS NOT DISTINCT FROM v_new ->> TG_ARGV[i]
          AND v_old ->> 'yacht_id' IS NOT DISTINCT FROM v_new ->> 'yacht_id');
    EXECUTE format('SELECT EXISTS (%s)', (SELECT string_agg(format('SELECT 1 FROM public.%I WHERE id = $1 AND yacht_id = $2', t), ' UNION ALL ')
                                          FROM unnest(string_to_array(TG_ARGV[i + 1], ',')) t))
      INTO v_own USING v_id, NEW.yacht_id;
    IF NOT v_own THEN
      RAISE EXCEPTION 'reference_not_found: %.% names no row of this yacht', TG_TABLE_NAME, TG_ARGV[i]
        USING ERRCODE = 'foreign_key_violation';
    END IF;
  END LOOP;
  RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION public.lens_references_own_yacht() FROM PUBLIC;

-- Every single-column foreign key between two public per-yacht tables, one trigger per table.
DO $m310_references$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT c.conrelid::regclass AS tbl,
           array_agg(ARRAY[a.attname::text, f.relname::text] ORDER BY a.attname) AS pairs
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    JOIN pg_class f ON f.oid = c.confrelid
    JOIN pg_namespace n ON n.oid = f.relnamespace AND n.nspname = 'public'
    WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
      AND a.attname <> 'yacht_id'
      AND EXISTS (SELECT 1 FROM pg_attribute y WHERE y.attrelid = c.conrelid AND y.attname = 'yacht_id' AND NOT y.attisdropped)
      AND EXISTS (SELECT 1 FROM pg_attribute y WHERE y.attrelid = c.confrelid AND y.attname = 'yacht_id' AND NOT y.attisdropped)
    GROUP BY c.conrelid
  LOOP
    EXECUTE format('DROP TRIGGER IF EXISTS trg_references_own_yacht ON %s', r.tbl);
    EXECUTE format('CREATE TRIGGER trg_references_own_yacht BEFORE INSERT OR UPDATE ON %s '
                   'FOR EACH ROW EXECUTE FUNCTION public.lens_references_own_yacht(%s)',
                   r.tbl, (SELECT string_agg(quote_literal(x), ', ') FROM unnest(r.pairs) x));
  END LOOP;
END
$m310_references$;

-- The audit log names its entity by type and id, with no foreign key to follow: entity_id must
-- be a row of this yacht in some per-yacht table (the tables, at migration time, as one argument).
DO $m310_audit$
BEGIN
  EXECUTE 'DROP TRIGGER IF EXISTS trg_audit_entity_own_yacht ON public.pms_audit_log';
  EXECUTE format('CREATE TRIGGER trg_audit_entity_own_yacht BEFORE INSERT ON public.pms_audit_log '
                 'FOR EACH ROW EXECUTE FUNCTION public.lens_references_own_yacht(''entity_id'', %L)',
                 (SELECT string_agg(c.relname, ',' ORDER BY c.relname)
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'id' AND a.atttypid = 'uuid'::regtype
                  JOIN pg_attribute y ON y.attrelid = c.oid AND y.attname = 'yacht_id' AND NOT y.attisdropped
                  WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'pms_audit_log'));
END
$m310_audit$;

CREATE OR REPLACE FUNCTION public.inventory_tx_transfer_pairs()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER                -- counts both legs past RLS
SET search_path = public, pg_temp
AS $$
DECLARE
  v record;
BEGIN
  IF NEW.transfer_group_id IS NULL THEN
    RAISE EXCEPTION 'invalid_transfer: a % row needs its transfer_group_id', NEW.transaction_type
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT count(*) AS legs,
         count(*) FILTER (WHERE transaction_type = 'transferred_out') AS outs,
         count(*) FILTER (WHERE transaction_type = 'transferred_in') AS ins,
         coalesce(sum(quantity_change), 0) AS total,
         count(DISTINCT yacht_id) AS yachts,
         count(DISTINCT part_id) AS parts
  INTO v
  FROM public.pms_inventory_transactions
  WHERE transfer_group_id = NEW.transfer_group_id;
  IF v.legs <> 2 OR v.outs <> 1 OR v.ins <> 1 OR v.total <> 0 OR v.yachts <> 1 OR v.parts <> 1 THEN
    RAISE EXCEPTION 'invalid_transfer: transfer group % must hold one transferred_out and one transferred_in of one part summing to zero, committed together',
      NEW.transfer_group_id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION public.inventory_tx_transfer_pairs() FROM PUBLIC;

DROP TRIGGER IF EXISTS trg_inventory_tx_transfer_pairs ON public.pms_inventory_transactions;
CREATE CONSTRAINT TRIGGER trg_inventory_tx_transfer_pairs
  AFTER INSERT ON public.pms_inventory_transactions
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW
  WHEN (NEW.transfer_group_id IS NOT NULL OR NEW.transaction_type IN ('transferred_out', 'transferred_in'))
  EXECUTE FUNCTION public.inventory_tx_transfer_pairs();
