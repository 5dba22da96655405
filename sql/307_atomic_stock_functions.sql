-- 307_atomic_stock_functions.sql
-- Atomic stock functions (CONTRACT §6, ARCHITECTURE "SQL interface"), the guards the
-- database enforces on its own (soft delete, reversal), updated_at touch, the
-- reconciliation views and check_inventory_drift().

-- ===========================================================================
-- Triggers
-- ===========================================================================

-- updated_at touch ----------------------------------------------------------
CREATE OR REPLACE FUNCTION public.touch_updated_at()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS trg_inventory_stock_touch_updated_at ON public.pms_inventory_stock;
CREATE TRIGGER trg_inventory_stock_touch_updated_at
  BEFORE UPDATE ON public.pms_inventory_stock
  FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();

DROP TRIGGER IF EXISTS trg_parts_touch_updated_at ON public.pms_parts;
CREATE TRIGGER trg_parts_touch_updated_at
  BEFORE UPDATE ON public.pms_parts
  FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();

-- Soft delete, stock side: a deactivated row refuses every update except the
-- one that clears deleted_at (reactivation).  Whoever updates (owner included).
CREATE OR REPLACE FUNCTION public.inventory_stock_soft_delete_guard()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
BEGIN
  IF OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NOT NULL THEN
    RAISE EXCEPTION 'stock_deactivated: stock % is deactivated', OLD.id
      USING ERRCODE = '55000',
            HINT = 'Reactivate it (set deleted_at = NULL) first.';
  END IF;
  RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS trg_inventory_stock_soft_delete ON public.pms_inventory_stock;
CREATE TRIGGER trg_inventory_stock_soft_delete
  BEFORE UPDATE ON public.pms_inventory_stock
  FOR EACH ROW EXECUTE FUNCTION public.inventory_stock_soft_delete_guard();

-- Signatures (CONTRACT §7): every field checked on its own.  NULL when the signature is
-- valid (or absent and not required), else the function error code.  Called only from the
-- SECURITY DEFINER stock functions and the ledger guard, never by an API role.
CREATE OR REPLACE FUNCTION public.signature_problem(
  p_signature jsonb, p_signed_by uuid, p_caller uuid, p_yacht uuid, p_required boolean)
RETURNS text
LANGUAGE plpgsql
STABLE
SET search_path = public, pg_temp
AS $$
DECLARE
  v_key text;
  v_at  timestamptz;
BEGIN
  IF p_signature IS NULL AND p_signed_by IS NULL THEN
    RETURN CASE WHEN p_required THEN 'signature_required' END;
  END IF;
  IF jsonb_typeof(p_signature) IS DISTINCT FROM 'object' THEN
    RETURN 'signature_invalid';
  END IF;
  FOREACH v_key IN ARRAY ARRAY['user_id', 'role_at_signing', 'signature_type', 'reason', 'signed_at'] LOOP
    IF jsonb_typeof(p_signature -> v_key) IS DISTINCT FROM 'string'
       OR btrim(p_signature ->> v_key) = '' THEN
      RETURN 'signature_invalid';
    END IF;
  END LOOP;
  -- the signer is the caller, in the signature and in signed_by
  IF p_caller IS NULL OR p_signed_by IS DISTINCT FROM p_caller
     OR lower(p_signature ->> 'user_id') IS DISTINCT FROM p_caller::text THEN
    RETURN 'signature_invalid';
  END IF;
  -- signing in a role the caller holds on that yacht
  IF NOT EXISTS (SELECT 1 FROM public.auth_users_roles r
                 WHERE r.user_id = p_caller AND r.yacht_id = p_yacht AND r.is_active
                   AND r.role = p_signature ->> 'role_at_signing') THEN
    RETURN 'signature_invalid';
  END IF;
  -- signed now: at most 5 minutes ahead (clock skew), at most 24 hours ago
  BEGIN
    v_at := (p_signature ->> 'signed_at')::timestamptz;
  EXCEPTION WHEN OTHERS THEN
    RETURN 'signature_invalid';
  END;
  IF NOT (v_at <= now() + interval '5 minutes' AND v_at >= now() - interval '24 hours') THEN
    RETURN 'signature_invalid';
  END IF;
  RETURN NULL;
END
$$;

-- Who inserts a ledger row: a SECURITY INVOKER trigger sees the inserting role itself (an API
-- role for a direct insert, the functions' owner for a row a stock function books) and tells
-- the guard below through a transaction-local setting it sets afresh for every row (fired
-- first: triggers fire in name order).
CREATE OR REPLACE FUNCTION public.inventory_tx_mark_inserter()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
BEGIN
  PERFORM set_config('lens.ledger_insert_by_api', (current_user IN ('anon', 'authenticated'))::text, true);
  RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS trg_inventory_tx_by_api ON public.pms_inventory_transactions;
CREATE TRIGGER trg_inventory_tx_by_api
  BEFORE INSERT ON public.pms_inventory_transactions
  FOR EACH ROW EXECUTE FUNCTION public.inventory_tx_mark_inserter();

-- Soft delete, ledger side: no new ledger row against a deactivated stock row,
-- whoever inserts.  Also keeps the row consistent with its stock row (same yacht,
-- same part; part_id filled in when omitted).  SECURITY DEFINER so that the check
-- sees the stock row whatever the inserter's RLS view is.
-- A direct insert by an API role (§5 admits some) moves the stock exactly as the functions do
-- (CONTRACT §4): the stock row is locked, quantity_before/after are its quantity before and
-- after, the stock takes quantity_after (never below 0: the check constraints refuse), and a
-- signed row's signature must be the caller's, valid now (write_off and reversed: required).
CREATE OR REPLACE FUNCTION public.inventory_tx_stock_active_guard()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  v_stock   public.pms_inventory_stock%ROWTYPE;
  v_problem text;
BEGIN
  -- only the row's own yacht is looked at (and locked): another yacht's stock row is refused
  -- exactly as an unknown id, so the answer tells a tenant nothing of it (CONTRACT §11.1)
  SELECT * INTO v_stock
  FROM public.pms_inventory_stock s
  WHERE s.id = NEW.stock_id AND s.yacht_id = NEW.yacht_id
  FOR UPDATE;

  IF NOT FOUND THEN
    IF NEW.stock_id IS NOT NULL THEN
      RAISE EXCEPTION 'reference_not_found: pms_inventory_transactions.stock_id names no row of this yacht'
        USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;  -- NOT NULL reports it
  END IF;
  IF NEW.part_id IS NULL THEN
    NEW.part_id := v_stock.part_id;
  ELSIF NEW.part_id <> v_stock.part_id THEN
    RAISE EXCEPTION 'stock_part_mismatch: stock % is not part %', NEW.stock_id, NEW.part_id
      USING ERRCODE = '23514';
  END IF;
  IF v_stock.deleted_at IS NOT NULL THEN
    RAISE EXCEPTION 'stock_deactivated: stock % is deactivated', NEW.stock_id
      USING ERRCODE = '55000';
  END IF;
  IF current_setting('lens.ledger_insert_by_api', true) = 'true' THEN
    v_problem := public.signature_problem(
      nullif(NEW.signature, 'null'::jsonb), NEW.signed_by, auth.uid(), NEW.yacht_id, NEW.transaction_type IN ('write_off', 'reversed'));
    IF v_problem IS NOT NULL THEN
      RAISE EXCEPTION '%: the ledger row''s signature is missing or not the caller''s, valid now', v_problem
        USING ERRCODE = '23514';
    END IF;
    NEW.quantity_before := v_stock.quantity;
    NEW.quantity_after := v_stock.quantity + NEW.quantity_change;
    UPDATE public.pms_inventory_stock s SET quantity = NEW.quantity_after WHERE s.id = v_stock.id;
  END IF;
  RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS trg_inventory_tx_stock_active ON public.pms_inventory_transactions;
CREATE TRIGGER trg_inventory_tx_stock_active
  BEFORE INSERT ON public.pms_inventory_transactions
  FOR EACH ROW EXECUTE FUNCTION public.inventory_tx_stock_active_guard();

-- Reversal guard: a 'reversed' row must name an existing row of the same yacht and
-- stock, that row must not itself be a reversal, and the change must be exactly the
-- opposite of the reversed row's (CONTRACT §4).  (Reversing twice: unique index uq_inventory_tx_reverses.)
CREATE OR REPLACE FUNCTION public.inventory_tx_reversal_guard()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  v_target public.pms_inventory_transactions%ROWTYPE;
BEGIN
  IF NEW.transaction_type IS DISTINCT FROM 'reversed' THEN
    RETURN NEW;  -- reverses_transaction_id on other types: chk_inventory_tx_reversal_link
  END IF;
  IF NEW.reverses_transaction_id IS NULL THEN
    RAISE EXCEPTION 'invalid_reversal: a reversed row must name reverses_transaction_id'
      USING ERRCODE = '23514';
  END IF;

  SELECT * INTO v_target
  FROM public.pms_inventory_transactions t
  WHERE t.id = NEW.reverses_transaction_id;

  IF NOT FOUND OR v_target.yacht_id IS DISTINCT FROM NEW.yacht_id THEN
    RAISE EXCEPTION 'invalid_reversal: transaction % not found on this yacht', NEW.reverses_transaction_id
      USING ERRCODE = '23514';
  END IF;
  IF v_target.transaction_type = 'reversed' THEN
    RAISE EXCEPTION 'invalid_reversal: transaction % is itself a reversal', NEW.reverses_transaction_id
      USING ERRCODE = '23514';
  END IF;
  IF v_target.stock_id IS DISTINCT FROM NEW.stock_id THEN
    RAISE EXCEPTION 'invalid_reversal: a reversal applies to the stock row of the reversed transaction'
      USING ERRCODE = '23514';
  END IF;
  IF NEW.quantity_change IS DISTINCT FROM -v_target.quantity_change THEN
    RAISE EXCEPTION 'invalid_reversal: quantity_change must be the exact opposite of the reversed row'
      USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS trg_inventory_tx_reversal_guard ON public.pms_inventory_transactions;
CREATE TRIGGER trg_inventory_tx_reversal_guard
  BEFORE INSERT ON public.pms_inventory_transactions
  FOR EACH ROW EXECUTE FUNCTION public.inventory_tx_reversal_guard();

-- ===========================================================================
-- Atomic stock change (shared core of deduct_stock_inventory / add_stock_inventory)
-- ===========================================================================
-- p_direction: -1 (deduct) or +1 (add).  Not executable by API roles: it is only
-- reached through the two wrappers below.
CREATE OR REPLACE FUNCTION public.apply_stock_change(
  p_direction        integer,
  p_stock_id         uuid,
  p_quantity         integer,
  p_yacht_id         uuid,
  p_transaction_type text,
  p_details          jsonb
)
RETURNS TABLE (success boolean, quantity_before integer, quantity_after integer,
               error_code text, transaction_id uuid)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v_uid        uuid;
  v_yacht      uuid := p_yacht_id;
  v_type       text := p_transaction_type;
  d            jsonb := coalesce(p_details, '{}'::jsonb);
  v_stock      public.pms_inventory_stock%ROWTYPE;
  v_target     public.pms_inventory_transactions%ROWTYPE;
  v_new        bigint;
  v_tx         uuid;
  v_existing   uuid;
  v_constraint text;
  v_message    text;
  -- p_details
  v_key        text;
  v_usage      uuid;
  v_signature  jsonb;
  v_signed_by  uuid;
  v_ref_type   text;
  v_ref_id     uuid;
  v_group      uuid;
  v_reverses   uuid;
  v_from       uuid;
  v_to         uuid;
  v_notes      text;
  v_user       uuid;
  v_allowed    boolean;
  v_problem    text;
BEGIN
  IF p_direction IS NULL OR p_direction NOT IN (-1, 1) THEN
    RAISE EXCEPTION 'apply_stock_change: p_direction must be -1 or 1' USING ERRCODE = '22023';
  END IF;

  -- 1. quantity -------------------------------------------------------------
  IF p_quantity IS NULL OR p_quantity <= 0 THEN
    RETURN QUERY SELECT false, NULL::integer, NULL::integer, 'invalid_quantity'::text, NULL::uuid;
    RETURN;
  END IF;

  -- 2. transaction type allowed for this direction ---------------------------
  IF v_type IS NULL
     OR (p_direction < 0 AND v_type NOT IN ('consumed', 'transferred_out', 'write_off', 'adjusted', 'reversed'))
     OR (p_direction > 0 AND v_type NOT IN ('received', 'transferred_in', 'adjusted', 'reversed')) THEN
    RETURN QUERY SELECT false, NULL::integer, NULL::integer, 'invalid_transaction_type'::text, NULL::uuid;
    RETURN;
  END IF;

  -- 3. details (malformed values never raise) --------------------------------
  IF jsonb_typeof(d) IS DISTINCT FROM 'object' THEN
    RETURN QUERY SELECT false, NULL::integer, NULL::integer, 'invalid_details'::text, NULL::uuid;
    RETURN;
  END IF;
  BEGIN
    v_key       := nullif(d ->> 'idempotency_key', '');
    v_usage     := nullif(d ->> 'usage_id', '')::uuid;
    v_signature := CASE WHEN jsonb_typeof(d -> 'signature') = 'object' THEN d -> 'signature' END;
    v_signed_by := nullif(d ->> 'signed_by', '')::uuid;
    v_ref_type  := nullif(d ->> 'reference_type', '');
    v_ref_id    := nullif(d ->> 'reference_id', '')::uuid;
    v_group     := nullif(d ->> 'transfer_group_id', '')::uuid;
    v_reverses  := nullif(d ->> 'reverses_transaction_id', '')::uuid;
    v_from      := nullif(d ->> 'from_location_id', '')::uuid;
    v_to        := nullif(d ->> 'to_location_id', '')::uuid;
    v_notes     := d ->> 'notes';
    v_user      := nullif(d ->> 'user_id', '')::uuid;
  EXCEPTION WHEN invalid_text_representation OR invalid_parameter_value THEN
    RETURN QUERY SELECT false, NULL::integer, NULL::integer, 'invalid_details'::text, NULL::uuid;
    RETURN;
  END;

  -- 4. caller: an API role (by its session role or its claims) is gated and scoped to its
  --    yacht; one whose claims carry no sub has no yacht and gets nothing (§11.4)
  v_uid := auth.uid();
  IF v_uid IS NOT NULL OR coalesce(current_setting('role', true), '') IN ('anon', 'authenticated')
     OR coalesce(auth.role(), '') IN ('anon', 'authenticated') THEN
    v_yacht := public.get_user_yacht_id();
    v_allowed := CASE
                   WHEN v_yacht IS NULL THEN false
                   WHEN v_type IN ('consumed', 'received')
                     THEN public.is_operational_crew(v_uid, v_yacht)
                   WHEN v_type IN ('adjusted', 'transferred_out', 'transferred_in', 'write_off')
                     THEN public.is_hod(v_uid, v_yacht)
                   WHEN v_type = 'reversed'
                     THEN public.is_manager(v_uid, v_yacht)
                   ELSE false
                 END;
    IF NOT coalesce(v_allowed, false) THEN
      RETURN QUERY SELECT false, NULL::integer, NULL::integer, 'forbidden'::text, NULL::uuid;
      RETURN;
    END IF;
    IF p_yacht_id IS NOT NULL AND p_yacht_id <> v_yacht THEN
      -- a forged yacht never reaches another yacht's stock
      RETURN QUERY SELECT false, NULL::integer, NULL::integer, 'stock_not_found'::text, NULL::uuid;
      RETURN;
    END IF;
    v_user := v_uid;  -- the ledger row is attributed to the caller
    -- §4/§7: write_off and reversed are signed; any signature is the caller's, valid now
    v_problem := public.signature_problem(nullif(d -> 'signature', 'null'::jsonb), v_signed_by, v_uid, v_yacht,
                                          v_type IN ('write_off', 'reversed'));
    IF v_problem IS NOT NULL THEN
      RETURN QUERY SELECT false, NULL::integer, NULL::integer, v_problem, NULL::uuid;
      RETURN;
    END IF;
  END IF;

  -- 5. lock the stock row before reading it ----------------------------------
  SELECT * INTO v_stock
  FROM public.pms_inventory_stock s
  WHERE s.id = p_stock_id
    AND (v_yacht IS NULL OR s.yacht_id = v_yacht)
  FOR UPDATE;

  IF NOT FOUND THEN
    RETURN QUERY SELECT false, NULL::integer, NULL::integer, 'stock_not_found'::text, NULL::uuid;
    RETURN;
  END IF;

  -- 6. idempotency (replay answers with the original row) --------------------
  IF v_key IS NOT NULL THEN
    SELECT t.id INTO v_existing
    FROM public.pms_inventory_transactions t
    WHERE t.yacht_id = v_stock.yacht_id AND t.idempotency_key = v_key;
    IF FOUND THEN
      RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'duplicate_request'::text, v_existing;
      RETURN;
    END IF;
  END IF;

  -- 7. soft delete -----------------------------------------------------------
  IF v_stock.deleted_at IS NOT NULL THEN
    RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'stock_deactivated'::text, NULL::uuid;
    RETURN;
  END IF;

  -- 8. reversal ----------------------------------------------------------------
  IF v_type = 'reversed' THEN
    IF v_reverses IS NULL THEN
      RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'invalid_reversal'::text, NULL::uuid;
      RETURN;
    END IF;
    SELECT * INTO v_target
    FROM public.pms_inventory_transactions t
    WHERE t.id = v_reverses AND t.yacht_id = v_stock.yacht_id;
    IF NOT FOUND THEN
      RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'transaction_not_found'::text, NULL::uuid;
      RETURN;
    END IF;
    IF v_target.transaction_type = 'reversed' THEN
      RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'invalid_reversal'::text, NULL::uuid;
      RETURN;
    END IF;
    SELECT t.id INTO v_existing
    FROM public.pms_inventory_transactions t
    WHERE t.reverses_transaction_id = v_reverses;
    IF FOUND THEN
      RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'already_reversed'::text, v_existing;
      RETURN;
    END IF;
    IF v_target.stock_id <> v_stock.id OR v_target.quantity_change <> -p_direction * p_quantity THEN
      RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'invalid_reversal'::text, NULL::uuid;
      RETURN;
    END IF;
  ELSIF v_reverses IS NOT NULL THEN
    RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'invalid_reversal'::text, NULL::uuid;
    RETURN;
  END IF;

  -- 9. transfer locations -------------------------------------------------------
  IF v_from IS NOT NULL AND v_to IS NOT NULL AND v_from = v_to THEN
    RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'invalid_transfer'::text, NULL::uuid;
    RETURN;
  END IF;

  -- 10. new quantity ------------------------------------------------------------
  v_new := v_stock.quantity::bigint + p_direction * p_quantity::bigint;
  IF v_new < 0 THEN
    RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'insufficient_stock'::text, NULL::uuid;
    RETURN;
  END IF;
  IF v_new > 2147483647 THEN
    RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'invalid_quantity'::text, NULL::uuid;
    RETURN;
  END IF;

  -- 11. stock + ledger together; any guard firing undoes both -----------------
  BEGIN
    UPDATE public.pms_inventory_stock s
    SET quantity = v_new::integer
    WHERE s.id = v_stock.id;

    INSERT INTO public.pms_inventory_transactions AS t (
      yacht_id, part_id, stock_id, transaction_type, quantity_change,
      quantity_before, quantity_after, from_location_id, to_location_id,
      reference_type, reference_id, transfer_group_id, reverses_transaction_id,
      idempotency_key, usage_id, signature, signed_by, user_id, notes)
    VALUES (
      v_stock.yacht_id, v_stock.part_id, v_stock.id, v_type, p_direction * p_quantity,
      v_stock.quantity, v_new::integer, v_from, v_to,
      v_ref_type, v_ref_id, v_group, v_reverses,
      v_key, v_usage, v_signature, v_signed_by, v_user, v_notes)
    RETURNING t.id INTO v_tx;
  EXCEPTION
    WHEN unique_violation THEN
      GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME;
      IF v_constraint = 'uq_inventory_tx_idempotency' THEN
        SELECT t.id INTO v_existing
        FROM public.pms_inventory_transactions t
        WHERE t.yacht_id = v_stock.yacht_id AND t.idempotency_key = v_key;
        RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'duplicate_request'::text, v_existing;
        RETURN;
      ELSIF v_constraint = 'uq_inventory_tx_reverses' THEN
        SELECT t.id INTO v_existing
        FROM public.pms_inventory_transactions t
        WHERE t.reverses_transaction_id = v_reverses;
        RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'already_reversed'::text, v_existing;
        RETURN;
      END IF;
      RAISE;
    WHEN check_violation THEN
      GET STACKED DIAGNOSTICS v_constraint = CONSTRAINT_NAME, v_message = MESSAGE_TEXT;
      IF v_message LIKE 'invalid_reversal%' OR v_constraint = 'chk_inventory_tx_reversal_link' THEN
        RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'invalid_reversal'::text, NULL::uuid;
        RETURN;
      ELSIF v_constraint = 'chk_inventory_tx_transfer_locations' THEN
        RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'invalid_transfer'::text, NULL::uuid;
        RETURN;
      ELSIF v_constraint IN ('chk_inventory_stock_quantity_nonnegative', 'chk_inventory_tx_after_nonnegative') THEN
        RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'insufficient_stock'::text, NULL::uuid;
        RETURN;
      END IF;
      RAISE;
    WHEN object_not_in_prerequisite_state THEN
      GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT;
      IF v_message LIKE 'stock_deactivated%' THEN
        RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'stock_deactivated'::text, NULL::uuid;
        RETURN;
      END IF;
      RAISE;
    WHEN foreign_key_violation THEN
      -- usage_id / location ids / reverses_transaction_id that do not exist
      RETURN QUERY SELECT false, v_stock.quantity, v_stock.quantity, 'invalid_details'::text, NULL::uuid;
      RETURN;
  END;

  RETURN QUERY SELECT true, v_stock.quantity, v_new::integer, NULL::text, v_tx;
END
$$;

CREATE OR REPLACE FUNCTION public.deduct_stock_inventory(
  p_stock_id         uuid,
  p_quantity         integer,
  p_yacht_id         uuid  DEFAULT public.get_user_yacht_id(),
  p_transaction_type text  DEFAULT 'consumed',
  p_details          jsonb DEFAULT '{}'::jsonb
)
RETURNS TABLE (success boolean, quantity_before integer, quantity_after integer,
               error_code text, transaction_id uuid)
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT * FROM public.apply_stock_change(-1, p_stock_id, p_quantity, p_yacht_id,
                                          p_transaction_type, p_details)
$$;

CREATE OR REPLACE FUNCTION public.add_stock_inventory(
  p_stock_id         uuid,
  p_quantity         integer,
  p_yacht_id         uuid  DEFAULT public.get_user_yacht_id(),
  p_transaction_type text  DEFAULT 'received',
  p_details          jsonb DEFAULT '{}'::jsonb
)
RETURNS TABLE (success boolean, quantity_before integer, quantity_after integer,
               error_code text, transaction_id uuid)
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT * FROM public.apply_stock_change(1, p_stock_id, p_quantity, p_yacht_id,
                                          p_transaction_type, p_details)
$$;

-- ===========================================================================
-- Deactivation / reactivation (CONTRACT §7, §11.6): for an API role the only way deleted_at of
-- a part and its stock rows changes (305 grants no UPDATE of those columns): a HOD of the
-- caller's own yacht, a valid signature, and the audit row, in one call.
-- ===========================================================================
CREATE OR REPLACE FUNCTION public.set_part_active(
  p_part_id   uuid,
  p_active    boolean,
  p_reason    text  DEFAULT NULL,
  p_signature jsonb DEFAULT NULL
)
RETURNS TABLE (success boolean, error_code text, stock_rows integer)
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v_uid     uuid := auth.uid();
  v_yacht   uuid := public.get_user_yacht_id();
  v_part    public.pms_parts%ROWTYPE;
  v_rows    integer;
  v_problem text;
BEGIN
  IF v_uid IS NULL OR v_yacht IS NULL OR NOT coalesce(public.is_hod(v_uid, v_yacht), false) THEN
    RETURN QUERY SELECT false, 'forbidden'::text, NULL::integer;
    RETURN;
  END IF;
  IF p_active IS NULL THEN
    RETURN QUERY SELECT false, 'invalid_details'::text, NULL::integer;
    RETURN;
  END IF;
  SELECT * INTO v_part FROM public.pms_parts p WHERE p.id = p_part_id AND p.yacht_id = v_yacht FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT false, 'part_not_found'::text, NULL::integer;
    RETURN;
  END IF;
  v_problem := public.signature_problem(nullif(p_signature, 'null'::jsonb), v_uid, v_uid, v_yacht, true);
  IF v_problem IS NOT NULL THEN
    RETURN QUERY SELECT false, v_problem, NULL::integer;
    RETURN;
  END IF;
  IF (v_part.deleted_at IS NULL) = p_active THEN
    RETURN QUERY SELECT false, CASE WHEN p_active THEN 'part_not_deactivated' ELSE 'part_deactivated' END, NULL::integer;
    RETURN;
  END IF;
  UPDATE public.pms_parts p
  SET deleted_at = CASE WHEN p_active THEN NULL ELSE now() END,
      deleted_by = CASE WHEN p_active THEN NULL ELSE v_uid END,
      deletion_reason = CASE WHEN p_active THEN NULL ELSE p_reason END
  WHERE p.id = v_part.id;
  UPDATE public.pms_inventory_stock s
  SET deleted_at = CASE WHEN p_active THEN NULL ELSE now() END,
      deleted_by = CASE WHEN p_active THEN NULL ELSE v_uid END
  WHERE s.part_id = v_part.id AND s.yacht_id = v_yacht AND (s.deleted_at IS NULL) <> p_active;
  GET DIAGNOSTICS v_rows = ROW_COUNT;
  INSERT INTO public.pms_audit_log (yacht_id, entity_type, entity_id, action, user_id, old_values, new_values, signature)
  VALUES (v_yacht, 'part', v_part.id, CASE WHEN p_active THEN 'reactivate_part' ELSE 'deactivate_part' END, v_uid,
          jsonb_build_object('deleted_at', v_part.deleted_at),
          jsonb_build_object('part_id', v_part.id, 'active', p_active, 'stock_rows', v_rows, 'reason', p_reason),
          p_signature);
  RETURN QUERY SELECT true, NULL::text, v_rows;
END
$$;

-- ===========================================================================
-- Reconciliation views and drift check
-- ===========================================================================
-- On PostgreSQL 15+ the views are security_invoker (the caller's RLS applies).
-- PostgreSQL 14 has no security_invoker: the views then carry the own-yacht filter
-- themselves for callers with JWT claims.
DO $m307_views$
DECLARE
  v_pg15    boolean := current_setting('server_version_num')::int >= 150000;
  v_opts    text := CASE WHEN v_pg15 THEN ' WITH (security_invoker = true)' ELSE '' END;
  v_filter  text := CASE WHEN v_pg15 THEN 'true'
                         ELSE '(auth.uid() IS NULL OR %s = public.get_user_yacht_id())' END;
BEGIN
  EXECUTE format($v$
    CREATE OR REPLACE VIEW public.pms_part_stock%s AS
    SELECT p.id                                   AS part_id,
           p.yacht_id,
           p.name                                 AS part_name,
           p.part_number,
           p.unit,
           p.minimum_quantity,
           coalesce(sum(s.quantity) FILTER (WHERE s.deleted_at IS NULL), 0)::integer AS on_hand,
           count(s.id) FILTER (WHERE s.deleted_at IS NULL)::integer                  AS location_count,
           (p.deleted_at IS NOT NULL)             AS is_deactivated
    FROM public.pms_parts p
    LEFT JOIN public.pms_inventory_stock s ON s.part_id = p.id
    WHERE %s
    GROUP BY p.id
  $v$, v_opts, CASE WHEN v_pg15 THEN 'true' ELSE format(v_filter, 'p.yacht_id') END);

  EXECUTE format($v$
    CREATE OR REPLACE VIEW public.v_stock_from_transactions%s AS
    SELECT s.id                                   AS stock_id,
           s.yacht_id,
           s.part_id,
           s.location_id,
           s.quantity,
           coalesce(l.ledger_sum, 0)::bigint      AS ledger_sum,
           CASE WHEN s.quantity = coalesce(l.ledger_sum, 0) THEN 'OK' ELSE 'DRIFT' END
                                                  AS reconciliation_status,
           (s.deleted_at IS NULL)                 AS is_active
    FROM public.pms_inventory_stock s
    LEFT JOIN (SELECT t.stock_id, sum(t.quantity_change) AS ledger_sum
               FROM public.pms_inventory_transactions t
               GROUP BY t.stock_id) l ON l.stock_id = s.id
    WHERE %s
  $v$, v_opts, CASE WHEN v_pg15 THEN 'true' ELSE format(v_filter, 's.yacht_id') END);
END
$m307_views$;

REVOKE ALL ON public.pms_part_stock, public.v_stock_from_transactions FROM PUBLIC, anon, authenticated;
GRANT SELECT ON public.pms_part_stock, public.v_stock_from_transactions TO authenticated, service_role;

-- One row per ACTIVE stock row whose quantity is not the sum of its ledger changes.
-- SECURITY INVOKER: as authenticated it checks the caller's yacht (RLS); as the
-- owner / service_role it checks everything.
CREATE OR REPLACE FUNCTION public.check_inventory_drift()
RETURNS TABLE (stock_id uuid, yacht_id uuid, part_id uuid, quantity integer,
               ledger_sum bigint, drift bigint)
LANGUAGE sql
STABLE
SET search_path = public, pg_temp
AS $$
  SELECT s.id, s.yacht_id, s.part_id, s.quantity,
         coalesce(l.ledger_sum, 0)::bigint,
         (s.quantity - coalesce(l.ledger_sum, 0))::bigint
  FROM public.pms_inventory_stock s
  LEFT JOIN (SELECT t.stock_id, sum(t.quantity_change) AS ledger_sum
             FROM public.pms_inventory_transactions t
             GROUP BY t.stock_id) l ON l.stock_id = s.id
  WHERE s.deleted_at IS NULL
    AND s.quantity <> coalesce(l.ledger_sum, 0)
$$;

-- ===========================================================================
-- Privileges
-- ===========================================================================
REVOKE EXECUTE ON FUNCTION public.touch_updated_at() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.inventory_stock_soft_delete_guard() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.inventory_tx_stock_active_guard() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.inventory_tx_reversal_guard() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.inventory_tx_mark_inserter() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.signature_problem(jsonb, uuid, uuid, uuid, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.apply_stock_change(integer, uuid, integer, uuid, text, jsonb) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.deduct_stock_inventory(uuid, integer, uuid, text, jsonb) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.add_stock_inventory(uuid, integer, uuid, text, jsonb) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.check_inventory_drift() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.set_part_active(uuid, boolean, text, jsonb) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION public.deduct_stock_inventory(uuid, integer, uuid, text, jsonb) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.add_stock_inventory(uuid, integer, uuid, text, jsonb) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.check_inventory_drift() TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.set_part_active(uuid, boolean, text, jsonb) TO authenticated;
