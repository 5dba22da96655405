"""A part deactivated with a signature is reactivated with no signature at all."""
from _http import api, part, post, sig, verdict

with api() as c:
    d = post(c, "deactivate_part", "chief_engineer",
             {"part_id": part("gasket"), "reason": "recalled batch", "signature": sig("chief_engineer", "chief_engineer")})
    r = post(c, "reactivate_part", "chief_engineer", {"part_id": part("gasket")})
    verdict(d.status_code == 200 and r.status_code == 200, "reactivated without a signature")
