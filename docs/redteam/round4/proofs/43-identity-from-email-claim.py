"""43: the captain of yacht A has their email on their crew profile.  A stranger (a fresh user
id, no profile anywhere) whose token carries that email acts as the captain."""
import asyncio, os, uuid
import asyncpg
from api import get, part, token, verdict
from harness.seed import user_id

async def setup():
    conn = await asyncpg.connect(os.environ["DSN"])
    await conn.execute("UPDATE auth_users_profiles SET email = 'captain@aurora.example' WHERE id = $1",
                       user_id("captain@a"))
    await conn.close()

asyncio.run(setup())
from harness.sut.auth import mint
from api import SECRET
stranger = mint(uuid.uuid4(), secret=SECRET, email="captain@aurora.example")
r = get("stranger", f"/v1/parts/{part('a')}/stock", tok=stranger)
verdict(r.status_code == 200)
