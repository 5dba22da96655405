-- deckhand@a books a usage row naming the chief engineer as the one who used the parts
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true);
do $$ begin
  insert into public.pms_part_usage (yacht_id, part_id, quantity, usage_reason, used_by)
  values ('cf3df952-f993-5386-8585-4184c42e9285', '9eff47a2-ff34-583a-9b31-ccb400bbafaa', 4, 'head job',
          '2f0df79b-fabb-5b25-ace7-ae4a4cb4ed06');
  raise notice 'EXPLOITED: usage row written by deckhand@a in chief_engineer@a''s name';
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
