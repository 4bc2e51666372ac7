"""Draws the app icons (run once by hand with Pillow installed; the PNGs are committed)."""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
TEAL, WHITE, GOLD = (11, 79, 108), (255, 255, 255), (242, 183, 5)


def draw(size: int, maskable: bool) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if maskable:
        d.rectangle([0, 0, size, size], fill=TEAL)
        inset = size * 0.2  # keep the mark inside the maskable safe zone
    else:
        d.rounded_rectangle([0, 0, size - 1, size - 1], radius=size * 0.22, fill=TEAL)
        inset = size * 0.16
    s = size - 2 * inset
    # A bank front: pediment, three columns, base; a gold dot for the customer being greeted.
    d.polygon([(inset, inset + s * 0.32), (inset + s / 2, inset + s * 0.05), (inset + s, inset + s * 0.32)], fill=WHITE)
    for i in range(3):
        x = inset + s * (0.14 + i * 0.3)
        d.rectangle([x, inset + s * 0.4, x + s * 0.12, inset + s * 0.82], fill=WHITE)
    d.rectangle([inset, inset + s * 0.88, inset + s, inset + s * 0.96], fill=WHITE)
    r = s * 0.07
    cx, cy = inset + s / 2, inset + s * 0.22
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=GOLD)
    return img


def badge(size: int) -> Image.Image:
    """The status-bar badge: Android draws only its alpha channel, so a white mark on transparency."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    inset, s = size * 0.1, size * 0.8
    d.polygon([(inset, inset + s * 0.32), (inset + s / 2, inset + s * 0.05), (inset + s, inset + s * 0.32)], fill=WHITE)
    for i in range(3):
        x = inset + s * (0.14 + i * 0.3)
        d.rectangle([x, inset + s * 0.4, x + s * 0.12, inset + s * 0.82], fill=WHITE)
    d.rectangle([inset, inset + s * 0.88, inset + s, inset + s * 0.96], fill=WHITE)
    return img


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, False).save(OUT / "icon-192.png")
    draw(512, False).save(OUT / "icon-512.png")
    draw(512, True).save(OUT / "maskable-512.png")
    draw(180, True).convert("RGB").save(OUT / "apple-touch-icon.png")
    badge(96).save(OUT / "badge-96.png")
