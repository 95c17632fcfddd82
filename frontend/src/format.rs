//! Numbers, sizes and dates as the interface shows them, in the current
//! language. Pure functions (no browser calls except [`local_seconds`]), so
//! they are tested natively and in wasm alike.

use crate::i18n::Tr;

/// How a language writes numbers.
#[derive(Debug, Clone, Copy)]
pub struct Numbers {
    pub decimal_sep: char,
    pub thousands_sep: char,
}

impl Numbers {
    pub fn of(tr: &Tr) -> Numbers {
        Numbers {
            decimal_sep: tr.decimal_sep,
            thousands_sep: tr.thousands_sep,
        }
    }
}

/// A whole number with thousands grouped: `10 000` in French, `10,000` in English.
pub fn format_count(n: u64, num: Numbers) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(num.thousands_sep);
        }
        out.push(c);
    }
    out
}

/// A size in bytes with binary multiples: `212 Mo`, `3,4 Ko`, `1 Go`.
/// One decimal under 10 units (dropped when it is zero), none above.
pub fn format_size(bytes: u64, tr: &Tr) -> String {
    let num = Numbers::of(tr);
    if bytes < 1024 {
        return format!("{}\u{a0}{}", format_count(bytes, num), tr.size_units[0]);
    }
    let mut unit = 0;
    let mut value = bytes as f64;
    while value >= 1024.0 && unit < tr.size_units.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    // Tenths, rounded; 1023.96 Ko rounds to 1 Mo rather than "1 024 Ko".
    let mut tenths = (value * 10.0).round() as u64;
    if tenths >= 10240 && unit < tr.size_units.len() - 1 {
        tenths = 10;
        unit += 1;
    }
    let text = if tenths < 100 && !tenths.is_multiple_of(10) {
        format!("{}{}{}", tenths / 10, num.decimal_sep, tenths % 10)
    } else {
        format_count((tenths + 5) / 10, num)
    };
    format!("{text}\u{a0}{}", tr.size_units[unit])
}

/// `(count, in_minutes)` for "wait N seconds/minutes": minutes from one
/// minute on, rounded up so the user never retries too early.
pub fn wait_duration(secs: u64) -> (u64, bool) {
    if secs < 60 {
        (secs.max(1), false)
    } else {
        (secs.div_ceil(60), true)
    }
}

/// A calendar date and time of day, in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    /// 1..=12
    pub month: u32,
    /// 1..=31
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
}

/// Splits seconds since the epoch (already shifted to local time) into a
/// civil date; Howard Hinnant's `civil_from_days`.
pub fn civil(local_secs: i64) -> Civil {
    let days = local_secs.div_euclid(86_400);
    let secs = local_secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        hour: (secs / 3600) as u32,
        minute: (secs % 3600 / 60) as u32,
    }
}

/// The date of a message in a list: `14:05` today, `12 mars` this year,
/// `12/03/2023` before. Both arguments are local-time seconds.
pub fn format_list_date(local_ts: i64, local_now: i64, tr: &Tr) -> String {
    let d = civil(local_ts);
    let now = civil(local_now);
    if (d.year, d.month, d.day) == (now.year, now.month, now.day) {
        format!("{:02}:{:02}", d.hour, d.minute)
    } else if d.year == now.year {
        format!("{}\u{a0}{}", d.day, tr.months[(d.month - 1) as usize])
    } else {
        format!("{:02}/{:02}/{}", d.day, d.month, d.year)
    }
}

/// The full date of an open message: `12 mars 2024, 14:05`.
pub fn format_full_date(local_ts: i64, tr: &Tr) -> String {
    let d = civil(local_ts);
    format!(
        "{}\u{a0}{} {}, {:02}:{:02}",
        d.day,
        tr.months[(d.month - 1) as usize],
        d.year,
        d.hour,
        d.minute
    )
}

/// Shifts a UTC timestamp to the browser's local time, with the offset in
/// force at that instant (so summer and winter time are both right).
#[cfg(target_family = "wasm")]
pub fn local_seconds(utc_secs: i64) -> i64 {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(utc_secs as f64 * 1000.0));
    utc_secs - (date.get_timezone_offset() * 60.0) as i64
}

#[cfg(not(target_family = "wasm"))]
pub fn local_seconds(utc_secs: i64) -> i64 {
    utc_secs
}

/// Now, in seconds since the epoch (UTC).
#[cfg(target_family = "wasm")]
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

#[cfg(not(target_family = "wasm"))]
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn fr() -> &'static Tr {
        Lang::Fr.table()
    }

    fn en() -> &'static Tr {
        Lang::En.table()
    }

    #[test]
    fn counts_are_grouped() {
        let n = Numbers::of(fr());
        assert_eq!(format_count(0, n), "0");
        assert_eq!(format_count(999, n), "999");
        assert_eq!(format_count(10_000, n), "10\u{202F}000");
        assert_eq!(format_count(1_234_567, Numbers::of(en())), "1,234,567");
    }

    #[test]
    fn sizes_in_french() {
        assert_eq!(format_size(0, fr()), "0\u{a0}o");
        assert_eq!(format_size(512, fr()), "512\u{a0}o");
        assert_eq!(format_size(1024, fr()), "1\u{a0}Ko");
        assert_eq!(format_size(3482, fr()), "3,4\u{a0}Ko");
        assert_eq!(format_size(212 * 1024 * 1024, fr()), "212\u{a0}Mo");
        assert_eq!(format_size(1 << 30, fr()), "1\u{a0}Go");
        assert_eq!(format_size(1_048_575, fr()), "1\u{a0}Mo");
        assert_eq!(format_size(1536, en()), "1.5\u{a0}KB");
    }

    #[test]
    fn civil_dates() {
        assert_eq!(
            civil(0),
            Civil {
                year: 1970,
                month: 1,
                day: 1,
                hour: 0,
                minute: 0
            }
        );
        // 2024-02-29 13:45:00 UTC
        assert_eq!(
            civil(1_709_214_300),
            Civil {
                year: 2024,
                month: 2,
                day: 29,
                hour: 13,
                minute: 45
            }
        );
        assert_eq!(civil(-1).year, 1969);
    }

    #[test]
    fn list_dates() {
        let now = 1_709_214_300; // 2024-02-29 13:45
        assert_eq!(format_list_date(now - 3600, now, fr()), "12:45");
        // 2024-01-12
        assert_eq!(format_list_date(1_705_060_800, now, fr()), "12\u{a0}janv.");
        assert_eq!(
            format_list_date(1_710_244_800, now + 86400 * 20, fr()),
            "12\u{a0}mars"
        );
        // 2023-03-12
        assert_eq!(format_list_date(1_678_622_400, now, fr()), "12/03/2023");
        assert_eq!(format_list_date(1_705_060_800, now, en()), "12\u{a0}Jan");
    }

    #[test]
    fn full_date() {
        assert_eq!(
            format_full_date(1_709_214_300, fr()),
            "29\u{a0}févr. 2024, 13:45"
        );
    }

    #[test]
    fn waits_round_up() {
        assert_eq!(wait_duration(0), (1, false));
        assert_eq!(wait_duration(30), (30, false));
        assert_eq!(wait_duration(60), (1, true));
        assert_eq!(wait_duration(90), (2, true));
    }
}
