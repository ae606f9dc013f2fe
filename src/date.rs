//! Proleptic Gregorian calendar arithmetic on days since 1970-01-01, the one
//! routine behind the signing dates (`sign::time`) and the HTTP dates of
//! `Retry-After` (`retry`).
//!
//! Years run from 0000-03-01-based eras of 400 years (146 097 days), so leap
//! days fall at the end of each shifted year.

/// Days between 0000-03-01 and 1970-01-01.
const EPOCH_SHIFT: i64 = 719_468;
/// Days in 400 Gregorian years.
const ERA_DAYS: i64 = 146_097;

/// Days since 1970-01-01 (negative before) of `year`-`month`-`day`, with
/// `month` in 1..=12 and `day` in 1..=31 (not checked against the month's
/// length). `None` when the count does not fit an `i64`.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    let (month, day) = (i64::from(month), i64::from(day));
    let y = if month <= 2 { year.checked_sub(1)? } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era.checked_mul(ERA_DAYS)?.checked_add(doe)?.checked_sub(EPOCH_SHIFT)
}

/// The `(year, month, day)` of `days` since 1970-01-01, the inverse of
/// [`days_from_civil`] for every `days` that leaves room for the shift.
pub fn civil_from_days(days: i64) -> Option<(i64, u32, u32)> {
    let z = days.checked_add(EPOCH_SHIFT)?;
    let era = z.div_euclid(ERA_DAYS);
    let doe = z.rem_euclid(ERA_DAYS);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // doy < 366 and mp < 12, so both fit a u32.
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = era.checked_mul(400)?.checked_add(yoe + i64::from(month <= 2))?;
    Some((year, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(days_from_civil(1969, 12, 31), Some(-1));
        assert_eq!(days_from_civil(2000, 3, 1), Some(11_017));
        assert_eq!(days_from_civil(1994, 11, 6), Some(9_075));
        assert_eq!(civil_from_days(0), Some((1970, 1, 1)));
        assert_eq!(civil_from_days(-1), Some((1969, 12, 31)));
        assert_eq!(civil_from_days(11_016), Some((2000, 2, 29)));
        assert_eq!(civil_from_days(2_932_896), Some((9999, 12, 31)));
    }

    #[test]
    fn round_trips_and_never_overflows() {
        for days in (-800_000..3_000_000).step_by(97) {
            let (y, m, d) = civil_from_days(days).unwrap();
            assert_eq!(days_from_civil(y, m, d), Some(days), "{y}-{m}-{d}");
        }
        assert_eq!(days_from_civil(i64::MAX, 12, 31), None);
        assert_eq!(days_from_civil(i64::MIN, 1, 1), None);
        assert_eq!(civil_from_days(i64::MAX), None);
    }
}
