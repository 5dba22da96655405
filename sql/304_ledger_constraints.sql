-- 304_ledger_constraints.sql
-- Ledger rules of CONTRACT §4 as constraints (23514 / 23505 on violation).
-- Check constraints are added NOT VALID and then validated; when legacy rows
-- violate one, it stays NOT VALID (still enforced for every new/updated row) and a
-- NOTICE names it.  The sign of a 'reversed' row (opposite of the reversed row) is
-- enforced by trg_inventory_tx_reversal_guard (307).

DO $m304$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('chk_inventory_tx_type',
     $$CHECK (transaction_type IN ('received', 'transferred_in', 'consumed', 'transferred_out',
                                   'adjusted', 'write_off', 'reversed'))$$),
    ('chk_inventory_tx_change_nonzero',
     $$CHECK (quantity_change <> 0)$$),
    ('chk_inventory_tx_sign',
     $$CHECK (CASE
                WHEN transaction_type IN ('received', 'transferred_in') THEN quantity_change > 0
                WHEN transaction_type IN ('consumed', 'transferred_out', 'write_off') THEN quantity_change < 0
                ELSE true   -- adjusted: either sign; reversed: trigger
              END)$$),
    ('chk_inventory_tx_after_nonnegative',
     $$CHECK (quantity_after >= 0)$$),
    ('chk_inventory_tx_arithmetic',
     $$CHECK (quantity_before IS NULL OR quantity_after IS NULL
              OR quantity_before + quantity_change = quantity_after)$$),
    ('chk_inventory_tx_transfer_locations',
     $$CHECK (from_location_id <> to_location_id)$$),
    ('chk_inventory_tx_reversal_link',
     $$CHECK (reverses_transaction_id IS NULL OR transaction_type = 'reversed')$$)
  ) AS t(name, def)
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = c.name
                   AND conrelid = 'public.pms_inventory_transactions'::regclass) THEN
      EXECUTE format('ALTER TABLE public.pms_inventory_transactions ADD CONSTRAINT %I %s NOT VALID',
                     c.name, c.def);
      BEGIN
        EXECUTE format('ALTER TABLE public.pms_inventory_transactions VALIDATE CONSTRAINT %I', c.name);
      EXCEPTION WHEN check_violation THEN
        RAISE NOTICE '304: legacy rows violate %, left NOT VALID (enforced for new rows)', c.name;
      END;
    END IF;
  END LOOP;
END
$m304$;

-- Idempotency: one key per yacht (the same key on another yacht is fine).
CREATE UNIQUE INDEX IF NOT EXISTS uq_inventory_tx_idempotency
  ON public.pms_inventory_transactions (yacht_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- A row can be reversed at most once.
CREATE UNIQUE INDEX IF NOT EXISTS uq_inventory_tx_reverses
  ON public.pms_inventory_transactions (reverses_transaction_id)
  WHERE reverses_transaction_id IS NOT NULL;
