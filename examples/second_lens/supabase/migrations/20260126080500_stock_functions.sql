-- The atomic stock functions: lock the row, check, move the quantity. They move stock ONLY:
-- the caller (the API handler) inserts the ledger row in the same transaction, and a request
-- with JWT claims that moves stock without its ledger row is refused at commit (ledger file).
CREATE FUNCTION public.sl_move_stock(p_stock_id uuid, p_quantity integer, p_yacht_id uuid, p_sign integer)
RETURNS TABLE (success boolean, quantity_before integer, quantity_after integer, error_code text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  v_yacht uuid := p_yacht_id;
  v_row   public.pms_inventory_stock%ROWTYPE;
  v_after bigint;
BEGIN
  -- A request (an API role, or claims naming one) acts on its own yacht only: another yacht's
  -- id reaches nothing, and claims without sub have no yacht at all.
  IF (auth.uid() IS NOT NULL OR coalesce(current_setting('role', true), '') IN ('anon', 'authenticated')
      OR coalesce(auth.role(), '') IN ('anon', 'authenticated'))
     AND (p_yacht_id IS DISTINCT FROM public.get_user_yacht_id() OR auth.uid() IS NULL) THEN
    v_yacht := NULL;
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
  UPDATE public.pms_inventory_stock SET quantity = v_after::integer WHERE id = v_row.id;
  RETURN QUERY SELECT true, v_row.quantity, v_after::integer, NULL::text;
END
$fn$;

CREATE FUNCTION public.deduct_stock_inventory(p_stock_id uuid, p_quantity integer,
                                              p_yacht_id uuid DEFAULT public.get_user_yacht_id())
RETURNS TABLE (success boolean, quantity_before integer, quantity_after integer, error_code text)
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT * FROM public.sl_move_stock(p_stock_id, p_quantity, p_yacht_id, -1)
$fn$;

CREATE FUNCTION public.add_stock_inventory(p_stock_id uuid, p_quantity integer,
                                           p_yacht_id uuid DEFAULT public.get_user_yacht_id())
RETURNS TABLE (success boolean, quantity_before integer, quantity_after integer, error_code text)
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT * FROM public.sl_move_stock(p_stock_id, p_quantity, p_yacht_id, 1)
$fn$;

REVOKE EXECUTE ON FUNCTION public.sl_move_stock(uuid, integer, uuid, integer) FROM PUBLIC, anon, authenticated;
REVOKE EXECUTE ON FUNCTION public.deduct_stock_inventory(uuid, integer, uuid),
  public.add_stock_inventory(uuid, integer, uuid) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.deduct_stock_inventory(uuid, integer, uuid),
  public.add_stock_inventory(uuid, integer, uuid) TO authenticated, service_role;
