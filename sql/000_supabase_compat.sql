-- 000_supabase_compat.sql
-- Supabase conventions recreated on plain PostgreSQL (CONTRACT §1).
-- Every object is created only when it is missing (existence is checked in the
-- catalogs, which needs no privilege on the schemas), so on a real Supabase database
-- (or on a second run) this file changes nothing except making sure the two lens
-- buckets exist.  Grants are only issued on auth/storage schemas the migrating
-- role owns (so never on Supabase-owned ones).

-- ---------------------------------------------------------------------------
-- Roles
-- ---------------------------------------------------------------------------
DO $compat_roles$
DECLARE
  r record;
  v_super boolean := (SELECT rolsuper FROM pg_roles WHERE rolname = current_user);
BEGIN
  FOR r IN SELECT * FROM (VALUES ('anon', false), ('authenticated', false), ('service_role', true))
                           AS t(rolname, bypass)
  LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.rolname) THEN
      IF r.bypass THEN
        EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT BYPASSRLS', r.rolname);
      ELSE
        EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', r.rolname);
      END IF;
      -- A non-superuser migrator must be able to SET ROLE to it (PostgREST way).
      IF NOT v_super THEN
        EXECUTE format('GRANT %I TO %I', r.rolname, current_user);
      END IF;
    END IF;
  END LOOP;
END
$compat_roles$;

-- ---------------------------------------------------------------------------
-- Schemas
-- ---------------------------------------------------------------------------
DO $compat_schemas$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth') THEN
    CREATE SCHEMA auth;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'storage') THEN
    CREATE SCHEMA storage;
  END IF;
END
$compat_schemas$;

-- ---------------------------------------------------------------------------
-- auth.uid() / auth.role() / auth.jwt()
-- request.jwt.claims (JSON, transaction-local) first, then the legacy per-claim
-- settings; '' (what a setting reads after the transaction that set it) -> NULL.
-- ---------------------------------------------------------------------------
DO $compat_auth$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = 'auth' AND p.proname = 'uid' AND p.pronargs = 0) THEN
    EXECUTE $f$
      CREATE FUNCTION auth.uid() RETURNS uuid
      LANGUAGE sql STABLE
      AS $body$
        SELECT nullif(
                 coalesce(
                   nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub', ''),
                   nullif(current_setting('request.jwt.claim.sub', true), '')
                 ), '')::uuid
      $body$
    $f$;
  END IF;

  IF NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = 'auth' AND p.proname = 'role' AND p.pronargs = 0) THEN
    EXECUTE $f$
      CREATE FUNCTION auth.role() RETURNS text
      LANGUAGE sql STABLE
      AS $body$
        SELECT coalesce(
                 nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role', ''),
                 nullif(current_setting('request.jwt.claim.role', true), '')
               )
      $body$
    $f$;
  END IF;

  IF NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = 'auth' AND p.proname = 'jwt' AND p.pronargs = 0) THEN
    EXECUTE $f$
      CREATE FUNCTION auth.jwt() RETURNS jsonb
      LANGUAGE sql STABLE
      AS $body$
        SELECT coalesce(
                 nullif(current_setting('request.jwt.claims', true), ''),
                 nullif(current_setting('request.jwt.claim', true), '')
               )::jsonb
      $body$
    $f$;
  END IF;
END
$compat_auth$;

-- ---------------------------------------------------------------------------
-- storage.buckets / storage.objects / storage.foldername(text)
-- ---------------------------------------------------------------------------
DO $compat_storage$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'storage' AND c.relname = 'buckets') THEN
    CREATE TABLE storage.buckets (
      id         text PRIMARY KEY,
      name       text NOT NULL,
      public     boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  END IF;

  IF NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'storage' AND c.relname = 'objects') THEN
    CREATE TABLE storage.objects (
      id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      bucket_id  text REFERENCES storage.buckets (id),
      name       text,
      owner      uuid DEFAULT auth.uid(),
      metadata   jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT objects_bucket_id_name_key UNIQUE (bucket_id, name)
    );
    ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
  END IF;

  IF NOT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = 'storage' AND p.proname = 'foldername'
                   AND p.proargtypes = '25'::oidvector) THEN
    -- 'y1/parts/p1/a.pdf' -> {y1,parts,p1}; 'noslash' -> {}; '/lead/x.png' -> {"",lead}
    EXECUTE $f$
      CREATE FUNCTION storage.foldername(name text) RETURNS text[]
      LANGUAGE plpgsql IMMUTABLE
      AS $body$
      DECLARE
        _parts text[];
      BEGIN
        SELECT string_to_array(name, '/') INTO _parts;
        RETURN _parts[1 : coalesce(array_length(_parts, 1), 1) - 1];
      END
      $body$
    $f$;
  END IF;
END
$compat_storage$;

-- ---------------------------------------------------------------------------
-- Privileges: only on schemas the migrating role owns (i.e. that this file created,
-- or a previous run of it); a Supabase-owned auth/storage schema is left as it is.
-- Still best effort: a failing GRANT is reported as a NOTICE, never an error.
-- ---------------------------------------------------------------------------
DO $compat_grants$
DECLARE
  g record;
BEGIN
  FOR g IN SELECT * FROM (VALUES
    ('auth',    'GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role'),
    ('auth',    'GRANT EXECUTE ON FUNCTION auth.uid() TO anon, authenticated, service_role'),
    ('auth',    'GRANT EXECUTE ON FUNCTION auth.role() TO anon, authenticated, service_role'),
    ('auth',    'GRANT EXECUTE ON FUNCTION auth.jwt() TO anon, authenticated, service_role'),
    ('storage', 'GRANT USAGE ON SCHEMA storage TO anon, authenticated, service_role'),
    ('storage', 'GRANT EXECUTE ON FUNCTION storage.foldername(text) TO anon, authenticated, service_role'),
    ('storage', 'GRANT SELECT, INSERT, UPDATE, DELETE ON storage.objects TO authenticated'),
    ('storage', 'GRANT SELECT ON storage.buckets TO authenticated'),
    ('storage', 'GRANT ALL ON storage.objects TO service_role'),
    ('storage', 'GRANT ALL ON storage.buckets TO service_role')
  ) AS t(schema_name, stmt)
  LOOP
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_namespace n
                              WHERE n.nspname = g.schema_name
                                AND pg_has_role(current_user, n.nspowner, 'USAGE'));
    BEGIN
      EXECUTE g.stmt;
    EXCEPTION WHEN insufficient_privilege OR undefined_function OR undefined_table THEN
      RAISE NOTICE 'compat: skipped (%): %', SQLERRM, g.stmt;
    END;
  END LOOP;
END
$compat_grants$;

-- ---------------------------------------------------------------------------
-- Buckets the lens uses
-- ---------------------------------------------------------------------------
INSERT INTO storage.buckets (id, name, public)
VALUES ('documents', 'documents', false),
       ('pms-label-pdfs', 'pms-label-pdfs', false)
ON CONFLICT (id) DO NOTHING;
