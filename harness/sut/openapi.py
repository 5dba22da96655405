"""OpenAPI 3.1 document of the reference API, generated from the body specs.

One path per action (not a templated ``{action}``) so schema-driven fuzzers
such as schemathesis exercise each action with its own precise body schema.
Every operation lists the error statuses it can answer, so response
conformance checks hold for the 4xx answers too.
"""
from __future__ import annotations

from functools import lru_cache

from harness.roles import ACTIONS
from harness.sut.bodies import SIGNATURE_SCHEMA, body_schema

_ERROR = {"$ref": "#/components/schemas/Error"}
_OBJECT = {"type": "object"}


def _responses(ok: int, ok_schema: dict, *errors: int, media: str = "application/json") -> dict:
    out = {str(ok): {"description": "success", "content": {media: {"schema": ok_schema}}}}
    for status in errors:
        out[str(status)] = {"description": "error",
                            "content": {"application/json": {"schema": _ERROR}}}
    return out


def _uuid_param(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}


def _action_operation(action: str) -> dict:
    rule = ACTIONS[action]
    return {"post": {
        "operationId": action,
        "summary": f"{action} (tier {rule.tier.name.lower()}, signature {rule.signature})",
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{action}"}}}},
        "responses": _responses(200, _OBJECT, 400, 401, 403, 404, 409, 413, 503),
    }}


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    storage_params = [
        {"name": "bucket", "in": "path", "required": True,
         "schema": {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[a-z0-9-]+$"}},
        {"name": "path", "in": "path", "required": True,
         "schema": {"type": "string", "minLength": 1, "maxLength": 1024, "pattern": "^[A-Za-z0-9._/-]+$"}},
    ]
    paths = {f"/v1/actions/{action}": _action_operation(action) for action in ACTIONS}
    paths.update({
        "/v1/parts/{part_id}/stock": {"get": {
            "operationId": "part_stock", "parameters": [_uuid_param("part_id")],
            "responses": _responses(200, _OBJECT, 400, 401, 403, 404)}},
        "/v1/parts/{part_id}/transactions": {"get": {
            "operationId": "part_transactions",
            "parameters": [_uuid_param("part_id"), {
                "name": "limit", "in": "query", "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": 1000}}],
            "responses": _responses(200, _OBJECT, 400, 401, 403, 404)}},
        "/v1/drift": {"get": {"operationId": "drift",
                              "responses": _responses(200, _OBJECT, 401, 403)}},
        "/v1/storage/{bucket}/{path}": {
            "put": {"operationId": "put_object", "parameters": storage_params,
                    "requestBody": {"required": True, "content": {
                        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                    "responses": _responses(201, _OBJECT, 400, 401, 403, 404, 409, 413)},
            "get": {"operationId": "get_object", "parameters": storage_params,
                    "responses": _responses(200, {"type": "string", "format": "binary"}, 400, 401, 403,
                                            404, media="application/octet-stream")},
        },
        "/healthz": {"get": {"operationId": "healthz", "security": [],
                             "responses": _responses(200, _OBJECT, 503)}},
    })
    schemas = {action: body_schema(action) for action in ACTIONS}
    schemas["Signature"] = SIGNATURE_SCHEMA
    schemas["Error"] = {"type": "object", "required": ["error", "message"],
                        "properties": {"error": {"type": "string"}, "message": {"type": "string"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Inventory Lens reference API", "version": "1.2"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
        "security": [{"bearer": []}],
    }
