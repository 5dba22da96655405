"""41: a chief engineer reactivates a deactivated part without any signature (contract: signed)."""
from api import call, part, sig, verdict
call("chief_engineer@a", "deactivate_part", {"part_id": part("a", "gasket"), "reason": "obsolete",
                                             "signature": sig("chief_engineer@a", "chief_engineer")})
r = call("chief_engineer@a", "reactivate_part", {"part_id": part("a", "gasket")})
verdict(r.status_code == 200)
