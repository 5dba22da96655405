-- The append-only ledger and the guards the database holds on its own.
-- Refusals raised here use this project's own SQLSTATEs (class SL):
--   SL001 stock_deactivated, SL002 invalid_reversal, SL003 signature_required, SL004 stock_mismatch,
--   SL005 signature_invalid.
CREATE TABLE public.pms_inventory_transactions (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  yacht_id                uuid NOT NULL REFERENCES public.yacht_registry (id),
  stock_id                uuid NOT NULL REFERENCES public.pms_inventory_stock (id),
  part_id                 uuid REFERENCES public.pms_parts (id),
  transaction_type        text NOT NULL,
  quantity_change         integer NOT NULL,
  quantity_before         integer,
  quantity_after          integer,
  from_location_id        uuid REFERENCES public.pms_part_locations (id),
  to_location_id          uuid REFERENCES public.pms_part_locations (id),
  reference_type          text,
  reference_id            uuid,
  transfer_group_id       uuid,
  reverses_transaction_id uuid REFERENCES public.pms_inventory_transactions (id),
  idempotency_key         text,
  usage_id                uuid REFERENCES public.pms_part_usage (id),
  signature               jsonb,
  signed_by               uuid,
  user_id                 uuid,
  created_at              timestamptz NOT NULL DEFAULT clock_timestamp(),
  CONSTRAINT sl_ledger_known_type CHECK (transaction_type IN
    ('received', 'consumed', 'adjusted', 'transferred_out', 'transferred_in', 'write_off', 'reversed')),
  CONSTRAINT sl_ledger_moves_something CHECK (quantity_change <> 0),
  CONSTRAINT sl_ledger_after_not_negative CHECK (quantity_after >= 0),
  CONSTRAINT sl_ledger_sign_by_type CHECK (CASE
    WHEN transaction_type IN ('received', 'transferred_in') THEN quantity_change > 0
    WHEN transaction_type IN ('consumed', 'transferred_out', 'write_off') THEN quantity_change < 0
    ELSE true END),
  CONSTRAINT sl_ledger_distinct_ends CHECK (from_location_id IS DISTINCT FROM to_location_id
    OR from_location_id IS NULL)
);
CREATE UNIQUE INDEX sl_ledger_one_key_per_yacht ON public.pms_inventory_transactions (yacht_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX sl_ledger_reversed_once ON public.pms_inventory_transactions (reverses_transaction_id)
  WHERE reverses_transaction_id IS NOT NULL;
CREATE INDEX sl_ledger_by_stock ON public.pms_inventory_transactions (stock_id, created_at);

-- Large adjustments need a signature; the threshold is a setting (default 10).
CREATE FUNCTION public.sl_large_adjust_threshold() RETURNS integer
LANGUAGE sql STABLE SET search_path = pg_catalog AS $fn$
  SELECT coalesce(nullif(current_setting('app.large_adjust_threshold', true), '')::integer, 10)
$fn$;

-- A signature is valid when each field is visible text, the signer (signed_by and the signature's
-- user_id) is the caller -- the request's sub, or for the trusted handler the signed_by it names --
-- signing in a role held on the row's yacht, at most 5 minutes ahead and 24 hours ago.
CREATE FUNCTION public.sl_signature_valid(p_sig jsonb, p_signed_by uuid, p_caller uuid, p_yacht uuid)
RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $fn$
DECLARE
  v_at timestamptz;
BEGIN
  IF jsonb_typeof(p_sig) IS DISTINCT FROM 'object' OR p_caller IS NULL OR p_signed_by IS DISTINCT FROM p_caller
     OR EXISTS (SELECT 1 FROM unnest(ARRAY['user_id', 'role_at_signing', 'signature_type', 'reason', 'signed_at']) k
                WHERE jsonb_typeof(p_sig -> k) IS DISTINCT FROM 'string' OR btrim(p_sig ->> k) = '')
     OR lower(p_sig ->> 'user_id') IS DISTINCT FROM p_caller::text
     OR NOT EXISTS (SELECT 1 FROM public.auth_users_roles r WHERE r.user_id = p_caller AND r.yacht_id = p_yacht
                    AND r.is_active AND r.role = p_sig ->> 'role_at_signing') THEN
    RETURN false;
  END IF;
  v_at := (p_sig ->> 'signed_at')::timestamptz;
  RETURN v_at <= now() + interval '5 minutes' AND v_at >= now() - interval '24 hours';
EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR invalid_text_representation THEN
  RETURN false;
END
$fn$;
REVOKE EXECUTE ON FUNCTION public.sl_signature_valid(jsonb, uuid, uuid, uuid) FROM PUBLIC, anon, authenticated;

CREATE FUNCTION public.sl_ledger_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  v_stock  public.pms_inventory_stock%ROWTYPE;
  v_orig   public.pms_inventory_transactions%ROWTYPE;
  v_signed boolean := NEW.signature IS NOT NULL AND jsonb_typeof(NEW.signature) = 'object' AND NEW.signature <> '{}'::jsonb;
BEGIN
  SELECT * INTO v_stock FROM public.pms_inventory_stock WHERE id = NEW.stock_id;
  IF NOT FOUND OR v_stock.yacht_id <> NEW.yacht_id THEN
    RAISE EXCEPTION 'stock_not_found' USING ERRCODE = 'SL004';
  END IF;
  IF v_stock.deleted_at IS NOT NULL THEN
    RAISE EXCEPTION 'stock_deactivated' USING ERRCODE = 'SL001';
  END IF;
  IF (NEW.transaction_type IN ('write_off', 'reversed')
      OR (NEW.transaction_type = 'adjusted' AND abs(NEW.quantity_change) >= public.sl_large_adjust_threshold()))
     AND NOT v_signed THEN
    RAISE EXCEPTION 'signature_required' USING ERRCODE = 'SL003';
  END IF;
  IF (v_signed OR NEW.signed_by IS NOT NULL)
     AND NOT public.sl_signature_valid(NEW.signature, NEW.signed_by, coalesce(auth.uid(), NEW.signed_by), NEW.yacht_id) THEN
    RAISE EXCEPTION 'signature_invalid' USING ERRCODE = 'SL005';
  END IF;
  IF NEW.transaction_type = 'reversed' THEN
    SELECT * INTO v_orig FROM public.pms_inventory_transactions WHERE id = NEW.reverses_transaction_id;
    IF NOT FOUND OR v_orig.yacht_id <> NEW.yacht_id OR v_orig.transaction_type = 'reversed'
       OR NEW.quantity_change <> -v_orig.quantity_change THEN
      RAISE EXCEPTION 'invalid_reversal' USING ERRCODE = 'SL002';
    END IF;
  ELSIF NEW.reverses_transaction_id IS NOT NULL THEN
    RAISE EXCEPTION 'invalid_reversal' USING ERRCODE = 'SL002';
  END IF;
  RETURN NULL;
END
$fn$;
-- AFTER the row-level security check: a caller who may not insert this type is denied (42501) first.
CREATE TRIGGER sl_ledger_guard AFTER INSERT ON public.pms_inventory_transactions
  FOR EACH ROW EXECUTE FUNCTION public.sl_ledger_guard();

-- A deactivated stock row refuses every change except its reactivation, whoever asks.
CREATE FUNCTION public.sl_stock_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $fn$
BEGIN
  IF OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NOT NULL THEN
    RAISE EXCEPTION 'stock_deactivated' USING ERRCODE = 'SL001';
  END IF;
  IF OLD.deleted_at IS NOT NULL AND NEW.quantity <> OLD.quantity THEN
    RAISE EXCEPTION 'stock_deactivated' USING ERRCODE = 'SL001';
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END
$fn$;
CREATE TRIGGER sl_stock_guard BEFORE UPDATE ON public.pms_inventory_stock
  FOR EACH ROW EXECUTE FUNCTION public.sl_stock_guard();

-- Stock and ledger commit together: in a request made with JWT claims (PostgREST), a stock
-- row whose quantity is not the sum of its ledger at commit refuses the whole transaction.
CREATE FUNCTION public.sl_stock_matches_ledger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  v_stock uuid := coalesce((to_jsonb(NEW) ->> 'stock_id')::uuid, NEW.id);  -- a ledger row's stock, or the stock row
BEGIN
  IF auth.uid() IS NULL THEN
    RETURN NULL;
  END IF;
  IF (SELECT quantity FROM public.pms_inventory_stock WHERE id = v_stock)
     IS DISTINCT FROM (SELECT coalesce(sum(quantity_change), 0) FROM public.pms_inventory_transactions WHERE stock_id = v_stock) THEN
    RAISE EXCEPTION 'stock_mismatch: stock % and its ledger disagree', v_stock USING ERRCODE = 'SL004';
  END IF;
  RETURN NULL;
END
$fn$;
CREATE CONSTRAINT TRIGGER sl_stock_matches_ledger AFTER INSERT OR UPDATE OF quantity ON public.pms_inventory_stock
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.sl_stock_matches_ledger();
CREATE CONSTRAINT TRIGGER sl_ledger_matches_stock AFTER INSERT ON public.pms_inventory_transactions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.sl_stock_matches_ledger();
