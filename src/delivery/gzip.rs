//! gzip (RFC 1952) around miniz_oxide's deflate: a 10-byte header, the deflate stream, then
//! the CRC-32 and length of the input.

use miniz_oxide::deflate::compress_to_vec;

/// Compression level: 6 is zlib's default, the usual balance of size and time.
pub const GZIP_LEVEL: u8 = 6;

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let deflated = compress_to_vec(data, GZIP_LEVEL);
    let mut out = Vec::with_capacity(deflated.len() + 18);
    // Magic, deflate, no flags, no mtime, no extra flags, unknown OS.
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
    out.extend_from_slice(&deflated);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// The CRC table, built on each call (a few µs) rather than stored: a stored table is 1 KB of
/// the wasm file that does not compress.
fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
}

pub fn crc32(data: &[u8]) -> u32 {
    let table = crc_table();
    let mut crc = !0u32;
    for &b in data {
        crc = table[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn crc_of_known_strings() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }

    #[test]
    fn gzip_round_trips_through_a_standard_decoder() {
        let input = r#"{"v":1,"events":[{"type":4,"data":{"href":"https://e.test/"}}]}"#.repeat(50);
        let compressed = gzip(input.as_bytes());
        assert!(
            compressed.len() < input.len() / 5,
            "repetitive JSON compresses well"
        );
        let mut out = String::new();
        flate2::read::GzDecoder::new(&compressed[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, input);
        let mut empty = Vec::new();
        flate2::read::GzDecoder::new(&gzip(b"")[..])
            .read_to_end(&mut empty)
            .unwrap();
        assert!(empty.is_empty());
    }
}
