-- 13: the backfill matches locations by name across the fleet: deployed onto a database holding
-- two yachts with the same location names (the seeded 'engine-room-locker'), it points yacht B's
-- parts at yacht A's location (CONTRACT §11.1, §11.8).  Yacht B's HOD sees a location id that is
-- not one of its yacht's:
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"b5ba0184-d021-53a5-9450-f84651b694d0","role":"authenticated"}', true);
SELECT CASE WHEN count(*) > 0
            THEN 'EXPLOITED: ' || count(*) || ' of yacht B''s parts reference a location that is not yacht B''s (e.g. ' || min(p.primary_location_id::text) || ')'
            ELSE 'REFUSED: every primary location of yacht B''s parts is yacht B''s' END AS verdict
FROM pms_parts p
WHERE p.primary_location_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM pms_part_locations l WHERE l.id = p.primary_location_id);
ROLLBACK;
