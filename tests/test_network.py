"""harness/network.py: workers sized from the round trip, never beyond the connections left."""

from harness.network import CONNECTIONS_PER_WORKER, MAX_WORKERS, Link, choose_workers


def test_a_near_server_keeps_two_workers_and_no_warning():
    assert choose_workers(0.4, free=100, asked=None, cap=None)[0] == 2
    assert Link(0.4, 100, 96, 2, "near").warning() is None


def test_a_far_server_gets_more_workers_up_to_the_ceiling_and_a_warning_in_numbers():
    assert choose_workers(10, free=100, asked=None, cap=None)[0] == 4
    assert choose_workers(50, free=100, asked=None, cap=None)[0] == MAX_WORKERS
    warning = Link(48.0, 100, 96, 8, "sized from the 48 ms RTT").warning()
    assert warning.startswith("RTT 48 ms to the server: ~") and "s of waiting each; running 8 workers" in warning


def test_free_connections_and_the_cap_bound_the_workers():
    workers, why = choose_workers(50, free=3 * CONNECTIONS_PER_WORKER, asked=None, cap=None)
    assert workers == 3 and "free on the server" in why
    workers, why = choose_workers(50, free=100, asked=None, cap=2 * CONNECTIONS_PER_WORKER)
    assert workers == 2 and "--max-connections" in why
    assert choose_workers(50, free=2, asked=None, cap=None)[0] == 1


def test_workers_asked_for_are_kept_within_the_budget():
    assert choose_workers(50, free=100, asked=3, cap=None) == (3, "--workers")
    assert choose_workers(0.1, free=100, asked=6, cap=8)[0] == 2
