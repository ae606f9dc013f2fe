//! Amounts as OCR reads them on Chinese invoices, turned into integer fen.

/// Reads an amount like `￥50.00`, `¥1,234.5`, `50元` or `RMB 12` as integer
/// fen. Returns `None` for anything it cannot read with certainty (Chinese
/// numerals, a negative sign, badly grouped thousands, a third non-zero
/// decimal, overflow): no answer rather than a wrong one.
///
/// ```
/// use ocr_edge::api::amount::parse_amount_cents;
/// assert_eq!(parse_amount_cents("￥50.00"), Some(5000));
/// assert_eq!(parse_amount_cents("¥1,234.5"), Some(123450));
/// assert_eq!(parse_amount_cents("伍拾元"), None);
/// ```
pub fn parse_amount_cents(text: &str) -> Option<i64> {
    // Full-width digits and punctuation occur in OCR output; map them.
    let norm: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '，' => ',',
            c => c,
        })
        .collect();
    let mut s = norm.trim();
    for prefix in ["￥", "¥", "RMB", "CNY", "人民币"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.trim_start();
            break;
        }
    }
    for suffix in ["元整", "圆整", "元", "圆"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            s = rest.trim_end();
            break;
        }
    }
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let first = groups.first()?;
        let first_ok = (1..=3).contains(&first.len());
        let rest_ok = groups.iter().skip(1).all(|g| g.len() == 3);
        if !first_ok || !rest_ok {
            return None;
        }
        groups.concat()
    } else {
        int_part.to_owned()
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut cents: i64 = 0;
    for b in digits.bytes() {
        cents = cents.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
    }
    cents = cents.checked_mul(100)?;
    if let Some(f) = frac_part {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (kept, extra) = f.split_at(f.len().min(2));
        if extra.bytes().any(|b| b != b'0') {
            return None;
        }
        let mut frac: i64 = 0;
        for (i, b) in kept.bytes().enumerate() {
            let place = if i == 0 { 10 } else { 1 };
            frac += i64::from(b - b'0') * place;
        }
        cents = cents.checked_add(frac)?;
    }
    Some(cents)
}
