"""Makes the bench's image corpus and the reference answers (Pillow).

usage: corpus.py OUT_DIR SPEC_JSON   (SPEC_JSON lists the photos to make)
       corpus.py --reference FILE... (prints Pillow's answers as JSON lines)

Photos look like camera output: a textured scene (gradients, shapes, text-like
strokes) plus sensor-like noise, JPEG at high quality, with an Exif block that
carries the orientation. The noise level is tuned so each file lands near its
byte target, because entropy, not pixel count, sets a JPEG's size.
"""

import io
import json
import os
import random
import sys
import warnings

from PIL import Image, ImageChops, ImageDraw, ImageFilter


def scene(w, h, seed):
    rnd = random.Random(seed)
    # A small canvas upscaled gives smooth, photo-like large structures cheaply.
    small = Image.new("RGB", (max(8, w // 16), max(8, h // 16)))
    d = ImageDraw.Draw(small)
    sw, sh = small.size
    for y in range(sh):
        t = y / sh
        d.line([(0, y), (sw, y)], fill=(int(200 - 80 * t), int(190 - 60 * t), int(170 + 40 * t)))
    for _ in range(30):
        x, y = rnd.randrange(sw), rnd.randrange(sh)
        r = rnd.randrange(2, max(3, sw // 6))
        d.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rnd.randrange(40, 230) for _ in range(3)))
    img = small.resize((w, h), Image.BICUBIC).filter(ImageFilter.GaussianBlur(3))
    # A "document" with text-like strokes: the kind of photo OCR users send.
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = w // 8, h // 8, w * 7 // 8, h * 7 // 8
    d.rectangle([x0, y0, x1, y1], fill=(235, 232, 225))
    line_h = max(6, h // 80)
    y = y0 + line_h * 2
    while y < y1 - line_h * 2:
        x = x0 + line_h * 2
        while x < x1 - line_h * 4:
            word = rnd.randrange(line_h * 2, line_h * 8)
            d.rectangle([x, y, min(x + word, x1 - line_h * 2), y + line_h // 2], fill=(30, 30, 40))
            x += word + line_h
        y += line_h * 2
    return img


def with_noise(img, sigma):
    # effect_noise draws from C's rand(), which Python cannot seed: file sizes
    # vary by a few hundred bytes between machines; dimensions and EXIF do not.
    w, h = img.size
    # effect_noise is Pillow's C gaussian generator; one grey plane per channel.
    planes = [Image.effect_noise((w, h), sigma) for _ in range(3)]
    noise = Image.merge("RGB", planes)
    # The noise planes are centred on 128: add them, then take the 128 back off.
    return ImageChops.add(img, noise, 1.0, -128)


def encode(img, quality, orientation):
    exif = Image.Exif()
    exif[0x010F] = "BenchCam"  # Make
    exif[0x0110] = "BC-1"  # Model
    if orientation:
        exif[0x0112] = orientation
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, subsampling=0 if quality >= 95 else 2, exif=exif.tobytes())
    return buf.getvalue()


def make(spec):
    w, h, target = spec["width"], spec["height"], spec["bytes"]
    quality, orient = spec.get("quality", 95), spec.get("orientation", 1)
    base = scene(w, h, spec["seed"])
    sigma, data = spec.get("sigma", 12.0), b""
    for _ in range(6):
        data = encode(with_noise(base, sigma), quality, orient)
        ratio = len(data) / target
        if abs(ratio - 1) < 0.06:
            break
        # Size grows a little slower than linearly with sigma at these levels.
        sigma = max(0.5, sigma / (ratio ** 1.4))
    return data


def reference(path):
    try:
        with Image.open(path) as im:
            o = im.getexif().get(0x0112, 1)
            w, h = im.size
            if im.format == "TIFF":
                # For oriented TIFFs that go through libtiff, Pillow's size is the
                # display size; tags 256/257 hold the stored size, as for every other format.
                w, h = im.tag_v2.get(256, w), im.tag_v2.get(257, h)
            return {"file": path, "format": (im.format or "").lower(), "width": w, "height": h, "orientation": o if o in range(1, 9) else 1}
    except Exception as e:  # noqa: BLE001 - any failure means "Pillow has no answer"
        return {"file": path, "error": type(e).__name__}


def main():
    if sys.argv[1] == "--reference":
        # Pillow warns on the repo's deliberately odd fixtures; answers are enough.
        warnings.simplefilter("ignore")
        for p in sys.argv[2:]:
            print(json.dumps(reference(p)))
        return
    out, specs = sys.argv[1], json.loads(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    for spec in specs:
        path = os.path.join(out, spec["name"])
        if os.path.exists(path):
            continue
        data = make(spec)
        with open(path + ".part", "wb") as f:
            f.write(data)
        os.replace(path + ".part", path)
        print(f"{spec['name']}: {spec['width']}x{spec['height']} o{spec.get('orientation', 1)} {len(data)} bytes", flush=True)


if __name__ == "__main__":
    main()
