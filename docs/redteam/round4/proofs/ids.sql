-- seeded demo ids (harness/seed.py): role_y, yacht_y, part_y (impeller), stock_y (impeller @ engine-room-locker), ...
\set yacht_a cf3df952-f993-5386-8585-4184c42e9285
\set deckhand_a 1129d21c-2c81-5d89-beb7-2b77d2c8b521
\set bosun_a cbde6e60-6e85-5c1c-978c-a63b3d01f505
\set steward_a 369f641b-99c8-5d39-bcb4-da2897ed4be1
\set eto_a 3464ab5a-b835-5cd5-8029-00faaf8abbd4
\set chief_engineer_a 2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06
\set chief_officer_a 3f56ef48-91ba-5eef-9a78-272867bfc322
\set captain_a cbc1797b-bd98-5097-a668-eda3a5cc0f12
\set manager_a 51d30c11-e65b-5115-9054-004c70dbc761
\set purser_a d99da8c5-d493-55c6-ae8c-955a94dd799a
\set guest_a 54053630-3149-5caa-b8d9-736fe93f81ee
\set impeller_a 2cf3d354-028d-52e6-8ec8-e570d968acdb
\set impeller_stock_a b19fff4e-078f-5ec3-89ac-c1df8ca77c9c
\set filter_a 67653ae2-dcb3-5265-aeca-41dd829c0aef
\set filter_stock_a 50cd66fc-5834-5e61-a381-1fafd852d6bc
\set gasket_a 9eff47a2-ff34-583a-9b31-ccb400bbafaa
\set gasket_stock_a 6ea66795-00cc-509f-8826-98b704f9ccc7
\set locker_a 5889e985-5042-529d-b291-a3358470c333
\set store_a 8075aa39-0970-5e0b-b13a-540e9c835a2b
\set as_deckhand_a 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_bosun_a 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"cbde6e60-6e85-5c1c-978c-a63b3d01f505","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_steward_a 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"369f641b-99c8-5d39-bcb4-da2897ed4be1","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_eto_a 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"3464ab5a-b835-5cd5-8029-00faaf8abbd4","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_chief_engineer_a 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_chief_officer_a 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"3f56ef48-91ba-5eef-9a78-272867bfc322","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_captain_a 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"cbc1797b-bd98-5097-a668-eda3a5cc0f12","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_manager_a 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"51d30c11-e65b-5115-9054-004c70dbc761","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_purser_a 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"d99da8c5-d493-55c6-ae8c-955a94dd799a","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_guest_a 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"54053630-3149-5caa-b8d9-736fe93f81ee","role":"authenticated"}'', true) IS NULL AS switched;'
\set yacht_b bb0fb680-e2ab-5333-a4af-4a7395ba2dcd
\set deckhand_b 66d02bdb-944d-5c6c-89df-84d82e33cb6c
\set bosun_b bd3e38de-ccfd-5198-8bb4-fc10e3f66c0b
\set steward_b 99e23468-c4e3-57c9-87d9-dfe1273c60f8
\set eto_b ed19aada-8599-5b8d-b374-0cad51b6335f
\set chief_engineer_b b5ba0184-d021-53a5-9450-f84651b694d0
\set chief_officer_b f8a23dc1-47ac-5813-ba5c-88dffa3e512e
\set captain_b b1a4f6b6-2c53-5e5f-82c6-f30ff7937b8d
\set manager_b 75ac4892-568b-5a7c-a852-95672b304487
\set purser_b 7cfe55bb-93b3-5ef5-b404-eff830fa99d2
\set guest_b 837ea499-b54b-50c7-8a5d-99f40e1bb539
\set impeller_b 07889066-4637-5cd3-b551-2f74dbad5c61
\set impeller_stock_b 9afc5c79-7a0d-5c6b-94a2-fe852ada7942
\set filter_b ef9233a7-2456-5e94-b0f5-70f627630a4c
\set filter_stock_b e0079cb2-2512-5065-b828-b663137afae8
\set gasket_b 10f700e9-7be7-50ab-ad6c-a326262ba822
\set gasket_stock_b 02f572d3-5988-531a-8fdb-359f6a0336cf
\set locker_b 9de76cc4-413c-51c4-ac67-e53d6b24eb9a
\set store_b d291ee54-6f1b-544a-b633-b53d134c74bd
\set as_deckhand_b 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"66d02bdb-944d-5c6c-89df-84d82e33cb6c","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_bosun_b 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"bd3e38de-ccfd-5198-8bb4-fc10e3f66c0b","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_steward_b 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"99e23468-c4e3-57c9-87d9-dfe1273c60f8","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_eto_b 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"ed19aada-8599-5b8d-b374-0cad51b6335f","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_chief_engineer_b 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"b5ba0184-d021-53a5-9450-f84651b694d0","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_chief_officer_b 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"f8a23dc1-47ac-5813-ba5c-88dffa3e512e","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_captain_b 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"b1a4f6b6-2c53-5e5f-82c6-f30ff7937b8d","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_manager_b 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"75ac4892-568b-5a7c-a852-95672b304487","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_purser_b 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"7cfe55bb-93b3-5ef5-b404-eff830fa99d2","role":"authenticated"}'', true) IS NULL AS switched;'
\set as_guest_b 'SET LOCAL ROLE authenticated; SELECT set_config(''request.jwt.claims'', ''{"sub":"837ea499-b54b-50c7-8a5d-99f40e1bb539","role":"authenticated"}'', true) IS NULL AS switched;'
