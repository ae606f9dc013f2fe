//! Pixels: decode, flatten, resize, and encode read through the EXIF
//! orientation, so a rotated copy of the picture is never made.

use std::io::{Cursor, Write};

use fast_image_resize as fir;
use image::{DynamicImage, ImageFormat, ImageReader};
use ocr_edge::image::Format;
use ocr_edge::{Error, Result};

/// The most pixels decoded: 50 MP (e.g. 8160×6120), 150 MB as RGB. Past
/// that a worker's 128 MB could not hold the picture at all.
pub const MAX_PIXELS: u64 = 50_000_000;

/// How a pixel is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// 8-bit grey.
    Luma,
    /// 8-bit RGB.
    Rgb,
    /// 8-bit RGBA, straight (not premultiplied) alpha.
    Rgba,
}

impl Layout {
    /// Bytes per pixel.
    pub fn channels(self) -> usize {
        match self {
            Layout::Luma => 1,
            Layout::Rgb => 3,
            Layout::Rgba => 4,
        }
    }
}

/// A picture in memory, as stored (before orientation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pixels {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The pixel layout.
    pub layout: Layout,
    /// Rows top to bottom, no padding.
    pub data: Vec<u8>,
}

fn decode_error(format: Format, why: impl std::fmt::Display) -> Error {
    Error::invalid_image(
        "image.decode",
        format!("the {} image could not be decoded: {why}", format.as_str()),
    )
}

/// Decodes the first frame of a JPEG (CMYK and YCCK included), PNG, GIF,
/// WebP or BMP into 8-bit pixels, refusing before allocating when it holds
/// more than [`MAX_PIXELS`].
pub fn decode(bytes: &[u8], format: Format, width: u32, height: u32) -> Result<Pixels> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(Error::invalid_image(
            "image.too_many_pixels",
            format!(
                "the image has {width}×{height} px; at most {} megapixels are decoded without a canvas",
                MAX_PIXELS / 1_000_000
            ),
        ));
    }
    let kind = match format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
        Format::Gif => ImageFormat::Gif,
        Format::Webp => ImageFormat::WebP,
        Format::Bmp => ImageFormat::Bmp,
        other => {
            return Err(Error::invalid_image(
                "image.decode_unsupported",
                format!(
                    "{} images cannot be decoded without a canvas; convert it to JPEG or PNG first",
                    other.as_str()
                ),
            ))
        }
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind);
    let mut limits = image::Limits::default();
    // RGBA at most, plus the decoder's own buffers.
    limits.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    reader.limits(limits);
    let img = reader.decode().map_err(|e| decode_error(format, e))?;
    Ok(from_dynamic(img))
}

/// Converts to one of the three layouts, dropping an alpha channel that is
/// opaque everywhere, so JPEG-bound pictures are RGB from the start.
fn from_dynamic(img: DynamicImage) -> Pixels {
    let (width, height) = (img.width(), img.height());
    let (layout, data) = match img {
        DynamicImage::ImageLuma8(b) => (Layout::Luma, b.into_raw()),
        DynamicImage::ImageRgb8(b) => (Layout::Rgb, b.into_raw()),
        DynamicImage::ImageRgba8(b) => (Layout::Rgba, b.into_raw()),
        other if other.color().has_alpha() => (Layout::Rgba, other.into_rgba8().into_raw()),
        other if other.color().has_color() => (Layout::Rgb, other.into_rgb8().into_raw()),
        other => (Layout::Luma, other.into_luma8().into_raw()),
    };
    let mut px = Pixels { width, height, layout, data };
    if px.layout == Layout::Rgba && px.data.chunks_exact(4).all(|p| p.get(3) == Some(&255)) {
        px.flatten();
    }
    px
}

impl Pixels {
    /// Composes RGBA over white, in place, into RGB: JPEG has no alpha and
    /// a document's transparent background is meant to be paper.
    pub fn flatten(&mut self) {
        if self.layout != Layout::Rgba {
            return;
        }
        let n = self.data.len() / 4;
        for i in 0..n {
            let (r, w) = (i * 4, i * 3);
            // Reading at 4i and writing at 3i ≤ 4i never overwrites unread pixels.
            let (Some(&[red, green, blue, a]), true) = (
                self.data.get(r..r + 4).and_then(|s| <&[u8; 4]>::try_from(s).ok()),
                w + 3 <= r + 4,
            ) else {
                continue;
            };
            let over = |c: u8| {
                ((u32::from(c) * u32::from(a) + 255 * (255 - u32::from(a)) + 127) / 255) as u8
            };
            if let Some(dst) = self.data.get_mut(w..w + 3) {
                dst.copy_from_slice(&[over(red), over(green), over(blue)]);
            }
        }
        self.data.truncate(n * 3);
        self.data.shrink_to_fit();
        self.layout = Layout::Rgb;
    }

    /// A resized copy with a Catmull-Rom convolution: sharp on text, and
    /// cheaper than Lanczos3 in wasm for results hard to tell apart.
    pub fn resize(&self, width: u32, height: u32) -> Result<Pixels> {
        use fir::pixels::{U8x3, U8x4, U8};
        let size = width as usize * height as usize * self.layout.channels();
        let mut data = vec![0u8; size];
        match self.layout {
            Layout::Luma => resize_as::<U8>(self, width, height, &mut data)?,
            Layout::Rgb => resize_as::<U8x3>(self, width, height, &mut data)?,
            Layout::Rgba => resize_as::<U8x4>(self, width, height, &mut data)?,
        }
        Ok(Pixels { width, height, layout: self.layout, data })
    }
}

/// Resizes through fast_image_resize's typed API: naming the pixel type
/// keeps the other types' code and tables (a 512 KB one for 16-bit alpha)
/// out of the wasm.
fn resize_as<P>(src: &Pixels, width: u32, height: u32, out: &mut [u8]) -> Result<()>
where
    P: fir::pixels::InnerPixel + fir::PixelTrait,
{
    let failed = |e: &dyn std::fmt::Display| {
        Error::invalid_image("image.resize", format!("the image could not be resized: {e}"))
    };
    let src = fir::images::TypedImageRef::<P>::from_buffer(src.width, src.height, &src.data)
        .map_err(|e| failed(&e))?;
    let mut dst =
        fir::images::TypedImage::<P>::from_buffer(width, height, out).map_err(|e| failed(&e))?;
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::CatmullRom));
    fir::Resizer::new().resize_typed(&src, &mut dst, &options).map_err(|e| failed(&e))
}

/// The stored picture seen through an EXIF orientation, row by row.
pub struct Oriented<'a> {
    px: &'a Pixels,
    orientation: u8,
}

impl<'a> Oriented<'a> {
    /// Views `px` as displayed with `orientation` (1–8; others count as 1).
    pub fn new(px: &'a Pixels, orientation: u8) -> Oriented<'a> {
        let orientation = if (1..=8).contains(&orientation) { orientation } else { 1 };
        Oriented { px, orientation }
    }

    fn swaps(&self) -> bool {
        self.orientation >= 5
    }

    /// Displayed width.
    pub fn width(&self) -> u32 {
        if self.swaps() {
            self.px.height
        } else {
            self.px.width
        }
    }

    /// Displayed height.
    pub fn height(&self) -> u32 {
        if self.swaps() {
            self.px.width
        } else {
            self.px.height
        }
    }

    /// Appends displayed row `y` to `out`.
    pub fn row(&self, y: u32, out: &mut Vec<u8>) {
        let c = self.px.layout.channels();
        let (sw, sh) = (self.px.width as usize, self.px.height as usize);
        let (dw, y) = (self.width() as usize, y as usize);
        if self.orientation == 1 {
            let start = y * sw * c;
            out.extend_from_slice(self.px.data.get(start..start + sw * c).unwrap_or(&[]));
            return;
        }
        for x in 0..dw {
            // Where displayed pixel (x, y) is stored, per the EXIF definitions.
            let (sx, sy) = match self.orientation {
                2 => (sw - 1 - x, y),
                3 => (sw - 1 - x, sh - 1 - y),
                4 => (x, sh - 1 - y),
                5 => (y, x),
                6 => (y, sh - 1 - x),
                7 => (sw - 1 - y, sh - 1 - x),
                8 => (sw - 1 - y, x),
                _ => (x, y),
            };
            let at = (sy * sw + sx) * c;
            match self.px.data.get(at..at + c) {
                Some(p) => out.extend_from_slice(p),
                None => out.extend(std::iter::repeat_n(0, c)),
            }
        }
    }
}

/// Feeds the JPEG encoder displayed rows, converting RGB to YCbCr on the way.
impl jpeg_encoder::ImageBuffer for Oriented<'_> {
    fn get_jpeg_color_type(&self) -> jpeg_encoder::JpegColorType {
        match self.px.layout {
            Layout::Luma => jpeg_encoder::JpegColorType::Luma,
            _ => jpeg_encoder::JpegColorType::Ycbcr,
        }
    }

    fn width(&self) -> u16 {
        u16::try_from(Oriented::width(self)).unwrap_or(u16::MAX)
    }

    fn height(&self) -> u16 {
        u16::try_from(Oriented::height(self)).unwrap_or(u16::MAX)
    }

    fn fill_buffers(&self, y: u16, buffers: &mut [Vec<u8>; 4]) {
        let mut row =
            Vec::with_capacity(Oriented::width(self) as usize * self.px.layout.channels());
        self.row(u32::from(y), &mut row);
        match self.px.layout {
            Layout::Luma => buffers[0].extend_from_slice(&row),
            layout => {
                for p in row.chunks_exact(layout.channels()) {
                    if let [r, g, b, ..] = *p {
                        let (l, cb, cr) = jpeg_encoder::rgb_to_ycbcr(r, g, b);
                        buffers[0].push(l);
                        buffers[1].push(cb);
                        buffers[2].push(cr);
                    }
                }
            }
        }
    }
}

/// Encodes as baseline JPEG, 4:2:0, at `quality` percent.
pub fn encode_jpeg(view: &Oriented<'_>, quality: u8) -> Result<Vec<u8>> {
    if view.px.layout == Layout::Rgba {
        return Err(Error::invalid_image(
            "image.encode",
            "JPEG needs the alpha channel flattened first",
        ));
    }
    if view.width() > u32::from(u16::MAX) || view.height() > u32::from(u16::MAX) {
        return Err(Error::invalid_image("image.encode", "JPEG sides are at most 65535 px"));
    }
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
    enc.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    enc.encode_image(Oriented::new(view.px, view.orientation))
        .map_err(|e| Error::invalid_image("image.encode", format!("JPEG encoding failed: {e}")))?;
    Ok(out)
}

/// Encodes as 8-bit PNG, row by row through the orientation.
pub fn encode_png(view: &Oriented<'_>) -> Result<Vec<u8>> {
    let failed = |e: &dyn std::fmt::Display| {
        Error::invalid_image("image.encode", format!("PNG encoding failed: {e}"))
    };
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, view.width(), view.height());
        enc.set_color(match view.px.layout {
            Layout::Luma => png::ColorType::Grayscale,
            Layout::Rgb => png::ColorType::Rgb,
            Layout::Rgba => png::ColorType::Rgba,
        });
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Balanced);
        let mut writer = enc.write_header().map_err(|e| failed(&e))?;
        let mut stream = writer.stream_writer().map_err(|e| failed(&e))?;
        let mut row = Vec::with_capacity(view.width() as usize * view.px.layout.channels());
        for y in 0..view.height() {
            row.clear();
            view.row(y, &mut row);
            stream.write_all(&row).map_err(|e| failed(&e))?;
        }
        stream.finish().map_err(|e| failed(&e))?;
        writer.finish().map_err(|e| failed(&e))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(w: u32, h: u32) -> Pixels {
        let mut data = Vec::new();
        for y in 0..h {
            for x in 0..w {
                data.extend_from_slice(&[x as u8, y as u8, (x * 7 + y) as u8]);
            }
        }
        Pixels { width: w, height: h, layout: Layout::Rgb, data }
    }

    fn displayed(px: &Pixels, o: u8) -> (u32, u32, Vec<u8>) {
        let v = Oriented::new(px, o);
        let mut out = Vec::new();
        for y in 0..v.height() {
            v.row(y, &mut out);
        }
        (v.width(), v.height(), out)
    }

    #[test]
    fn orientation_matches_the_image_crate() {
        let px = grid(5, 3);
        let img = image::RgbImage::from_raw(5, 3, px.data.clone()).map(DynamicImage::ImageRgb8);
        for o in 1..=8u8 {
            let Some(mut want) = img.clone() else { panic!() };
            let Some(orientation) = image::metadata::Orientation::from_exif(o) else { panic!() };
            want.apply_orientation(orientation);
            let (w, h, data) = displayed(&px, o);
            assert_eq!((w, h), (want.width(), want.height()), "orientation {o}");
            assert_eq!(data, want.into_rgb8().into_raw(), "orientation {o}");
        }
    }

    #[test]
    fn flatten_composes_over_white() {
        let mut px = Pixels {
            width: 2,
            height: 1,
            layout: Layout::Rgba,
            data: vec![0, 0, 0, 0, 10, 20, 30, 255],
        };
        px.flatten();
        assert_eq!(px.layout, Layout::Rgb);
        assert_eq!(px.data, vec![255, 255, 255, 10, 20, 30]);
    }

    #[test]
    fn round_trips_through_the_encoders() {
        let px = grid(40, 30);
        let view = Oriented::new(&px, 6);
        let jpeg = encode_jpeg(&view, 90).unwrap_or_default();
        let info = ocr_edge::image::probe(&jpeg).map_err(|e| e.to_string());
        assert_eq!(
            info.map(|i| (i.format, i.width, i.height, i.orientation)),
            Ok((Format::Jpeg, 30, 40, 1))
        );
        let png = encode_png(&view).unwrap_or_default();
        let back = decode(&png, Format::Png, 30, 40).map_err(|e| e.to_string());
        let (_, _, want) = displayed(&px, 6);
        assert_eq!(back.map(|p| p.data), Ok(want));
    }
}
