"""Paths generated from the catalog (``catalog``), argument values mined from the database
(``values``), the calls of an actor and world B (``worlds``), and the PostgREST-way runner that
records an observation around each call (``probe``).  The oracles judging them are
``harness.oracles``; the suite is ``suites/properties``."""
