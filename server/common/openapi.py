"""The OpenAPI 3.1 description of /api/v1, generated from the routes themselves and the pydantic schemas
their views validate with. Every route is described (the route map is the list); `@documented` adds what a
route map cannot know: the body schema, the query arguments and the success statuses.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from flask import Flask
from pydantic import BaseModel

API_PREFIX = "/api/v1/"
ERROR_CODES = ("400", "401", "403", "404", "405", "409", "413", "415", "422", "429")
REF = "#/components/schemas/{model}"


def documented(
    *,
    body: type[BaseModel] | None = None,
    answers: tuple[int, ...] = (200,),
    query: dict[str, str] | None = None,
    media_type: str = "application/json",
):
    """What the description of a view cannot take from its route: `body` (the schema its parse_json uses),
    the success statuses it answers, its query arguments ({name: description}) and what it answers with."""

    def mark(view):
        view.openapi = {"body": body, "answers": answers, "query": query or {}, "media_type": media_type}
        return view

    return mark


def _error_envelope() -> dict:
    return {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "pattern": "^[a-z0-9_]+$"},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                    "details": {"type": "object"},
                },
            }
        },
    }


def _operation(endpoint: str, view, path_params: list[str], schemas: dict[str, Any]) -> dict:
    meta: dict[str, Any] = {"body": None, "answers": (200,), "query": {}, "media_type": "application/json"}
    meta.update(getattr(view, "openapi", None) or {})
    doc = inspect.getdoc(view) or endpoint
    operation: dict[str, Any] = {
        "operationId": endpoint,
        "summary": doc.splitlines()[0],
        "description": doc,
        "tags": [endpoint.split(".")[0].removesuffix("_api")],
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}
            for name in path_params
        ]
        + [
            {"name": name, "in": "query", "required": False, "description": text, "schema": {"type": "string"}}
            for name, text in meta["query"].items()
        ],
        "responses": {
            **{
                str(status): (
                    {"description": "done, nothing to return"}
                    if status == 204
                    else {
                        "description": "done",
                        "content": {
                            meta["media_type"]: {
                                "schema": {"type": "object" if meta["media_type"] == "application/json" else "string"}
                            }
                        },
                    }
                )
                for status in meta["answers"]
            },
            **{code: {"$ref": "#/components/responses/Error"} for code in ERROR_CODES},
        },
    }
    if model := meta["body"]:
        schema = model.model_json_schema(ref_template=REF, mode="validation")
        for name, definition in {**schema.pop("$defs", {}), model.__name__: schema}.items():
            if schemas.setdefault(name, definition) != definition:
                raise RuntimeError(f"two different schemas are named {name}: rename one")
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": REF.format(model=model.__name__)}}},
        }
    return operation


def document(app: Flask) -> dict:
    """The OpenAPI document of the app's /api/v1 routes."""
    schemas: dict[str, Any] = {"Error": _error_envelope()}
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(API_PREFIX):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        params = re.findall(r"{([^}]+)}", path)
        view = app.view_functions[rule.endpoint]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule.endpoint, view, params, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lobbypad API",
            "version": "1",
            "description": "The handheld's JSON API. Session cookie auth; every unsafe request carries X-CSRF-Token.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {
                "Error": {
                    "description": "the error envelope",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
            },
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "lobbypad_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
            },
        },
        "security": [{"session": [], "csrf": []}],
    }
