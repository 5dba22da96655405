-- 08: the parts policy takes the yacht from a claim (app_metadata.yacht_id) before the database:
-- claims set carrying another yacht's id reads that yacht's catalogue (CONTRACT §11.4: no claim
-- but sub grants anything; tier and yacht come from the tenancy tables).
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated","app_metadata":{"yacht_id":"bb0fb680-e2ab-5333-a4af-4a7395ba2dcd"}}', true);
SELECT CASE WHEN count(*) FILTER (WHERE yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd') > 0
            THEN 'EXPLOITED: deckhand of yacht A reads ' || count(*) FILTER (WHERE yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd') || ' parts of yacht B'
            ELSE 'REFUSED: no part of yacht B visible' END AS verdict
FROM pms_parts;
ROLLBACK;
