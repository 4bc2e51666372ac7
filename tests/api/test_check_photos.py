"""Checklist photos: the type is read from the bytes, at most 10 MB, stored re-encoded without EXIF (the
location included), and shown only to the branch's staff."""

from __future__ import annotations

import io
import os
import uuid

from PIL import Image

from tests.helpers import assert_error


def png_with_location() -> bytes:
    """A 2000×1500 PNG whose EXIF holds a camera model and GPS coordinates (Shanghai)."""
    exif = Image.Exif()
    exif[0x0110] = "Lobbyphone 9"  # Model
    exif[0x8825] = {1: "N", 2: (31.0, 13.0, 50.0), 3: "E", 4: (121.0, 28.0, 10.0)}  # GPSInfo
    out = io.BytesIO()
    Image.new("RGB", (2000, 1500), (200, 30, 30)).save(out, "PNG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(out.getvalue())).getexif().get_ifd(0x8825)  # the fixture really has GPS
    return out.getvalue()


def put_photo(client, data: bytes, photo_id: str | None = None, content_type: str = "image/png"):
    return client.client.put(
        f"/api/v1/photos/{photo_id or uuid.uuid4()}",
        data=data,
        headers={**client._headers(), "Content-Type": content_type},
    )


def test_a_photo_comes_back_down_scaled_and_without_its_exif(app, floor):
    photo_id = str(uuid.uuid4())
    answer = put_photo(floor.lobby, png_with_location(), photo_id)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["photo"] | {"size": 0} == {"id": photo_id, "width": 1600, "height": 1200, "size": 0}
    assert put_photo(floor.lobby, png_with_location(), photo_id).status_code == 200  # the outbox's retry
    stored = floor.supervisor.get(f"/api/v1/photos/{photo_id}")
    assert stored.status_code == 200 and stored.mimetype == "image/jpeg"
    assert "private" in stored.headers["Cache-Control"]
    image = Image.open(io.BytesIO(stored.data))
    assert image.format == "JPEG" and image.size == (1600, 1200)
    assert dict(image.getexif()) == {} and "exif" not in image.info
    assert b"Lobbyphone" not in stored.data and b"Exif" not in stored.data
    # On a checklist item.
    run = floor.lobby.post("/api/v1/checks/runs", {"phase": "before_opening"}).get_json()["run"]
    item = run["items"][0]
    ticked = floor.lobby.put(
        f"/api/v1/checks/runs/{run['id']}/items/{item['id']}", {"result": "fault", "note": "缺纸", "photo_id": photo_id}
    ).get_json()["run"]
    assert ticked["items"][0]["photo_id"] == photo_id


def test_what_is_not_a_photo_or_too_large_is_refused(app, floor, api_factory, make_user):
    text = put_photo(floor.lobby, b"just some text, named photo.jpg", content_type="image/jpeg")
    assert_error(text, 422, "validation_failed")
    assert "photo" in text.get_json()["error"]["fields"]
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    assert_error(put_photo(floor.lobby, gif.getvalue(), content_type="image/gif"), 422, "validation_failed")
    huge = os.urandom(12 * 1024 * 1024)
    too_large = put_photo(floor.lobby, huge, content_type="image/jpeg")
    assert_error(too_large, 413, "request_entity_too_large")
    assert too_large.get_json()["error"]["message"] == "请求内容过大：最多 10 MB。"
    assert_error(put_photo(floor.lobby, b"", content_type="image/jpeg"), 422, "validation_failed")
    assert_error(put_photo(floor.lobby, png_with_location(), photo_id="not-an-id"), 422, "validation_failed")
    photo_id = str(uuid.uuid4())
    put_photo(floor.lobby, png_with_location(), photo_id)
    stranger = api_factory()
    stranger.login(make_user("lobby_manager", branch_code="B002"))
    assert_error(stranger.get(f"/api/v1/photos/{photo_id}"), 404, "not_found")
    run = floor.lobby.post("/api/v1/checks/runs", {"phase": "before_opening"}).get_json()["run"]
    url = f"/api/v1/checks/runs/{run['id']}/items/{run['items'][0]['id']}"
    assert_error(floor.lobby.put(url, {"result": "ok", "photo_id": str(uuid.uuid4())}), 404, "not_found")
