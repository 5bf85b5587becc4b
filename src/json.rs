//! A minimal streaming JSON writer.
//!
//! Events are written straight into one `String` instead of being built as a tree first: the
//! snapshot of a 10,000-deep page then needs no recursion (serde would recurse once per level,
//! and so would dropping a nested tree), and a walk can stop between any two nodes and resume.
//! Only integers are ever written as numbers, which keeps float formatting out of the wasm.

/// Writes JSON text; commas between members are inserted automatically.
#[derive(Debug, Default)]
pub struct JsonWriter {
    buf: String,
    /// True when the next member or element must be preceded by a comma.
    comma: bool,
}

impl JsonWriter {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(bytes: usize) -> Self {
        JsonWriter {
            buf: String::with_capacity(bytes),
            comma: false,
        }
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn as_str(&self) -> &str {
        &self.buf
    }

    /// Cuts the text back to `len` bytes (a char boundary) and keeps the comma state: writing
    /// goes on as if the cut text were still there (see the snapshot walk's chunks).
    pub fn truncate(&mut self, len: usize) {
        self.buf.truncate(len);
    }

    pub fn into_string(self) -> String {
        self.buf
    }

    fn sep(&mut self) {
        if self.comma {
            self.buf.push(',');
        }
    }

    pub fn begin_object(&mut self) -> &mut Self {
        self.sep();
        self.buf.push('{');
        self.comma = false;
        self
    }

    pub fn end_object(&mut self) -> &mut Self {
        self.buf.push('}');
        self.comma = true;
        self
    }

    pub fn begin_array(&mut self) -> &mut Self {
        self.sep();
        self.buf.push('[');
        self.comma = false;
        self
    }

    pub fn end_array(&mut self) -> &mut Self {
        self.buf.push(']');
        self.comma = true;
        self
    }

    /// Writes a member name; the value written next belongs to it.
    pub fn key(&mut self, name: &str) -> &mut Self {
        self.sep();
        write_escaped(&mut self.buf, name);
        self.buf.push(':');
        self.comma = false;
        self
    }

    pub fn string(&mut self, value: &str) -> &mut Self {
        self.sep();
        write_escaped(&mut self.buf, value);
        self.comma = true;
        self
    }

    pub fn uint(&mut self, value: u64) -> &mut Self {
        self.sep();
        push_u64(&mut self.buf, value);
        self.comma = true;
        self
    }

    pub fn int(&mut self, value: i64) -> &mut Self {
        self.sep();
        if value < 0 {
            self.buf.push('-');
        }
        push_u64(&mut self.buf, value.unsigned_abs());
        self.comma = true;
        self
    }

    /// Writes a finite number rounded to three decimals (enough for media times and
    /// volumes); NaN and infinities become `null`. Avoids the float formatting machinery.
    pub fn number(&mut self, value: f64) -> &mut Self {
        if !value.is_finite() {
            return self.null();
        }
        self.sep();
        if value < 0.0 {
            self.buf.push('-');
        }
        let thousandths = (value.abs() * 1000.0).round() as u64;
        push_u64(&mut self.buf, thousandths / 1000);
        let mut frac = thousandths % 1000;
        if frac != 0 {
            self.buf.push('.');
            let mut digits = 3;
            while frac.is_multiple_of(10) {
                frac /= 10;
                digits -= 1;
            }
            let mut scale = 10u64.pow(digits - 1);
            while scale > 0 {
                self.buf.push((b'0' + (frac / scale % 10) as u8) as char);
                scale /= 10;
            }
        }
        self.comma = true;
        self
    }

    pub fn bool(&mut self, value: bool) -> &mut Self {
        self.sep();
        self.buf.push_str(if value { "true" } else { "false" });
        self.comma = true;
        self
    }

    pub fn null(&mut self) -> &mut Self {
        self.sep();
        self.buf.push_str("null");
        self.comma = true;
        self
    }

    /// Inserts already-written array elements (`a,b,c`, possibly empty) into an open array.
    pub fn raw_elements(&mut self, elements: &str) -> &mut Self {
        if !elements.is_empty() {
            self.raw(elements);
        }
        self
    }

    /// Inserts text that is already valid JSON (e.g. a payload the page stringified).
    pub fn raw(&mut self, json: &str) -> &mut Self {
        self.sep();
        self.buf.push_str(json);
        self.comma = true;
        self
    }

    pub fn member_str(&mut self, name: &str, value: &str) -> &mut Self {
        self.key(name).string(value)
    }

    pub fn member_uint(&mut self, name: &str, value: u64) -> &mut Self {
        self.key(name).uint(value)
    }

    pub fn member_int(&mut self, name: &str, value: i64) -> &mut Self {
        self.key(name).int(value)
    }

    pub fn member_bool(&mut self, name: &str, value: bool) -> &mut Self {
        self.key(name).bool(value)
    }
}

/// Appends `value` in decimal (without the `core::fmt` machinery, which costs wasm bytes).
pub fn push_u64(buf: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    for &d in &digits[i..] {
        buf.push(d as char);
    }
}

/// Appends `value` as a quoted JSON string.
pub fn write_escaped(buf: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    buf.reserve(value.len() + 2);
    buf.push('"');
    let bytes = value.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0..=0x1f => None,
            _ => continue,
        };
        // `get`: `i` and `start` sit at ASCII bytes; indexing would add a panic path (and
        // `core::fmt`) to the wasm file.
        buf.push_str(value.get(start..i).unwrap_or_default());
        match escape {
            Some(s) => buf.push_str(s),
            None => {
                buf.push_str("\\u00");
                buf.push(HEX[(b >> 4) as usize] as char);
                buf.push(HEX[(b & 0xf) as usize] as char);
            }
        }
        start = i + 1;
    }
    buf.push_str(value.get(start..).unwrap_or_default());
    buf.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_nested_values_with_commas() {
        let mut w = JsonWriter::new();
        w.begin_object().member_uint("a", 1).key("b").begin_array();
        w.string("x")
            .int(-5)
            .bool(true)
            .null()
            .begin_object()
            .end_object();
        w.end_array().member_str("c", "d").end_object();
        assert_eq!(w.as_str(), r#"{"a":1,"b":["x",-5,true,null,{}],"c":"d"}"#);
    }

    #[test]
    fn escapes_control_characters_quotes_and_keeps_unicode() {
        let mut w = JsonWriter::new();
        w.string("a\"b\\c\nd\u{1}é😀\u{2028}");
        let parsed: String = serde_json::from_str(w.as_str()).unwrap();
        assert_eq!(parsed, "a\"b\\c\nd\u{1}é😀\u{2028}");
        assert_eq!(w.as_str(), "\"a\\\"b\\\\c\\nd\\u0001é😀\u{2028}\"");
    }

    #[test]
    fn writes_numbers_with_three_decimals() {
        let mut w = JsonWriter::new();
        w.begin_array()
            .number(0.0)
            .number(1.5)
            .number(-2.25)
            .number(0.05)
            .number(12.3456);
        w.number(f64::NAN).number(3.0).number(0.0004).end_array();
        assert_eq!(w.as_str(), "[0,1.5,-2.25,0.05,12.346,null,3,0]");
    }

    #[test]
    fn writes_integer_extremes() {
        let mut w = JsonWriter::new();
        w.begin_array()
            .uint(0)
            .uint(u64::MAX)
            .int(i64::MIN)
            .end_array();
        assert_eq!(w.as_str(), "[0,18446744073709551615,-9223372036854775808]");
    }
}
