-- Row-level security: a user sees and writes only their own yacht. The API role holds table
-- privileges (as on a default Supabase project); the policies below are the whole gate.
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
DO $grants$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['yacht_registry', 'auth_users_profiles', 'auth_users_roles', 'pms_parts',
                           'pms_part_locations', 'pms_inventory_stock', 'pms_inventory_transactions',
                           'pms_part_usage', 'pms_shopping_list_items', 'pms_audit_log']
  LOOP
    EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('REVOKE ALL ON public.%I FROM PUBLIC, anon', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO authenticated', t);
    EXECUTE format('GRANT ALL ON public.%I TO service_role', t);
    EXECUTE format('CREATE POLICY "own yacht reads" ON public.%I FOR SELECT TO authenticated USING (%s)', t,
                   CASE t WHEN 'yacht_registry' THEN 'id = public.get_user_yacht_id()'
                          ELSE 'yacht_id = public.get_user_yacht_id()' END);
  END LOOP;
END
$grants$;
-- Quantities move only through the stock functions; deleted_at only through deactivate/reactivate
-- (CONTRACT §11.6): no API role updates those columns directly.
REVOKE UPDATE ON public.pms_inventory_stock, public.pms_parts FROM authenticated;
GRANT UPDATE (location, location_id) ON public.pms_inventory_stock TO authenticated;
GRANT UPDATE (yacht_id, name, part_number, manufacturer, category, unit, minimum_quantity, desired_quantity,
              quantity_on_hand, primary_location_id, deletion_reason, created_at, updated_at)
  ON public.pms_parts TO authenticated;

CREATE POLICY "heads of department add parts" ON public.pms_parts FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id() AND public.is_hod(auth.uid(), yacht_id));
CREATE POLICY "heads of department edit parts" ON public.pms_parts FOR UPDATE TO authenticated
  USING (yacht_id = public.get_user_yacht_id() AND public.is_hod(auth.uid(), yacht_id))
  WITH CHECK (yacht_id = public.get_user_yacht_id());
CREATE POLICY "heads of department add locations" ON public.pms_part_locations FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id() AND public.is_hod(auth.uid(), yacht_id));
CREATE POLICY "crew open stock rows" ON public.pms_inventory_stock FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id() AND public.is_operational_crew(auth.uid(), yacht_id)
              AND quantity = 0);
CREATE POLICY "heads of department retire stock rows" ON public.pms_inventory_stock FOR UPDATE TO authenticated
  USING (yacht_id = public.get_user_yacht_id() AND public.is_hod(auth.uid(), yacht_id))
  WITH CHECK (yacht_id = public.get_user_yacht_id());

-- Direct ledger inserts, gated by transaction type (CONTRACT section 5), in the caller's own name.
CREATE POLICY "crew record consumption" ON public.pms_inventory_transactions FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id() AND user_id = auth.uid() AND transaction_type = 'consumed'
              AND public.is_operational_crew(auth.uid(), yacht_id));
CREATE POLICY "heads of department record receipts transfers adjustments" ON public.pms_inventory_transactions
  FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id() AND user_id = auth.uid()
              AND transaction_type IN ('received', 'transferred_out', 'transferred_in', 'adjusted')
              AND public.is_hod(auth.uid(), yacht_id));
CREATE POLICY "managers record write-offs and reversals" ON public.pms_inventory_transactions
  FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id() AND user_id = auth.uid()
              AND transaction_type IN ('write_off', 'reversed')
              AND public.is_manager(auth.uid(), yacht_id));

CREATE POLICY "crew record usage" ON public.pms_part_usage FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id() AND public.is_operational_crew(auth.uid(), yacht_id));
CREATE POLICY "crew add to the shopping list" ON public.pms_shopping_list_items FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id() AND public.is_operational_crew(auth.uid(), yacht_id));
CREATE POLICY "crew write their own audit rows" ON public.pms_audit_log FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id() AND user_id = auth.uid());
