-- 308_location_backfill.sql
-- Migrate a legacy database onto the lens model:
--   1. one pms_part_locations row per distinct (yacht_id, trimmed location text) of stock;
--   2. pms_inventory_stock.location_id set from the text column;
--   3. pms_parts.primary_location_id = location of the part's largest active stock row;
--   4. an opening-balance ledger row (transaction_type 'adjusted', reference_type
--      'migration_opening_balance') for every active stock row whose quantity differs
--      from its ledger sum, so check_inventory_drift() is empty afterwards;
--   5. one active stock row per (part, location): unique index
--      uq_inventory_stock_part_location (skipped with a NOTICE if legacy data has duplicates).
-- Deactivated stock rows are left untouched (the soft-delete trigger refuses updates).

INSERT INTO public.pms_part_locations (yacht_id, name, created_by)
SELECT DISTINCT s.yacht_id, btrim(s.location), NULL::uuid
FROM public.pms_inventory_stock s
WHERE s.location_id IS NULL
  AND nullif(btrim(s.location), '') IS NOT NULL
ON CONFLICT (yacht_id, name) DO NOTHING;

UPDATE public.pms_inventory_stock s
SET location_id = l.id
FROM public.pms_part_locations l
WHERE s.location_id IS NULL
  AND s.deleted_at IS NULL
  AND l.yacht_id = s.yacht_id
  AND l.name = btrim(s.location);

UPDATE public.pms_parts p
SET primary_location_id = (
  SELECT s.location_id
  FROM public.pms_inventory_stock s
  WHERE s.part_id = p.id AND s.deleted_at IS NULL AND s.location_id IS NOT NULL
  ORDER BY s.quantity DESC, s.created_at, s.id
  LIMIT 1)
WHERE p.primary_location_id IS NULL
  AND p.deleted_at IS NULL
  AND EXISTS (SELECT 1 FROM public.pms_inventory_stock s
              WHERE s.part_id = p.id AND s.deleted_at IS NULL AND s.location_id IS NOT NULL);

INSERT INTO public.pms_inventory_transactions (
  yacht_id, part_id, stock_id, transaction_type, quantity_change,
  quantity_before, quantity_after, to_location_id, reference_type, user_id, notes)
SELECT d.yacht_id, d.part_id, d.stock_id, 'adjusted', d.quantity - d.ledger_sum,
       d.ledger_sum, d.quantity, s.location_id, 'migration_opening_balance', NULL,
       'opening balance: stock quantity not accounted for by the legacy ledger'
FROM public.check_inventory_drift() d
JOIN public.pms_inventory_stock s ON s.id = d.stock_id;

DO $m308$
BEGIN
  IF to_regclass('public.uq_inventory_stock_part_location') IS NULL THEN
    IF EXISTS (SELECT 1 FROM public.pms_inventory_stock
               WHERE location_id IS NOT NULL AND deleted_at IS NULL
               GROUP BY part_id, location_id HAVING count(*) > 1) THEN
      RAISE NOTICE '308: duplicate active stock rows per (part, location); uq_inventory_stock_part_location not created';
    ELSE
      CREATE UNIQUE INDEX uq_inventory_stock_part_location
        ON public.pms_inventory_stock (part_id, location_id)
        WHERE location_id IS NOT NULL AND deleted_at IS NULL;
    END IF;
  END IF;
END
$m308$;
