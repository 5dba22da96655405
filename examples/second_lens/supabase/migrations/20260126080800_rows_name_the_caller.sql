-- A column that names a user names the caller (CONTRACT §11.5): in a request with JWT claims
-- (PostgREST), a written user id that is not auth.uid() is refused, so nobody books usage, a
-- shopping-list line, a location or a file in a colleague's name.  The backend's own key (no
-- claims) is not held.
CREATE FUNCTION public.sl_names_the_caller() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $fn$
DECLARE
  v_new jsonb := to_jsonb(NEW);
  v_old jsonb := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) END;
BEGIN
  IF auth.uid() IS NULL AND current_user NOT IN ('authenticated', 'anon') THEN
    RETURN NEW;
  END IF;
  FOR i IN 0 .. TG_NARGS - 1 LOOP
    IF v_new ->> TG_ARGV[i] IS NOT NULL AND v_new ->> TG_ARGV[i] IS DISTINCT FROM v_old ->> TG_ARGV[i]
       AND (v_new ->> TG_ARGV[i])::uuid IS DISTINCT FROM auth.uid() THEN
      RAISE EXCEPTION 'attribution: % must name the caller', TG_ARGV[i] USING ERRCODE = '42501';
    END IF;
  END LOOP;
  RETURN NEW;
END
$fn$;
REVOKE ALL ON FUNCTION public.sl_names_the_caller() FROM PUBLIC;

CREATE TRIGGER sl_locations_name_the_caller BEFORE INSERT OR UPDATE ON public.pms_part_locations
  FOR EACH ROW EXECUTE FUNCTION public.sl_names_the_caller('created_by');
CREATE TRIGGER sl_parts_name_the_caller BEFORE INSERT OR UPDATE ON public.pms_parts
  FOR EACH ROW EXECUTE FUNCTION public.sl_names_the_caller('deleted_by');
CREATE TRIGGER sl_stock_names_the_caller BEFORE INSERT OR UPDATE ON public.pms_inventory_stock
  FOR EACH ROW EXECUTE FUNCTION public.sl_names_the_caller('deleted_by');
CREATE TRIGGER sl_usage_names_the_caller BEFORE INSERT OR UPDATE ON public.pms_part_usage
  FOR EACH ROW EXECUTE FUNCTION public.sl_names_the_caller('used_by');
CREATE TRIGGER sl_shopping_names_the_caller BEFORE INSERT OR UPDATE ON public.pms_shopping_list_items
  FOR EACH ROW EXECUTE FUNCTION public.sl_names_the_caller('created_by');
CREATE TRIGGER sl_files_name_the_caller BEFORE INSERT OR UPDATE ON storage.objects
  FOR EACH ROW EXECUTE FUNCTION public.sl_names_the_caller('owner');
