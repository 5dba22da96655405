-- A fleet's data from before the lens (CONTRACT §11.8), written against the baseline schema
-- (sql/100_baseline_schema.sql) and applied before the lens migrations by harness/populated.py.
-- Three yachts whose data collide the way real fleets do: the same part names and part numbers,
-- the same location text (with stray spaces) on every yacht, the same shopping-list names, and a
-- legacy ledger that accounts for only part of the stock (the backfill books opening balances).
-- A migration that joins any of these by name or number without the yacht crosses tenants.
-- Every yacht also holds the rows a backfill fills in: a part never stocked (no location to
-- derive, so its primary location stays NULL), stock with no or blank location text and none on
-- hand, shopping-list lines that name a part only by text (part_id NULL), usage and audit rows
-- naming nothing — the same on every yacht, so a fill that joins without the yacht crosses.
-- Nothing happens when the tables do not exist yet (a history that builds its schema itself).
DO $legacy$
BEGIN
  IF to_regclass('public.pms_inventory_stock') IS NULL THEN
    RAISE NOTICE 'legacy fleet: no pre-lens schema, nothing inserted';
    RETURN;
  END IF;

  INSERT INTO public.yacht_registry (id, name)
  SELECT md5('legacy-yacht-' || y)::uuid, name
  FROM (VALUES (1, 'M/Y Aurora'), (2, 'M/Y Boreas'), (3, 'S/Y Calypso')) v(y, name);

  INSERT INTO public.auth_users_profiles (id, yacht_id, email, name)
  SELECT md5('legacy-user-' || y || '-' || r)::uuid, md5('legacy-yacht-' || y)::uuid,
         r || '@yacht' || y || '.example', initcap(replace(r, '_', ' '))
  FROM generate_series(1, 3) y CROSS JOIN unnest(ARRAY['captain', 'chief_engineer', 'deckhand']) r;

  INSERT INTO public.auth_users_roles (user_id, yacht_id, role)
  SELECT md5('legacy-user-' || y || '-' || r)::uuid, md5('legacy-yacht-' || y)::uuid, r
  FROM generate_series(1, 3) y CROSS JOIN unnest(ARRAY['captain', 'chief_engineer', 'deckhand']) r;

  -- the same catalogue on every yacht: names and part numbers collide across tenants
  INSERT INTO public.pms_parts (id, yacht_id, name, part_number, manufacturer, category, minimum_quantity)
  SELECT md5('legacy-part-' || y || '-' || p.n)::uuid, md5('legacy-yacht-' || y)::uuid,
         p.name, p.number, p.maker, p.category, 2
  FROM generate_series(1, 3) y CROSS JOIN (VALUES
    (1, 'Raw water impeller', 'JAB-1414-0001', 'Jabsco', 'pumps'),
    (2, 'Oil filter', 'CAT-1R-0751', 'Caterpillar', 'engine'),
    (3, 'Fuel filter element', 'RAC-2040PM', 'Racor', 'engine'),
    (4, 'Alternator V-belt', 'GAT-13A1275', 'Gates', 'engine'),
    (5, 'Zinc anode', 'MAR-CMZ-5', 'Martyr', 'hull'),
    (6, 'Galley fuse', 'BUS-AGC-10', 'Bussmann', 'electrical')) p(n, name, number, maker, category);

  -- every part in the engine room of every yacht (spelled with stray spaces on some), and a
  -- second place per yacht whose name is shared with another yacht too
  INSERT INTO public.pms_inventory_stock (id, yacht_id, part_id, location, quantity)
  SELECT md5('legacy-stock-' || y || '-' || p || '-' || k)::uuid, md5('legacy-yacht-' || y)::uuid,
         md5('legacy-part-' || y || '-' || p)::uuid,
         CASE WHEN k = 2 THEN CASE WHEN y = 3 THEN 'Lazarette' ELSE 'Spares Locker' END
              WHEN p % 2 = 0 THEN ' Engine Room' ELSE 'Engine Room ' END, 4 + p + y
  FROM generate_series(1, 3) y CROSS JOIN generate_series(1, 5) p CROSS JOIN generate_series(1, 2) k
  WHERE k = 1 OR p <= 3;
  -- stock whose place nobody wrote down (NULL, blank), none on hand; part 6 is never stocked
  INSERT INTO public.pms_inventory_stock (id, yacht_id, part_id, location, quantity)
  SELECT md5('legacy-stock-' || y || '-' || p || '-3')::uuid, md5('legacy-yacht-' || y)::uuid,
         md5('legacy-part-' || y || '-' || p)::uuid, CASE WHEN p = 4 THEN NULL ELSE '  ' END, 0
  FROM generate_series(1, 3) y CROSS JOIN generate_series(4, 5) p;

  -- a legacy ledger: a receipt for every stock row and a consumption for some, not matching the
  -- stock everywhere (the backfill must book the difference on the right yacht's stock)
  INSERT INTO public.pms_inventory_transactions (yacht_id, part_id, stock_id, transaction_type,
                                                 quantity_change, quantity_before, quantity_after, user_id, notes)
  SELECT s.yacht_id, s.part_id, s.id, 'received', 6, 0, 6, r.user_id, 'legacy receipt'
  FROM public.pms_inventory_stock s
  JOIN public.auth_users_roles r ON r.yacht_id = s.yacht_id AND r.role = 'chief_engineer'
  WHERE s.quantity > 0;
  INSERT INTO public.pms_inventory_transactions (yacht_id, part_id, stock_id, transaction_type,
                                                 quantity_change, quantity_before, quantity_after, notes)
  SELECT s.yacht_id, s.part_id, s.id, 'consumed', -1, 6, 5, 'legacy consumption'
  FROM public.pms_inventory_stock s WHERE s.location LIKE '%Engine Room%';

  INSERT INTO public.pms_part_usage (yacht_id, part_id, quantity, usage_reason, used_by)
  SELECT s.yacht_id, s.part_id, 1, 'legacy service', r.user_id
  FROM public.pms_inventory_stock s
  JOIN public.auth_users_roles r ON r.yacht_id = s.yacht_id AND r.role = 'deckhand'
  WHERE s.location LIKE '%Engine Room%';

  INSERT INTO public.pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested)
  SELECT p.yacht_id, p.id, p.name, 2 FROM public.pms_parts p WHERE p.part_number LIKE 'CAT%';
  -- lines typed in by name only, for catalogue parts and for things not in it
  INSERT INTO public.pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested)
  SELECT md5('legacy-yacht-' || y)::uuid, NULL, n, 1
  FROM generate_series(1, 3) y CROSS JOIN unnest(ARRAY['Zinc anode', 'Galley fuse', 'Deck soap']) n;

  INSERT INTO public.pms_audit_log (yacht_id, entity_type, entity_id, action, new_values)
  SELECT p.yacht_id, 'part', p.id, 'legacy_import', jsonb_build_object('name', p.name)
  FROM public.pms_parts p;
  INSERT INTO public.pms_audit_log (yacht_id, entity_type, entity_id, action, new_values)
  SELECT y.id, 'part', NULL, 'legacy_import', jsonb_build_object('name', 'Galley fuse')
  FROM public.yacht_registry y WHERE y.id IN (SELECT yacht_id FROM public.pms_parts);
END
$legacy$;
