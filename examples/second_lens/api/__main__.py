"""`python -m examples.second_lens.api [--host H] [--port P]`: serve the second lens.

The database and the JWT secret come from the environment (SECOND_LENS_DSN,
SECOND_LENS_JWT_SECRET), never from argv, so no password shows in `ps`.
"""

import argparse
import os
import sys

import uvicorn

from .app import create_app


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.second_lens.api")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8788)
    args = parser.parse_args()
    dsn, secret = os.environ.get("SECOND_LENS_DSN"), os.environ.get("SECOND_LENS_JWT_SECRET")
    if not dsn or not secret:
        print("second_lens: set SECOND_LENS_DSN and SECOND_LENS_JWT_SECRET", file=sys.stderr)
        return 2
    threshold = int(os.environ.get("SECOND_LENS_LARGE_ADJUST", "10"))
    uvicorn.run(create_app(dsn, secret, threshold), host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
