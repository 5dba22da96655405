-- 45: the "my requests" policies decide on created_by alone: a crew member who moved from yacht B
-- to yacht A still reads and edits B's shopping list lines (CONTRACT §5: own yacht only; §11.5: no
-- policy decides on a user-naming column).  Setup (the fleet's data as found): the steward of
-- yacht A served on yacht B last season and filed a line there; then the crew office moved her
-- profile to yacht A.
INSERT INTO pms_shopping_list_items (yacht_id, part_id, part_name, quantity_requested, created_by)
VALUES ('bb0fb680-e2ab-5333-a4af-4a7395ba2dcd', '07889066-4637-5cd3-b551-2f74dbad5c61', 'impeller (B)', 3,
        '369f641b-99c8-5d39-bcb4-da2897ed4be1');
BEGIN;
SET LOCAL ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub":"369f641b-99c8-5d39-bcb4-da2897ed4be1","role":"authenticated"}', true);
DO $$
DECLARE n integer; seen integer;
BEGIN
  SELECT count(*) INTO seen FROM pms_shopping_list_items WHERE yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd';
  BEGIN
    UPDATE pms_shopping_list_items SET quantity_requested = 300, urgency = 'critical'
    WHERE yacht_id = 'bb0fb680-e2ab-5333-a4af-4a7395ba2dcd';
    GET DIAGNOSTICS n = ROW_COUNT;
  EXCEPTION WHEN OTHERS THEN n := 0;
  END;
  IF seen > 0 OR n > 0 THEN
    RAISE NOTICE 'EXPLOITED: yacht A''s steward reads % and rewrites % shopping-list line(s) of yacht B', seen, n;
  ELSE
    RAISE NOTICE 'REFUSED: yacht B''s lines neither visible nor writable';
  END IF;
END $$;
ROLLBACK;
