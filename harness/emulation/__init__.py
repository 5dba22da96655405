"""Platform emulation: what a hosted Supabase project gives a team besides its database.

`sql/000_supabase_compat.sql` stands in for Supabase's SQL objects; `postgrest.py` stands in for
its HTTP front door (PostgREST's `/rest/v1/rpc` and Storage's object routes). Neither holds any
lens logic: they are generic over whatever the target's migrations define, so a team that writes
its actions as SQL functions is judged on its own SQL.
"""
