"""The reference names its policies as CONTRACT §5 does. Names may vary between implementations
(§10: recorded as evidence, judged by behaviour), so this holds for the reference only."""

from harness import evidence


def test_contract_policies_present(lens_database):
    names = {p["policy"] for p in evidence.collect(lens_database.dsn)["policies"]}
    expected = {"crew_insert_consume", "hod_insert_receive_transfer_adjust", "manager_insert_writeoff_reversed",
                "yacht_part_documents_select", "yacht_part_documents_insert", "yacht_part_documents_delete",
                "yacht_labels_select", "yacht_labels_insert"}
    assert expected - names == set()
