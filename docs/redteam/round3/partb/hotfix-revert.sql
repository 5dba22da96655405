-- Part B (2): undo hotfix-apply.sql (back to the reference behaviour).
\set ON_ERROR_STOP 1
BEGIN;
REVOKE UPDATE (quantity) ON public.pms_inventory_stock FROM authenticated;
REVOKE UPDATE (notes) ON public.pms_inventory_transactions FROM authenticated;
DROP POLICY transactions_update_own_notes ON public.pms_inventory_transactions;
DROP POLICY crew_insert_consume ON public.pms_inventory_transactions;
CREATE POLICY crew_insert_consume ON public.pms_inventory_transactions
  FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND user_id = auth.uid()
              AND transaction_type = 'consumed'
              AND public.is_operational_crew(auth.uid(), yacht_id));
REVOKE EXECUTE ON FUNCTION public.apply_stock_change(integer, uuid, integer, uuid, text, jsonb) FROM PUBLIC;
COMMIT;
\i /work/wt/redteam3/sql/307_atomic_stock_functions.sql
