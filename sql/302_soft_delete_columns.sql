-- 302_soft_delete_columns.sql
-- Soft delete (deactivation) columns.  Enforcement (triggers) is in 307.

ALTER TABLE public.pms_inventory_stock
  ADD COLUMN IF NOT EXISTS deleted_at timestamptz,
  ADD COLUMN IF NOT EXISTS deleted_by uuid;

ALTER TABLE public.pms_parts
  ADD COLUMN IF NOT EXISTS deleted_at timestamptz,
  ADD COLUMN IF NOT EXISTS deleted_by uuid,
  ADD COLUMN IF NOT EXISTS deletion_reason text;

CREATE INDEX IF NOT EXISTS idx_inventory_stock_active
  ON public.pms_inventory_stock (part_id) WHERE deleted_at IS NULL;
