-- 300_is_operational_crew.sql
-- The operational-crew helper (CONTRACT §2) and explicit arity for all three role
-- helpers: any zero-argument overload (ambiguous under PostgREST / RLS) is dropped.
-- is_hod / is_manager are re-declared with the same rule as is_operational_crew:
-- an active role on THAT yacht among the tier's roles AND an active profile.

DROP FUNCTION IF EXISTS public.is_operational_crew();
DROP FUNCTION IF EXISTS public.is_hod();
DROP FUNCTION IF EXISTS public.is_manager();

CREATE OR REPLACE FUNCTION public.is_operational_crew(p_user_id uuid, p_yacht_id uuid)
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
      AND r.role IN ('deckhand', 'bosun', 'steward', 'eto', 'chief_engineer',
                     'chief_officer', 'captain', 'manager', 'purser')
  )
$$;

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

REVOKE EXECUTE ON FUNCTION public.is_operational_crew(uuid, uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.is_hod(uuid, uuid) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.is_manager(uuid, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.is_operational_crew(uuid, uuid) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.is_hod(uuid, uuid) TO authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.is_manager(uuid, uuid) TO authenticated, service_role;
