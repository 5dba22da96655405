-- Read models: on-hand per part, stock against its ledger, and the drift check.
DO $views$
DECLARE v_opts text := CASE WHEN current_setting('server_version_num')::int >= 150000
                            THEN 'WITH (security_invoker = true)' ELSE 'WITH (security_barrier = true)' END;
BEGIN
  -- On PostgreSQL 14 a view runs as its owner: the yacht filter keeps it tenant-scoped there too.
  EXECUTE format($v$CREATE VIEW public.pms_part_stock %s AS
    SELECT p.id AS part_id, p.yacht_id, p.name,
           coalesce(sum(s.quantity) FILTER (WHERE s.deleted_at IS NULL), 0)::integer AS on_hand
    FROM public.pms_parts p LEFT JOIN public.pms_inventory_stock s ON s.part_id = p.id
    WHERE auth.uid() IS NULL OR p.yacht_id = public.get_user_yacht_id()
    GROUP BY p.id, p.yacht_id, p.name$v$, v_opts);
  EXECUTE format($v$CREATE VIEW public.v_stock_from_transactions %s AS
    SELECT s.id AS stock_id, s.yacht_id, s.part_id, s.quantity AS quantity,
           coalesce(l.total, 0)::integer AS ledger_sum,
           CASE WHEN s.quantity = coalesce(l.total, 0) THEN 'OK' ELSE 'DRIFT' END AS reconciliation_status
    FROM public.pms_inventory_stock s
    LEFT JOIN (SELECT stock_id, sum(quantity_change) AS total FROM public.pms_inventory_transactions GROUP BY stock_id) l
      ON l.stock_id = s.id
    WHERE auth.uid() IS NULL OR s.yacht_id = public.get_user_yacht_id()$v$, v_opts);
END
$views$;
REVOKE ALL ON public.pms_part_stock, public.v_stock_from_transactions FROM PUBLIC, anon;
GRANT SELECT ON public.pms_part_stock, public.v_stock_from_transactions TO authenticated, service_role;

CREATE FUNCTION public.check_inventory_drift()
RETURNS TABLE (stock_id uuid, yacht_id uuid, quantity integer, ledger_sum integer, drift integer)
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $fn$
  SELECT v.stock_id, v.yacht_id, v.quantity, v.ledger_sum, v.quantity - v.ledger_sum
  FROM public.v_stock_from_transactions v
  JOIN public.pms_inventory_stock s ON s.id = v.stock_id
  WHERE s.deleted_at IS NULL AND v.reconciliation_status = 'DRIFT'
$fn$;
REVOKE EXECUTE ON FUNCTION public.check_inventory_drift() FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.check_inventory_drift() TO authenticated, service_role;
