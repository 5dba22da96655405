-- The atomic stock functions (CONTRACT §6), exactly the contract's three parameters and four
-- columns: a request needs operational crew on its own yacht; lock the row, check, move the
-- quantity. The ledger row is the stock trigger's (ledger file): a function cannot forget it.
CREATE FUNCTION public.inv_move_stock(p_stock_id uuid, p_quantity integer, p_yacht_id uuid, p_sign integer)
RETURNS TABLE (success boolean, quantity_before integer, quantity_after integer, error_code text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  v_yacht uuid := p_yacht_id;
  v_row   public.pms_inventory_stock%ROWTYPE;
  v_after bigint;
BEGIN
  -- a request: an API role, or claims naming one (without sub it is nobody, and gets nothing)
  IF (auth.uid() IS NOT NULL OR coalesce(current_setting('role', true), '') IN ('anon', 'authenticated')
      OR coalesce(auth.role(), '') IN ('anon', 'authenticated'))
     AND NOT coalesce(public.is_operational_crew(auth.uid(), public.get_user_yacht_id()), false) THEN
    RAISE EXCEPTION 'forbidden: consuming and receiving stock is for operational crew' USING ERRCODE = '42501';
  END IF;
  IF auth.uid() IS NOT NULL AND p_yacht_id IS DISTINCT FROM public.get_user_yacht_id() THEN
    v_yacht := NULL;  -- a request acts on its own yacht only: another yacht's id reaches nothing
  END IF;
  IF p_quantity IS NULL OR p_quantity <= 0 THEN
    RETURN QUERY SELECT false, NULL::integer, NULL::integer, 'invalid_quantity'::text;
    RETURN;
  END IF;
  SELECT * INTO v_row FROM public.pms_inventory_stock WHERE id = p_stock_id AND yacht_id = v_yacht FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT false, NULL::integer, NULL::integer, 'stock_not_found'::text;
    RETURN;
  END IF;
  IF v_row.deleted_at IS NOT NULL THEN
    RETURN QUERY SELECT false, v_row.quantity, v_row.quantity, 'stock_deactivated'::text;
    RETURN;
  END IF;
  v_after := v_row.quantity::bigint + p_sign * p_quantity::bigint;
  IF v_after < 0 THEN
    RETURN QUERY SELECT false, v_row.quantity, v_row.quantity, 'insufficient_stock'::text;
    RETURN;
  END IF;
  IF v_after > 2147483647 THEN
    RETURN QUERY SELECT false, v_row.quantity, v_row.quantity, 'invalid_quantity'::text;
    RETURN;
  END IF;
  PERFORM set_config('inv.booking', 'function', true);  -- the stock trigger books this change (ledger file)
  UPDATE public.pms_inventory_stock SET quantity = v_after::integer WHERE id = v_row.id;
  PERFORM set_config('inv.booking', '', true);
  RETURN QUERY SELECT true, v_row.quantity, v_after::integer, NULL::text;
END
$fn$;

CREATE FUNCTION public.deduct_stock_inventory(p_stock_id uuid, p_quantity integer,
                                              p_yacht_id uuid DEFAULT public.get_user_yacht_id())
RETURNS TABLE (success boolean, quantity_before integer, quantity_after integer, error_code text)
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT * FROM public.inv_move_stock(p_stock_id, p_quantity, p_yacht_id, -1)
$fn$;

CREATE FUNCTION public.add_stock_inventory(p_stock_id uuid, p_quantity integer,
                                           p_yacht_id uuid DEFAULT public.get_user_yacht_id())
RETURNS TABLE (success boolean, quantity_before integer, quantity_after integer, error_code text)
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT * FROM public.inv_move_stock(p_stock_id, p_quantity, p_yacht_id, 1)
$fn$;

REVOKE EXECUTE ON FUNCTION public.inv_move_stock(uuid, integer, uuid, integer) FROM PUBLIC, anon, authenticated;
REVOKE EXECUTE ON FUNCTION public.deduct_stock_inventory(uuid, integer, uuid),
  public.add_stock_inventory(uuid, integer, uuid) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.deduct_stock_inventory(uuid, integer, uuid),
  public.add_stock_inventory(uuid, integer, uuid) TO authenticated, service_role;
