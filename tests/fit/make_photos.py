"""Writes the test photos for fitImage into a cache folder (argv[1]).

Generated at test time, not committed: camera-sized files are megabytes.
Every picture is drawn upright with colour markers in its displayed
corners (red top-left, green top-right, blue bottom-left), then stored the
way a camera would (rotated, with the EXIF orientation that undoes it), so a
test can tell an upright result from a rotated or mirrored one.
Idempotent: files already present are kept.
"""

import os
import sys

from PIL import Image, ImageDraw, ImageFilter, ImageFont

MARKERS = {"tl": (220, 30, 30), "tr": (30, 200, 30), "bl": (30, 30, 220)}


def camera_like(w, h, seed):
    """Gradient, shapes, printed lines and sensor noise: compresses like a photo."""
    grad = Image.linear_gradient("L").resize((w, h))
    base = Image.merge("RGB", (grad, grad.rotate(90).resize((w, h)), Image.new("L", (w, h), 150)))
    draw = ImageDraw.Draw(base)
    # A sheet of paper with lines of text, slightly off-axis.
    draw.rectangle([w * 0.15, h * 0.15, w * 0.85, h * 0.85], fill=(235, 232, 225))
    font = ImageFont.load_default(size=max(12, h // 60))
    for i in range(24):
        y = h * 0.18 + i * h * 0.027
        draw.text((w * 0.18, y), f"INVOICE 0{seed}{i:03d}  Item {i}  Qty {i % 7 + 1}  Amount {i * 37.5:.2f}", fill=(20, 20, 30), font=font)
    noise = Image.merge("RGB", [Image.effect_noise((w, h), 14 + k) for k in range(3)])
    base = Image.blend(base, noise, 0.3).filter(ImageFilter.GaussianBlur(0.4))
    return mark(base)


def mark(img):
    w, h = img.size
    s = max(8, min(w, h) // 8)
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 0, s, s], fill=MARKERS["tl"])
    draw.rectangle([w - 1 - s, 0, w - 1, s], fill=MARKERS["tr"])
    draw.rectangle([0, h - 1 - s, s, h - 1], fill=MARKERS["bl"])
    return img


def screenshot(w, h):
    img = Image.new("RGB", (w, h), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=22)
    for i, y in enumerate(range(40, h - 40, 34)):
        draw.text((60, y), f"{i:04d}  Lorem ipsum dolor sit amet, consectetur adipiscing elit  {i * 13 % 997}", fill=(10, 10, 10), font=font)
    return mark(img)


def save_rotated(upright, path, orientation, quality=95):
    """Stores `upright` as a camera would with this EXIF orientation."""
    stored = {
        1: upright,
        6: upright.transpose(Image.Transpose.ROTATE_90),  # viewer turns it clockwise
        8: upright.transpose(Image.Transpose.ROTATE_270),  # viewer turns it counter-clockwise
        3: upright.transpose(Image.Transpose.ROTATE_180),
    }[orientation]
    exif = Image.Exif()
    exif[0x0112] = orientation
    stored.save(path, "JPEG", quality=quality, exif=exif.tobytes())


def save_heic(upright, path, orientation=1, quality=80):
    """A HEIC as an iPhone stores it: pillow-heif turns the EXIF orientation into irot/imir."""
    import pillow_heif

    stored = upright if orientation == 1 else upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = orientation
    pillow_heif.from_pillow(stored).save(path, quality=quality, exif=exif.tobytes(), format="HEIF")


def main(out):
    os.makedirs(out, exist_ok=True)

    def make(name, fn):
        path = os.path.join(out, name)
        if not os.path.exists(path):
            fn(path + ".tmp")
            os.replace(path + ".tmp", path)

    # Stored 5000×3750, displayed 3750×5000 (portrait) after orientation.
    make("photo-o6.jpg", lambda p: save_rotated(camera_like(3750, 5000, 6), p, 6))
    make("photo-o8.jpg", lambda p: save_rotated(camera_like(3750, 5000, 8), p, 8))
    # Upright 4032×3024, orientation 1: fits Huawei untouched by size and pixels.
    make("photo-fits.jpg", lambda p: save_rotated(camera_like(4032, 3024, 1), p, 1, quality=85))
    # Displayed 3024×4032, stored turned (EXIF 6): within every target as it is.
    make("photo-o6-fits.jpg", lambda p: save_rotated(camera_like(3024, 4032, 9), p, 6, quality=85))
    make("screenshot.png", lambda p: screenshot(5000, 3000).save(p, "PNG"))
    make("drawing.gif", lambda p: screenshot(900, 600).convert("P", palette=Image.Palette.ADAPTIVE).save(p, "GIF"))
    make("photo.webp", lambda p: camera_like(3000, 2000, 3).save(p, "WEBP", quality=90))
    make("cmyk.jpg", lambda p: camera_like(2000, 1500, 4).convert("CMYK").save(p, "JPEG", quality=92))
    # HEIC: a 12 MP photo (4032×3024) and a small one stored turned (EXIF 6).
    make("photo-12mp.heic", lambda p: save_heic(camera_like(4032, 3024, 12), p))
    make("small-o6.heic", lambda p: save_heic(camera_like(600, 800, 7), p, 6))
    make("strip.png", lambda p: Image.new("RGB", (10, 10000), (200, 200, 200)).save(p, "PNG"))


if __name__ == "__main__":
    main(sys.argv[1])
