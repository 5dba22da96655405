"""The self-test's own verdict: a mutant no check catches fails the self-test, by name.

One small run (the schema suite only, so it takes seconds): the reference passes, two real
mutants the schema lints catch are killed (one appends a migration, so its template is a clone
of the reference's; one edits an early file, so its template continues an unchanged prefix),
and a mutant that changes nothing survives: the exit code is 1 and the kill matrix names the
survivor. Without this, a self-test that called every
mutant killed (or exited 0 over a survivor) would pass unnoticed.
"""

import json

from harness import implementations, mutants
from harness.config import Settings
from harness.errors import EXIT_GATE_FAILED, EXIT_OK
from harness.selftest import SelfTest, exit_code, write_matrix


def test_a_surviving_mutant_fails_the_selftest_and_is_named(tmp_path):
    harmless = tmp_path / "harmless.yaml"
    harmless.write_text("name: lens_selftest_harmless\ndescription: changes nothing any check can see\n"
                        "expect_killed_by: [test_security_definer_functions_pin_search_path]\n"
                        "edits:\n  - append: 'SELECT 1;'\n")
    selected = [mutants.find(str(harmless)), *map(mutants.find, ("schema_search_path_unpinned", "helpers_search_path_temp_first"))]
    settings = Settings.from_env().with_(binding=implementations.find("reference").binding)
    outcomes = SelfTest(settings, tmp_path / "out", suites=("schema",), workers=2).run(selected, progress=lambda _: None)

    reference, edited, survivor, killed = outcomes
    assert (reference.name, reference.killers, reference.error, reference.tests > 0) == ("reference", [], None, True)
    assert (survivor.name, survivor.killed, survivor.error) == ("lens_selftest_harmless", False, None)
    assert survivor.tests > 1   # its expected killer passed, so the whole (schema) suite ran
    assert (killed.name, killed.killers, killed.tests) == (
        "schema_search_path_unpinned", ["test_security_definer_functions_pin_search_path"], 1)
    assert (edited.name, edited.killers) == ("helpers_search_path_temp_first", killed.killers)
    assert exit_code(outcomes) == EXIT_GATE_FAILED
    md, _ = write_matrix(outcomes, tmp_path / "out")
    assert "| lens_selftest_harmless | SURVIVED |" in md.read_text()
    assert "Mutants killed: 2/3." in md.read_text()
    assert [o["killed"] for o in json.loads((tmp_path / "out" / "kill-matrix.json").read_text())] == [False, True, False, True]
    assert exit_code([reference, edited, killed]) == EXIT_OK
