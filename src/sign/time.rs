//! UTC calendar arithmetic from unix seconds, so signing needs no clock crate.
//!
//! Time always comes in as an argument; this module only formats and parses.

use std::fmt;

use crate::error::{Error, Result};

/// Seconds in a day.
const DAY: u64 = 86_400;
/// Unix seconds of 10000-01-01T00:00:00Z: both formats have four-digit years.
const YEAR_10000: u64 = 253_402_300_800;

/// A UTC date and time to the second, built from unix seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcDateTime {
    unix: u64,
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl UtcDateTime {
    /// Converts unix seconds (1970-01-01T00:00:00Z onwards) to a UTC date.
    ///
    /// Fails with `time.out_of_range` from year 10000 on, which no signature
    /// format can express.
    pub fn from_unix(unix: u64) -> Result<Self> {
        if unix >= YEAR_10000 {
            return Err(Error::invalid_argument(
                "time.out_of_range",
                "time is past the year 9999 and cannot be formatted for signing",
            ));
        }
        let days = unix / DAY;
        let rem = unix % DAY;
        let (year, month, day) = civil_from_days(days);
        // rem < 86400, so every component fits a u32 after the divisions.
        let hour = (rem / 3600) as u32;
        let minute = ((rem % 3600) / 60) as u32;
        let second = (rem % 60) as u32;
        Ok(UtcDateTime { unix, year, month, day, hour, minute, second })
    }

    /// Parses Huawei's basic format `YYYYMMDDTHHMMSSZ` (`X-Sdk-Date`).
    ///
    /// Strict: exactly 16 ASCII characters and a real calendar date; fails
    /// with `time.invalid`.
    pub fn parse_basic(text: &str) -> Result<Self> {
        let invalid = || Error::invalid_argument("time.invalid", "date is not YYYYMMDDTHHMMSSZ");
        let b = text.as_bytes();
        if b.len() != 16 || b.get(8) != Some(&b'T') || b.get(15) != Some(&b'Z') {
            return Err(invalid());
        }
        let num = |from: usize, to: usize| -> Option<u32> {
            let digits = b.get(from..to)?;
            digits.iter().try_fold(0u32, |acc, &d| {
                d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
            })
        };
        let parts = (num(0, 4), num(4, 6), num(6, 8), num(9, 11), num(11, 13), num(13, 15));
        let (Some(year), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = parts
        else {
            return Err(invalid());
        };
        if year < 1970
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return Err(invalid());
        }
        let days = days_from_civil(year, month, day);
        let unix = days * DAY + u64::from(hour) * 3600 + u64::from(minute) * 60 + u64::from(second);
        Ok(UtcDateTime { unix, year, month, day, hour, minute, second })
    }

    /// The unix seconds this was built from.
    pub fn unix(&self) -> u64 {
        self.unix
    }

    /// Huawei's `X-Sdk-Date` form, `YYYYMMDDTHHMMSSZ`.
    pub fn basic(&self) -> String {
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// Tencent's credential-scope date, `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Display for UtcDateTime {
    /// RFC 3339, for logs: `YYYY-MM-DDTHH:MM:SSZ`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

fn is_leap(year: u32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 to (year, month, day).
fn civil_from_days(days: u64) -> (u32, u32, u32) {
    // Inputs are capped below year 10000, so nothing overflows or truncates.
    let (year, month, day) =
        crate::date::civil_from_days(i64::try_from(days).unwrap_or_default()).unwrap_or_default();
    (u32::try_from(year).unwrap_or_default(), month, day)
}

/// The inverse of [`civil_from_days`], for years from 1970 on.
fn days_from_civil(year: u32, month: u32, day: u32) -> u64 {
    let days = crate::date::days_from_civil(i64::from(year), month, day).unwrap_or_default();
    u64::try_from(days).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(unix: u64) -> String {
        UtcDateTime::from_unix(unix).unwrap().basic()
    }

    #[test]
    fn epoch_and_known_instants() {
        assert_eq!(basic(0), "19700101T000000Z");
        assert_eq!(basic(1_573_788_615), "20191115T033015Z");
        assert_eq!(basic(1_551_113_065), "20190225T164425Z");
        assert_eq!(UtcDateTime::from_unix(1_551_113_065).unwrap().date(), "2019-02-25");
        assert_eq!(basic(1_640_995_200), "20220101T000000Z");
        assert_eq!(basic(1_136_214_245), "20060102T150405Z");
    }

    #[test]
    fn leap_years() {
        // 2000 is a leap year (divisible by 400), 1900 and 2100 are not.
        assert_eq!(basic(951_782_400), "20000229T000000Z");
        assert_eq!(basic(951_868_800), "20000301T000000Z");
        assert_eq!(basic(1_709_164_800), "20240229T000000Z");
        assert_eq!(basic(4_107_542_400), "21000301T000000Z");
        assert_eq!(basic(4_107_542_399), "21000228T235959Z");
        assert_eq!(basic(1_704_067_199), "20231231T235959Z");
    }

    #[test]
    fn past_2038_and_limits() {
        assert_eq!(basic(2_147_483_647), "20380119T031407Z");
        assert_eq!(basic(2_147_483_648), "20380119T031408Z");
        assert_eq!(basic(4_294_967_296), "21060207T062816Z");
        assert_eq!(basic(YEAR_10000 - 1), "99991231T235959Z");
        let err = UtcDateTime::from_unix(YEAR_10000).unwrap_err();
        assert_eq!(err.code(), "time.out_of_range");
        assert!(UtcDateTime::from_unix(u64::MAX).is_err());
    }

    #[test]
    fn parse_round_trips() {
        for unix in [0, 951_782_400, 1_573_788_615, 2_147_483_648, 4_107_542_400, YEAR_10000 - 1] {
            let t = UtcDateTime::from_unix(unix).unwrap();
            let back = UtcDateTime::parse_basic(&t.basic()).unwrap();
            assert_eq!(back, t);
            assert_eq!(back.unix(), unix);
        }
        // Walk a day at a time across several leap cycles.
        let mut unix = 0;
        while unix < 5_000_000_000 {
            let t = UtcDateTime::from_unix(unix).unwrap();
            assert_eq!(UtcDateTime::parse_basic(&t.basic()).unwrap().unix(), unix);
            unix += DAY * 7 + 3_661;
        }
    }

    #[test]
    fn parse_rejects_bad_text() {
        for bad in [
            "",
            "20191115T033655",
            "20191115 033655Z",
            "2019111xT033655Z",
            "20190229T000000Z",
            "20191301T000000Z",
            "20191100T000000Z",
            "20191115T240000Z",
            "20191115T236000Z",
            "19691231T235959Z",
            "+0191115T033655Z",
            "２0191115T03365Z",
        ] {
            assert_eq!(UtcDateTime::parse_basic(bad).unwrap_err().code(), "time.invalid", "{bad}");
        }
        assert_eq!(UtcDateTime::parse_basic("20000229T000000Z").unwrap().unix(), 951_782_400);
    }

    #[test]
    fn display_is_rfc3339() {
        assert_eq!(UtcDateTime::from_unix(0).unwrap().to_string(), "1970-01-01T00:00:00Z");
    }
}
