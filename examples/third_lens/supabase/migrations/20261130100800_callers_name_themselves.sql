-- CONTRACT §11.5: a user-naming column a request writes names the caller (or no one). The insert
-- policies of the row-level security file let a crew member sign usage or a shopping-list item,
-- a head of department a location or a part, and crew an uploaded object, in a colleague's name;
-- they now refuse it (42501).
ALTER POLICY "crew record usage" ON public.pms_part_usage
  WITH CHECK (yacht_id = public.get_user_yacht_id() AND public.is_operational_crew(auth.uid(), yacht_id)
              AND (used_by IS NULL OR used_by = auth.uid()));
ALTER POLICY "crew add to the shopping list" ON public.pms_shopping_list_items
  WITH CHECK (yacht_id = public.get_user_yacht_id() AND public.is_operational_crew(auth.uid(), yacht_id)
              AND (created_by IS NULL OR created_by = auth.uid()));
ALTER POLICY "heads of department add locations" ON public.pms_part_locations
  WITH CHECK (yacht_id = public.get_user_yacht_id() AND public.is_hod(auth.uid(), yacht_id)
              AND (created_by IS NULL OR created_by = auth.uid()));
ALTER POLICY "heads of department add parts" ON public.pms_parts
  WITH CHECK (yacht_id = public.get_user_yacht_id() AND public.is_hod(auth.uid(), yacht_id)
              AND (deleted_by IS NULL OR deleted_by = auth.uid()));
ALTER POLICY "crew open stock rows" ON public.pms_inventory_stock
  WITH CHECK (yacht_id = public.get_user_yacht_id() AND public.is_operational_crew(auth.uid(), yacht_id)
              AND quantity = 0 AND (deleted_by IS NULL OR deleted_by = auth.uid()));
ALTER POLICY "part documents: crew uploads" ON storage.objects
  WITH CHECK (bucket_id = 'documents' AND public.inv_own_prefix(name, 'parts')
              AND public.is_operational_crew(auth.uid(), public.get_user_yacht_id())
              AND (owner IS NULL OR owner = auth.uid()));
ALTER POLICY "labels: crew uploads" ON storage.objects
  WITH CHECK (bucket_id = 'pms-label-pdfs' AND public.inv_own_prefix(name)
              AND public.is_operational_crew(auth.uid(), public.get_user_yacht_id())
              AND (owner IS NULL OR owner = auth.uid()));
