-- The nine actions of CONTRACT §7 as SQL functions, called over PostgREST:
--   POST /rest/v1/rpc/<action> with the action's fields as the JSON body.
-- Each takes one unnamed jsonb parameter (PostgREST hands such a function the whole body), so the
-- function itself judges a malformed body and answers a contract code, not PostgREST's cast error.
-- PostgREST runs each request in one transaction as `authenticated` with the token's claims: every
-- row an action writes (ledger, stock through the ledger trigger, usage, audit, shopping list)
-- commits together or not at all. A refusal is RAISE ... USING ERRCODE 'PT<status>' with the
-- contract error code as the message (PostgREST answers that status); duplicate_request carries
-- the original transaction in DETAIL as {"transaction_id": ...}.
-- The functions are SECURITY DEFINER: the caller's tier (§7) and yacht are checked here, first.

-- A refusal: the HTTP status and the contract code.
CREATE FUNCTION public.inv_refuse(p_status integer, p_code text, p_detail text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog AS $fn$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'PT' || p_status, MESSAGE = p_code, DETAIL = coalesce(p_detail, '');
END
$fn$;

-- The caller's yacht when they hold the action's tier on it (403 forbidden otherwise).
CREATE FUNCTION public.inv_caller_yacht(p_tier text) RETURNS uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  v_yacht uuid := public.get_user_yacht_id();
BEGIN
  IF auth.uid() IS NULL OR v_yacht IS NULL OR NOT coalesce(CASE p_tier
       WHEN 'crew' THEN public.is_operational_crew(auth.uid(), v_yacht)
       WHEN 'hod' THEN public.is_hod(auth.uid(), v_yacht)
       ELSE public.is_manager(auth.uid(), v_yacht) END, false) THEN
    PERFORM public.inv_refuse(403, 'forbidden');
  END IF;
  RETURN v_yacht;
END
$fn$;

-- The body is an object holding only the action's fields.
CREATE FUNCTION public.inv_body(p jsonb, p_fields text[]) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog AS $fn$
BEGIN
  IF jsonb_typeof(p) IS DISTINCT FROM 'object' THEN
    PERFORM public.inv_refuse(400, 'invalid_body');
  END IF;
  IF EXISTS (SELECT 1 FROM jsonb_object_keys(p) k WHERE k <> ALL (p_fields)) THEN
    PERFORM public.inv_refuse(400, 'unknown_field');
  END IF;
END
$fn$;

-- An id field: the canonical spelling only (uuid input also reads braces and bare hex).
CREATE FUNCTION public.inv_uuid(p jsonb, p_name text, p_required boolean DEFAULT true) RETURNS uuid
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog AS $fn$
BEGIN
  IF coalesce(jsonb_typeof(p -> p_name), 'null') = 'null' THEN
    IF p_required THEN PERFORM public.inv_refuse(400, 'missing_field'); END IF;
    RETURN NULL;
  END IF;
  IF jsonb_typeof(p -> p_name) <> 'string'
     OR (p ->> p_name) !~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN
    PERFORM public.inv_refuse(400, 'invalid_uuid');
  END IF;
  RETURN (p ->> p_name)::uuid;
END
$fn$;

-- A count: a JSON integer from p_min to 1,000,000.
CREATE FUNCTION public.inv_count(p jsonb, p_name text, p_min integer DEFAULT 1) RETURNS integer
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog AS $fn$
BEGIN
  IF jsonb_typeof(p -> p_name) IS DISTINCT FROM 'number' OR (p ->> p_name) !~ '^-?[0-9]{1,8}$'
     OR (p ->> p_name)::integer NOT BETWEEN p_min AND 1000000 THEN
    PERFORM public.inv_refuse(400, 'invalid_quantity');
  END IF;
  RETURN (p ->> p_name)::integer;
END
$fn$;

-- Text that shows something: not only blank, control, format (zero-width, bidi) characters.
CREATE FUNCTION public.inv_visible(p_text text) RETURNS boolean
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $fn$
  SELECT p_text ~ '[^\u0001-\u0020\u007F-\u00A0\u00AD\u061C\u1680\u180E\u2000-\u200F\u2028-\u202F\u205F-\u206F\u3000\uFEFF]'
$fn$;

CREATE FUNCTION public.inv_text(p jsonb, p_name text, p_required boolean DEFAULT false, p_limit integer DEFAULT 1000)
RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog AS $fn$
BEGIN
  IF coalesce(jsonb_typeof(p -> p_name), 'null') = 'null' THEN
    IF p_required THEN PERFORM public.inv_refuse(400, 'missing_field'); END IF;
    RETURN NULL;
  END IF;
  IF jsonb_typeof(p -> p_name) <> 'string' OR NOT public.inv_visible(p ->> p_name)
     OR length(p ->> p_name) > p_limit THEN
    PERFORM public.inv_refuse(400, 'invalid_text');
  END IF;
  RETURN p ->> p_name;
END
$fn$;

-- §7's signature: each of the five fields visible text, signed by the caller in a role the caller
-- holds on the yacht, with an explicit offset, at most 5 minutes ahead and 24 hours old.
CREATE FUNCTION public.inv_signature(p jsonb, p_yacht uuid, p_required boolean) RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  v_sig jsonb := p -> 'signature';
  v_at  timestamptz;
BEGIN
  IF v_sig IS NULL OR v_sig = 'null'::jsonb OR v_sig = '{}'::jsonb THEN
    IF p_required THEN PERFORM public.inv_refuse(400, 'signature_required'); END IF;
    RETURN NULL;
  END IF;
  IF jsonb_typeof(v_sig) <> 'object' OR length(v_sig::text) > 4096
     OR (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(v_sig) k)
        IS DISTINCT FROM ARRAY['reason', 'role_at_signing', 'signature_type', 'signed_at', 'user_id']
     OR EXISTS (SELECT 1 FROM jsonb_each(v_sig) e WHERE jsonb_typeof(e.value) <> 'string'
                OR NOT public.inv_visible(e.value #>> '{}'))
     OR v_sig ->> 'user_id' IS DISTINCT FROM auth.uid()::text
     OR NOT EXISTS (SELECT 1 FROM public.auth_users_roles r WHERE r.user_id = auth.uid() AND r.yacht_id = p_yacht
                    AND r.is_active AND r.role = v_sig ->> 'role_at_signing')
     OR (v_sig ->> 'signed_at') !~ '^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d(:?\d\d)?)$' THEN
    PERFORM public.inv_refuse(400, 'signature_invalid');
  END IF;
  BEGIN
    v_at := (v_sig ->> 'signed_at')::timestamptz;
  EXCEPTION WHEN data_exception THEN
    PERFORM public.inv_refuse(400, 'signature_invalid');
  END;
  IF v_at > now() + interval '5 minutes' OR v_at < now() - interval '24 hours' THEN
    PERFORM public.inv_refuse(400, 'signature_invalid');
  END IF;
  RETURN v_sig;
END
$fn$;

-- The caller's part (404), active unless p_any (409 part_deactivated). A movement shares the
-- part row (it stays active until the movement commits); p_any (deactivate / reactivate) takes the
-- lock its UPDATE would, which a ledger row's foreign key check (KEY SHARE) never waits for: a
-- reversal holding a stock row cannot deadlock with it.
CREATE FUNCTION public.inv_part(p_yacht uuid, p_part uuid, p_any boolean DEFAULT false)
RETURNS public.pms_parts
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  v public.pms_parts;
BEGIN
  IF p_any THEN
    SELECT * INTO v FROM public.pms_parts WHERE id = p_part AND yacht_id = p_yacht FOR NO KEY UPDATE;
  ELSE
    SELECT * INTO v FROM public.pms_parts WHERE id = p_part AND yacht_id = p_yacht FOR SHARE;
  END IF;
  IF NOT FOUND THEN PERFORM public.inv_refuse(404, 'part_not_found'); END IF;
  IF v.deleted_at IS NOT NULL AND NOT p_any THEN PERFORM public.inv_refuse(409, 'part_deactivated'); END IF;
  RETURN v;
END
$fn$;

CREATE FUNCTION public.inv_location(p_yacht uuid, p_location uuid) RETURNS public.pms_part_locations
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  v public.pms_part_locations;
BEGIN
  SELECT * INTO v FROM public.pms_part_locations WHERE id = p_location AND yacht_id = p_yacht;
  IF NOT FOUND THEN PERFORM public.inv_refuse(404, 'location_not_found'); END IF;
  RETURN v;
END
$fn$;

-- The part's stock row at the location (opened at zero when p_open), active (409 otherwise).
CREATE FUNCTION public.inv_stock_at(p_part public.pms_parts, p_location public.pms_part_locations,
                                    p_open boolean DEFAULT false) RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  v public.pms_inventory_stock;
BEGIN
  SELECT * INTO v FROM public.pms_inventory_stock WHERE yacht_id = p_part.yacht_id AND part_id = p_part.id
    AND location_id = p_location.id ORDER BY deleted_at NULLS FIRST, created_at LIMIT 1;
  IF NOT FOUND AND p_open THEN
    INSERT INTO public.pms_inventory_stock (yacht_id, part_id, location, location_id)
    VALUES (p_part.yacht_id, p_part.id, p_location.name, p_location.id) RETURNING * INTO v;
  END IF;
  IF v.id IS NULL THEN PERFORM public.inv_refuse(404, 'stock_not_found'); END IF;
  IF v.deleted_at IS NOT NULL THEN PERFORM public.inv_refuse(409, 'part_deactivated'); END IF;
  RETURN v.id;
END
$fn$;

-- One ledger row in the caller's name; the ledger trigger records the quantities and moves the
-- stock (§4). p_extra holds other §3 ledger columns. Answers the movement as the API reports it.
CREATE FUNCTION public.inv_book(p_stock uuid, p_change integer, p_type text, p_extra jsonb DEFAULT '{}')
RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  v_stock public.pms_inventory_stock;
  v_id    uuid;
BEGIN
  SELECT * INTO v_stock FROM public.pms_inventory_stock WHERE id = p_stock FOR UPDATE;
  IF v_stock.deleted_at IS NOT NULL THEN PERFORM public.inv_refuse(409, 'part_deactivated'); END IF;
  IF v_stock.quantity::bigint + p_change < 0 THEN PERFORM public.inv_refuse(409, 'insufficient_stock'); END IF;
  IF v_stock.quantity::bigint + p_change > 2147483647 THEN PERFORM public.inv_refuse(400, 'invalid_quantity'); END IF;
  IF p_extra ? 'idempotency_key' AND EXISTS (SELECT 1 FROM public.pms_inventory_transactions
      WHERE yacht_id = v_stock.yacht_id AND idempotency_key = p_extra ->> 'idempotency_key') THEN
    PERFORM public.inv_refuse(409, 'duplicate_request', (SELECT jsonb_build_object('transaction_id', id)::text
      FROM public.pms_inventory_transactions WHERE yacht_id = v_stock.yacht_id
      AND idempotency_key = p_extra ->> 'idempotency_key'));
  END IF;
  BEGIN
    INSERT INTO public.pms_inventory_transactions
      (yacht_id, stock_id, part_id, transaction_type, quantity_change, quantity_before, quantity_after, user_id,
       idempotency_key, usage_id, signature, signed_by, reference_type, reference_id, transfer_group_id,
       reverses_transaction_id, from_location_id, to_location_id)
    VALUES (v_stock.yacht_id, v_stock.id, v_stock.part_id, p_type, p_change, v_stock.quantity,
            v_stock.quantity + p_change, auth.uid(), p_extra ->> 'idempotency_key', (p_extra ->> 'usage_id')::uuid,
            p_extra -> 'signature', CASE WHEN p_extra ? 'signature' THEN auth.uid() END, p_extra ->> 'reference_type',
            (p_extra ->> 'reference_id')::uuid, (p_extra ->> 'transfer_group_id')::uuid,
            (p_extra ->> 'reverses_transaction_id')::uuid, (p_extra ->> 'from_location_id')::uuid,
            (p_extra ->> 'to_location_id')::uuid)
    RETURNING id INTO v_id;
  EXCEPTION WHEN unique_violation THEN  -- a concurrent request with the same key or reversal won
    IF p_extra ? 'reverses_transaction_id' THEN PERFORM public.inv_refuse(409, 'already_reversed'); END IF;
    PERFORM public.inv_refuse(409, 'duplicate_request', (SELECT jsonb_build_object('transaction_id', id)::text
      FROM public.pms_inventory_transactions WHERE yacht_id = v_stock.yacht_id
      AND idempotency_key = p_extra ->> 'idempotency_key'));
  END;
  RETURN jsonb_build_object('transaction_id', v_id, 'stock_id', v_stock.id, 'quantity_before', v_stock.quantity,
                            'quantity_after', v_stock.quantity + p_change);
END
$fn$;

CREATE FUNCTION public.inv_audit(p_yacht uuid, p_part uuid, p_action text, p_new jsonb, p_sig jsonb DEFAULT NULL)
RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  INSERT INTO public.pms_audit_log (yacht_id, entity_type, entity_id, action, user_id, new_values, signature)
  VALUES (p_yacht, 'part', p_part, p_action, auth.uid(), p_new, coalesce(p_sig, '{}'::jsonb))
$fn$;

-- Every action checks the tier, then the whole body, then reads rows: a malformed body is a 400
-- whatever its ids point at.

CREATE FUNCTION public.consume_part(jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  p jsonb := $1;
  v_yacht uuid := public.inv_caller_yacht('crew');
  v_part_id uuid; v_location_id uuid; v_quantity integer; v_work_order uuid; v_reason text; v_notes text; v_key text;
  v_part public.pms_parts; v_stock uuid; v_usage uuid; v_moved jsonb;
BEGIN
  PERFORM public.inv_body(p, ARRAY['part_id', 'location_id', 'quantity', 'work_order_id', 'usage_reason', 'notes',
                                   'idempotency_key']);
  v_part_id := public.inv_uuid(p, 'part_id'); v_location_id := public.inv_uuid(p, 'location_id');
  v_quantity := public.inv_count(p, 'quantity'); v_work_order := public.inv_uuid(p, 'work_order_id', false);
  v_reason := public.inv_text(p, 'usage_reason'); v_notes := public.inv_text(p, 'notes', false, 4000);
  v_key := public.inv_text(p, 'idempotency_key', false, 200);
  v_part := public.inv_part(v_yacht, v_part_id);
  v_stock := public.inv_stock_at(v_part, public.inv_location(v_yacht, v_location_id));
  INSERT INTO public.pms_part_usage (yacht_id, part_id, work_order_id, quantity, usage_reason, notes, used_by)
  VALUES (v_yacht, v_part.id, v_work_order, v_quantity, v_reason, v_notes, auth.uid()) RETURNING id INTO v_usage;
  v_moved := public.inv_book(v_stock, -v_quantity, 'consumed', jsonb_strip_nulls(jsonb_build_object(
    'usage_id', v_usage, 'idempotency_key', v_key, 'reference_type', CASE WHEN v_work_order IS NOT NULL THEN 'work_order' END,
    'reference_id', v_work_order))) || jsonb_build_object('usage_id', v_usage);
  PERFORM public.inv_audit(v_yacht, v_part.id, 'consume_part', v_moved);
  RETURN v_moved;
END
$fn$;

CREATE FUNCTION public.receive_part(jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  p jsonb := $1;
  v_yacht uuid := public.inv_caller_yacht('crew');
  v_key text; v_part_id uuid; v_location_id uuid; v_quantity integer; v_reference uuid;
  v_part public.pms_parts; v_stock uuid; v_moved jsonb;
BEGIN
  PERFORM public.inv_body(p, ARRAY['part_id', 'location_id', 'quantity', 'idempotency_key', 'reference_id']);
  IF coalesce(jsonb_typeof(p -> 'idempotency_key'), 'null') = 'null' THEN
    PERFORM public.inv_refuse(400, 'idempotency_key_required');
  END IF;
  v_key := public.inv_text(p, 'idempotency_key', true, 200);
  v_part_id := public.inv_uuid(p, 'part_id'); v_location_id := public.inv_uuid(p, 'location_id');
  v_quantity := public.inv_count(p, 'quantity'); v_reference := public.inv_uuid(p, 'reference_id', false);
  v_part := public.inv_part(v_yacht, v_part_id);
  v_stock := public.inv_stock_at(v_part, public.inv_location(v_yacht, v_location_id), true);
  v_moved := public.inv_book(v_stock, v_quantity, 'received', jsonb_strip_nulls(jsonb_build_object(
    'idempotency_key', v_key, 'reference_type', CASE WHEN v_reference IS NOT NULL THEN 'receiving' END,
    'reference_id', v_reference)));
  PERFORM public.inv_audit(v_yacht, v_part.id, 'receive_part', v_moved);
  RETURN v_moved;
END
$fn$;

CREATE FUNCTION public.add_to_shopping_list(jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  p jsonb := $1;
  v_yacht uuid := public.inv_caller_yacht('crew');
  v_part_id uuid; v_quantity integer; v_urgency text; v_part public.pms_parts; v_item uuid; v_result jsonb;
BEGIN
  PERFORM public.inv_body(p, ARRAY['part_id', 'quantity', 'urgency']);
  v_part_id := public.inv_uuid(p, 'part_id'); v_quantity := public.inv_count(p, 'quantity');
  v_urgency := coalesce(p ->> 'urgency', 'normal');
  IF p ? 'urgency' AND (jsonb_typeof(p -> 'urgency') <> 'string' OR v_urgency NOT IN ('low', 'normal', 'high', 'critical')) THEN
    PERFORM public.inv_refuse(400, 'invalid_urgency');
  END IF;
  v_part := public.inv_part(v_yacht, v_part_id);
  INSERT INTO public.pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested, urgency, status,
                                              source_type, created_by)
  VALUES (v_yacht, v_part.id, v_part.name, v_quantity, v_urgency, 'pending', 'inventory_lens', auth.uid())
  RETURNING id INTO v_item;
  v_result := jsonb_build_object('item_id', v_item, 'part_id', v_part.id, 'quantity_requested', v_quantity,
                                 'urgency', v_urgency);
  PERFORM public.inv_audit(v_yacht, v_part.id, 'add_to_shopping_list', v_result);
  RETURN v_result;
END
$fn$;

CREATE FUNCTION public.adjust_stock_quantity(jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  p jsonb := $1;
  v_yacht uuid := public.inv_caller_yacht('hod');
  v_part_id uuid; v_location_id uuid; v_target integer; v_sig jsonb; v_reason text;
  v_part public.pms_parts; v_stock uuid; v_change integer; v_moved jsonb;
BEGIN
  PERFORM public.inv_body(p, ARRAY['part_id', 'location_id', 'new_quantity', 'reason', 'signature']);
  v_part_id := public.inv_uuid(p, 'part_id'); v_location_id := public.inv_uuid(p, 'location_id');
  v_target := public.inv_count(p, 'new_quantity', 0);
  v_sig := public.inv_signature(p, v_yacht, false); v_reason := public.inv_text(p, 'reason');
  v_part := public.inv_part(v_yacht, v_part_id);
  v_stock := public.inv_stock_at(v_part, public.inv_location(v_yacht, v_location_id));
  SELECT v_target - quantity INTO v_change FROM public.pms_inventory_stock WHERE id = v_stock FOR UPDATE;
  IF v_change = 0 THEN PERFORM public.inv_refuse(400, 'invalid_quantity'); END IF;
  IF abs(v_change) >= public.inv_large_adjust_threshold() AND v_sig IS NULL THEN
    PERFORM public.inv_refuse(400, 'signature_required');
  END IF;
  v_moved := public.inv_book(v_stock, v_change, 'adjusted', jsonb_strip_nulls(jsonb_build_object('signature', v_sig)));
  PERFORM public.inv_audit(v_yacht, v_part.id, 'adjust_stock_quantity',
                           v_moved || jsonb_build_object('reason', v_reason), v_sig);
  RETURN v_moved;
END
$fn$;

CREATE FUNCTION public.transfer_part(jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  p jsonb := $1;
  v_yacht uuid := public.inv_caller_yacht('hod');
  v_part_id uuid; v_quantity integer; v_from_id uuid; v_to_id uuid;
  v_part public.pms_parts; v_from public.pms_part_locations; v_to public.pms_part_locations;
  v_src uuid; v_dst uuid; v_group uuid := gen_random_uuid(); v_legs jsonb := '{}'; v_leg record; v_result jsonb;
BEGIN
  PERFORM public.inv_body(p, ARRAY['part_id', 'from_location_id', 'to_location_id', 'quantity']);
  v_part_id := public.inv_uuid(p, 'part_id'); v_quantity := public.inv_count(p, 'quantity');
  v_from_id := public.inv_uuid(p, 'from_location_id'); v_to_id := public.inv_uuid(p, 'to_location_id');
  IF v_from_id = v_to_id THEN PERFORM public.inv_refuse(400, 'invalid_transfer'); END IF;
  v_part := public.inv_part(v_yacht, v_part_id);
  v_from := public.inv_location(v_yacht, v_from_id); v_to := public.inv_location(v_yacht, v_to_id);
  v_src := public.inv_stock_at(v_part, v_from); v_dst := public.inv_stock_at(v_part, v_to, true);
  -- both legs in stock id order: two opposite transfers lock the rows in the same order
  FOR v_leg IN SELECT * FROM (VALUES (v_src, -v_quantity, 'transferred_out', 'out'),
                                     (v_dst, v_quantity, 'transferred_in', 'in')) l(stock, change, type, name)
               ORDER BY stock LOOP
    v_legs := v_legs || jsonb_build_object(v_leg.name, public.inv_book(v_leg.stock, v_leg.change, v_leg.type,
      jsonb_build_object('transfer_group_id', v_group, 'from_location_id', v_from.id, 'to_location_id', v_to.id)));
  END LOOP;
  v_result := v_legs || jsonb_build_object('transfer_group_id', v_group);
  PERFORM public.inv_audit(v_yacht, v_part.id, 'transfer_part', v_result);
  RETURN v_result;
END
$fn$;

CREATE FUNCTION public.write_off_part(jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  p jsonb := $1;
  v_yacht uuid := public.inv_caller_yacht('hod');
  v_part_id uuid; v_location_id uuid; v_quantity integer; v_reason text; v_sig jsonb;
  v_part public.pms_parts; v_stock uuid; v_moved jsonb;
BEGIN
  PERFORM public.inv_body(p, ARRAY['part_id', 'location_id', 'quantity', 'reason', 'signature']);
  v_part_id := public.inv_uuid(p, 'part_id'); v_location_id := public.inv_uuid(p, 'location_id');
  v_quantity := public.inv_count(p, 'quantity'); v_reason := public.inv_text(p, 'reason', true);
  v_sig := public.inv_signature(p, v_yacht, true);
  v_part := public.inv_part(v_yacht, v_part_id);
  v_stock := public.inv_stock_at(v_part, public.inv_location(v_yacht, v_location_id));
  v_moved := public.inv_book(v_stock, -v_quantity, 'write_off', jsonb_build_object('signature', v_sig));
  PERFORM public.inv_audit(v_yacht, v_part.id, 'write_off_part', v_moved || jsonb_build_object('reason', v_reason), v_sig);
  RETURN v_moved;
END
$fn$;

-- Deactivate / reactivate a part and its stock rows (a deactivated row refuses every movement).
CREATE FUNCTION public.inv_set_active(p jsonb, p_active boolean) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  v_yacht uuid := public.inv_caller_yacht('hod');
  v_part_id uuid; v_reason text; v_sig jsonb; v_part public.pms_parts; v_rows integer; v_result jsonb;
BEGIN
  PERFORM public.inv_body(p, CASE WHEN p_active THEN ARRAY['part_id', 'signature']
                                  ELSE ARRAY['part_id', 'reason', 'signature'] END);
  v_part_id := public.inv_uuid(p, 'part_id');
  v_reason := CASE WHEN p_active THEN NULL ELSE public.inv_text(p, 'reason', true) END;
  v_sig := public.inv_signature(p, v_yacht, true);
  v_part := public.inv_part(v_yacht, v_part_id, true);
  IF (v_part.deleted_at IS NULL) = p_active THEN
    PERFORM public.inv_refuse(409, CASE WHEN p_active THEN 'part_not_deactivated' ELSE 'part_deactivated' END);
  END IF;
  UPDATE public.pms_parts SET deleted_at = CASE WHEN p_active THEN NULL ELSE now() END,
    deleted_by = CASE WHEN p_active THEN NULL ELSE auth.uid() END, deletion_reason = v_reason, updated_at = now()
  WHERE id = v_part.id;
  UPDATE public.pms_inventory_stock SET deleted_at = CASE WHEN p_active THEN NULL ELSE now() END,
    deleted_by = CASE WHEN p_active THEN NULL ELSE auth.uid() END
  WHERE part_id = v_part.id AND (deleted_at IS NULL) <> p_active;
  GET DIAGNOSTICS v_rows = ROW_COUNT;
  v_result := jsonb_build_object('part_id', v_part.id, 'active', p_active, 'stock_rows', v_rows);
  PERFORM public.inv_audit(v_yacht, v_part.id, CASE WHEN p_active THEN 'reactivate_part' ELSE 'deactivate_part' END,
                           v_result || jsonb_build_object('reason', v_reason), v_sig);
  RETURN v_result;
END
$fn$;

CREATE FUNCTION public.deactivate_part(jsonb) RETURNS jsonb
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT public.inv_set_active($1, false)
$fn$;

CREATE FUNCTION public.reactivate_part(jsonb) RETURNS jsonb
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT public.inv_set_active($1, true)
$fn$;

CREATE FUNCTION public.reverse_transaction(jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
  p jsonb := $1;
  v_yacht uuid := public.inv_caller_yacht('manager');
  v_tx_id uuid; v_reason text; v_sig jsonb; v_orig public.pms_inventory_transactions; v_moved jsonb;
BEGIN
  PERFORM public.inv_body(p, ARRAY['transaction_id', 'reason', 'signature']);
  v_tx_id := public.inv_uuid(p, 'transaction_id'); v_reason := public.inv_text(p, 'reason', true);
  v_sig := public.inv_signature(p, v_yacht, true);
  SELECT * INTO v_orig FROM public.pms_inventory_transactions WHERE id = v_tx_id AND yacht_id = v_yacht;
  IF NOT FOUND THEN PERFORM public.inv_refuse(404, 'transaction_not_found'); END IF;
  IF v_orig.transaction_type IN ('reversed', 'transferred_out', 'transferred_in') THEN
    PERFORM public.inv_refuse(400, 'invalid_reversal');  -- a reversal, or one leg of a transfer
  END IF;
  IF EXISTS (SELECT 1 FROM public.pms_inventory_transactions WHERE reverses_transaction_id = v_orig.id) THEN
    PERFORM public.inv_refuse(409, 'already_reversed');
  END IF;
  v_moved := public.inv_book(v_orig.stock_id, -v_orig.quantity_change, 'reversed', jsonb_build_object(
    'reverses_transaction_id', v_orig.id, 'reference_type', 'inventory_transaction', 'reference_id', v_orig.id,
    'signature', v_sig)) || jsonb_build_object('reverses_transaction_id', v_orig.id);
  PERFORM public.inv_audit(v_yacht, v_orig.part_id, 'reverse_transaction',
                           v_moved || jsonb_build_object('reason', v_reason), v_sig);
  RETURN v_moved;
END
$fn$;

-- Only the nine actions are the API; the helpers are private.
REVOKE EXECUTE ON FUNCTION public.inv_refuse(integer, text, text), public.inv_caller_yacht(text),
  public.inv_body(jsonb, text[]), public.inv_uuid(jsonb, text, boolean), public.inv_count(jsonb, text, integer),
  public.inv_visible(text), public.inv_text(jsonb, text, boolean, integer), public.inv_signature(jsonb, uuid, boolean),
  public.inv_part(uuid, uuid, boolean), public.inv_location(uuid, uuid),
  public.inv_stock_at(public.pms_parts, public.pms_part_locations, boolean), public.inv_book(uuid, integer, text, jsonb),
  public.inv_audit(uuid, uuid, text, jsonb, jsonb), public.inv_set_active(jsonb, boolean)
  FROM PUBLIC, anon, authenticated;
REVOKE EXECUTE ON FUNCTION public.consume_part(jsonb), public.receive_part(jsonb), public.add_to_shopping_list(jsonb),
  public.adjust_stock_quantity(jsonb), public.transfer_part(jsonb), public.write_off_part(jsonb),
  public.deactivate_part(jsonb), public.reactivate_part(jsonb), public.reverse_transaction(jsonb) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.consume_part(jsonb), public.receive_part(jsonb), public.add_to_shopping_list(jsonb),
  public.adjust_stock_quantity(jsonb), public.transfer_part(jsonb), public.write_off_part(jsonb),
  public.deactivate_part(jsonb), public.reactivate_part(jsonb), public.reverse_transaction(jsonb)
  TO authenticated, service_role;
