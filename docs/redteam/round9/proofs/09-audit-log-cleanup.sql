\set QUIET on
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as ok \gset
do $$ declare n int; begin
  insert into public.pms_audit_log (yacht_id, entity_type, entity_id, action, user_id, new_values)
  values ('cf3df952-f993-5386-8585-4184c42e9285', 'part', '2cf3d354-028d-52e6-8ec8-e570d968acdb', 'consume_part', '1129d21c-2c81-5d89-beb7-2b77d2c8b521', '{"quantity": 1}');
  perform set_config('request.jwt.claims', '{"sub":"51d30c11-e65b-5115-9054-004c70dbc761","role":"authenticated"}', true);
  delete from public.pms_audit_log where yacht_id = 'cf3df952-f993-5386-8585-4184c42e9285';
  get diagnostics n = row_count;
  raise notice '%', case when n > 0 then 'EXPLOIT'||'ED: a manager deleted '||n||' audit rows' else 'REFUSED' end;
exception when others then raise notice 'REFUSED: %', sqlerrm; end $$;
rollback;
