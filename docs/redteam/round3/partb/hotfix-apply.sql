-- Part B (2): five round-3 defects applied by hand to the customer-like database as the migration
-- owner (a "hotfix" that bypasses the migration files, so the recorded checksums stay the same).
\set ON_ERROR_STOP 1
BEGIN;
-- 06: HOD may set stock quantity directly
GRANT UPDATE (quantity) ON public.pms_inventory_stock TO authenticated;
-- 07: crew may edit the notes of their own ledger rows
GRANT UPDATE (notes) ON public.pms_inventory_transactions TO authenticated;
CREATE POLICY transactions_update_own_notes ON public.pms_inventory_transactions
  FOR UPDATE TO authenticated
  USING (yacht_id = public.get_user_yacht_id() AND user_id = auth.uid())
  WITH CHECK (yacht_id = public.get_user_yacht_id() AND user_id = auth.uid());
-- 11: crew consumption rows need not be attributed to the caller
DROP POLICY crew_insert_consume ON public.pms_inventory_transactions;
CREATE POLICY crew_insert_consume ON public.pms_inventory_transactions
  FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND transaction_type = 'consumed'
              AND public.is_operational_crew(auth.uid(), yacht_id));
COMMIT;
-- 30: the stock lookup filters on p_yacht_id (NULL reaches any yacht): the patched 307, re-run
\i /tmp/rt3/proofsrc/30/sql/307_atomic_stock_functions.sql
-- 20: the internal core is executable by PUBLIC (anon included) -- after 307, which revokes it
GRANT EXECUTE ON FUNCTION public.apply_stock_change(integer, uuid, integer, uuid, text, jsonb) TO PUBLIC;
