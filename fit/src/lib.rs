//! ocr-edge-fit: fits a photo to an OCR target's limits where there is no
//! canvas (Node, edge workers): decode, apply the EXIF orientation, resize
//! and encode, all in Rust, driven by the core's sans-IO planner
//! ([`ocr_edge::image::fit`]) so the choices match the browser path.
//!
//! Built as its own wasm (the `ocr-edge/fit` entry of the npm package) so
//! the core browser bundle does not carry decoders and encoders.
//!
//! Memory: the decoded source, at most one resized copy and the best
//! encode so far. After the first resize to the largest allowed size, that
//! copy replaces the source, and smaller tries are resized from it: a
//! 4096×3072 photo peaks near 2 × 38 MB.
//!
//! ```no_run
//! let photo = std::fs::read("photo.jpg")?;
//! let limits = ocr_edge::image::Target::TencentBizLicense.limits();
//! let fitted = ocr_edge_fit::fit(&photo, &limits, |_| {})?;
//! assert!(fitted.info.display_width <= 4096);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod pixels;

#[cfg(target_arch = "wasm32")]
mod js;

use ocr_edge::image::fit::{Decision, Planner, Probe, Step, MAX_ENCODES};
use ocr_edge::image::{probe, Format, ImageInfo, Limits};
use ocr_edge::Result;

use pixels::{Layout, Oriented, Pixels};

/// The memory of an edge worker (workerd's isolate limit).
pub const WORKER_MEMORY: u64 = 128 << 20;

/// What libheif-js takes to decode a HEIF, per displayed pixel: its own
/// heap (the coded planes, the RGBA conversion, the module) plus the RGBA
/// handed over: 100–127 MB of heap plus 48 MB of RGBA for a 12 MP photo in Node.
pub const HEIF_BYTES_PER_PIXEL: u64 = 14;

/// The memory a HEIF decode of `width`×`height` pixels takes, about.
pub fn heif_bytes_needed(width: u32, height: u32) -> u64 {
    u64::from(width) * u64::from(height) * HEIF_BYTES_PER_PIXEL
}

/// What fitting a JPEG, PNG, WebP or GIF takes in wasm memory, estimated
/// from its header before any work: two copies of the input, and per pixel
/// the decoded RGB and the encoder's buffers, more when it must also scale
/// down (over the target's side, or bytes past its budget). Measured in
/// workerd (`tests/pkg/fit-memory-workerd.mjs`): 12.6 MP as is 53 MiB,
/// 18.75 MP turned 82 MiB and scaled 146 MiB, 24 MP scaled 175 MiB, 48 MP
/// scaled 296 MiB; the estimate is at or above each.
pub fn fit_bytes_needed(info: &ImageInfo, input_len: usize, limits: &Limits) -> u64 {
    let (w, h) = (u64::from(info.display_width), u64::from(info.display_height));
    let input = input_len as u64;
    let scales = w.max(h) > u64::from(limits.max_side) || input * 4 / 3 > limits.max_base64;
    let per_pixel_tenths = if scales { 75 } else { 45 };
    2 * input + w * h * per_pixel_tenths / 10 + (4 << 20)
}

/// What a fit gives.
#[derive(Clone, Debug, PartialEq)]
pub struct Fitted {
    /// The bytes to send: the input itself when it already fitted.
    pub bytes: Vec<u8>,
    /// The probe of those bytes.
    pub info: ImageInfo,
    /// Every encode tried, in order; empty when untouched.
    pub steps: Vec<Step>,
    /// Whether the input was returned as it was.
    pub untouched: bool,
    /// The JPEG quality of the result (0–1; 1 for PNG or untouched).
    pub quality: f32,
    /// The result's size over the displayed input size (1 when untouched).
    pub scale: f64,
}

/// Progress after each encode.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    /// 1-based number of the encode just done.
    pub step: u32,
    /// The most encodes the fit may take.
    pub of: u32,
    /// What was encoded and how big it came out.
    pub last: Step,
}

/// A fit in progress, advanced one encode at a time so a caller can yield
/// to its event loop between encodes.
pub struct Fitter<'a> {
    input: &'a [u8],
    info: ImageInfo,
    /// How the pixels in `base` are stored: the input's EXIF orientation,
    /// or 1 for pixels decoded upright elsewhere.
    orientation: u8,
    planner: Planner,
    /// The picture every try is resized from: the source, then its copy at
    /// the largest allowed size once made.
    base: Option<Pixels>,
    /// The most recent resize, reused while quality alone changes.
    cache: Option<Pixels>,
    /// The long side of the largest allowed size.
    long_max: Option<u32>,
    best: Option<Vec<u8>>,
}

impl<'a> Fitter<'a> {
    /// Probes the input and plans the fit; decodes nothing yet.
    pub fn new(input: &'a [u8], limits: &Limits) -> Result<Fitter<'a>> {
        let info = probe(input)?;
        Fitter::plan(input, info, None, limits)
    }

    /// Plans the fit of an input whose pixels were decoded elsewhere
    /// (a HEIF through libheif-js), upright at its displayed size.
    pub fn from_pixels(
        input: &'a [u8],
        info: ImageInfo,
        pixels: Pixels,
        limits: &Limits,
    ) -> Result<Fitter<'a>> {
        if (pixels.width, pixels.height) != (info.display_width, info.display_height)
            || pixels.data.len() as u64
                != u64::from(pixels.width)
                    * u64::from(pixels.height)
                    * pixels.layout.channels() as u64
        {
            return Err(ocr_edge::Error::invalid_image(
                "image.decode",
                format!(
                    "the decoded picture is {}×{} px, not the displayed {}×{} px",
                    pixels.width, pixels.height, info.display_width, info.display_height
                ),
            ));
        }
        Fitter::plan(input, info, Some(pixels), limits)
    }

    fn plan(
        input: &'a [u8],
        info: ImageInfo,
        base: Option<Pixels>,
        limits: &Limits,
    ) -> Result<Fitter<'a>> {
        let planner = Planner::new(&info, limits)?;
        let orientation = if base.is_some() { 1 } else { info.orientation };
        Ok(Fitter {
            input,
            info,
            orientation,
            planner,
            base,
            cache: None,
            long_max: None,
            best: None,
        })
    }

    /// Whether the input already fits and is returned as it is.
    pub fn untouched(&self) -> bool {
        self.planner.untouched()
    }

    /// The probe of the input.
    pub fn input_info(&self) -> &ImageInfo {
        &self.info
    }

    /// Runs the next encode; `None` when the planner is done.
    pub fn step(&mut self) -> Result<Option<Progress>> {
        let Some(probe) = self.planner.next_probe() else {
            return Ok(None);
        };
        let bytes = self.encode(&probe)?;
        if self.planner.report(bytes.len() as u64) {
            self.best = Some(bytes);
        }
        let last = self.planner.steps().last().copied();
        Ok(last.map(|last| Progress {
            step: self.planner.steps().len() as u32,
            of: MAX_ENCODES,
            last,
        }))
    }

    /// Runs the remaining encodes and gives the result.
    pub fn finish(mut self) -> Result<Fitted> {
        while self.step()?.is_some() {}
        self.result()
    }

    /// The result once [`Fitter::step`] gives `None`.
    pub fn result(self) -> Result<Fitted> {
        match self.planner.finish()? {
            Decision::Untouched => Ok(Fitted {
                bytes: self.input.to_vec(),
                info: self.info,
                steps: Vec::new(),
                untouched: true,
                quality: 1.0,
                scale: 1.0,
            }),
            Decision::Encoded(step) => {
                let bytes = self.best.unwrap_or_default();
                let info = probe(&bytes)?;
                Ok(Fitted {
                    bytes,
                    info,
                    steps: self.planner.steps().to_vec(),
                    untouched: false,
                    quality: step.probe.quality,
                    scale: step.probe.scale,
                })
            }
        }
    }

    /// Encodes one probe: resize (in stored orientation), then encode
    /// reading displayed rows.
    fn encode(&mut self, probe: &Probe) -> Result<Vec<u8>> {
        let base = match self.base.take() {
            Some(b) => b,
            None => {
                pixels::decode(self.input, self.info.format, self.info.width, self.info.height)?
            }
        };
        let mut base = base;
        if probe.format == Format::Jpeg && base.layout == Layout::Rgba {
            base.flatten();
            if let Some(c) = self.cache.as_mut() {
                c.flatten();
            }
        }
        let swap = self.orientation >= 5;
        let (w, h) = if swap { (probe.height, probe.width) } else { (probe.width, probe.height) };
        let long = probe.width.max(probe.height);
        let largest = *self.long_max.get_or_insert(long);
        let out = if (base.width, base.height) == (w, h) {
            self.encode_from(&base, probe)
        } else if self
            .cache
            .as_ref()
            .is_some_and(|c| (c.width, c.height, c.layout) == (w, h, base.layout))
        {
            match &self.cache {
                Some(c) => self.encode_from(c, probe),
                None => Ok(Vec::new()),
            }
        } else {
            self.cache = None;
            let resized = base.resize(w, h)?;
            if long == largest {
                // Every later try is smaller: resize those from this copy
                // and let the (larger) source go.
                base = resized;
                self.encode_from(&base, probe)
            } else {
                let out = self.encode_from(&resized, probe);
                self.cache = Some(resized);
                out
            }
        };
        self.base = Some(base);
        out
    }

    fn encode_from(&self, px: &Pixels, probe: &Probe) -> Result<Vec<u8>> {
        let view = Oriented::new(px, self.orientation);
        match probe.format {
            Format::Png => pixels::encode_png(&view),
            _ => pixels::encode_jpeg(&view, probe.quality_percent()),
        }
    }
}

/// Fits `input` to `limits`, calling `progress` after each encode.
///
/// Errors: the probe's (`image.unknown_format`, …), `image.cannot_fit`
/// naming the limit, `image.decode` / `image.decode_unsupported` (HEIF,
/// AVIF, TIFF), `image.too_many_pixels`.
pub fn fit(input: &[u8], limits: &Limits, mut progress: impl FnMut(&Progress)) -> Result<Fitted> {
    let mut fitter = Fitter::new(input, limits)?;
    while let Some(p) = fitter.step()? {
        progress(&p);
    }
    fitter.result()
}

#[cfg(test)]
mod memory_tests {
    use super::*;

    fn info(w: u32, h: u32) -> ImageInfo {
        let mut i = probe(&[
            0x89, b'P', b'N', b'G', 13, 10, 26, 10, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0,
            1, 0, 0, 0, 1, 8, 2, 0, 0, 0,
        ])
        .unwrap();
        i.display_width = w;
        i.display_height = h;
        i
    }

    #[test]
    fn estimates_cover_the_measured_peaks() {
        use ocr_edge::image::Target;
        let limits = Target::HuaweiQuotaInvoice.limits();
        let mib = |n: u64| n >> 20;
        // (width, height, input bytes, target, measured peak MiB in workerd)
        for (w, h, len, t, peak) in [
            (4096, 3072, 3_500_000, Target::HuaweiQuotaInvoice, 53),
            (3750, 5000, 5_200_000, Target::HuaweiVatInvoice, 82),
            (3750, 5000, 5_200_000, Target::HuaweiQuotaInvoice, 146),
            (6000, 4000, 12_300_000, Target::HuaweiQuotaInvoice, 175),
            (8000, 6000, 24_700_000, Target::HuaweiQuotaInvoice, 296),
        ] {
            let need = mib(fit_bytes_needed(&info(w, h), len, &t.limits()));
            assert!(need >= peak, "{w}x{h}: {need} MiB estimated, {peak} measured");
            assert!(need <= peak * 3 / 2, "{w}x{h}: {need} MiB is far above the {peak} measured");
        }
        assert!(fit_bytes_needed(&info(4096, 3072), 3_500_000, &limits) < WORKER_MEMORY);
        assert!(fit_bytes_needed(&info(6000, 4000), 12_300_000, &limits) > WORKER_MEMORY);
    }
}
