-- Catalogue, locations and per-location stock (the free-text `location` beside `location_id`).
CREATE TABLE public.pms_part_locations (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  yacht_id    uuid NOT NULL REFERENCES public.yacht_registry (id),
  name        text NOT NULL,
  path        text,
  description text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  uuid,
  CONSTRAINT inv_location_name_per_yacht UNIQUE (yacht_id, name)
);

CREATE TABLE public.pms_parts (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  yacht_id            uuid NOT NULL REFERENCES public.yacht_registry (id),
  name                text NOT NULL,
  part_number         text,
  manufacturer        text,
  category            text,
  unit                text,
  minimum_quantity    integer,
  desired_quantity    integer,
  quantity_on_hand    integer,
  primary_location_id uuid REFERENCES public.pms_part_locations (id),
  deleted_at          timestamptz,
  deleted_by          uuid,
  deletion_reason     text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.pms_inventory_stock (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  yacht_id    uuid NOT NULL REFERENCES public.yacht_registry (id),
  part_id     uuid NOT NULL REFERENCES public.pms_parts (id),
  location    text,
  location_id uuid REFERENCES public.pms_part_locations (id),
  quantity    integer NOT NULL DEFAULT 0 CONSTRAINT inv_stock_never_negative CHECK (quantity >= 0),
  deleted_at  timestamptz,
  deleted_by  uuid,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inv_stock_by_part ON public.pms_inventory_stock (yacht_id, part_id);

CREATE TABLE public.pms_part_usage (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  yacht_id      uuid NOT NULL REFERENCES public.yacht_registry (id),
  part_id       uuid NOT NULL REFERENCES public.pms_parts (id),
  work_order_id uuid,
  equipment_id  uuid,
  quantity      integer NOT NULL CONSTRAINT inv_usage_positive CHECK (quantity > 0),
  usage_reason  text,
  notes         text,
  used_at       timestamptz NOT NULL DEFAULT now(),
  used_by       uuid
);

CREATE TABLE public.pms_shopping_list_items (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  yacht_id           uuid NOT NULL REFERENCES public.yacht_registry (id),
  part_id            uuid REFERENCES public.pms_parts (id),
  part_name          text,
  quantity_requested integer NOT NULL CONSTRAINT inv_shopping_positive CHECK (quantity_requested > 0),
  urgency            text NOT NULL DEFAULT 'normal',
  status             text NOT NULL DEFAULT 'pending',
  source_type        text,
  created_by         uuid,
  created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.pms_audit_log (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  yacht_id    uuid NOT NULL REFERENCES public.yacht_registry (id),
  entity_type text NOT NULL,
  entity_id   uuid,
  action      text NOT NULL,
  user_id     uuid,
  old_values  jsonb,
  new_values  jsonb,
  signature   jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);
