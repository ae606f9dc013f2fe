#!/usr/bin/env python3
"""Prints what Pillow reads from each image in a folder, for tests/image_pillow.rs.

One line per file, tab-separated:
  NAME  ok    FORMAT  WIDTH  HEIGHT  ORIENTATION
  NAME  skip  REASON
WIDTH and HEIGHT are the stored size. Pillow's TIFF reader swaps its `size`
for orientations 5-8, so for TIFF they come from ImageWidth/ImageLength.
ORIENTATION is EXIF tag 274 as Pillow reads it (1 when absent), unfiltered;
for AVIF, Pillow derives it from the irot/imir properties. Pillow's AVIF
reader ignores a clean aperture (clap), so files with one are skipped: their
golden rows hold libheif's and Chromium's readings instead.
"""

import os
import sys

from PIL import Image

# Header probing only: no pixel data is decoded, so no size is too large.
Image.MAX_IMAGE_PIXELS = None
SKIP = {"make_fixtures.py", "make_tolerant.py", "chromium_sizes.mjs", "golden.tsv", "list.rs"}


def main(folder):
    for name in sorted(os.listdir(folder)):
        if name in SKIP:
            continue
        path = os.path.join(folder, name)
        with open(path, "rb") as f:
            if b"clap" in f.read():
                print(f"{name}\tskip\tPillow ignores the clap crop")
                continue
        try:
            with Image.open(path) as im:
                w, h = im.size
                if im.format == "TIFF":
                    w, h = im.tag_v2[256], im.tag_v2[257]
                o = im.getexif().get(0x0112, 1)
                print(f"{name}\tok\t{im.format}\t{w}\t{h}\t{o}")
        except Exception as e:  # noqa: BLE001 - any failure means "Pillow cannot open it"
            reason = f"{type(e).__name__}: {e}".replace("\t", " ").replace("\n", " ")
            print(f"{name}\tskip\t{reason}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
