//! Local checks of a company registration number (`RegNum`) before a paid
//! verification call: a typo caught here costs nothing.
//!
//! Two forms are accepted:
//! - the 18-character Unified Social Credit Code (GB 32100-2015), whose last
//!   character is a check over the first 17 (MOD 31, weights `3^i mod 31`),
//!   and whose characters 9–17 are the organisation code of GB 11714 with
//!   its own MOD 11 check character;
//! - the older 15-digit registration number, whose last digit is an
//!   ISO 7064 MOD 11,10 check digit.

use crate::error::{Error, Result};

/// The 31 characters of a credit code, in value order (no I, O, S, V, Z).
const CREDIT_CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// GB 32100-2015 weights of positions 1–17 (3^i mod 31).
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/// GB 11714 weights of the 8 body characters of an organisation code.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// Which form a registration number has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegNumForm {
    /// 18-character Unified Social Credit Code.
    CreditCode,
    /// 15-digit registration number.
    RegistrationNumber,
}

fn credit_value(c: u8) -> Option<u32> {
    CREDIT_CHARSET.iter().position(|&x| x == c).map(|p| p as u32)
}

/// The check character (18th) of a credit code's first 17 characters, or
/// `None` when they are not 17 characters of the credit-code charset.
pub fn credit_code_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (&c, w) in b.iter().zip(CREDIT_WEIGHTS) {
        sum += credit_value(c)? * w;
    }
    let v = (31 - sum % 31) % 31;
    CREDIT_CHARSET.get(v as usize).map(|&c| char::from(c))
}

/// The GB 11714 check character of an organisation code's 8 body characters
/// (digits, or letters valued A=10 … Z=35): `0`–`9` or `X`.
pub fn org_code_check_char(first8: &str) -> Option<char> {
    let b = first8.as_bytes();
    if b.len() != 8 {
        return None;
    }
    let mut sum = 0u32;
    for (&c, w) in b.iter().zip(ORG_WEIGHTS) {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return None,
        };
        sum += v * w;
    }
    match 11 - sum % 11 {
        10 => Some('X'),
        11 => Some('0'),
        d => char::from_digit(d, 10),
    }
}

/// The ISO 7064 MOD 11,10 check digit of a registration number's first 14
/// digits.
pub fn registration_check_digit(first14: &str) -> Option<char> {
    let b = first14.as_bytes();
    if b.len() != 14 {
        return None;
    }
    let mut p = 10u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        let mut s = (p + u32::from(c - b'0')) % 10;
        if s == 0 {
            s = 10;
        }
        p = (s * 2) % 11;
    }
    char::from_digit((11 - p) % 10, 10)
}

/// Checks a registration number and returns it normalised (trimmed, ASCII
/// letters upper-cased) with its form. Errors are `regnum.length`,
/// `regnum.charset`, `regnum.check_character` (the message names the
/// expected character) and `regnum.org_code_check`.
///
/// ```
/// use ocr_edge::api::regnum::{validate_reg_num, RegNumForm};
/// // The example code of Tencent's API page.
/// let (n, form) = validate_reg_num("911101085636549482").unwrap();
/// assert_eq!((n.as_str(), form), ("911101085636549482", RegNumForm::CreditCode));
/// assert_eq!(validate_reg_num("911101085636549483").unwrap_err().code(), "regnum.check_character");
/// ```
pub fn validate_reg_num(input: &str) -> Result<(String, RegNumForm)> {
    let s = input.trim().to_ascii_uppercase();
    let err = |code: &'static str, m: String| Error::invalid_argument(code, m);
    match s.chars().count() {
        18 => {
            if let Some((i, c)) =
                s.char_indices().find(|&(_, c)| !c.is_ascii() || credit_value(c as u8).is_none())
            {
                return Err(err(
                    "regnum.charset",
                    format!(
                        "RegNum character {} ({c:?}) is not allowed in a credit code \
                         (0-9 and A-Y without I, O, S, V, Z)",
                        i + 1
                    ),
                ));
            }
            let (head, last) = s.split_at(17);
            let org = s.get(8..17).unwrap_or("");
            let (org_body, org_last) = org.split_at(org.len().min(8));
            let want_org = org_code_check_char(org_body);
            if want_org.is_some_and(|w| org_last != w.to_string()) {
                let w = want_org.unwrap_or('?');
                return Err(err(
                    "regnum.org_code_check",
                    format!(
                        "RegNum characters 9-17 are an organisation code whose check character \
                         should be '{w}', not '{org_last}'; check for a typo"
                    ),
                ));
            }
            match credit_code_check_char(head) {
                Some(w) if last == w.to_string() => Ok((s, RegNumForm::CreditCode)),
                Some(w) => Err(err(
                    "regnum.check_character",
                    format!(
                        "RegNum check character should be '{w}', not '{last}'; check for a typo"
                    ),
                )),
                None => Err(err("regnum.charset", "RegNum is not a credit code".to_owned())),
            }
        }
        15 => {
            if !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err(
                    "regnum.charset",
                    "a 15-character RegNum must be digits only".to_owned(),
                ));
            }
            let (head, last) = s.split_at(14);
            match registration_check_digit(head) {
                Some(w) if last == w.to_string() => Ok((s, RegNumForm::RegistrationNumber)),
                Some(w) => Err(err(
                    "regnum.check_character",
                    format!("RegNum check digit should be '{w}', not '{last}'; check for a typo"),
                )),
                None => Err(err("regnum.charset", "RegNum must be digits only".to_owned())),
            }
        }
        n => Err(err(
            "regnum.length",
            format!(
                "RegNum has {n} characters; expected an 18-character credit code or a \
                 15-digit registration number"
            ),
        )),
    }
}
