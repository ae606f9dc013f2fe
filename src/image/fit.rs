//! Fitting an image to a target: which format, pixel size and quality to
//! encode at so that the result passes the target's limits, as large and as
//! good as the budget allows.
//!
//! The planner does no encoding itself (sans-IO): it proposes a [`Probe`],
//! the caller encodes at it and reports the byte size, and so on until the
//! planner is done. The browser (native canvas encoders) and the pure-Rust
//! path (Node, workers) drive the same planner, so both make the same choices.
//!
//! The search, bounded to [`MAX_ENCODES`] encodes:
//! 1. untouched when the image already passes every limit and is upright;
//!    when it passes but is stored turned (EXIF orientation 2–8), JPEG
//!    quality is searched at full size with the input's own size as the
//!    budget: the providers' documents do not say they apply the EXIF
//!    orientation, so the result is upright, but never larger than the
//!    input (or, when even the lowest quality is larger, the smallest
//!    encode within the target's budget);
//! 2. the largest scale the pixel limits allow (never above 1: no upscaling);
//! 3. for lossless sources (PNG, GIF, BMP, TIFF), PNG at that scale, kept if it fits;
//! 4. JPEG quality searched between [`QUALITY_MIN`] and [`QUALITY_MAX`] at that scale;
//! 5. if even the lowest quality is over budget, the long side searched at
//!    [`QUALITY_AT_SCALE`], then quality again at the chosen size.
//!
//! Each search keeps the largest known-good and the smallest known-bad
//! point and guesses the next one from a size model fitted through them
//! (log-size linear in quality; a power law in the side length, starting
//! from bytes ∝ area), kept strictly inside the bracket so every step
//! narrows it: a safeguarded bisection that usually lands within a few
//! percent of the budget in two or three encodes.

use super::body::base64_len;
use super::{check_with, Format, ImageInfo, Limits, Violation};
use crate::error::{Error, Result};

/// The most encodes one fit may take.
pub const MAX_ENCODES: u32 = 10;
/// The highest JPEG quality tried: above it files grow fast for no visible gain.
pub const QUALITY_MAX: f32 = 0.95;
/// The lowest JPEG quality tried before the image is scaled down instead:
/// below it, ringing around the strokes of text hurts recognition more than
/// a smaller size does.
pub const QUALITY_MIN: f32 = 0.5;
/// The JPEG quality used while searching for a smaller pixel size.
pub const QUALITY_AT_SCALE: f32 = 0.85;
/// A shrunk result is accepted once its base64 uses this share of the budget.
pub const AIM: f64 = 0.9;
/// The share of the budget the size model aims at: below 1 so that a small
/// error of the model still lands under the budget, above [`AIM`].
const TARGET: f64 = 0.96;
/// Each guess lies at least this share of the bracket away from its ends.
const SAFEGUARD: f64 = 0.1;
/// Typical d ln(bytes) / d quality of JPEG photos, for the first guess.
const QUALITY_SLOPE: f64 = 2.7;
/// bytes ∝ side^2: the area heuristic, for the first guess on size.
const SIDE_SLOPE: f64 = 2.0;

/// One encode to try: the output format, its pixel size and quality.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Probe {
    /// [`Format::Jpeg`] or [`Format::Png`].
    pub format: Format,
    /// Output width in pixels, upright (orientation applied).
    pub width: u32,
    /// Output height in pixels, upright.
    pub height: u32,
    /// Output size over the displayed source size, at most 1.
    pub scale: f64,
    /// JPEG quality from 0 to 1 in steps of 0.01; 1 for PNG.
    pub quality: f32,
}

impl Probe {
    /// The quality as the integer percent JPEG encoders take (1–100).
    pub fn quality_percent(&self) -> u8 {
        (self.quality * 100.0).round().clamp(1.0, 100.0) as u8
    }
}

/// One encode tried, and what it gave.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    /// What was encoded.
    pub probe: Probe,
    /// The encoded size in bytes.
    pub bytes: u64,
    /// The base64 size of those bytes.
    pub base64: u64,
    /// Whether the base64 size is within the budget.
    pub fits: bool,
}

/// What to send.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decision {
    /// The input already passes every limit and is upright: send it as is.
    Untouched,
    /// Send the encode of this step (the one [`Planner::report`] said to keep).
    Encoded(Step),
}

/// Which parameter a search moves.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Axis {
    /// JPEG quality, at a fixed long side.
    Quality { long: u32 },
    /// The long side in pixels, at a fixed quality.
    Side { quality: f32 },
}

/// A one-dimensional search for the largest value whose size fits.
#[derive(Clone, Copy, Debug)]
struct Search {
    axis: Axis,
    min: f64,
    max: f64,
    /// The largest value known to fit, with its byte size.
    good: Option<(f64, u64)>,
    /// The smallest value known to be over budget, with its byte size.
    bad: Option<(f64, u64)>,
    /// The second smallest value over budget, for the slope when nothing fits yet.
    bad2: Option<(f64, u64)>,
}

impl Search {
    fn new(axis: Axis, min: f64, max: f64) -> Search {
        Search { axis, min, max, good: None, bad: None, bad2: None }
    }

    /// The coordinate the size model is linear in.
    fn u(&self, x: f64) -> f64 {
        match self.axis {
            Axis::Quality { .. } => x,
            Axis::Side { .. } => x.max(1.0).ln(),
        }
    }

    /// The value at coordinate `u`: the inverse of [`Search::u`].
    fn x_of(&self, u: f64) -> f64 {
        match self.axis {
            Axis::Quality { .. } => u,
            Axis::Side { .. } => u.exp(),
        }
    }

    /// The smallest meaningful difference: one quality percent, or one pixel.
    fn grain(&self) -> f64 {
        match self.axis {
            Axis::Quality { .. } => 0.01,
            Axis::Side { .. } => 1.0,
        }
    }

    fn snap(&self, x: f64) -> f64 {
        let g = self.grain();
        ((x / g).round() * g).clamp(self.min, self.max)
    }

    fn default_slope(&self) -> f64 {
        match self.axis {
            Axis::Quality { .. } => QUALITY_SLOPE,
            Axis::Side { .. } => SIDE_SLOPE,
        }
    }

    /// d ln(size) / du through two points, or the default when they disagree.
    fn slope(&self, a: (f64, u64), b: (f64, u64)) -> f64 {
        let du = self.u(b.0) - self.u(a.0);
        let dl = (b.1.max(1) as f64).ln() - (a.1.max(1) as f64).ln();
        let s = dl / du;
        if du.abs() > 1e-9 && s.is_finite() && s > 0.05 {
            s
        } else {
            self.default_slope()
        }
    }

    fn record(&mut self, x: f64, bytes: u64, fits: bool) {
        if fits {
            if self.good.is_none_or(|(g, _)| x > g) {
                self.good = Some((x, bytes));
            }
        } else if self.bad.is_none_or(|(b, _)| x < b) {
            self.bad2 = self.bad;
            self.bad = Some((x, bytes));
        } else if self.bad2.is_none_or(|(b, _)| x < b) {
            self.bad2 = Some((x, bytes));
        }
    }

    /// The next value to try for a size of `target` bytes, or `None` when
    /// the bracket cannot narrow any more (or nothing can fit).
    fn next(&self, target: f64) -> Option<f64> {
        let g = self.grain();
        let lt = target.max(1.0).ln();
        match (self.good, self.bad) {
            (None, None) => Some(self.max),
            (Some(good), None) => {
                if good.0 + g > self.max + 1e-9 {
                    return None;
                }
                let u = self.u(good.0) + (lt - (good.1.max(1) as f64).ln()) / self.default_slope();
                Some(self.snap(self.x_of(u).max(good.0 + g)))
            }
            (None, Some(bad)) => {
                if bad.0 - g < self.min - 1e-9 {
                    return None;
                }
                let slope = self.bad2.map_or(self.default_slope(), |b2| self.slope(bad, b2));
                let u = self.u(bad.0) + (lt - (bad.1.max(1) as f64).ln()) / slope;
                Some(self.snap(self.x_of(u).min(bad.0 - g)))
            }
            (Some(good), Some(bad)) => {
                if bad.0 - good.0 < 2.0 * g - 1e-9 {
                    return None;
                }
                let u = self.u(good.0) + (lt - (good.1.max(1) as f64).ln()) / self.slope(good, bad);
                let width = bad.0 - good.0;
                let lo = good.0 + SAFEGUARD * width;
                let hi = bad.0 - SAFEGUARD * width;
                let x = self.snap(self.x_of(u).clamp(lo, hi));
                // Rounding may land on an end: step one grain inside instead.
                Some(x.clamp(good.0 + g, bad.0 - g))
            }
        }
    }
}

/// Where the planner is.
#[derive(Clone, Copy, Debug)]
enum Phase {
    /// PNG at the largest allowed size.
    Png,
    /// A search on quality or on the long side.
    Search(Search),
    /// Nothing more to try.
    Done,
}

/// The planner: a state machine driven by [`Planner::next_probe`] and [`Planner::report`].
#[derive(Clone, Debug)]
pub struct Planner {
    width: u32,
    height: u32,
    /// The limits searched against: the target's, with the input's own
    /// size as the budget when only the orientation needs fixing.
    limits: Limits,
    /// The target's own base64 budget.
    budget: u64,
    /// The input passes every limit but is stored turned: fix that only.
    turn_only: bool,
    untouched: bool,
    /// The long side at the largest allowed scale, and at the smallest.
    long_max: u32,
    long_min: u32,
    phase: Phase,
    pending: Option<Probe>,
    steps: Vec<Step>,
    best: Option<usize>,
}

/// Why an image cannot fit, as an error with the limit it breaks.
fn cannot_fit(code: &'static str, message: String, limit: String, actual: String) -> Error {
    let v = Violation { code, message: message.clone(), limit, actual };
    Error::invalid_image("image.cannot_fit", message).with_violations(vec![v])
}

impl Planner {
    /// Plans the fit of an image (as probed) to `limits`.
    ///
    /// Errors with `image.cannot_fit` when no scale at or below 1 gives
    /// sides within the limits (e.g. 10×10000 px: at 4096 px long, the
    /// short side would be 4 px), naming the limit in the message.
    pub fn new(info: &ImageInfo, limits: &Limits) -> Result<Planner> {
        let (w, h) = (info.display_width, info.display_height);
        let service = limits.service;
        if info.format.is_document() {
            return Planner::document(info, limits);
        }
        if w == 0 || h == 0 {
            return Err(Error::invalid_image("image.corrupt", "the image has no pixels"));
        }
        let (long, short) = (w.max(h), w.min(h));
        let passes = check_with(info, limits).ok;
        let untouched = passes && info.orientation <= 1;
        let turn_only = passes && !untouched;
        if short < limits.min_side {
            return Err(cannot_fit(
                "image.too_small",
                format!(
                    "the shortest side is {short} px; {service} needs at least {} px and images are not enlarged",
                    limits.min_side
                ),
                limits.min_side.to_string(),
                short.to_string(),
            ));
        }
        let mut planner = Planner {
            width: w,
            height: h,
            limits: if turn_only {
                let own = base64_len(info.byte_length).max(4);
                limits.with_max_base64(own.min(limits.max_base64))
            } else {
                *limits
            },
            budget: limits.max_base64,
            turn_only,
            untouched,
            long_max: long.min(limits.max_side).max(1),
            long_min: 1,
            phase: Phase::Png,
            pending: None,
            steps: Vec::new(),
            best: None,
        };
        let at_max = planner.dims(planner.long_max);
        let short_at_max = at_max.0.min(at_max.1);
        if short_at_max < limits.min_side {
            return Err(cannot_fit(
                "image.too_small",
                format!(
                    "the image is {w}×{h} px: scaled to {} px on the long side for {service}, the short side would be {short_at_max} px, under the minimum of {} px",
                    planner.long_max, limits.min_side
                ),
                limits.min_side.to_string(),
                short_at_max.to_string(),
            ));
        }
        // The smallest long side whose short side still meets the minimum.
        let mut long_min =
            ((f64::from(limits.min_side) * f64::from(long) / f64::from(short)).ceil() as u32)
                .clamp(1, planner.long_max);
        while long_min < planner.long_max && {
            let (a, b) = planner.dims(long_min);
            a.min(b) < limits.min_side
        } {
            long_min += 1;
        }
        // Turning only: the size already passes, so it is kept.
        planner.long_min = if turn_only { planner.long_max } else { long_min };
        let lossless =
            matches!(info.format, Format::Png | Format::Gif | Format::Bmp | Format::Tiff);
        planner.phase = if lossless && limits.formats.contains(&Format::Png) {
            Phase::Png
        } else {
            planner.quality_search(planner.long_max, f64::from(QUALITY_MIN))
        };
        if !limits.formats.contains(&Format::Jpeg) && !limits.formats.contains(&Format::Png) {
            return Err(Error::invalid_argument(
                "target.formats",
                format!("{service} accepts neither JPEG nor PNG: nothing to convert to"),
            ));
        }
        Ok(planner)
    }

    /// A PDF or OFD is sent as it is when it passes, else it cannot be fitted:
    /// its pages are not rendered here.
    fn document(info: &ImageInfo, limits: &Limits) -> Result<Planner> {
        let check = check_with(info, limits);
        if let Some(v) = check.violations.into_iter().next() {
            let message = format!("{}; a document is sent as it is, not converted", v.message);
            return Err(cannot_fit(v.code, message, v.limit, v.actual));
        }
        Ok(Planner {
            width: 0,
            height: 0,
            limits: *limits,
            budget: limits.max_base64,
            turn_only: false,
            untouched: true,
            long_max: 1,
            long_min: 1,
            phase: Phase::Done,
            pending: None,
            steps: Vec::new(),
            best: None,
        })
    }

    /// Whether the input passes every limit as it is and is upright.
    pub fn untouched(&self) -> bool {
        self.untouched
    }

    /// The output size for a long side of `long` pixels, keeping the aspect.
    fn dims(&self, long: u32) -> (u32, u32) {
        let (w, h) = (f64::from(self.width), f64::from(self.height));
        let s = f64::from(long) / w.max(h);
        let w2 = ((w * s).round() as u32).clamp(1, long.max(1));
        let h2 = ((h * s).round() as u32).clamp(1, long.max(1));
        (w2, h2)
    }

    fn probe(&self, format: Format, long: u32, quality: f32) -> Probe {
        let (width, height) = self.dims(long);
        let scale = f64::from(long) / f64::from(self.width.max(self.height));
        Probe { format, width, height, scale, quality }
    }

    fn quality_search(&self, long: u32, min_quality: f64) -> Phase {
        if !self.limits.formats.contains(&Format::Jpeg) {
            return Phase::Done;
        }
        Phase::Search(Search::new(Axis::Quality { long }, min_quality, f64::from(QUALITY_MAX)))
    }

    /// The budget in raw bytes that the size model aims at.
    fn target_bytes(&self) -> f64 {
        self.limits.max_base64 as f64 * TARGET * 0.75
    }

    fn best_step(&self) -> Option<&Step> {
        self.best.and_then(|i| self.steps.get(i))
    }

    /// Whether the best result so far is close enough to the budget.
    fn good_enough(&self) -> bool {
        self.best_step()
            .is_some_and(|s| s.fits && s.base64 as f64 >= AIM * self.limits.max_base64 as f64)
    }

    /// The next encode to try, or `None` when done (then call [`Planner::finish`]).
    /// Calling it again before [`Planner::report`] gives the same probe.
    pub fn next_probe(&mut self) -> Option<Probe> {
        if self.untouched {
            return None;
        }
        if self.pending.is_some() {
            return self.pending;
        }
        let used = self.steps.len() as u32;
        if used >= MAX_ENCODES {
            return None;
        }
        let last_chance = used + 1 == MAX_ENCODES && self.best.is_none();
        let probe = loop {
            match self.phase {
                Phase::Done => return None,
                Phase::Png => break self.probe(Format::Png, self.long_max, 1.0),
                Phase::Search(search) => {
                    let mut target = self.target_bytes();
                    if last_chance {
                        // No result yet and one encode left: aim well under.
                        target *= 0.5;
                    }
                    match (search.next(target), search.axis) {
                        (Some(q), Axis::Quality { long }) => {
                            break self.probe(Format::Jpeg, long, q as f32);
                        }
                        (Some(side), Axis::Side { quality }) => {
                            break self.probe(Format::Jpeg, side as u32, quality);
                        }
                        (None, _) => self.phase = self.after(search),
                    }
                }
            }
        };
        self.pending = Some(probe);
        Some(probe)
    }

    /// What to do when a search can narrow no more.
    fn after(&self, search: Search) -> Phase {
        if self.best.is_some() {
            return match search.axis {
                // The side is settled: fill the rest of the budget with quality.
                Axis::Side { quality } if !self.good_enough() => match search.good {
                    Some((side, bytes)) if f64::from(quality) < f64::from(QUALITY_MAX) => {
                        let mut s = Search::new(
                            Axis::Quality { long: side as u32 },
                            f64::from(quality),
                            f64::from(QUALITY_MAX),
                        );
                        s.record(f64::from(quality), bytes, true);
                        Phase::Search(s)
                    }
                    _ => Phase::Done,
                },
                _ => Phase::Done,
            };
        }
        match search.axis {
            // Even the lowest quality is over budget at the largest size:
            // search the size, starting from the area heuristic.
            Axis::Quality { long } if long == self.long_max && self.long_min < self.long_max => {
                let mut s = Search::new(
                    Axis::Side { quality: QUALITY_AT_SCALE },
                    f64::from(self.long_min),
                    f64::from(self.long_max - 1),
                );
                if let Some(guess) = self.estimate_at_scale_quality(search) {
                    s.record(f64::from(long), guess, false);
                }
                Phase::Search(s)
            }
            // Even the smallest size is over budget at the scale quality:
            // lower the quality at the smallest size.
            Axis::Side { quality } if f64::from(quality) > f64::from(QUALITY_MIN) => {
                let long = self.long_min;
                let mut s = Search::new(
                    Axis::Quality { long },
                    f64::from(QUALITY_MIN),
                    f64::from(quality) - 0.01,
                );
                if let Some((_, b)) = search.bad.filter(|(side, _)| *side as u32 == long) {
                    s.record(f64::from(quality), b, false);
                }
                Phase::Search(s)
            }
            _ => Phase::Done,
        }
    }

    /// Estimates the size at [`QUALITY_AT_SCALE`] from the quality search
    /// that ended over budget at the same size (log-size linear in quality).
    fn estimate_at_scale_quality(&self, search: Search) -> Option<u64> {
        let (q0, s0) = search.bad?;
        let slope = search.bad2.map_or(QUALITY_SLOPE, |b2| search.slope((q0, s0), b2));
        let ln = (s0.max(1) as f64).ln() + slope * (f64::from(QUALITY_AT_SCALE) - q0);
        Some(ln.exp().round() as u64)
    }

    /// Reports the byte size of the encode of the pending probe. Returns
    /// true when it is the best result so far: the caller keeps its bytes
    /// (and may drop any it kept before).
    pub fn report(&mut self, bytes: u64) -> bool {
        let Some(probe) = self.pending.take() else {
            return false;
        };
        let base64 = base64_len(bytes);
        let fits = base64 <= self.limits.max_base64;
        self.steps.push(Step { probe, bytes, base64, fits });
        let index = self.steps.len() - 1;
        let better = if fits {
            match self.best_step() {
                None => true,
                // PNG is lossless, so any PNG that fits is kept; among JPEGs the
                // larger file is the larger or better image.
                Some(b) => !b.fits || (b.probe.format == Format::Jpeg && bytes > b.bytes),
            }
        } else {
            // Turning only, larger than the input: kept as the fallback while
            // nothing smaller than the input is known, the smallest such one.
            self.turn_only
                && base64 <= self.budget
                && self.best_step().is_none_or(|b| !b.fits && bytes < b.bytes)
        };
        if better {
            self.best = Some(index);
        }
        self.phase = match self.phase {
            Phase::Png if fits => Phase::Done,
            Phase::Png => self.quality_search(self.long_max, f64::from(QUALITY_MIN)),
            Phase::Search(mut s) => {
                let x = match s.axis {
                    Axis::Quality { .. } => f64::from(probe.quality),
                    Axis::Side { .. } => f64::from(probe.width.max(probe.height)),
                };
                s.record(x, bytes, fits);
                let top = (x - s.max).abs() < 1e-9;
                if (fits && top) || self.good_enough() {
                    Phase::Done
                } else {
                    Phase::Search(s)
                }
            }
            Phase::Done => Phase::Done,
        };
        better
    }

    /// Every encode tried so far, in order.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The decision once [`Planner::next_probe`] gives `None`.
    ///
    /// Errors with `image.cannot_fit` when nothing tried is within the
    /// budget, naming the budget.
    pub fn finish(&self) -> Result<Decision> {
        if self.untouched {
            return Ok(Decision::Untouched);
        }
        if let Some(step) = self.best_step() {
            return Ok(Decision::Encoded(*step));
        }
        let smallest = self.steps.iter().map(|s| s.base64).min().unwrap_or(0);
        Err(cannot_fit(
            "image.over_budget",
            format!(
                "the image cannot be brought within {} bytes of base64 for {} at {} px or more on the short side (the smallest try was {smallest} bytes)",
                self.budget, self.limits.service, self.limits.min_side
            ),
            self.budget.to_string(),
            smallest.to_string(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::Target;

    fn info(format: Format, w: u32, h: u32, orientation: u8, bytes: u64) -> ImageInfo {
        let swap = orientation >= 5;
        ImageInfo {
            format,
            width: w,
            height: h,
            orientation,
            display_width: if swap { h } else { w },
            display_height: if swap { w } else { h },
            byte_length: bytes,
        }
    }

    /// A synthetic JPEG: bytes per pixel grow with quality (log-linear, a
    /// bit convex near the top) and a little as the picture shrinks (more
    /// detail per pixel), with a deterministic jitter.
    fn jpeg_size(p: &Probe, density: f64) -> u64 {
        let px = f64::from(p.width) * f64::from(p.height);
        let q = f64::from(p.quality);
        let per_px = density * (2.4 * q + 1.5 * (q - 0.8).max(0.0).powi(2) * 10.0).exp() / 11.0;
        let detail = (1.0 / p.scale.max(0.01)).powf(0.3);
        let jitter = 1.0 + 0.01 * ((p.width % 7) as f64 - 3.0) / 3.0;
        (px * per_px * detail * jitter) as u64
    }

    fn run(
        info: &ImageInfo,
        limits: &Limits,
        size: impl Fn(&Probe) -> u64,
    ) -> (Result<Decision>, Vec<Step>) {
        let mut p = match Planner::new(info, limits) {
            Ok(p) => p,
            Err(e) => return (Err(e), Vec::new()),
        };
        let mut kept = None;
        while let Some(probe) = p.next_probe() {
            assert!(probe.scale <= 1.0 + 1e-9, "upscaled: {probe:?}");
            assert!(probe.width.max(probe.height) <= limits.max_side);
            assert!(probe.width.min(probe.height) >= limits.min_side);
            let n = size(&probe);
            if p.report(n) {
                kept = Some(n);
            }
        }
        let d = p.finish();
        if let Ok(Decision::Encoded(s)) = &d {
            assert_eq!(kept, Some(s.bytes));
            assert!(s.base64 <= limits.max_base64);
            assert!(s.fits || p.turn_only, "{s:?}");
        }
        (d, p.steps().to_vec())
    }

    #[test]
    fn untouched_when_it_already_fits() {
        let limits = Target::HuaweiQuotaInvoice.limits();
        let i = info(Format::Jpeg, 4000, 3000, 1, 3_000_000);
        let (d, steps) = run(&i, &limits, |_| unreachable!());
        assert_eq!(d, Ok(Decision::Untouched));
        assert!(steps.is_empty());
    }

    #[test]
    fn rotated_photo_that_fits_is_turned_upright_and_never_larger() {
        let limits = Target::HuaweiQuotaInvoice.limits();
        let i = info(Format::Jpeg, 4000, 3000, 6, 3_000_000);
        let (d, steps) = run(&i, &limits, |p| jpeg_size(p, 0.5));
        let Ok(Decision::Encoded(s)) = d else { panic!("{d:?}") };
        assert_eq!((s.probe.width, s.probe.height), (3000, 4000));
        assert!(s.fits && s.bytes <= 3_000_000, "{s:?}");
        // Close to the input's size, not far below it.
        assert!(s.base64 as f64 >= AIM * base64_len(3_000_000) as f64, "{steps:?}");
        assert!(steps.iter().all(|t| (t.probe.width, t.probe.height) == (3000, 4000)));
        assert!(steps.len() <= 6, "{steps:?}");

        // Already at full size and a high quality: one encode, under the input.
        let (d, steps) =
            run(&info(Format::Jpeg, 4000, 3000, 6, 9_000_000), &limits, |p| jpeg_size(p, 0.5));
        let Ok(Decision::Encoded(s)) = d else { panic!("{d:?}") };
        assert_eq!((s.probe.quality, steps.len()), (QUALITY_MAX, 1));
    }

    #[test]
    fn rotated_photo_smaller_than_any_upright_encode_takes_the_smallest() {
        let limits = Target::HuaweiQuotaInvoice.limits();
        let i = info(Format::Jpeg, 4000, 3000, 8, 500_000);
        let (d, steps) = run(&i, &limits, |p| jpeg_size(p, 0.5));
        let Ok(Decision::Encoded(s)) = d else { panic!("{d:?}") };
        assert_eq!((s.probe.width, s.probe.height), (3000, 4000), "the size is kept");
        assert_eq!(s.probe.quality, QUALITY_MIN);
        assert!(!s.fits && s.base64 <= limits.max_base64);
        assert_eq!(s.bytes, steps.iter().map(|t| t.bytes).min().unwrap());
        assert!(steps.len() as u32 <= MAX_ENCODES);
    }

    #[test]
    fn too_large_in_pixels_scales_to_the_limit() {
        let limits = Target::TencentBizLicense.limits();
        let i = info(Format::Jpeg, 5000, 3750, 8, 9_000_000);
        let (d, _) = run(&i, &limits, |p| jpeg_size(p, 0.3));
        let Ok(Decision::Encoded(s)) = d else { panic!("{d:?}") };
        assert_eq!((s.probe.width, s.probe.height), (3072, 4096));
    }

    #[test]
    fn quality_search_lands_close_to_the_budget() {
        for (budget, density) in [(7_000_000, 1.0), (10_000_000, 1.5), (2_000_000, 0.4)] {
            let limits = Target::TencentBizLicense.limits().with_max_base64(budget);
            let i = info(Format::Jpeg, 4000, 3000, 1, 20_000_000);
            let (d, steps) = run(&i, &limits, |p| jpeg_size(p, density));
            let Ok(Decision::Encoded(s)) = d else { panic!("{d:?}") };
            let share = s.base64 as f64 / budget as f64;
            assert!(share >= AIM, "{budget} {density}: {share} after {steps:?}");
            assert!(steps.len() <= 6, "{steps:?}");
        }
    }

    #[test]
    fn scale_search_when_quality_alone_is_not_enough() {
        for budget in [300_000u64, 1_000_000, 3_000_000] {
            let limits = Target::HuaweiQuotaInvoice.limits().with_max_base64(budget);
            let i = info(Format::Jpeg, 5000, 3750, 6, 9_000_000);
            let (d, steps) = run(&i, &limits, |p| jpeg_size(p, 1.0));
            let Ok(Decision::Encoded(s)) = d else { panic!("{d:?}") };
            let share = s.base64 as f64 / budget as f64;
            assert!(share >= AIM, "{budget}: {share} after {steps:#?}");
            assert!(s.probe.width < s.probe.height, "upright");
            assert!(s.probe.quality >= QUALITY_AT_SCALE);
            assert!(steps.len() as u32 <= MAX_ENCODES);
        }
    }

    #[test]
    fn png_kept_when_it_fits_and_jpeg_otherwise() {
        let limits = Target::HuaweiQuotaInvoice.limits();
        let shot = info(Format::Png, 5000, 3000, 1, 2_000_000);
        let (d, steps) = run(&shot, &limits, |p| match p.format {
            Format::Png => 1_500_000,
            _ => jpeg_size(p, 0.5),
        });
        let Ok(Decision::Encoded(s)) = d else { panic!("{d:?}") };
        assert_eq!(s.probe.format, Format::Png);
        assert_eq!((s.probe.width, s.probe.height), (4096, 2458));
        assert_eq!(steps.len(), 1);

        let photo = info(Format::Png, 5000, 3000, 1, 30_000_000);
        let (d, steps) = run(&photo, &limits, |p| match p.format {
            Format::Png => 25_000_000,
            _ => jpeg_size(p, 1.0),
        });
        let Ok(Decision::Encoded(s)) = d else { panic!("{d:?}") };
        assert_eq!(s.probe.format, Format::Jpeg);
        assert_eq!(steps[0].probe.format, Format::Png);
    }

    #[test]
    fn refused_formats_are_converted_even_when_small() {
        let limits = Target::TencentBizLicense.limits();
        let gif = info(Format::Gif, 400, 300, 1, 50_000);
        let (d, _) = run(&gif, &limits, |_| 60_000);
        let Ok(Decision::Encoded(s)) = d else { panic!("{d:?}") };
        assert_eq!(s.probe.format, Format::Png);
        assert_eq!(s.probe.scale, 1.0);
        let webp = info(Format::Webp, 400, 300, 1, 50_000);
        let (d, _) = run(&webp, &limits, |_| 60_000);
        let Ok(Decision::Encoded(s)) = d else { panic!("{d:?}") };
        assert_eq!((s.probe.format, s.probe.quality), (Format::Jpeg, QUALITY_MAX));
    }

    #[test]
    fn impossible_shapes_are_typed_errors() {
        let limits = Target::HuaweiQuotaInvoice.limits();
        let strip = info(Format::Png, 10, 10_000, 1, 1000);
        let (d, _) = run(&strip, &limits, |_| 1);
        let e = d.unwrap_err();
        assert_eq!(e.code(), "image.cannot_fit");
        assert!(e.message().contains("15 px"), "{}", e.message());
        assert_eq!(e.violations()[0].code, "image.too_small");

        let thin = info(Format::Png, 20_000, 60, 1, 1000);
        let (d, _) = run(&thin, &limits, |_| 1);
        assert_eq!(d.unwrap_err().code(), "image.cannot_fit");

        // 5000×20 fits once scaled: 4096×16.
        let ok = info(Format::Png, 5000, 20, 1, 1000);
        let (d, _) = run(&ok, &limits, |_| 500);
        let Ok(Decision::Encoded(s)) = d else { panic!("{d:?}") };
        assert_eq!((s.probe.width, s.probe.height), (4096, 16));
    }

    #[test]
    fn impossible_budget_is_a_typed_error_within_the_encode_bound() {
        let limits = Target::HuaweiQuotaInvoice.limits().with_max_base64(100);
        let i = info(Format::Jpeg, 4000, 3000, 1, 5_000_000);
        let (d, steps) = run(&i, &limits, |p| jpeg_size(p, 1.0));
        let e = d.unwrap_err();
        assert_eq!(e.code(), "image.cannot_fit");
        assert_eq!(e.violations()[0].code, "image.over_budget");
        assert!(steps.len() as u32 <= MAX_ENCODES);
    }

    #[test]
    fn never_over_budget_for_many_shapes_and_budgets() {
        let mut seed = 12345u64;
        let mut rnd = move |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut shares = Vec::new();
        for _ in 0..300 {
            let w = 100 + rnd(8000) as u32;
            let h = 100 + rnd(8000) as u32;
            let budget = 50_000 + rnd(12_000_000);
            let density = 0.1 + rnd(100) as f64 / 50.0;
            let limits = Target::HuaweiQuotaInvoice.limits().with_max_base64(budget);
            let i = info(Format::Jpeg, w, h, 1 + rnd(8) as u8, budget * 2);
            let (d, steps) = run(&i, &limits, |p| jpeg_size(p, density));
            assert!(steps.len() as u32 <= MAX_ENCODES);
            if let Ok(Decision::Encoded(s)) = d {
                if steps.len() > 1 {
                    shares.push(s.base64 as f64 / budget as f64);
                }
            }
        }
        shares.sort_by(f64::total_cmp);
        let low = shares.iter().filter(|s| **s < AIM).count();
        assert!(
            low * 20 <= shares.len(),
            "{low} of {} under {AIM}: {:?}",
            shares.len(),
            &shares[..10]
        );
    }
}
