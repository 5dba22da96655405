-- Tenancy (one tenant per yacht) and the role helpers every policy leans on.
-- Functions are not executable by PUBLIC unless granted (PostgREST exposes whatever anon may run).
-- Only the global form can take PUBLIC's default EXECUTE away; IN SCHEMA can only add.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

CREATE TABLE public.yacht_registry (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.auth_users_profiles (
  id         uuid PRIMARY KEY,
  yacht_id   uuid NOT NULL REFERENCES public.yacht_registry (id),
  is_active  boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.auth_users_roles (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL,
  yacht_id   uuid NOT NULL REFERENCES public.yacht_registry (id),
  role       text NOT NULL,
  is_active  boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inv_roles_by_user ON public.auth_users_roles (user_id, yacht_id) WHERE is_active;

CREATE FUNCTION public.get_user_yacht_id() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT p.yacht_id FROM public.auth_users_profiles p WHERE p.id = auth.uid() AND p.is_active
$fn$;

-- One private helper: is the user active, holding an active role on the yacht among these?
CREATE FUNCTION public.inv_has_role(p_user uuid, p_yacht uuid, p_roles text[]) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT EXISTS (SELECT 1 FROM public.auth_users_profiles p WHERE p.id = p_user AND p.is_active)
     AND EXISTS (SELECT 1 FROM public.auth_users_roles r
                 WHERE r.user_id = p_user AND r.yacht_id = p_yacht AND r.is_active AND r.role = ANY (p_roles))
$fn$;

CREATE FUNCTION public.is_operational_crew(p_user_id uuid, p_yacht_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT public.inv_has_role(p_user_id, p_yacht_id, ARRAY['deckhand', 'bosun', 'steward', 'eto', 'chief_engineer',
                                                         'chief_officer', 'captain', 'manager', 'purser'])
$fn$;

CREATE FUNCTION public.is_hod(p_user_id uuid, p_yacht_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT public.inv_has_role(p_user_id, p_yacht_id, ARRAY['captain', 'chief_engineer', 'chief_officer', 'purser', 'manager'])
$fn$;

CREATE FUNCTION public.is_manager(p_user_id uuid, p_yacht_id uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT public.inv_has_role(p_user_id, p_yacht_id, ARRAY['captain', 'manager'])
$fn$;

REVOKE EXECUTE ON FUNCTION public.get_user_yacht_id(), public.inv_has_role(uuid, uuid, text[]),
  public.is_operational_crew(uuid, uuid), public.is_hod(uuid, uuid), public.is_manager(uuid, uuid) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.get_user_yacht_id(), public.is_operational_crew(uuid, uuid),
  public.is_hod(uuid, uuid), public.is_manager(uuid, uuid) TO authenticated, service_role;
