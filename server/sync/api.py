"""POST /api/v1/sync: many outbox records in one round trip, each answered as if sent on its own.

A phone back on the network may hold hundreds of records; one request each costs a round trip each. Each
record of a batch is dispatched to its own endpoint, with the caller's session and CSRF token, in its own
transaction: idempotency (the record's id), validation and authorization are exactly those of a single
request, and one record's refusal leaves the others alone.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError
from werkzeug.exceptions import HTTPException
from werkzeug.test import EnvironBuilder

from server.common.http import is_outbox_write, parse_json
from server.common.openapi import documented
from server.common.policy import require_login

bp = Blueprint("sync_api", __name__, url_prefix="/api/v1")
MAX_RECORDS = 100
FORWARDED_HEADERS = ("Cookie", "X-CSRF-Token", "Accept-Language", "User-Agent")


class SyncRecordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=80)
    method: Literal["POST", "PUT", "PATCH", "DELETE"]
    # No percent-escapes in the path: what is checked here is exactly what is dispatched (no %73ync).
    url: str = Field(pattern=r"^/api/v1/[A-Za-z0-9/_\-.]+(\?[A-Za-z0-9_\-.=&%]*)?$", max_length=300)
    body: Any = None

    @model_validator(mode="after")
    def an_outbox_write(self) -> SyncRecordIn:
        """Only what the outbox writes may ride in a batch: routed as the app would route it, the view must be
        marked as an outbox write. Never a batch in a batch, never a sign-in (Argon2 a hundred times)."""
        adapter = current_app.url_map.bind(request.host)
        try:
            endpoint, _args = adapter.match(self.url.partition("?")[0], method=self.method)
        except HTTPException:
            endpoint = None
        if endpoint is None or not is_outbox_write(current_app.view_functions[endpoint]):
            raise PydanticCustomError("not_syncable", _("Only records the app saves offline can be synced."))
        return self


class SyncBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[SyncRecordIn] = Field(min_length=1, max_length=MAX_RECORDS)


@bp.post("/sync")
@documented(body=SyncBatchIn)
@require_login
def sync():
    """`{records: [{id, method, url, body}]}` → `{results: [{id, status, body}]}`, in the order given."""
    batch = parse_json(SyncBatchIn)
    headers = {name: request.headers[name] for name in FORWARDED_HEADERS if name in request.headers}
    return jsonify(results=[_dispatch(record, headers) for record in batch.records])


def _dispatch(record: SyncRecordIn, headers: dict) -> dict:
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
