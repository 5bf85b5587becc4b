//! Finds e-mail addresses and payment-card numbers in free text, without a regex engine (a
//! regex crate would weigh more than the rest of the recorder).

/// Byte ranges of e-mail addresses in `text`: `local@domain.tld`, with a dot in the domain
/// and a final label of at least two letters.
pub fn emails(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let local = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-');
    let domain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-');
    let mut found = Vec::new();
    let mut from = 0;
    // `get` rather than indexing, here and below: the offsets are at ASCII bytes, and a str
    // index's panic path pulls several KB of `core::fmt` into the wasm file.
    while let Some(at) = text.get(from..).and_then(|t| t.find('@')).map(|i| from + i) {
        from = at + 1;
        let mut start = at;
        while start > 0 && local(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < bytes.len() && domain(bytes[end]) {
            end += 1;
        }
        // A sentence-ending dot is not part of the domain.
        while end > at + 1 && matches!(bytes[end - 1], b'.' | b'-') {
            end -= 1;
        }
        let host = text.get(at + 1..end).unwrap_or("");
        let tld = match host.bytes().rposition(|b| b == b'.') {
            Some(dot) => host.get(dot + 1..).unwrap_or(""),
            None => host,
        };
        let valid = start < at
            && host.contains('.')
            && !host.starts_with('.')
            && !host.as_bytes().windows(2).any(|w| w == b"..")
            && tld.len() >= 2
            && tld.bytes().all(|b| b.is_ascii_alphabetic());
        if valid {
            found.push((start, end));
            from = end;
        }
    }
    found
}

/// Byte ranges of payment-card numbers: 13 to 19 digits, single spaces or dashes allowed
/// between digits, passing the Luhn check.
pub fn card_numbers(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let start = i;
        let mut digits: Vec<u8> = Vec::with_capacity(19);
        let mut end = i;
        while end < bytes.len() {
            let b = bytes[end];
            if b.is_ascii_digit() {
                digits.push(b - b'0');
                end += 1;
            } else if matches!(b, b' ' | b'-')
                && end + 1 < bytes.len()
                && bytes[end + 1].is_ascii_digit()
            {
                end += 1;
            } else {
                break;
            }
        }
        if (13..=19).contains(&digits.len()) && luhn(&digits) {
            found.push((start, end));
        }
        i = end.max(start + 1);
    }
    found
}

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// `text` with every non-whitespace character inside the given ranges replaced by `*`;
/// `None` when there is nothing to mask.
pub fn mask_ranges(text: &str, mut ranges: Vec<(usize, usize)>) -> Option<String> {
    if ranges.is_empty() {
        return None;
    }
    sort_ranges(&mut ranges);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in ranges {
        if end <= at {
            continue;
        }
        let start = start.max(at);
        out.push_str(text.get(at..start).unwrap_or(""));
        out.extend(text.get(start..end).unwrap_or("").chars().map(|c| {
            if c.is_whitespace() {
                c
            } else {
                '*'
            }
        }));
        at = end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    Some(out)
}

/// Sorts ranges by start, then end: a bottom-up merge sort of a few lines, O(n log n), in place
/// of the standard library's sort, whose generic code adds several KB to the wasm file.
fn sort_ranges(ranges: &mut Vec<(usize, usize)>) {
    let n = ranges.len();
    let mut from = std::mem::take(ranges);
    let mut to = Vec::with_capacity(n);
    let mut width = 1;
    while width < n {
        to.clear();
        let mut i = 0;
        while i < n {
            let mid = (i + width).min(n);
            let end = (i + 2 * width).min(n);
            let (mut a, mut b) = (i, mid);
            while a < mid || b < end {
                if b >= end || (a < mid && from[a] <= from[b]) {
                    to.push(from[a]);
                    a += 1;
                } else {
                    to.push(from[b]);
                    b += 1;
                }
            }
            i = end;
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    *ranges = from;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_sort_like_the_standard_sort() {
        let mut seed = 7u64;
        for n in 0..40 {
            let mut ranges: Vec<(usize, usize)> = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    ((seed >> 33) as usize % 20, (seed >> 45) as usize % 5)
                })
                .collect();
            let mut expected = ranges.clone();
            expected.sort();
            sort_ranges(&mut ranges);
            assert_eq!(ranges, expected);
        }
    }

    fn masked(text: &str) -> String {
        let mut ranges = emails(text);
        ranges.extend(card_numbers(text));
        mask_ranges(text, ranges).unwrap_or_else(|| text.to_string())
    }

    #[test]
    fn emails_are_found() {
        assert_eq!(
            masked("mail jane.doe+x@example.co.uk now."),
            format!("mail {} now.", "*".repeat(24))
        );
        assert_eq!(masked("a@b.io, c_d@e-f.com"), "******, ***********");
        assert_eq!(
            masked("no @ here, user@localhost, @x.com, x@.com, a@b.c"),
            "no @ here, user@localhost, @x.com, x@.com, a@b.c"
        );
        assert_eq!(masked("é-mail: ÿ ann@ex.org!"), "é-mail: ÿ **********!");
    }

    #[test]
    fn card_numbers_need_luhn_and_length() {
        assert_eq!(
            masked("card 4111 1111 1111 1111 exp"),
            "card **** **** **** **** exp"
        );
        assert_eq!(masked("4111-1111-1111-1111"), "*******************");
        assert_eq!(
            masked("378282246310005"),
            "***************",
            "15-digit Amex"
        );
        assert_eq!(
            masked("4111 1111 1111 1112"),
            "4111 1111 1111 1112",
            "Luhn fails"
        );
        assert_eq!(
            masked("order 123456789012"),
            "order 123456789012",
            "12 digits"
        );
        assert_eq!(
            masked("41111111111111111111111"),
            "41111111111111111111111",
            "23 digits"
        );
        assert_eq!(
            masked("4111  1111 1111 1111"),
            "4111  1111 1111 1111",
            "double space breaks the run"
        );
        assert_eq!(
            masked("tel 555-0100, 2024-01-01"),
            "tel 555-0100, 2024-01-01"
        );
    }
}
