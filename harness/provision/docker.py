"""Docker provisioner: PostgreSQL in a container through testcontainers."""

from __future__ import annotations

from harness.errors import HarnessError
from harness.provision import lifecycle


class DockerServer:
    kind = "docker"

    def __init__(self, image: str = "postgres:15-alpine"):
        self.image = image
        self.container = None

    def start(self) -> "DockerServer":
        try:
            from docker.errors import DockerException
            from testcontainers.postgres import PostgresContainer
        except ImportError as exc:  # pragma: no cover - dependency is declared
            raise HarnessError(f"the docker target needs testcontainers ({exc}): pip install testcontainers") from None
        try:
            # Without an engine the constructor itself raises (docker.from_env probes the API).
            self.container = PostgresContainer(self.image, username="postgres", password="postgres", dbname="postgres")
            lifecycle.register(self)
            self.container.start()
        except DockerException as exc:
            self.stop()
            reason = str(exc).splitlines()[0][:120]
            raise HarnessError(f"Docker is not available ({reason}): use --target embedded (default) or --target dsn") from None
        return self

    @property
    def port(self) -> int:
        return int(self.container.get_exposed_port(5432))

    def dsn_for(self, dbname: str = "postgres") -> str:
        host = self.container.get_container_host_ip()
        return f"postgresql://postgres:postgres@{host}:{self.port}/{dbname}"

    @property
    def admin_dsn(self) -> str:
        return self.dsn_for("postgres")

    def stop(self) -> None:
        if self.container is not None:
            try:
                self.container.stop()
            finally:
                self.container = None
        lifecycle.unregister(self)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
