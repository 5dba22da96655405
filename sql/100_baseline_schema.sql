-- 100_baseline_schema.sql
-- The production schema that predates the Inventory Lens: tenancy, the parts
-- catalogue, the legacy text-location stock table, the legacy ledger, usage,
-- shopping list, audit log and the tenancy helpers.  Lens columns, constraints,
-- RLS and functions are added by 300-308.

-- gen_random_uuid() is built in from PostgreSQL 13 on (target: 14-17).

-- ---------------------------------------------------------------------------
-- Tenancy
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS public.yacht_registry (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS public.auth_users_profiles (
  id         uuid PRIMARY KEY,                    -- = auth user id (JWT sub)
  yacht_id   uuid NOT NULL REFERENCES public.yacht_registry (id) ON DELETE CASCADE,
  email      text,
  name       text,
  is_active  boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_auth_users_profiles_yacht ON public.auth_users_profiles (yacht_id);

CREATE TABLE IF NOT EXISTS public.auth_users_roles (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL,
  yacht_id   uuid NOT NULL REFERENCES public.yacht_registry (id) ON DELETE CASCADE,
  role       text NOT NULL,
  is_active  boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_auth_users_roles_user_yacht ON public.auth_users_roles (user_id, yacht_id);

-- ---------------------------------------------------------------------------
-- Parts catalogue (primary_location_id: 301; deleted_*: 302)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS public.pms_parts (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  yacht_id         uuid NOT NULL REFERENCES public.yacht_registry (id) ON DELETE CASCADE,
  name             text NOT NULL,
  part_number      text,
  manufacturer     text,
  category         text,
  unit             text NOT NULL DEFAULT 'ea',
  minimum_quantity integer NOT NULL DEFAULT 0,
  desired_quantity integer,
  quantity_on_hand integer NOT NULL DEFAULT 0,    -- legacy; not written by the lens
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_pms_parts_yacht ON public.pms_parts (yacht_id);

-- ---------------------------------------------------------------------------
-- Stock (legacy: free-text location; location_id: 301; deleted_*: 302)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS public.pms_inventory_stock (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  yacht_id   uuid NOT NULL REFERENCES public.yacht_registry (id) ON DELETE CASCADE,
  part_id    uuid NOT NULL REFERENCES public.pms_parts (id) ON DELETE CASCADE,
  location   text,
  quantity   integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT chk_inventory_stock_quantity_nonnegative CHECK (quantity >= 0)
);
CREATE INDEX IF NOT EXISTS idx_pms_inventory_stock_yacht ON public.pms_inventory_stock (yacht_id);
CREATE INDEX IF NOT EXISTS idx_pms_inventory_stock_part ON public.pms_inventory_stock (part_id);

-- ---------------------------------------------------------------------------
-- Usage (what a consume is for)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS public.pms_part_usage (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  yacht_id      uuid NOT NULL REFERENCES public.yacht_registry (id) ON DELETE CASCADE,
  part_id       uuid NOT NULL REFERENCES public.pms_parts (id) ON DELETE CASCADE,
  work_order_id uuid,
  equipment_id  uuid,
  quantity      integer NOT NULL,
  usage_reason  text,
  notes         text,
  used_at       timestamptz NOT NULL DEFAULT now(),
  used_by       uuid DEFAULT auth.uid(),
  CONSTRAINT chk_part_usage_quantity_positive CHECK (quantity > 0)
);
CREATE INDEX IF NOT EXISTS idx_pms_part_usage_yacht ON public.pms_part_usage (yacht_id);

-- ---------------------------------------------------------------------------
-- Legacy ledger (lens columns: 303; constraints: 304)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS public.pms_inventory_transactions (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  yacht_id         uuid NOT NULL REFERENCES public.yacht_registry (id) ON DELETE CASCADE,
  part_id          uuid NOT NULL REFERENCES public.pms_parts (id) ON DELETE CASCADE,
  stock_id         uuid REFERENCES public.pms_inventory_stock (id) ON DELETE CASCADE,
  transaction_type text NOT NULL,
  quantity_change  integer NOT NULL,
  quantity_before  integer,
  quantity_after   integer,
  user_id          uuid DEFAULT auth.uid(),
  notes            text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_pms_inventory_tx_yacht ON public.pms_inventory_transactions (yacht_id);
CREATE INDEX IF NOT EXISTS idx_pms_inventory_tx_stock ON public.pms_inventory_transactions (stock_id);
CREATE INDEX IF NOT EXISTS idx_pms_inventory_tx_part ON public.pms_inventory_transactions (part_id);

-- ---------------------------------------------------------------------------
-- Shopping list
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS public.pms_shopping_list_items (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  yacht_id           uuid NOT NULL REFERENCES public.yacht_registry (id) ON DELETE CASCADE,
  part_id            uuid REFERENCES public.pms_parts (id) ON DELETE CASCADE,
  part_name          text,
  quantity_requested integer NOT NULL,
  urgency            text NOT NULL DEFAULT 'normal',
  status             text NOT NULL DEFAULT 'pending',
  source_type        text NOT NULL DEFAULT 'manual',
  created_by         uuid DEFAULT auth.uid(),
  created_at         timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT chk_shopping_list_quantity_positive CHECK (quantity_requested > 0)
);
CREATE INDEX IF NOT EXISTS idx_pms_shopping_list_yacht ON public.pms_shopping_list_items (yacht_id);

-- ---------------------------------------------------------------------------
-- Audit log
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS public.pms_audit_log (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  yacht_id    uuid NOT NULL REFERENCES public.yacht_registry (id) ON DELETE CASCADE,
  entity_type text NOT NULL,
  entity_id   uuid,
  action      text NOT NULL,
  user_id     uuid DEFAULT auth.uid(),
  old_values  jsonb,
  new_values  jsonb,
  signature   jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_pms_audit_log_yacht ON public.pms_audit_log (yacht_id);
CREATE INDEX IF NOT EXISTS idx_pms_audit_log_entity ON public.pms_audit_log (entity_type, entity_id);

-- ---------------------------------------------------------------------------
-- Tenancy helpers (explicit arity; SECURITY DEFINER; search_path pinned)
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION public.get_user_yacht_id()
RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  SELECT p.yacht_id
  FROM public.auth_users_profiles p
  WHERE p.id = auth.uid()
    AND p.is_active
  LIMIT 1
$$;

-- true when the user has an active role among the HOD roles on that yacht
-- and an active profile
CREATE OR REPLACE FUNCTION public.is_hod(p_user_id uuid, p_yacht_id uuid)
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
      AND r.is_active
      AND r.role IN ('captain', 'chief_engineer', 'chief_officer', 'purser', 'manager')
  )
$$;

CREATE OR REPLACE FUNCTION public.is_manager(p_user_id uuid, p_yacht_id uuid)
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
      AND r.is_active
      AND r.role IN ('captain', 'manager')
  )
$$;

REVOKE EXECUTE ON FUNCTION public.get_user_yacht_id() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.is_hod(uuid, uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.is_manager(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.get_user_yacht_id() TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.is_hod(uuid, uuid) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.is_manager(uuid, uuid) TO authenticated, service_role;
