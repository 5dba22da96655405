"""Build docs/redteam/round3/NN-name.patch from exact (file, old, new) edits.

Each defect is applied to the clean worktree, captured with `git diff`, then reverted,
so every patch applies with `git apply` at the repo root and touches only sql/ or
harness/sut/.  Run from the repo root: python docs/redteam/round3/tools/make_patches.py
"""
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[4]
OUT = ROOT / "docs/redteam/round3"

P300, P100 = "sql/300_is_operational_crew.sql", "sql/100_baseline_schema.sql"
P304, P305, P306 = "sql/304_ledger_constraints.sql", "sql/305_rls_policies.sql", "sql/306_storage_policies.sql"
P307, SVC, BOD, AUTH = "sql/307_atomic_stock_functions.sql", "harness/sut/service.py", "harness/sut/bodies.py", "harness/sut/auth.py"

HOD_300 = """CREATE OR REPLACE FUNCTION public.is_hod(p_user_id uuid, p_yacht_id uuid)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT EXISTS (
    SELECT 1
    FROM public.auth_users_roles r
    JOIN public.auth_users_profiles p ON p.id = r.user_id AND p.is_active
    WHERE r.user_id = p_user_id
      AND r.yacht_id = p_yacht_id
      AND r.is_active"""

DEFECTS = {
 "01-hod-role-on-any-yacht": [
  (P300, HOD_300, HOD_300.replace("      AND r.yacht_id = p_yacht_id\n", "")),
 ],
 "02-crew-ignores-role-is-active": [
  (P300, """    WHERE r.user_id = p_user_id
      AND r.yacht_id = p_yacht_id
      AND r.is_active
      AND r.role IN ('deckhand',""", """    WHERE r.user_id = p_user_id
      AND r.yacht_id = p_yacht_id
      AND r.role IN ('deckhand',"""),
 ],
 "03-yacht-id-ignores-profile-is-active": [
  (P100, """  WHERE p.id = auth.uid()
    AND p.is_active
  LIMIT 1""", """  WHERE p.id = auth.uid()
  LIMIT 1"""),
 ],
 "04-manager-includes-purser": [
  (P300, """      AND r.is_active
      AND r.role IN ('captain', 'manager')
  )
$$;

REVOKE""", """      AND r.is_active
      AND r.role IN ('captain', 'manager', 'purser')
  )
$$;

REVOKE"""),
 ],
 "05-reversal-guard-unpinned-search-path": [
  (P307, """CREATE OR REPLACE FUNCTION public.inventory_tx_reversal_guard()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$""", """CREATE OR REPLACE FUNCTION public.inventory_tx_reversal_guard()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
AS $$"""),
 ],
 "06-stock-quantity-column-grant": [
  (P305, """GRANT UPDATE (location, location_id, deleted_at, deleted_by, updated_at)
  ON public.pms_inventory_stock TO authenticated;""", """GRANT UPDATE (location, location_id, quantity, deleted_at, deleted_by, updated_at)
  ON public.pms_inventory_stock TO authenticated;"""),
 ],
 "07-ledger-notes-editable": [
  (P305, """GRANT INSERT ON public.pms_inventory_transactions TO authenticated;""",
   """GRANT INSERT ON public.pms_inventory_transactions TO authenticated;
-- crew may fix a typo in the notes of their own ledger rows
GRANT UPDATE (notes) ON public.pms_inventory_transactions TO authenticated;"""),
  (P305, """DROP POLICY IF EXISTS crew_insert_consume ON public.pms_inventory_transactions;""",
   """DROP POLICY IF EXISTS transactions_update_own_notes ON public.pms_inventory_transactions;
CREATE POLICY transactions_update_own_notes ON public.pms_inventory_transactions
  FOR UPDATE TO authenticated
  USING (yacht_id = public.get_user_yacht_id() AND user_id = auth.uid())
  WITH CHECK (yacht_id = public.get_user_yacht_id() AND user_id = auth.uid());

DROP POLICY IF EXISTS crew_insert_consume ON public.pms_inventory_transactions;"""),
 ],
 "08-audit-log-deletable-by-manager": [
  (P305, """GRANT INSERT ON public.pms_audit_log TO authenticated;""",
   """GRANT INSERT, DELETE ON public.pms_audit_log TO authenticated;"""),
  (P305, """DROP POLICY IF EXISTS audit_log_insert_crew ON public.pms_audit_log;""",
   """-- managers may purge noisy audit rows (GDPR requests)
DROP POLICY IF EXISTS audit_log_delete_manager ON public.pms_audit_log;
CREATE POLICY audit_log_delete_manager ON public.pms_audit_log
  FOR DELETE TO authenticated
  USING (yacht_id = public.get_user_yacht_id()
         AND public.is_manager(auth.uid(), yacht_id));

DROP POLICY IF EXISTS audit_log_insert_crew ON public.pms_audit_log;"""),
 ],
 "09-stock-insert-with-opening-quantity": [
  (P305, """              AND public.is_operational_crew(auth.uid(), yacht_id)
              AND quantity = 0
              AND deleted_at IS NULL);""", """              AND public.is_operational_crew(auth.uid(), yacht_id)
              AND quantity >= 0
              AND deleted_at IS NULL);"""),
 ],
 "10-stock-update-by-crew": [
  (P305, """CREATE POLICY stock_update_hod ON public.pms_inventory_stock
  FOR UPDATE TO authenticated
  USING (yacht_id = public.get_user_yacht_id()
         AND public.is_hod(auth.uid(), yacht_id))
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND public.is_hod(auth.uid(), yacht_id));""", """CREATE POLICY stock_update_hod ON public.pms_inventory_stock
  FOR UPDATE TO authenticated
  USING (yacht_id = public.get_user_yacht_id()
         AND public.is_operational_crew(auth.uid(), yacht_id))
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND public.is_operational_crew(auth.uid(), yacht_id));"""),
 ],
 "11-consume-insert-any-user-id": [
  (P305, """CREATE POLICY crew_insert_consume ON public.pms_inventory_transactions
  FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND user_id = auth.uid()
              AND transaction_type = 'consumed'""", """CREATE POLICY crew_insert_consume ON public.pms_inventory_transactions
  FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND transaction_type = 'consumed'"""),
 ],
 "12-audit-insert-any-user-id": [
  (P305, """  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND user_id = auth.uid()
              AND public.is_operational_crew(auth.uid(), yacht_id));""", """  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND public.is_operational_crew(auth.uid(), yacht_id));"""),
 ],
 "13-hod-ledger-insert-trusts-helper-yacht": [
  (P305, """CREATE POLICY hod_insert_receive_transfer_adjust ON public.pms_inventory_transactions
  FOR INSERT TO authenticated
  WITH CHECK (yacht_id = public.get_user_yacht_id()
              AND user_id = auth.uid()""", """CREATE POLICY hod_insert_receive_transfer_adjust ON public.pms_inventory_transactions
  FOR INSERT TO authenticated
  WITH CHECK (user_id = auth.uid()"""),
 ],
 "14-ledger-select-fleet-manager": [
  (P305, """CREATE POLICY transactions_select_own_yacht ON public.pms_inventory_transactions
  FOR SELECT TO authenticated
  USING (yacht_id = public.get_user_yacht_id());""", """CREATE POLICY transactions_select_own_yacht ON public.pms_inventory_transactions
  FOR SELECT TO authenticated
  USING (yacht_id = public.get_user_yacht_id()
         OR public.is_manager(auth.uid(), yacht_id));  -- fleet managers see every yacht they manage"""),
 ],
 "15-idempotency-scoped-per-stock-row": [
  (P304, """CREATE UNIQUE INDEX IF NOT EXISTS uq_inventory_tx_idempotency
  ON public.pms_inventory_transactions (yacht_id, idempotency_key)""", """CREATE UNIQUE INDEX IF NOT EXISTS uq_inventory_tx_idempotency
  ON public.pms_inventory_transactions (stock_id, idempotency_key)"""),
  (P307, """    SELECT t.id INTO v_existing
    FROM public.pms_inventory_transactions t
    WHERE t.yacht_id = v_stock.yacht_id AND t.idempotency_key = v_key;
    IF FOUND THEN""", """    SELECT t.id INTO v_existing
    FROM public.pms_inventory_transactions t
    WHERE t.stock_id = v_stock.id AND t.idempotency_key = v_key;
    IF FOUND THEN"""),
 ],
 "16-idempotency-index-dropped": [
  (P304, """-- Idempotency: one key per yacht (the same key on another yacht is fine).
CREATE UNIQUE INDEX IF NOT EXISTS uq_inventory_tx_idempotency
  ON public.pms_inventory_transactions (yacht_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;""", """-- Idempotency: one key per yacht (the same key on another yacht is fine).
-- Enforced by apply_stock_change (step 6); a plain index keeps the lookup fast
-- without blocking bulk imports that replay keys.
CREATE INDEX IF NOT EXISTS idx_inventory_tx_idempotency
  ON public.pms_inventory_transactions (yacht_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;"""),
 ],
 "17-reverses-index-not-unique": [
  (P304, """CREATE UNIQUE INDEX IF NOT EXISTS uq_inventory_tx_reverses
  ON public.pms_inventory_transactions (reverses_transaction_id)""", """CREATE INDEX IF NOT EXISTS uq_inventory_tx_reverses
  ON public.pms_inventory_transactions (reverses_transaction_id)"""),
 ],
 "18-trigger-allows-reversal-of-reversal": [
  (P307, """  IF v_target.transaction_type = 'reversed' THEN
    RAISE EXCEPTION 'invalid_reversal: transaction % is itself a reversal', NEW.reverses_transaction_id
      USING ERRCODE = '23514';
  END IF;
""", ""),
 ],
 "19-ledger-guard-security-invoker": [
  (P307, """CREATE OR REPLACE FUNCTION public.inventory_tx_stock_active_guard()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path""", """CREATE OR REPLACE FUNCTION public.inventory_tx_stock_active_guard()
RETURNS trigger
LANGUAGE plpgsql
SET search_path"""),
 ],
 "20-core-function-executable-by-public": [
  (P307, """REVOKE EXECUTE ON FUNCTION public.apply_stock_change(integer, uuid, integer, uuid, text, jsonb) FROM PUBLIC;
""", ""),
 ],
 "21-drift-check-security-definer": [
  (P307, """RETURNS TABLE (stock_id uuid, yacht_id uuid, part_id uuid, quantity integer,
               ledger_sum bigint, drift bigint)
LANGUAGE sql
STABLE
SET search_path""", """RETURNS TABLE (stock_id uuid, yacht_id uuid, part_id uuid, quantity integer,
               ledger_sum bigint, drift bigint)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path"""),
 ],
 "22-part-stock-counts-deactivated-rows": [
  (P307, """           coalesce(sum(s.quantity) FILTER (WHERE s.deleted_at IS NULL), 0)::integer AS on_hand,""",
   """           coalesce(sum(s.quantity), 0)::integer AS on_hand,"""),
 ],
 "23-drift-ignores-stock-without-ledger": [
  (P307, """  WHERE s.deleted_at IS NULL
    AND s.quantity <> coalesce(l.ledger_sum, 0)
$$;""", """  WHERE s.deleted_at IS NULL
    AND l.stock_id IS NOT NULL   -- rows never touched by the lens have no history yet
    AND s.quantity <> l.ledger_sum
$$;"""),
 ],
 "24-drift-reports-surplus-only": [
  (P307, """  WHERE s.deleted_at IS NULL
    AND s.quantity <> coalesce(l.ledger_sum, 0)
$$;""", """  WHERE s.deleted_at IS NULL
    AND s.quantity > coalesce(l.ledger_sum, 0)
$$;"""),
 ],
 "25-zero-quantity-not-refused-cleanly": [
  (P307, """  IF p_quantity IS NULL OR p_quantity <= 0 THEN""", """  IF p_quantity IS NULL OR p_quantity < 0 THEN"""),
 ],
 "26-reversal-rpc-gated-by-hod": [
  (P307, """                   WHEN v_type IN ('adjusted', 'transferred_out', 'transferred_in', 'write_off')
                     THEN public.is_hod(v_uid, v_yacht)
                   WHEN v_type = 'reversed'
                     THEN public.is_manager(v_uid, v_yacht)""", """                   WHEN v_type IN ('adjusted', 'transferred_out', 'transferred_in', 'write_off', 'reversed')
                     THEN public.is_hod(v_uid, v_yacht)"""),
 ],
 "27-read-quantity-before-lock": [
  (P307, """  SELECT * INTO v_stock
  FROM public.pms_inventory_stock s
  WHERE s.id = p_stock_id
    AND (v_yacht IS NULL OR s.yacht_id = v_yacht)
  FOR UPDATE;

  IF NOT FOUND THEN""", """  SELECT * INTO v_stock
  FROM public.pms_inventory_stock s
  WHERE s.id = p_stock_id
    AND (v_yacht IS NULL OR s.yacht_id = v_yacht);

  IF NOT FOUND THEN"""),
  (P307, """  -- 11. stock + ledger together; any guard firing undoes both -----------------
  BEGIN""", """  -- 11. stock + ledger together; any guard firing undoes both -----------------
  PERFORM 1 FROM public.pms_inventory_stock s WHERE s.id = v_stock.id FOR UPDATE;
  BEGIN"""),
 ],
 "28-documents-insert-trusts-user-metadata": [
  (P306, """CREATE POLICY yacht_part_documents_insert ON storage.objects
  FOR INSERT TO authenticated
  WITH CHECK (bucket_id = 'documents'
              AND (storage.foldername(name))[1] = public.get_user_yacht_id()::text""", """CREATE POLICY yacht_part_documents_insert ON storage.objects
  FOR INSERT TO authenticated
  WITH CHECK (bucket_id = 'documents'
              -- the yacht rides in the token (set at sign-up), saving a lookup per upload
              AND (storage.foldername(name))[1] = coalesce(auth.jwt() -> 'user_metadata' ->> 'yacht_id',
                                                           public.get_user_yacht_id()::text)"""),
 ],
 "29-adjusted-ledger-row-may-go-negative": [
  (P304, """    ('chk_inventory_tx_after_nonnegative',
     $$CHECK (quantity_after >= 0)$$),""", """    ('chk_inventory_tx_after_nonnegative',
     $$CHECK (quantity_after >= 0 OR transaction_type = 'adjusted')$$),  -- stocktake may record a shortfall"""),
 ],
 "30-null-yacht-reaches-any-stock": [
  (P307, """  SELECT * INTO v_stock
  FROM public.pms_inventory_stock s
  WHERE s.id = p_stock_id
    AND (v_yacht IS NULL OR s.yacht_id = v_yacht)
  FOR UPDATE;""", """  SELECT * INTO v_stock
  FROM public.pms_inventory_stock s
  WHERE s.id = p_stock_id
    AND (p_yacht_id IS NULL OR s.yacht_id = p_yacht_id)
  FOR UPDATE;"""),
 ],
}

DEFECTS.update({
 "31-transfer-legs-commit-separately": [
  (SVC, '''    async def transfer_part(self, user_id, body) -> dict:
        """Two ledger rows sharing a group id; locks taken in stock-id order (no deadlock)."""
        async with self._action("transfer_part", user_id, body) as tx:
            b = tx.body
            part = await tx.part(b["part_id"])
            source = await tx.location(b["from_location_id"])
            target = await tx.location(b["to_location_id"])
            src = await tx.stock(part, source)
            dst = await tx.stock(part, target, create=True)
            group = uuid.uuid4()
            legs = sorted([(src["id"], -b["quantity"], "transferred_out"),
                           (dst["id"], b["quantity"], "transferred_in")])
            rows = {}
            for stock_id, change, ttype in legs:
                rows[ttype] = await tx.move(stock_id, change, ttype, transfer_group_id=group,
                                            from_location_id=source["id"], to_location_id=target["id"])
            result = {"transfer_group_id": str(group),
                      "out": _moved(rows["transferred_out"], src["id"]),
                      "in": _moved(rows["transferred_in"], dst["id"])}
            await tx.audit("part", part["id"], "transfer_part", None, result)
            return result''', '''    async def transfer_part(self, user_id, body) -> dict:
        """Two ledger rows sharing a group id; each leg holds its row lock only for its own
        short transaction (no deadlock between opposite transfers)."""
        group = uuid.uuid4()
        rows = {}
        async with self._action("transfer_part", user_id, body) as tx:
            b = tx.body
            part = await tx.part(b["part_id"])
            source = await tx.location(b["from_location_id"])
            target = await tx.location(b["to_location_id"])
            src = await tx.stock(part, source)
            rows["transferred_out"] = await tx.move(src["id"], -b["quantity"], "transferred_out",
                                                    transfer_group_id=group, from_location_id=source["id"],
                                                    to_location_id=target["id"])
        async with self._action("transfer_part", user_id, body) as tx:
            dst = await tx.stock(part, target, create=True)
            rows["transferred_in"] = await tx.move(dst["id"], b["quantity"], "transferred_in",
                                                   transfer_group_id=group, from_location_id=source["id"],
                                                   to_location_id=target["id"])
            result = {"transfer_group_id": str(group),
                      "out": _moved(rows["transferred_out"], src["id"]),
                      "in": _moved(rows["transferred_in"], dst["id"])}
            await tx.audit("part", part["id"], "transfer_part", None, result)
            return result'''),
 ],
 "32-usage-row-written-outside-transaction": [
  (SVC, '''            usage_id = await tx.conn.fetchval(
                "INSERT INTO pms_part_usage''', '''            usage_id = await self.pool.fetchval(
                "INSERT INTO pms_part_usage'''),
 ],
 "33-deactivation-audit-drops-signature": [
  (SVC, '''            await tx.audit("part", part["id"], action, {"deleted_at": part["deleted_at"]},
                           {**result, "reason": b.get("reason")}, b["signature"])''',
   '''            await tx.audit("part", part["id"], action, {"deleted_at": part["deleted_at"]},
                           {**result, "reason": b.get("reason")})'''),
 ],
 "34-role-at-signing-any-known-role": [
  (BOD, '''    if value["role_at_signing"] not in set(caller_roles):
        raise bad("role_at_signing must be one of the caller's active roles")''',
   '''    if value["role_at_signing"] not in SIGNING_ROLES:
        raise bad("role_at_signing must be a crew role")'''),
  (BOD, '''URGENCIES = ("low", "normal", "high", "critical")''', '''URGENCIES = ("low", "normal", "high", "critical")
SIGNING_ROLES = frozenset({"deckhand", "bosun", "steward", "eto", "chief_engineer", "chief_officer",
                           "captain", "manager", "purser"})'''),
 ],
 "35-idempotency-key-namespaced-per-user": [
  (SVC, '''            row = await tx.move(stock["id"], b["quantity"], "received",
                                idempotency_key=b["idempotency_key"],''', '''            row = await tx.move(stock["id"], b["quantity"], "received",
                                idempotency_key=f"{tx.caller.user_id}:{b['idempotency_key']}",'''),
 ],
 "36-duplicate-request-without-original-id": [
  (SVC, '''            extra = {"transaction_id": str(row["transaction_id"])} if code == "duplicate_request" else {}
            raise refusal(status, code, extra)''', '''            raise refusal(status, code)'''),
 ],
 "37-boolean-accepted-as-quantity": [
  (BOD, '''    return isinstance(value, int) and not isinstance(value, bool)''', '''    return isinstance(value, int)'''),
 ],
 "38-large-adjust-threshold-off-by-one": [
  (SVC, '''            if abs(change) >= self.large_adjust_threshold and not b["signature"]:''',
   '''            if abs(change) > self.large_adjust_threshold and not b["signature"]:'''),
 ],
 "39-receive-idempotency-key-optional": [
  (BOD, '''        "idempotency_key": Field("key", True, MAX_KEY), "reference_id": UUID_OPT,''',
   '''        "idempotency_key": Field("key", False, MAX_KEY), "reference_id": UUID_OPT,'''),
 ],
 "40-jwt-expiry-leeway": [
  (AUTH, '''        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=AUDIENCE,
                            options={"require": ["sub", "exp", "aud"]})''', '''        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], audience=AUDIENCE, leeway=LEEWAY,
                            options={"require": ["sub", "exp", "aud"]})'''),
  (AUTH, '''ALGORITHM = "HS256"''', '''ALGORITHM = "HS256"
LEEWAY = 300  # seconds of clock skew tolerated between Supabase Auth and the API'''),
 ],
})


def git(*args, **kw):
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True, **kw).stdout


def main(names):
    for name, edits in DEFECTS.items():
        if names and name not in names:
            continue
        touched = set()
        try:
            for path, old, new in edits:
                f = ROOT / path
                text = f.read_text()
                n = text.count(old)
                if n != 1:
                    raise SystemExit(f"{name}: {path}: expected 1 match, found {n}")
                f.write_text(text.replace(old, new))
                touched.add(path)
            diff = git("diff", "--", *sorted(touched))
            (OUT / f"{name}.patch").write_text(diff)
            print(f"{name}: {len(diff.splitlines())} lines")
        finally:
            if touched:
                git("checkout", "--", *sorted(touched))


if __name__ == "__main__":
    main(sys.argv[1:])
