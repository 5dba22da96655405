"""35: a chief engineer deactivates a part with a signature naming the captain (who never signed)."""
from api import call, part, sig, verdict
r = call("chief_engineer@a", "deactivate_part",
         {"part_id": part("a", "gasket"), "reason": "obsolete", "signature": sig("captain@a", "captain")})
verdict(r.status_code == 200)
