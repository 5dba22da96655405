"""44: a chief engineer whose token says app_metadata.acting_roles = ["captain"] writes off stock
with a signature "in the role of captain", a role they do not hold."""
from api import call, part, loc, sig, token, verdict
tok = token("chief_engineer@a", app_metadata={"acting_roles": ["captain"]})
r = call("chief_engineer@a", "write_off_part",
         {"part_id": part("a", "filter"), "location_id": loc("a"), "quantity": 2, "reason": "contaminated",
          "signature": sig("chief_engineer@a", "captain")}, tok=tok)
verdict(r.status_code == 200)
