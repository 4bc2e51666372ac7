"""POST /api/v1/sync: many outbox records in one round trip, each answered as if sent on its own.

A phone back on the network may hold hundreds of records; one request each costs a round trip each. Each
record of a batch is dispatched to its own endpoint, with the caller's session and CSRF token, in its own
transaction: idempotency (the record's id), validation and authorization are exactly those of a single
request, and one record's refusal leaves the others alone.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import Blueprint, current_app, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError
from werkzeug.test import EnvironBuilder

from server.common.http import parse_json
from server.common.policy import require_login

bp = Blueprint("sync_api", __name__, url_prefix="/api/v1")
MAX_RECORDS = 100
FORWARDED_HEADERS = ("Cookie", "X-CSRF-Token", "Accept-Language", "User-Agent")


class RecordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=80)
    method: Literal["POST", "PUT", "PATCH", "DELETE"]
    url: str = Field(pattern=r"^/api/v1/[A-Za-z0-9/_\-.?=&%]+$", max_length=300)
    body: Any = None

    @field_validator("url")
    @classmethod
    def not_a_batch(cls, value: str) -> str:
        if value.split("?")[0].rstrip("/") == "/api/v1/sync":
            raise PydanticCustomError("nested_batch", "a batch cannot contain a batch")
        return value


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[RecordIn] = Field(min_length=1, max_length=MAX_RECORDS)


@bp.post("/sync")
@require_login
def sync():
    """`{records: [{id, method, url, body}]}` → `{results: [{id, status, body}]}`, in the order given."""
    batch = parse_json(BatchIn)
    headers = {name: request.headers[name] for name in FORWARDED_HEADERS if name in request.headers}
    return jsonify(results=[_dispatch(record, headers) for record in batch.records])


def _dispatch(record: RecordIn, headers: dict) -> dict:
    builder = EnvironBuilder(
        path=record.url.split("?")[0],
        query_string=record.url.partition("?")[2],
        method=record.method,
        json=record.body,
        headers=headers,
        base_url=request.host_url,
        environ_base={"REMOTE_ADDR": request.remote_addr},
    )
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the app behind the proxy
    with app.request_context(builder.get_environ()):
        response = app.full_dispatch_request()
    return {"id": record.id, "status": response.status_code, "body": response.get_json(silent=True)}
