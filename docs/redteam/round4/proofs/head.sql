-- common proof header: continue after a refused statement, terse output, seeded ids
\set ON_ERROR_ROLLBACK on
\set QUIET on
\pset tuples_only on
\pset format unaligned
\ir ids.sql
\set verdict REFUSED
