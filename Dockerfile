# Runner image of the gate: `docker compose -f docker-compose.test.yml up --build --exit-code-from gate`
# runs `lens-harness run` (see the command in docker-compose.test.yml) against the postgres service.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MPLBACKEND=Agg

WORKDIR /src

# Only what the gate needs (never a local .venv or old reports). README.md* tolerates its absence.
COPY pyproject.toml README.md* ./
COPY harness ./harness
COPY sql ./sql
COPY suites ./suites

COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh

# Editable install: the harness finds sql/ and suites/ next to the package, in /src, and writes
# reports/<run-id>/ under /src/reports (the compose file mounts ./reports there). The entrypoint
# drops root for the owner of that mount (a CI runner's uid), or for `lens`.
RUN pip install -e . \
 && useradd --create-home --uid 1000 lens \
 && mkdir -p /src/reports \
 && chown lens /src/reports \
 && chmod -R a+rX /src

WORKDIR /src
VOLUME ["/src/reports"]
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["lens-harness", "run", "--help"]
