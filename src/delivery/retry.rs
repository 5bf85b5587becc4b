//! What to do after a send: the response classes of PROTOCOL.md, exponential backoff with
//! jitter, and `Retry-After`.

/// First retry delay; doubles per failed attempt.
pub const BACKOFF_BASE_MS: u64 = 1_000;
/// Retry delays never exceed this.
pub const BACKOFF_MAX_MS: u64 = 60_000;
/// A server's `Retry-After` is honoured up to this long.
pub const RETRY_AFTER_MAX_MS: u64 = 10 * 60_000;

/// The next step for a batch after one attempt to send it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx: stored; drop it from the queue.
    Delivered,
    /// 413: send each half instead (a single event that is too large is dropped).
    Split,
    /// 429/503 with a usable `Retry-After`: try again after this many ms.
    RetryAfter(u64),
    /// Network error, 5xx, 429/503 without `Retry-After`: back off and retry.
    Retry,
    /// Any other 4xx: retrying cannot help; drop it and report.
    Reject,
}

/// Classifies a response (`None` = the request failed without a response).
pub fn classify(status: Option<u16>, retry_after: Option<&str>, now_ms: u64) -> Outcome {
    match status {
        None => Outcome::Retry,
        Some(200..=299) => Outcome::Delivered,
        Some(413) => Outcome::Split,
        Some(429 | 503) => match retry_after.and_then(|v| parse_retry_after(v, now_ms)) {
            Some(ms) => Outcome::RetryAfter(ms.min(RETRY_AFTER_MAX_MS)),
            None => Outcome::Retry,
        },
        Some(400..=499) => Outcome::Reject,
        Some(_) => Outcome::Retry,
    }
}

/// Exponential backoff with "equal jitter": half the delay fixed, half random, so clients
/// that failed together do not retry together.
#[derive(Debug, Default, Clone, Copy)]
pub struct Backoff {
    attempts: u32,
}

impl Backoff {
    /// The delay before the next attempt; `random` is uniform in [0, 1).
    pub fn next_delay(&mut self, random: f64) -> u64 {
        let exp = BACKOFF_BASE_MS
            .saturating_mul(1u64 << self.attempts.min(16))
            .min(BACKOFF_MAX_MS);
        self.attempts = self.attempts.saturating_add(1);
        let half = exp / 2;
        half + (half as f64 * random.clamp(0.0, 1.0)) as u64
    }

    pub fn reset(&mut self) {
        self.attempts = 0;
    }

    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

/// `Retry-After` as delay-seconds or an HTTP date (IMF-fixdate), in ms from `now_ms`.
pub fn parse_retry_after(value: &str, now_ms: u64) -> Option<u64> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(|s| s.saturating_mul(1000));
    }
    let at = parse_http_date(value)?;
    Some(at.saturating_sub(now_ms))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` → ms since the epoch.
fn parse_http_date(value: &str) -> Option<u64> {
    let mut parts = value.split_ascii_whitespace();
    let _weekday = parts.next()?;
    let day: u64 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if parts.next()? != "GMT" || day == 0 || day > 31 || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day as i64);
    u64::try_from(days)
        .ok()
        .map(|d| ((d * 24 + h) * 60 + m) * 60_000 + s * 1000)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_follows_the_protocol() {
        assert_eq!(classify(Some(200), None, 0), Outcome::Delivered);
        assert_eq!(classify(Some(204), None, 0), Outcome::Delivered);
        assert_eq!(classify(Some(413), None, 0), Outcome::Split);
        assert_eq!(
            classify(Some(429), Some("3"), 0),
            Outcome::RetryAfter(3_000)
        );
        assert_eq!(
            classify(Some(503), Some("  120 "), 0),
            Outcome::RetryAfter(120_000)
        );
        assert_eq!(
            classify(Some(503), Some("999999"), 0),
            Outcome::RetryAfter(RETRY_AFTER_MAX_MS)
        );
        assert_eq!(classify(Some(429), None, 0), Outcome::Retry);
        assert_eq!(classify(Some(429), Some("soon"), 0), Outcome::Retry);
        assert_eq!(classify(Some(400), None, 0), Outcome::Reject);
        assert_eq!(classify(Some(404), Some("5"), 0), Outcome::Reject);
        assert_eq!(classify(Some(500), None, 0), Outcome::Retry);
        assert_eq!(classify(Some(502), None, 0), Outcome::Retry);
        assert_eq!(classify(None, None, 0), Outcome::Retry);
    }

    #[test]
    fn http_dates() {
        // 1994-11-06T08:49:37Z
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777_000)
        );
        let now = 784_111_770_000;
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(7_000)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now + 60_000),
            Some(0),
            "a past date means now"
        );
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"), None);
        assert_eq!(parse_http_date("06 Nov 1994"), None);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
    }

    #[test]
    fn backoff_grows_exponentially_with_jitter_and_caps() {
        let mut b = Backoff::default();
        let low: Vec<u64> = (0..8).map(|_| b.next_delay(0.0)).collect();
        assert_eq!(
            low,
            [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]
        );
        let mut b = Backoff::default();
        let high: Vec<u64> = (0..3).map(|_| b.next_delay(0.999_999)).collect();
        assert_eq!(high, [999, 1_999, 3_999]);
        assert_eq!(b.attempts(), 3);
        b.reset();
        assert_eq!(b.next_delay(0.0), 500);
    }
}
