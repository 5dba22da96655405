-- Storage: part documents under {yacht_id}/parts/..., label PDFs under {yacht_id}/...
INSERT INTO storage.buckets (id, name, public) VALUES ('documents', 'documents', false), ('pms-label-pdfs', 'pms-label-pdfs', false)
ON CONFLICT (id) DO NOTHING;

-- A path is under the caller's yacht when its first folder is that yacht and it never climbs out.
CREATE FUNCTION public.inv_own_prefix(p_name text, p_second text DEFAULT NULL) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT p_name IS NOT NULL
     AND p_name !~ '(^|/)\.\.?(/|$)' AND p_name !~ '//' AND p_name !~ '\\'
     AND (storage.foldername(p_name))[1] = public.get_user_yacht_id()::text
     AND (p_second IS NULL OR ((storage.foldername(p_name))[2] = p_second AND cardinality(storage.foldername(p_name)) >= 2))
$fn$;
REVOKE EXECUTE ON FUNCTION public.inv_own_prefix(text, text) FROM PUBLIC, anon;
GRANT EXECUTE ON FUNCTION public.inv_own_prefix(text, text) TO authenticated, service_role;

CREATE POLICY "part documents: yacht reads" ON storage.objects FOR SELECT TO authenticated
  USING (bucket_id = 'documents' AND public.inv_own_prefix(name, 'parts'));
CREATE POLICY "part documents: crew uploads" ON storage.objects FOR INSERT TO authenticated
  WITH CHECK (bucket_id = 'documents' AND public.inv_own_prefix(name, 'parts')
              AND public.is_operational_crew(auth.uid(), public.get_user_yacht_id()));
CREATE POLICY "part documents: heads of department delete" ON storage.objects FOR DELETE TO authenticated
  USING (bucket_id = 'documents' AND public.inv_own_prefix(name, 'parts')
         AND public.is_hod(auth.uid(), public.get_user_yacht_id()));
CREATE POLICY "labels: yacht reads" ON storage.objects FOR SELECT TO authenticated
  USING (bucket_id = 'pms-label-pdfs' AND public.inv_own_prefix(name));
CREATE POLICY "labels: crew uploads" ON storage.objects FOR INSERT TO authenticated
  WITH CHECK (bucket_id = 'pms-label-pdfs' AND public.inv_own_prefix(name)
              AND public.is_operational_crew(auth.uid(), public.get_user_yacht_id()));
