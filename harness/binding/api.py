"""API profiles: how to reach a team's HTTP API, declared in a small YAML file.

A profile says, per action, the method, the route and the body envelope (a template in which
`$action`, `$payload` and `$yacht_id` are replaced), where the result and the error code are in an
answer, and how to authenticate (see tokens.py). Built in: `reference` (`POST /v1/actions/{action}`),
`envelope` (`POST /v1/actions/execute` with `{"action", "context": {"yacht_id"}, "payload"}`) and
`postgrest` (`POST /rest/v1/rpc/{action}`, the error code in PostgREST's `message`);
`--api-profile FILE` loads a team's own. `ProfileClient` is a drop-in for SutClient: `call(user,
action, body)` answers a Response whose `json` is the result, or `{"error": code, ...details}`,
whatever the wire shape was, so suites compare contract codes only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.binding.tokens import KINDS
from harness.errors import HarnessError
from harness.sut.adapter import Response, SutClient

PROFILES = Path(__file__).parent / "profiles"
_KEYS = {"name", "description", "actions", "response", "auth", "storage", "reads"}
STORAGE = "/v1/storage/{bucket}/{path}"


@dataclass(frozen=True)
class Route:
    method: str
    route: str
    body: Any


@dataclass(frozen=True)
class Profile:
    name: str
    routes: dict = field(repr=False)
    data: str = ""
    error: str = "error"
    details: str = ""
    auth: str = "hs256"
    source: Path | None = None
    storage: str = STORAGE
    reads: dict = field(default_factory=dict)  # read name -> GET route; only declared reads are tested

    def route(self, action: str) -> Route:
        return self.routes.get(action) or self.routes["default"]

    def request(self, action: str, payload: Any, yacht_id: Any = None) -> tuple[str, str, Any]:
        """(method, path, body) of one action: the route and the envelope filled in."""
        route = self.route(action)
        return route.method, route.route.replace("{action}", action), fill(
            route.body, {"action": action, "payload": payload, "yacht_id": str(yacht_id) if yacht_id else None})

    def answer(self, status: int, body: Any) -> Any:
        """The answer in contract terms: the result on success, {"error": code, ...} otherwise."""
        if status < 400:
            return dig(body, self.data)
        details, code = dig(body, self.details), dig(body, self.error)
        if isinstance(details, str) and details.startswith("{"):  # PostgREST's details is text
            try:
                details = json.loads(details)
            except ValueError:
                pass
        return {**(details if isinstance(details, dict) else {}), "error": code if isinstance(code, str) else None}


def _route(spec: Any, where: str, default: Route | None = None) -> Route:
    if not isinstance(spec, dict):
        raise HarnessError(f"API profile {where}: expected method/route/body")
    method = str(spec.get("method", default.method if default else "POST")).upper()
    route = spec.get("route", default.route if default else None)
    if not isinstance(route, str) or not route.startswith("/"):
        raise HarnessError(f"API profile {where}: route must be a path starting with /")
    return Route(method, route, spec.get("body", default.body if default else "$payload"))


def load_profile(name_or_path: str) -> Profile:
    path = Path(name_or_path)
    if not (path.suffix in (".yaml", ".yml") and path.is_file()):
        path = PROFILES / f"{name_or_path}.yaml"
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in PROFILES.glob("*.yaml")))
            raise HarnessError(f"unknown API profile {name_or_path!r}: choose one of {known} or give a YAML file")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise HarnessError(f"API profile {path} is not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict) or not isinstance(data.get("actions"), dict) or "default" not in data["actions"]:
        raise HarnessError(f"API profile {path}: needs `actions: {{default: {{method, route, body}}}}`")
    unknown = set(data) - _KEYS
    if unknown:
        raise HarnessError(f"API profile {path}: unknown keys {sorted(unknown)}")
    default = _route(data["actions"]["default"], f"{path.name} actions.default")
    routes = {"default": default, **{a: _route(s, f"{path.name} actions.{a}", default)
                                     for a, s in data["actions"].items() if a != "default"}}
    response, auth = data.get("response") or {}, (data.get("auth") or {}).get("kind", "hs256")
    if auth not in KINDS:
        raise HarnessError(f"API profile {path}: auth.kind must be one of {', '.join(KINDS)}")
    reads = data.get("reads") or {}
    for where, route in [("storage", data.get("storage", STORAGE)), *((f"reads.{k}", v) for k, v in reads.items())]:
        if not isinstance(route, str) or not route.startswith("/"):
            raise HarnessError(f"API profile {path}: {where} must be a path starting with /")
    return Profile(data.get("name", path.stem), routes, response.get("data", ""), response.get("error", "error"),
                   response.get("details", ""), auth, path, data.get("storage", STORAGE), reads)


def dig(value: Any, dotted: str) -> Any:
    for key in filter(None, dotted.split(".")):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def fill(template: Any, values: dict) -> Any:
    """The body template with `$name` strings replaced by their values (whole values, any type)."""
    if isinstance(template, str) and template.startswith("$") and template[1:] in values:
        return values[template[1:]]
    if isinstance(template, dict):
        return {k: fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, values) for v in template]
    return template


class ProfileClient(SutClient):
    """SutClient speaking a profile's routes and envelopes."""

    def __init__(self, profile: Profile, base_url: str, token_minter, **kwargs):
        super().__init__(base_url, token_minter, **kwargs)
        self.profile = profile

    def endpoint(self, action: str) -> tuple[str, str]:
        return self.profile.request(action, None)[:2]

    def envelope(self, user, action: str, payload: Any) -> Any:
        return self.profile.request(action, payload, getattr(user, "yacht_id", None))[2]

    def normalise(self, resp: Response) -> Response:
        """The answer in contract terms: the result on success, {"error": code, ...} otherwise."""
        return Response(resp.status, self.profile.answer(resp.status, resp.json), resp.headers, resp.content)

    async def call(self, user, action: str, body: Any, *, token: str | None = None,
                   headers: dict | None = None) -> Response:
        """One action as `user` (a bearer minted for them), or with `token` / `headers` as given."""
        method, path = self.endpoint(action)
        return self.normalise(await self.request(method, path, user=None if token is not None else user, token=token,
                                                 json=self.envelope(user, action, body), headers=headers))

    async def send(self, user, action: str, content: bytes | str, headers: dict | None = None) -> Response:
        """Raw bytes as the whole request body of `action` (the envelope too): a broken request."""
        method, path = self.endpoint(action)
        return self.normalise(await self.request(method, path, user=user, content=content,
                                                 headers={"Content-Type": "application/json", **(headers or {})}))

    def label(self, action: str) -> str:
        """The endpoint `action` reaches, for per-endpoint counts ("POST /v1/actions/execute [consume_part]")."""
        method, path = self.endpoint(action)
        return f"{method} {path}" + ("" if action in path else f" [{action}]")

    def storage_path(self, bucket: str, path: str) -> str:
        return self.profile.storage.replace("{bucket}", bucket).replace("{path}", path)

    async def put_object(self, user, bucket: str, path: str, content: bytes,
                         content_type: str = "application/octet-stream") -> Response:
        return self.normalise(await self.request("PUT", self.storage_path(bucket, path), user=user, content=content,
                                                 headers={"Content-Type": content_type}))

    async def get_object(self, user, bucket: str, path: str) -> Response:
        return self.normalise(await self.request("GET", self.storage_path(bucket, path), user=user))

    async def read(self, user, name: str, query: str = "", **ids) -> Response:
        """A read the profile declares (`reads:`), its `{placeholders}` filled from `ids`."""
        route = self.profile.reads[name]
        for key, value in ids.items():
            route = route.replace("{" + key + "}", str(value))
        return self.normalise(await self.request("GET", route + query, user=user))
