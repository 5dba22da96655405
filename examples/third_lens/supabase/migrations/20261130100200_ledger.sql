-- The append-only ledger. No request moves a quantity without its ledger row, and no API code
-- has to remember to: two triggers keep stock and ledger together.
--   * the stock functions' quantity change writes its ledger row (`consumed` or `received` by
--     sign, in the caller's name): the functions mark their own change (inv.booking), so the
--     stock trigger books exactly what they move;
--   * a ledger row a request inserts directly (CONTRACT §5 lets each tier book its types, and a
--     server handler books as service_role) records the stock's current quantity, whatever the
--     client sent, and moves the stock (§4).
-- The owner's own DML (migrations, repairs) is not a request: it moves nothing by itself, and
-- check_inventory_drift() reports what it leaves unbalanced. Refusals are plain RAISE EXCEPTION
-- (SQLSTATE P0001) whose message is the reason.
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
  CONSTRAINT inv_ledger_known_type CHECK (transaction_type IN
    ('received', 'consumed', 'adjusted', 'transferred_out', 'transferred_in', 'write_off', 'reversed')),
  CONSTRAINT inv_ledger_moves_something CHECK (quantity_change <> 0),
  CONSTRAINT inv_ledger_after_not_negative CHECK (quantity_after >= 0),
  CONSTRAINT inv_ledger_adds_up CHECK (quantity_after = quantity_before + quantity_change),
  CONSTRAINT inv_ledger_sign_by_type CHECK (CASE
    WHEN transaction_type IN ('received', 'transferred_in') THEN quantity_change > 0
    WHEN transaction_type IN ('consumed', 'transferred_out', 'write_off') THEN quantity_change < 0
    ELSE true END),
  CONSTRAINT inv_ledger_distinct_ends CHECK (from_location_id IS DISTINCT FROM to_location_id
    OR from_location_id IS NULL)
);
CREATE UNIQUE INDEX inv_ledger_one_key_per_yacht ON public.pms_inventory_transactions (yacht_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX inv_ledger_reversed_once ON public.pms_inventory_transactions (reverses_transaction_id)
  WHERE reverses_transaction_id IS NOT NULL;
CREATE INDEX inv_ledger_by_stock ON public.pms_inventory_transactions (stock_id, created_at);

-- Large adjustments need a signature; the threshold is a setting (default 10).
CREATE FUNCTION public.inv_large_adjust_threshold() RETURNS integer
LANGUAGE sql STABLE SET search_path = pg_catalog AS $fn$
  SELECT coalesce(nullif(current_setting('app.large_adjust_threshold', true), '')::integer, 10)
$fn$;

-- A request's direct ledger row: not written by the stock trigger (inv.booking), by an API role.
CREATE FUNCTION public.inv_request_books() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog AS $fn$
  SELECT coalesce(current_setting('inv.booking', true), '') = ''
     AND current_setting('role') IN ('authenticated', 'service_role')
$fn$;

-- Before the row is checked: a request's row records the quantity it moves (the stock row locked)
-- and moves it now, so that the next row of the same statement reads the moved quantity (row
-- triggers AFTER INSERT run only at the statement's end: two rows on one stock row both read the
-- old quantity there, and the second overwrote the first's move).  A stock row the checks will
-- refuse (deactivated, or going negative) is left for them: the statement fails as a whole.
CREATE FUNCTION public.inv_ledger_records() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  v_stock public.pms_inventory_stock%ROWTYPE;
BEGIN
  IF public.inv_request_books() THEN
    SELECT * INTO v_stock FROM public.pms_inventory_stock
    WHERE id = NEW.stock_id AND yacht_id = NEW.yacht_id FOR UPDATE;
    IF FOUND THEN
      NEW.quantity_before := v_stock.quantity;
      NEW.quantity_after := v_stock.quantity + NEW.quantity_change;
      IF v_stock.deleted_at IS NULL AND NEW.quantity_after >= 0 THEN
        UPDATE public.pms_inventory_stock SET quantity = NEW.quantity_after WHERE id = NEW.stock_id;
      END IF;
    END IF;
  END IF;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER inv_ledger_records BEFORE INSERT ON public.pms_inventory_transactions
  FOR EACH ROW EXECUTE FUNCTION public.inv_ledger_records();

-- A signature is valid when each field is visible text, the signer (signed_by and the signature's
-- user_id) is the caller -- the request's sub, or for a handler the signed_by it names -- signing
-- in a role held on the row's yacht, at most 5 minutes ahead and 24 hours ago (CONTRACT §7).
CREATE FUNCTION public.inv_signature_valid(p_sig jsonb, p_signed_by uuid, p_caller uuid, p_yacht uuid)
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
REVOKE EXECUTE ON FUNCTION public.inv_signature_valid(jsonb, uuid, uuid, uuid) FROM PUBLIC, anon, authenticated;

-- Every ledger row: checked (a request's direct one moved the stock before it was written).
-- AFTER the row-level security check: a caller who may not insert this type is denied (42501) first.
CREATE FUNCTION public.inv_ledger_book() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  v_stock  public.pms_inventory_stock%ROWTYPE;
  v_orig   public.pms_inventory_transactions%ROWTYPE;
  v_signed boolean := NEW.signature IS NOT NULL AND jsonb_typeof(NEW.signature) = 'object' AND NEW.signature <> '{}'::jsonb;
BEGIN
  SELECT * INTO v_stock FROM public.pms_inventory_stock WHERE id = NEW.stock_id FOR UPDATE;
  IF NOT FOUND OR v_stock.yacht_id <> NEW.yacht_id OR v_stock.part_id IS DISTINCT FROM NEW.part_id THEN
    RAISE EXCEPTION 'stock_not_found';
  END IF;
  IF v_stock.deleted_at IS NOT NULL THEN
    RAISE EXCEPTION 'stock_deactivated';
  END IF;
  IF (NEW.transaction_type IN ('write_off', 'reversed')
      OR (NEW.transaction_type = 'adjusted' AND abs(NEW.quantity_change) >= public.inv_large_adjust_threshold()))
     AND NOT v_signed THEN
    RAISE EXCEPTION 'signature_required';
  END IF;
  IF (v_signed OR NEW.signed_by IS NOT NULL)
     AND NOT public.inv_signature_valid(NEW.signature, NEW.signed_by, coalesce(auth.uid(), NEW.signed_by), NEW.yacht_id) THEN
    RAISE EXCEPTION 'signature_invalid';
  END IF;
  IF NEW.transaction_type = 'reversed' THEN
    SELECT * INTO v_orig FROM public.pms_inventory_transactions WHERE id = NEW.reverses_transaction_id;
    IF NOT FOUND OR v_orig.yacht_id <> NEW.yacht_id OR v_orig.stock_id <> NEW.stock_id
       OR v_orig.transaction_type = 'reversed' OR NEW.quantity_change <> -v_orig.quantity_change THEN
      RAISE EXCEPTION 'invalid_reversal';
    END IF;
  ELSIF NEW.reverses_transaction_id IS NOT NULL THEN
    RAISE EXCEPTION 'invalid_reversal';
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER inv_ledger_book AFTER INSERT ON public.pms_inventory_transactions
  FOR EACH ROW EXECUTE FUNCTION public.inv_ledger_book();

-- A deactivated stock row refuses every change except its reactivation, whoever asks.
CREATE FUNCTION public.inv_stock_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $fn$
BEGIN
  IF OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NOT NULL THEN
    RAISE EXCEPTION 'stock_deactivated';
  END IF;
  IF OLD.deleted_at IS NOT NULL AND NEW.quantity <> OLD.quantity THEN
    RAISE EXCEPTION 'stock_deactivated';
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END
$fn$;
CREATE TRIGGER inv_stock_guard BEFORE UPDATE ON public.pms_inventory_stock
  FOR EACH ROW EXECUTE FUNCTION public.inv_stock_guard();

-- The stock functions' quantity change writes its ledger row, in the caller's name.
CREATE FUNCTION public.inv_stock_books() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
  IF current_setting('inv.booking', true) = 'function' THEN
    INSERT INTO public.pms_inventory_transactions
      (yacht_id, stock_id, part_id, transaction_type, quantity_change, quantity_before, quantity_after, user_id)
    VALUES (NEW.yacht_id, NEW.id, NEW.part_id, CASE WHEN NEW.quantity > OLD.quantity THEN 'received' ELSE 'consumed' END,
            NEW.quantity - OLD.quantity, OLD.quantity, NEW.quantity, auth.uid());
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER inv_stock_books AFTER UPDATE OF quantity ON public.pms_inventory_stock
  FOR EACH ROW WHEN (OLD.quantity IS DISTINCT FROM NEW.quantity) EXECUTE FUNCTION public.inv_stock_books();

REVOKE EXECUTE ON FUNCTION public.inv_large_adjust_threshold(), public.inv_request_books(), public.inv_ledger_records(),
  public.inv_ledger_book(), public.inv_stock_guard(), public.inv_stock_books() FROM PUBLIC, anon, authenticated;
