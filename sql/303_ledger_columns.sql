-- 303_ledger_columns.sql
-- Lens columns on the ledger, and stock_id made mandatory.
-- Backfill: a legacy ledger row without stock_id is attached to the oldest stock row
-- of its (yacht, part); when the part has no stock row at all, one is created at the
-- text location 'unassigned' holding max(0, sum of the part's legacy changes) so the
-- history is kept (308 then reconciles any remaining difference).

ALTER TABLE public.pms_inventory_transactions
  ADD COLUMN IF NOT EXISTS from_location_id        uuid REFERENCES public.pms_part_locations (id),
  ADD COLUMN IF NOT EXISTS to_location_id          uuid REFERENCES public.pms_part_locations (id),
  ADD COLUMN IF NOT EXISTS reference_type          text,
  ADD COLUMN IF NOT EXISTS reference_id            uuid,
  ADD COLUMN IF NOT EXISTS transfer_group_id       uuid,
  ADD COLUMN IF NOT EXISTS reverses_transaction_id uuid,
  ADD COLUMN IF NOT EXISTS idempotency_key         text,
  ADD COLUMN IF NOT EXISTS usage_id                uuid,
  ADD COLUMN IF NOT EXISTS signature               jsonb,
  ADD COLUMN IF NOT EXISTS signed_by               uuid;

DO $m303$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'fk_inventory_tx_reverses'
                 AND conrelid = 'public.pms_inventory_transactions'::regclass) THEN
    ALTER TABLE public.pms_inventory_transactions
      ADD CONSTRAINT fk_inventory_tx_reverses
      FOREIGN KEY (reverses_transaction_id) REFERENCES public.pms_inventory_transactions (id);
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'fk_inventory_tx_usage'
                 AND conrelid = 'public.pms_inventory_transactions'::regclass) THEN
    ALTER TABLE public.pms_inventory_transactions
      ADD CONSTRAINT fk_inventory_tx_usage
      FOREIGN KEY (usage_id) REFERENCES public.pms_part_usage (id);
  END IF;
END
$m303$;

-- Backfill stock_id (legacy rows) -------------------------------------------
INSERT INTO public.pms_inventory_stock (yacht_id, part_id, location, quantity)
SELECT t.yacht_id, t.part_id, 'unassigned', greatest(0, sum(t.quantity_change))
FROM public.pms_inventory_transactions t
WHERE t.stock_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM public.pms_inventory_stock s
                  WHERE s.yacht_id = t.yacht_id AND s.part_id = t.part_id)
GROUP BY t.yacht_id, t.part_id;

UPDATE public.pms_inventory_transactions t
SET stock_id = (SELECT s.id FROM public.pms_inventory_stock s
                WHERE s.yacht_id = t.yacht_id AND s.part_id = t.part_id
                ORDER BY s.created_at, s.id
                LIMIT 1)
WHERE t.stock_id IS NULL;

ALTER TABLE public.pms_inventory_transactions
  ALTER COLUMN stock_id SET NOT NULL;

CREATE INDEX IF NOT EXISTS idx_inventory_tx_transfer_group
  ON public.pms_inventory_transactions (transfer_group_id) WHERE transfer_group_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_inventory_tx_usage
  ON public.pms_inventory_transactions (usage_id) WHERE usage_id IS NOT NULL;
