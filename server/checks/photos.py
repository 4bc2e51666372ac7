"""Checklist photos: the type is read from the bytes (JPEG, PNG, WebP, HEIC), at most PHOTO_MAX_BYTES in,
re-encoded as a JPEG of at most MAX_SIDE pixels with no metadata (EXIF, GPS, XMP), stored under the
instance folder and served only to the staff of the branch that took it."""

from __future__ import annotations

import hashlib
import io
import uuid
from pathlib import Path

import pillow_heif
from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from server.auth.models import User
from server.checks.models import Photo
from server.common.errors import Conflict, ValidationFailed
from server.common.idempotency import create_once
from server.common.policy import get_scoped_or_404
from server.extensions import db

pillow_heif.register_heif_opener()

FORMATS = {"JPEG", "PNG", "WEBP", "HEIF"}
MAX_SIDE = 1600  # enough to read a screen's error code; a phone's 12 MP photo shrinks about 20 times
MAX_PIXELS = 50_000_000  # a decompression bomb is refused before it is decoded
QUALITY = 82


def save_photo(actor: User, photo_id: str, data: bytes) -> tuple[Photo, bool]:
    """Store a photo under its client id (the same photo sent again is one). Returns (photo, created)."""
    encoded, width, height = reencode(data)
    branch_id = actor.home_branch.id
    digest = hashlib.sha256(encoded).hexdigest()  # of the stored file: a retry with other bytes is refused
    if db.session.get(Photo, photo_id) is None:  # a file already stored is never written over
        path = photo_path(branch_id, photo_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{photo_id}.{uuid.uuid4().hex}.part")  # two uploads at once never share one
        temporary.write_bytes(encoded)
        temporary.replace(path)  # never a half-written file under the photo's name
    photo, created = create_once(
        Photo,
        photo_id,
        digest,
        lambda: Photo(branch_id=branch_id, width=width, height=height, size=len(encoded), uploaded_by_id=actor.id),
    )
    if photo.branch_id != branch_id:
        raise Conflict(_("A different record with this id already exists."), code="id_conflict")
    return photo, created


def reencode(data: bytes) -> tuple[bytes, int, int]:
    """A clean JPEG of the image in `data`: turned upright by its EXIF orientation, down-scaled, and saved
    with no metadata at all. Anything that is not one of FORMATS is refused."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise ValidationFailed(fields={"photo": _("Send a JPEG, PNG, WebP or HEIC photo.")})
            if image.width * image.height > MAX_PIXELS:
                raise ValidationFailed(fields={"photo": _("This image is too large.")})
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((MAX_SIDE, MAX_SIDE))
            clean = upright.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ValidationFailed(fields={"photo": _("Send a JPEG, PNG, WebP or HEIC photo.")}) from None
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=QUALITY, optimize=True)  # no exif= given: nothing of the original is kept
    return out.getvalue(), clean.width, clean.height


def photo_path(branch_id: str, photo_id: str) -> Path:
    return Path(current_app.config["PHOTO_DIR"]) / branch_id / f"{photo_id}.jpg"


def get_photo(actor: User, photo_id: str) -> tuple[Photo, Path]:
    photo = get_scoped_or_404(Photo, photo_id, actor)
    return photo, photo_path(photo.branch_id, photo.id)
