-- deckhand of yacht a probes a stock id of yacht b and a random id: the answers differ
begin;
set local role authenticated;
select set_config('request.jwt.claims', '{"sub":"1129d21c-2c81-5d89-beb7-2b77d2c8b521","role":"authenticated"}', true) is not null as claims;
do $$
declare e_other text := 'ok'; e_none text := 'ok'; dummy text;
begin
  begin dummy := public.stock_label('9afc5c79-7a0d-5c6b-94a2-fe852ada7942'); exception when others then e_other := sqlstate; end;
  begin dummy := public.stock_label('00000000-0000-4000-8000-000000000001'); exception when others then e_none := sqlstate; end;
  raise notice '%', case when e_other is distinct from e_none then 'EXPLOITED: other yacht ' || e_other || ' vs unknown ' || e_none
                         else 'REFUSED: same answer ' || e_other end;
end $$;
rollback;
