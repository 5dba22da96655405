-- Every reference stays on its own yacht (CONTRACT §11.1), whoever writes the row: a foreign key
-- only proves the row exists somewhere.  An unknown id and another yacht's id are refused alike.
CREATE FUNCTION public.sl_same_yacht() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  v_row jsonb := to_jsonb(NEW);
  v_ok  boolean;
BEGIN
  FOR i IN 0 .. TG_NARGS - 1 BY 2 LOOP   -- column, referenced table, ...
    CONTINUE WHEN v_row ->> TG_ARGV[i] IS NULL;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM public.%I WHERE id = $1 AND yacht_id = $2)', TG_ARGV[i + 1])
      INTO v_ok USING (v_row ->> TG_ARGV[i])::uuid, NEW.yacht_id;
    IF NOT v_ok THEN
      RAISE EXCEPTION 'reference_not_found: % is not a row of this yacht', TG_ARGV[i] USING ERRCODE = '23503';
    END IF;
  END LOOP;
  RETURN NEW;
END
$fn$;
REVOKE ALL ON FUNCTION public.sl_same_yacht() FROM PUBLIC;

CREATE TRIGGER sl_parts_same_yacht BEFORE INSERT OR UPDATE ON public.pms_parts
  FOR EACH ROW EXECUTE FUNCTION public.sl_same_yacht('primary_location_id', 'pms_part_locations');
CREATE TRIGGER sl_stock_same_yacht BEFORE INSERT OR UPDATE ON public.pms_inventory_stock
  FOR EACH ROW EXECUTE FUNCTION public.sl_same_yacht('part_id', 'pms_parts', 'location_id', 'pms_part_locations');
CREATE TRIGGER sl_usage_same_yacht BEFORE INSERT OR UPDATE ON public.pms_part_usage
  FOR EACH ROW EXECUTE FUNCTION public.sl_same_yacht('part_id', 'pms_parts');
CREATE TRIGGER sl_shopping_same_yacht BEFORE INSERT OR UPDATE ON public.pms_shopping_list_items
  FOR EACH ROW EXECUTE FUNCTION public.sl_same_yacht('part_id', 'pms_parts');
CREATE TRIGGER sl_ledger_same_yacht BEFORE INSERT ON public.pms_inventory_transactions
  FOR EACH ROW EXECUTE FUNCTION public.sl_same_yacht(
    'stock_id', 'pms_inventory_stock', 'part_id', 'pms_parts', 'from_location_id', 'pms_part_locations',
    'to_location_id', 'pms_part_locations', 'usage_id', 'pms_part_usage',
    'reverses_transaction_id', 'pms_inventory_transactions');
-- The audit log's entity is a part (the only entity this implementation audits): no foreign key,
-- the same check.
CREATE TRIGGER sl_audit_same_yacht BEFORE INSERT ON public.pms_audit_log
  FOR EACH ROW EXECUTE FUNCTION public.sl_same_yacht('entity_id', 'pms_parts');

-- A transfer commits as a pair (§11.3): its group holds one leg out and one in, summing to zero.
CREATE FUNCTION public.sl_transfer_paired() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
  IF NEW.transfer_group_id IS NULL OR (
       SELECT count(*) <> 2 OR sum(quantity_change) <> 0 OR count(DISTINCT transaction_type) <> 2
           OR bool_or(transaction_type NOT IN ('transferred_out', 'transferred_in'))
       FROM public.pms_inventory_transactions WHERE transfer_group_id = NEW.transfer_group_id) THEN
    RAISE EXCEPTION 'invalid_transfer: transfer group % is not one leg out and one in', NEW.transfer_group_id
      USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END
$fn$;
REVOKE ALL ON FUNCTION public.sl_transfer_paired() FROM PUBLIC;
CREATE CONSTRAINT TRIGGER sl_transfer_paired AFTER INSERT ON public.pms_inventory_transactions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (NEW.transfer_group_id IS NOT NULL OR NEW.transaction_type IN ('transferred_out', 'transferred_in'))
  EXECUTE FUNCTION public.sl_transfer_paired();
