-- 301_part_locations.sql
-- Structured locations replace the free-text pms_inventory_stock.location.
-- (The text column stays; 308 backfills location_id from it.)

CREATE TABLE IF NOT EXISTS public.pms_part_locations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  yacht_id    uuid NOT NULL REFERENCES public.yacht_registry (id) ON DELETE CASCADE,
  name        text NOT NULL,
  path        text,
  description text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  uuid DEFAULT auth.uid(),
  CONSTRAINT uq_part_locations_yacht_name UNIQUE (yacht_id, name)
);

ALTER TABLE public.pms_inventory_stock
  ADD COLUMN IF NOT EXISTS location_id uuid;
ALTER TABLE public.pms_parts
  ADD COLUMN IF NOT EXISTS primary_location_id uuid;

DO $m301$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'fk_inventory_stock_location'
                 AND conrelid = 'public.pms_inventory_stock'::regclass) THEN
    ALTER TABLE public.pms_inventory_stock
      ADD CONSTRAINT fk_inventory_stock_location
      FOREIGN KEY (location_id) REFERENCES public.pms_part_locations (id);
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'fk_parts_primary_location'
                 AND conrelid = 'public.pms_parts'::regclass) THEN
    ALTER TABLE public.pms_parts
      ADD CONSTRAINT fk_parts_primary_location
      FOREIGN KEY (primary_location_id) REFERENCES public.pms_part_locations (id) ON DELETE SET NULL;
  END IF;
END
$m301$;

CREATE INDEX IF NOT EXISTS idx_inventory_stock_location ON public.pms_inventory_stock (location_id);
