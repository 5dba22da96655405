-- 306_storage_policies.sql
-- Storage policies (CONTRACT §5).
--   documents:       {yacht_id}/parts/...   select (own yacht), insert (operational crew), delete (HOD)
--   pms-label-pdfs:  {yacht_id}/...         select (own yacht), insert (operational crew)
-- Path hygiene on every policy: no '..' anywhere, no leading '/', no empty
-- segment ('//'), no backslash -- a path cannot escape its yacht prefix.

DROP POLICY IF EXISTS yacht_part_documents_select ON storage.objects;
CREATE POLICY yacht_part_documents_select ON storage.objects
  FOR SELECT TO authenticated
  USING (bucket_id = 'documents'
         AND (storage.foldername(name))[1] = public.get_user_yacht_id()::text
         AND (storage.foldername(name))[2] = 'parts'
         AND strpos(name, '..') = 0
         AND left(name, 1) <> '/'
         AND strpos(name, '//') = 0
         AND strpos(name, E'\\') = 0);

DROP POLICY IF EXISTS yacht_part_documents_insert ON storage.objects;
CREATE POLICY yacht_part_documents_insert ON storage.objects
  FOR INSERT TO authenticated
  WITH CHECK (bucket_id = 'documents'
              AND (storage.foldername(name))[1] = public.get_user_yacht_id()::text
              AND (storage.foldername(name))[2] = 'parts'
              AND strpos(name, '..') = 0
              AND left(name, 1) <> '/'
              AND strpos(name, '//') = 0
              AND strpos(name, E'\\') = 0
              AND public.is_operational_crew(auth.uid(), public.get_user_yacht_id()));

DROP POLICY IF EXISTS yacht_part_documents_delete ON storage.objects;
CREATE POLICY yacht_part_documents_delete ON storage.objects
  FOR DELETE TO authenticated
  USING (bucket_id = 'documents'
         AND (storage.foldername(name))[1] = public.get_user_yacht_id()::text
         AND (storage.foldername(name))[2] = 'parts'
         AND strpos(name, '..') = 0
         AND left(name, 1) <> '/'
         AND strpos(name, '//') = 0
         AND strpos(name, E'\\') = 0
         AND public.is_hod(auth.uid(), public.get_user_yacht_id()));

DROP POLICY IF EXISTS yacht_labels_select ON storage.objects;
CREATE POLICY yacht_labels_select ON storage.objects
  FOR SELECT TO authenticated
  USING (bucket_id = 'pms-label-pdfs'
         AND (storage.foldername(name))[1] = public.get_user_yacht_id()::text
         AND strpos(name, '..') = 0
         AND left(name, 1) <> '/'
         AND strpos(name, '//') = 0
         AND strpos(name, E'\\') = 0);

DROP POLICY IF EXISTS yacht_labels_insert ON storage.objects;
CREATE POLICY yacht_labels_insert ON storage.objects
  FOR INSERT TO authenticated
  WITH CHECK (bucket_id = 'pms-label-pdfs'
              AND (storage.foldername(name))[1] = public.get_user_yacht_id()::text
              AND strpos(name, '..') = 0
              AND left(name, 1) <> '/'
              AND strpos(name, '//') = 0
              AND strpos(name, E'\\') = 0
              AND public.is_operational_crew(auth.uid(), public.get_user_yacht_id()));
