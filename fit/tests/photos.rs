//! Fits real photos (made by tests/fit/make_photos.py with Pillow) to each
//! target and to smaller budgets, natively: every result passes the
//! target's check, is upright (the colour markers sit in the right
//! corners), keeps the upright aspect, is within budget and, when shrunk,
//! uses at least 90 % of it. Prints budget use, time and PSNR per case.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

use ocr_edge::image::fit::AIM;
use ocr_edge::image::{check_with, probe, Format, Limits, Target};
use ocr_edge_fit::pixels::{decode, Layout, Oriented, Pixels};
use ocr_edge_fit::{fit, Fitted};

fn photos() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let python = std::env::var("OCR_EDGE_PYTHON")
            .map(PathBuf::from)
            .unwrap_or_else(|_| root.join(".venv/bin/python"));
        assert!(
            python.exists(),
            "no Python at {}: run `make venv` (or set OCR_EDGE_PYTHON to a Python with Pillow)",
            python.display()
        );
        let dir = std::env::temp_dir().join("ocr-edge-fit-photos");
        let status = Command::new(&python)
            .arg(root.join("tests/fit/make_photos.py"))
            .arg(&dir)
            .status()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
        assert!(status.success(), "make_photos.py failed (is Pillow installed? `make venv`)");
        dir
    })
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(photos().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The displayed picture as RGB, for marker and PSNR checks.
fn displayed(bytes: &[u8]) -> Pixels {
    let info = probe(bytes).expect("probe");
    let px = decode(bytes, info.format, info.width, info.height).expect("decode");
    let mut px = px;
    px.flatten();
    let view = Oriented::new(&px, info.orientation);
    let mut data = Vec::new();
    for y in 0..view.height() {
        view.row(y, &mut data);
    }
    let (width, height) = (view.width(), view.height());
    let mut out = Pixels { width, height, layout: px.layout, data };
    if out.layout == Layout::Luma {
        out.data = out.data.iter().flat_map(|&v| [v, v, v]).collect();
        out.layout = Layout::Rgb;
    }
    out
}

fn pixel(px: &Pixels, x: u32, y: u32) -> [u8; 3] {
    let at = ((y * px.width + x) * 3) as usize;
    [px.data[at], px.data[at + 1], px.data[at + 2]]
}

fn near(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) < 40)
}

/// The markers make_photos.py draws in the displayed corners.
fn assert_upright(px: &Pixels, what: &str) {
    let (w, h) = (px.width, px.height);
    let m = (w.min(h) / 8 / 2).max(1);
    assert!(
        near(pixel(px, m, m), [220, 30, 30]),
        "{what}: top-left not red: {:?}",
        pixel(px, m, m)
    );
    assert!(near(pixel(px, w - 1 - m, m), [30, 200, 30]), "{what}: top-right not green");
    assert!(near(pixel(px, m, h - 1 - m), [30, 30, 220]), "{what}: bottom-left not blue");
}

/// PSNR of the result against the upright source resized the same way.
fn psnr(source: &Pixels, out: &Pixels) -> f64 {
    let reference = source.resize(out.width, out.height).expect("resize");
    let se: f64 = reference
        .data
        .iter()
        .zip(&out.data)
        .map(|(a, b)| (f64::from(*a) - f64::from(*b)).powi(2))
        .sum();
    let mse = se / reference.data.len() as f64;
    10.0 * (255.0f64 * 255.0 / mse.max(1e-9)).log10()
}

fn check_fit(name: &str, limits: &Limits, budget_label: &str) -> Fitted {
    let input = read(name);
    let info = probe(&input).expect("probe input");
    let start = Instant::now();
    let fitted =
        fit(&input, limits, |_| {}).unwrap_or_else(|e| panic!("{name} {budget_label}: {e}"));
    let ms = start.elapsed().as_millis();
    let what = format!("{name} → {} {budget_label}", limits.service);
    let c = check_with(&fitted.info, limits);
    assert!(c.ok, "{what}: {:?}", c.violations);
    assert_eq!(fitted.info.orientation, 1, "{what}");
    assert!(fitted.info.byte_length.div_ceil(3) * 4 <= limits.max_base64, "{what}");
    // Upright aspect kept (within rounding).
    let a_in = f64::from(info.display_width) / f64::from(info.display_height);
    let a_out = f64::from(fitted.info.width) / f64::from(fitted.info.height);
    assert!((a_in - a_out).abs() / a_in < 0.01, "{what}: aspect {a_in} → {a_out}");
    let share = (fitted.info.byte_length.div_ceil(3) * 4) as f64 / limits.max_base64 as f64;
    let shrunk = fitted.scale < 1.0 || fitted.steps.iter().any(|s| !s.fits);
    let budget_bound = fitted.steps.iter().any(|s| !s.fits);
    let out = displayed(&fitted.bytes);
    if name != "strip.png" {
        assert_upright(&out, &what);
    }
    let p = if fitted.untouched { f64::INFINITY } else { psnr(&displayed(&input), &out) };
    eprintln!(
        "{what}: {} {}×{} q{:.2} scale {:.3}, {:.1}% of budget, {} encodes, {ms} ms, PSNR {p:.1} dB",
        fitted.info.format.as_str(),
        fitted.info.width,
        fitted.info.height,
        fitted.quality,
        fitted.scale,
        share * 100.0,
        fitted.steps.len(),
    );
    if budget_bound {
        assert!(
            share >= AIM,
            "{what}: only {:.1}% of the budget: {:#?}",
            share * 100.0,
            fitted.steps
        );
    }
    let _ = shrunk;
    fitted
}

const TARGETS: [Target; 2] = [Target::HuaweiQuotaInvoice, Target::TencentBizLicense];

#[test]
fn camera_photos_rotated_6_and_8() {
    for name in ["photo-o6.jpg", "photo-o8.jpg"] {
        for t in TARGETS {
            let f = check_fit(name, &t.limits(), "");
            assert_eq!((f.info.width, f.info.height), (3072, 4096));
            for budget in [3_000_000, 1_000_000, 300_000] {
                let f = check_fit(
                    name,
                    &t.limits().with_max_base64(budget),
                    &format!("budget {budget}"),
                );
                assert!(f.info.height > f.info.width, "portrait");
            }
        }
    }
}

#[test]
fn huge_png_screenshot_stays_png() {
    for t in TARGETS {
        let f = check_fit("screenshot.png", &t.limits(), "");
        assert_eq!(f.info.format, Format::Png);
        // Huawei documents 4096 px; Tencent states no pixel limit (only advice).
        let want = if t.limits().sides_are_advice { (5000, 3000) } else { (4096, 2458) };
        assert_eq!((f.info.width, f.info.height), want);
    }
    let f = check_fit(
        "screenshot.png",
        &Target::TencentBizLicense.limits().with_max_base64(300_000),
        "budget 300000",
    );
    assert_eq!(f.info.format, Format::Jpeg);
}

#[test]
fn gif_webp_and_cmyk_are_converted() {
    for t in TARGETS {
        let f = check_fit("drawing.gif", &t.limits(), "");
        assert_eq!(f.info.format, Format::Png);
        let f = check_fit("photo.webp", &t.limits(), "");
        assert_eq!(f.info.format, Format::Jpeg);
    }
    // CMYK JPEG fits Huawei's limits as it is; a smaller budget forces a decode.
    let f = check_fit("cmyk.jpg", &Target::HuaweiQuotaInvoice.limits(), "");
    assert!(f.untouched);
    let f = check_fit(
        "cmyk.jpg",
        &Target::HuaweiQuotaInvoice.limits().with_max_base64(1_000_000),
        "budget 1000000",
    );
    assert!(!f.untouched);
}

#[test]
fn fitting_photo_is_untouched() {
    let input = read("photo-fits.jpg");
    let f = check_fit("photo-fits.jpg", &Target::HuaweiQuotaInvoice.limits(), "");
    assert!(f.untouched && f.steps.is_empty());
    assert_eq!(f.bytes, input);
}

#[test]
fn strip_that_cannot_fit_is_a_typed_error() {
    let e = fit(&read("strip.png"), &Target::HuaweiQuotaInvoice.limits(), |_| {}).unwrap_err();
    assert_eq!(e.code(), "image.cannot_fit");
    assert!(e.message().contains("15 px"), "{}", e.message());
}
