//! Request body decoding: gzip inflated in chunks into a buffer that never grows past the limit,
//! so a small "bomb" (kilobytes that inflate to gigabytes) costs at most `limit` bytes of memory.

use std::io::Read;

use flate2::read::MultiGzDecoder;

/// How the envelope JSON was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
}

#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The decoded body would pass the limit (bytes).
    TooLarge { limit: usize },
    /// Not a valid gzip stream (the reason, from the decoder).
    BadGzip(String),
}

/// Inflate step; also the most the buffer grows past what it holds.
const CHUNK_BYTES: usize = 64 * 1024;

/// The envelope JSON of a body sent with `encoding`, at most `limit` bytes of it.
pub fn decode(body: Vec<u8>, encoding: Encoding, limit: usize) -> Result<Vec<u8>, DecodeError> {
    match encoding {
        Encoding::Identity if body.len() > limit => Err(DecodeError::TooLarge { limit }),
        Encoding::Identity => Ok(body),
        Encoding::Gzip => gunzip(&body, limit),
    }
}

/// Inflate every gzip member of `input` (a stream may be several members back to back).
pub fn gunzip(input: &[u8], limit: usize) -> Result<Vec<u8>, DecodeError> {
    let mut decoder = MultiGzDecoder::new(input);
    // JSON compresses well: guess 4× the input, never more than the limit.
    let mut out = Vec::with_capacity(input.len().saturating_mul(4).min(limit));
    let mut chunk = vec![0u8; CHUNK_BYTES];
    loop {
        let n = match decoder.read(&mut chunk) {
            Ok(0) => return Ok(out),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(DecodeError::BadGzip(e.to_string())),
        };
        let len = out.len() + n;
        if len > limit {
            return Err(DecodeError::TooLarge { limit });
        }
        if len > out.capacity() {
            // Grow by doubling as Vec would, but never past the limit.
            let target = (out.capacity() * 2).max(len).min(limit);
            out.reserve_exact(target - out.len());
        }
        out.extend_from_slice(&chunk[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{write::GzEncoder, Compression};
    use std::io::Write;

    pub fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn plain_bodies_pass_through_up_to_the_limit() {
        assert_eq!(
            decode(b"{}".to_vec(), Encoding::Identity, 2).unwrap(),
            b"{}"
        );
        assert_eq!(
            decode(b"{ }".to_vec(), Encoding::Identity, 2),
            Err(DecodeError::TooLarge { limit: 2 })
        );
    }

    #[test]
    fn gzip_round_trips_including_several_members() {
        let text = b"{\"hello\":\"world\"}".repeat(1000);
        assert_eq!(
            decode(gzip(&text), Encoding::Gzip, text.len()).unwrap(),
            text
        );
        let mut two = gzip(b"{\"a\":");
        two.extend(gzip(b"1}"));
        assert_eq!(gunzip(&two, 100).unwrap(), b"{\"a\":1}");
    }

    #[test]
    fn gzip_limit_is_exact() {
        let text = vec![b'x'; 200_000];
        assert_eq!(gunzip(&gzip(&text), 200_000).unwrap().len(), 200_000);
        assert_eq!(
            gunzip(&gzip(&text), 199_999),
            Err(DecodeError::TooLarge { limit: 199_999 })
        );
    }

    #[test]
    fn buffer_never_grows_past_the_limit() {
        let text = vec![b'x'; 300_000];
        let out = gunzip(&gzip(&text), 300_000).unwrap();
        assert!(out.capacity() <= 300_000, "capacity {}", out.capacity());
    }

    #[test]
    fn corrupt_or_truncated_gzip_is_bad_gzip() {
        assert!(matches!(
            gunzip(b"not gzip at all", 100),
            Err(DecodeError::BadGzip(_))
        ));
        let full = gzip(&b"{\"a\":1}".repeat(50));
        assert!(matches!(
            gunzip(&full[..full.len() - 6], 10_000),
            Err(DecodeError::BadGzip(_))
        ));
        let mut trailing = full.clone();
        trailing.extend_from_slice(b"junk");
        assert!(matches!(
            gunzip(&trailing, 10_000),
            Err(DecodeError::BadGzip(_))
        ));
        let mut flipped = full;
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0xff;
        assert!(gunzip(&flipped, 10_000).is_err());
    }
}
