//! gzip (RFC 1952) around miniz_oxide's deflate: a 10-byte header, the deflate stream, then
//! the CRC-32 and length of the input. [`GzipStream`] takes the input in pieces, so a large
//! batch can be compressed across several tasks.

use miniz_oxide::deflate::core::{
    compress, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush, TDEFLStatus,
};

/// Compression level: 6 is zlib's default, the usual balance of size and time.
pub const GZIP_LEVEL: u8 = 6;
/// Output room made at a time.
const OUT_STEP_BYTES: usize = 32 * 1024;

/// One buffer gzipped at once (the recorder streams: [`GzipStream`]); for tests.
#[cfg(test)]
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut stream = GzipStream::new(data.len() / 4);
    stream.write(data);
    stream.finish()
}

/// A gzip member being written: input goes in with [`write`](Self::write), in as many pieces
/// as suits the caller; [`finish`](Self::finish) returns the whole member.
pub struct GzipStream {
    compressor: Box<CompressorOxide>,
    out: Vec<u8>,
    /// The running CRC-32 register (not yet inverted) and the input length.
    crc: u32,
    len: u32,
    /// Built once per stream, not per piece written.
    crc_table: Box<[u32; 256]>,
}

impl GzipStream {
    /// `expected` is a guess of the output size, to reserve room once.
    pub fn new(expected: usize) -> Self {
        // Raw deflate (window bits ≤ 0): the gzip framing is written here.
        let flags = create_comp_flags_from_zip_params(GZIP_LEVEL.into(), 0, 0);
        let mut out = Vec::with_capacity(expected + 18);
        // Magic, deflate, no flags, no mtime, no extra flags, unknown OS.
        out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
        GzipStream {
            compressor: Box::new(CompressorOxide::new(flags)),
            out,
            crc: !0,
            len: 0,
            crc_table: Box::new(crc_table()),
        }
    }

    pub fn write(&mut self, data: &[u8]) {
        self.crc = crc32_update(&self.crc_table, self.crc, data);
        self.len = self.len.wrapping_add(data.len() as u32);
        self.deflate(data, TDEFLFlush::None);
    }

    pub fn finish(mut self) -> Vec<u8> {
        self.deflate(&[], TDEFLFlush::Finish);
        let (crc, len) = (!self.crc, self.len);
        self.out.extend_from_slice(&crc.to_le_bytes());
        self.out.extend_from_slice(&len.to_le_bytes());
        self.out
    }

    fn deflate(&mut self, mut input: &[u8], flush: TDEFLFlush) {
        loop {
            let at = self.out.len();
            self.out.resize(at + OUT_STEP_BYTES.max(input.len() / 4), 0);
            let (status, read, written) =
                compress(&mut self.compressor, input, &mut self.out[at..], flush);
            self.out.truncate(at + written);
            input = input.get(read..).unwrap_or_default();
            match status {
                TDEFLStatus::Done => return,
                // Without `Finish`, done once the input is taken (the compressor keeps the
                // rest of its window for the next piece).
                TDEFLStatus::Okay if flush == TDEFLFlush::None && input.is_empty() => return,
                // No progress would loop forever; it does not happen with room to write.
                TDEFLStatus::Okay if read > 0 || written > 0 => {}
                _ => return,
            }
        }
    }
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
    !crc32_update(&crc_table(), !0, data)
}

/// Feeds `data` into a CRC-32 register (start with `!0`, invert at the end).
fn crc32_update(table: &[u32; 256], mut crc: u32, data: &[u8]) -> u32 {
    for &b in data {
        crc = table[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8);
    }
    crc
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

    #[test]
    fn inputs_of_every_size_round_trip() {
        let mut seed = 1u32;
        for n in (0..4000).step_by(13).chain((4000..100_000).step_by(4999)) {
            let data: Vec<u8> = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (seed >> 16) as u8 % 90 + 32
                })
                .collect();
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&gzip(&data)[..])
                .read_to_end(&mut out)
                .unwrap();
            assert!(out == data, "{n} bytes");
        }
    }

    #[test]
    fn a_stream_written_in_pieces_decodes_to_the_input() {
        let input: String = (0..20_000)
            .map(|i| format!(r#"{{"id":{i},"type":2,"tagName":"div"}},"#))
            .collect();
        let mut stream = GzipStream::new(0);
        for piece in input.as_bytes().chunks(7_777) {
            stream.write(piece);
        }
        let pieces = stream.finish();
        let whole = gzip(input.as_bytes());
        assert!(pieces.len() < input.len() / 10);
        assert!(
            pieces.len() <= whole.len() + whole.len() / 50,
            "pieces compress as well"
        );
        for compressed in [pieces, whole] {
            let mut out = String::new();
            flate2::read::GzDecoder::new(&compressed[..])
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out, input);
        }
    }
}
