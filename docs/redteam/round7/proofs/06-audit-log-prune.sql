-- yacht a's audit trail holds a signed write-off entry; the manager of yacht a deletes it
insert into pms_audit_log (yacht_id, entity_type, entity_id, action, user_id, old_values, new_values, signature)
values ('cf3df952-f993-5386-8585-4184c42e9285', 'part', '67653ae2-dcb3-5265-aeca-41dd829c0aef', 'write_off_part',
        '51d30c11-e65b-5115-9054-004c70dbc761', '{"quantity": 30}', '{"quantity_after": 20}', '{}');
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"51d30c11-e65b-5115-9054-004c70dbc761","role":"authenticated"}', true) is not null as claims;
do $$
declare n int;
begin
  delete from public.pms_audit_log where action = 'write_off_part';
  get diagnostics n = row_count;
  raise notice '%', case when n > 0 then 'EXPLOITED: audit rows deleted: ' || n else 'REFUSED: nothing deleted' end;
exception when others then raise notice 'REFUSED: % %', sqlstate, sqlerrm;
end $$;
rollback;
