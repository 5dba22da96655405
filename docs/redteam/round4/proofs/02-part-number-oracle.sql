-- 02: yacht B learns that yacht A stocks part number X (a part only yacht A has).
\ir head.sql
BEGIN;
-- setup (yacht A's own data): a part number only yacht A holds
INSERT INTO pms_parts (yacht_id, name, part_number) VALUES (:'yacht_a', 'Stabiliser seal kit', 'STAB-SEAL-77');
:as_deckhand_b
SELECT 'EXPLOITED' AS verdict WHERE public.part_number_in_use('STAB-SEAL-77')
   AND NOT EXISTS (SELECT 1 FROM pms_parts WHERE part_number = 'STAB-SEAL-77') \gset
ROLLBACK;
\echo :verdict
