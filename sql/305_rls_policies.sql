-- 305_rls_policies.sql
-- Row-level security on every lens/tenancy table, explicit grants, and the
-- transaction-type gating of direct ledger inserts (CONTRACT §5).
--
-- Privileges: everything is first revoked from anon/authenticated (Supabase used to
-- grant ALL on new public tables by default), then granted explicitly:
--   authenticated  SELECT on all tables below;
--                  INSERT on the ledger (gated by the three type policies);
--                  INSERT on usage, shopping list, audit log, stock (operational crew);
--                  INSERT/UPDATE on locations and parts (HOD);
--                  UPDATE on stock only for location / location_id / updated_at (HOD):
--                  quantity changes go through the atomic functions so stock and ledger
--                  never diverge, deleted_at through set_part_active (§11.6);
--                  no UPDATE/DELETE on the ledger or the audit log (append-only).
--   service_role   ALL (it is BYPASSRLS; no policies needed).
--   anon           nothing.

-- No CREATE in public for anyone but its owner (PostgreSQL 14 and older grant it to PUBLIC): a
-- client-made function could shadow a pg_catalog one for a path that resolves through public.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;

DO $m305_grants$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'yacht_registry', 'auth_users_profiles', 'auth_users_roles',
    'pms_parts', 'pms_part_locations', 'pms_inventory_stock',
    'pms_inventory_transactions', 'pms_part_usage', 'pms_shopping_list_items',
    'pms_audit_log'
  ]
  LOOP
    EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('REVOKE ALL ON public.%I FROM PUBLIC, anon, authenticated', t);
    EXECUTE format('GRANT SELECT ON public.%I TO authenticated', t);
    EXECUTE format('GRANT ALL ON public.%I TO service_role', t);
  END LOOP;
END
$m305_grants$;

GRANT INSERT ON public.pms_inventory_transactions TO authenticated;
GRANT INSERT ON public.pms_part_usage TO authenticated;
GRANT INSERT ON public.pms_shopping_list_items TO authenticated;
GRANT INSERT ON public.pms_audit_log TO authenticated;
GRANT INSERT ON public.pms_inventory_stock TO authenticated;
-- deleted_at / deleted_by of stock and parts change only through set_part_active (307), quantity
-- only with its ledger row (CONTRACT §11.6): no UPDATE of those columns for an API role.
GRANT UPDATE (location, location_id, updated_at)
  ON public.pms_inventory_stock TO authenticated;
GRANT INSERT, UPDATE ON public.pms_part_locations TO authenticated;
GRANT INSERT ON public.pms_parts TO authenticated;
GRANT UPDATE (yacht_id, name, part_number, manufacturer, category, unit, minimum_quantity, desired_quantity,
              quantity_on_hand, deletion_reason, created_at, updated_at)
  ON public.pms_parts TO authenticated;   -- yacht_id: held to the own yacht by parts_update_hod

-- ---------------------------------------------------------------------------
-- Tenancy tables: read-only, own yacht
-- ---------------------------------------------------------------------------
DROP POLICY IF EXISTS yachts_select_own ON public.yacht_registry;
CREATE POLICY yachts_select_own ON public.yacht_registry
  FOR SELECT TO authenticated
  USING (id = public.get_user_yacht_id());

DROP POLICY IF EXISTS profiles_select_own_yacht ON public.auth_users_profiles;
CREATE POLICY profiles_select_own_yacht ON public.auth_users_profiles
  FOR SELECT TO authenticated
  USING (yacht_id = public.get_user_yacht_id() OR id = auth.uid());

DROP POLICY IF EXISTS roles_select_own_yacht ON public.auth_users_roles;
CREATE POLICY roles_select_own_yacht ON public.auth_users_roles
  FOR SELECT TO authenticated
  USING (yacht_id = public.get_user_yacht_id());

-- ---------------------------------------------------------------------------
-- pms_parts
-- ---------------------------------------------------------------------------
DROP POLICY IF EXISTS parts_select_own_yacht ON public.pms_parts;
CREATE POLICY parts_select_own_yacht ON public.pms_parts
  FOR SELECT TO authenticated
  USING (yacht_id = public.get_user_yacht_id());

DROP POLICY IF EXISTS parts_insert_hod ON public.pms_parts;
CREATE POLICY parts_insert_hod ON public.pms_parts
  FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND public.is_hod(auth.uid(), yacht_id));

DROP POLICY IF EXISTS parts_update_hod ON public.pms_parts;
CREATE POLICY parts_update_hod ON public.pms_parts
  FOR UPDATE TO authenticated
  USING (yacht_id = public.get_user_yacht_id()
         AND public.is_hod(auth.uid(), yacht_id))
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND public.is_hod(auth.uid(), yacht_id));

-- ---------------------------------------------------------------------------
-- pms_part_locations
-- ---------------------------------------------------------------------------
DROP POLICY IF EXISTS locations_select_own_yacht ON public.pms_part_locations;
CREATE POLICY locations_select_own_yacht ON public.pms_part_locations
  FOR SELECT TO authenticated
  USING (yacht_id = public.get_user_yacht_id());

DROP POLICY IF EXISTS locations_insert_hod ON public.pms_part_locations;
CREATE POLICY locations_insert_hod ON public.pms_part_locations
  FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND public.is_hod(auth.uid(), yacht_id));

DROP POLICY IF EXISTS locations_update_hod ON public.pms_part_locations;
CREATE POLICY locations_update_hod ON public.pms_part_locations
  FOR UPDATE TO authenticated
  USING (yacht_id = public.get_user_yacht_id()
         AND public.is_hod(auth.uid(), yacht_id))
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND public.is_hod(auth.uid(), yacht_id));

-- ---------------------------------------------------------------------------
-- pms_inventory_stock
-- A new stock row starts empty (quantity 0, active); its opening balance is
-- written through add_stock_inventory so the ledger accounts for it.
-- ---------------------------------------------------------------------------
DROP POLICY IF EXISTS stock_select_own_yacht ON public.pms_inventory_stock;
CREATE POLICY stock_select_own_yacht ON public.pms_inventory_stock
  FOR SELECT TO authenticated
  USING (yacht_id = public.get_user_yacht_id());

DROP POLICY IF EXISTS stock_insert_crew ON public.pms_inventory_stock;
CREATE POLICY stock_insert_crew ON public.pms_inventory_stock
  FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND public.is_operational_crew(auth.uid(), yacht_id)
              AND quantity = 0
              AND deleted_at IS NULL);

DROP POLICY IF EXISTS stock_update_hod ON public.pms_inventory_stock;
CREATE POLICY stock_update_hod ON public.pms_inventory_stock
  FOR UPDATE TO authenticated
  USING (yacht_id = public.get_user_yacht_id()
         AND public.is_hod(auth.uid(), yacht_id))
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND public.is_hod(auth.uid(), yacht_id));

-- ---------------------------------------------------------------------------
-- pms_inventory_transactions (append-only ledger)
-- Permissive policies: a role gets the union of its tiers' types.
-- A denied insert fails with 42501.
-- ---------------------------------------------------------------------------
DROP POLICY IF EXISTS transactions_select_own_yacht ON public.pms_inventory_transactions;
CREATE POLICY transactions_select_own_yacht ON public.pms_inventory_transactions
  FOR SELECT TO authenticated
  USING (yacht_id = public.get_user_yacht_id());

DROP POLICY IF EXISTS crew_insert_consume ON public.pms_inventory_transactions;
CREATE POLICY crew_insert_consume ON public.pms_inventory_transactions
  FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND user_id = auth.uid()
              AND transaction_type = 'consumed'
              AND public.is_operational_crew(auth.uid(), yacht_id));

DROP POLICY IF EXISTS hod_insert_receive_transfer_adjust ON public.pms_inventory_transactions;
CREATE POLICY hod_insert_receive_transfer_adjust ON public.pms_inventory_transactions
  FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND user_id = auth.uid()
              AND transaction_type IN ('received', 'transferred_out', 'transferred_in', 'adjusted')
              AND public.is_hod(auth.uid(), yacht_id));

DROP POLICY IF EXISTS manager_insert_writeoff_reversed ON public.pms_inventory_transactions;
CREATE POLICY manager_insert_writeoff_reversed ON public.pms_inventory_transactions
  FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND user_id = auth.uid()
              AND transaction_type IN ('write_off', 'reversed')
              AND public.is_manager(auth.uid(), yacht_id));

-- ---------------------------------------------------------------------------
-- pms_part_usage, pms_shopping_list_items, pms_audit_log: crew may append
-- ---------------------------------------------------------------------------
DROP POLICY IF EXISTS usage_select_own_yacht ON public.pms_part_usage;
CREATE POLICY usage_select_own_yacht ON public.pms_part_usage
  FOR SELECT TO authenticated
  USING (yacht_id = public.get_user_yacht_id());

DROP POLICY IF EXISTS usage_insert_crew ON public.pms_part_usage;
CREATE POLICY usage_insert_crew ON public.pms_part_usage
  FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND public.is_operational_crew(auth.uid(), yacht_id));

DROP POLICY IF EXISTS shopping_list_select_own_yacht ON public.pms_shopping_list_items;
CREATE POLICY shopping_list_select_own_yacht ON public.pms_shopping_list_items
  FOR SELECT TO authenticated
  USING (yacht_id = public.get_user_yacht_id());

DROP POLICY IF EXISTS shopping_list_insert_crew ON public.pms_shopping_list_items;
CREATE POLICY shopping_list_insert_crew ON public.pms_shopping_list_items
  FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND public.is_operational_crew(auth.uid(), yacht_id));

DROP POLICY IF EXISTS audit_log_select_own_yacht ON public.pms_audit_log;
CREATE POLICY audit_log_select_own_yacht ON public.pms_audit_log
  FOR SELECT TO authenticated
  USING (yacht_id = public.get_user_yacht_id());

DROP POLICY IF EXISTS audit_log_insert_crew ON public.pms_audit_log;
CREATE POLICY audit_log_insert_crew ON public.pms_audit_log
  FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND user_id = auth.uid()
              AND public.is_operational_crew(auth.uid(), yacht_id));
