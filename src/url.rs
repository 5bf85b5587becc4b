//! URL resolution for recorded attributes and stylesheets.
//!
//! The replay runs on another origin, so every relative URL the page uses is made absolute
//! against the document (attributes) or the stylesheet (CSS `url(...)`) at record time. This is
//! RFC 3986 reference resolution, small enough to keep in pure Rust and test on the host.

/// Resolves `reference` against the absolute URL `base`. Absolute references, and anything
/// that cannot be resolved (a base without a scheme), are returned trimmed but unchanged.
pub fn resolve(base: &str, reference: &str) -> String {
    let reference = reference.trim();
    if has_scheme(reference) {
        return reference.to_string();
    }
    let Some(base) = split(base) else {
        return reference.to_string();
    };
    if !has_scheme(base.scheme_colon) {
        return reference.to_string();
    }
    if let Some(rest) = reference.strip_prefix("//") {
        return [base.scheme_colon, "//", rest].concat();
    }
    let (ref_path, ref_tail) = split_path(reference);
    let authority = base.authority.unwrap_or("");
    let prefix = if base.authority.is_some() {
        [base.scheme_colon, "//", authority].concat()
    } else {
        base.scheme_colon.to_string()
    };
    if ref_path.is_empty() {
        // Only a query and/or fragment: keep the base path, and the base query unless replaced.
        let query = if ref_tail.starts_with('?') {
            ""
        } else {
            base.query
        };
        return [&prefix, base.path, query, ref_tail].concat();
    }
    let merged = if ref_path.starts_with('/') {
        remove_dot_segments(ref_path)
    } else {
        // Bytes, not `rfind(char)`: the reverse char searcher is only used here.
        let dir = match base.path.bytes().rposition(|b| b == b'/') {
            Some(i) => base.path.get(..=i).unwrap_or(""),
            None if base.authority.is_some() => "/",
            None => "",
        };
        remove_dot_segments(&[dir, ref_path].concat())
    };
    [&prefix, &merged, ref_tail].concat()
}

/// True when `s` starts with `scheme:` (a letter, then letters, digits, `+`, `-`, `.`).
fn has_scheme(s: &str) -> bool {
    let mut chars = s.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_ascii_alphabetic() => {}
        _ => return false,
    }
    for (_, c) in chars {
        match c {
            ':' => return true,
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.') => {}
            _ => return false,
        }
    }
    false
}

struct Parts<'a> {
    /// The scheme with its colon, e.g. `https:`.
    scheme_colon: &'a str,
    authority: Option<&'a str>,
    path: &'a str,
    /// The query with its `?`, or empty.
    query: &'a str,
}

fn split(url: &str) -> Option<Parts<'_>> {
    let colon = url.find(':')?;
    let (scheme_colon, rest) = url.split_at_checked(colon + 1)?;
    let (authority, rest) = match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find(['/', '?', '#']).unwrap_or(after.len());
            after.split_at_checked(end).map(|(a, r)| (Some(a), r))?
        }
        None => (None, rest),
    };
    let (path, tail) = split_path(rest);
    let query = tail.split('#').next().unwrap_or("");
    Some(Parts {
        scheme_colon,
        authority,
        path,
        query,
    })
}

/// Splits a reference into its path and the `?query#fragment` tail.
fn split_path(s: &str) -> (&str, &str) {
    let end = s.find(['?', '#']).unwrap_or(s.len());
    s.split_at_checked(end).unwrap_or((s, ""))
}

fn remove_dot_segments(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let absolute = path.starts_with('/');
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > usize::from(absolute) {
                    out.pop();
                }
                if i == last {
                    out.push("");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if absolute && !joined.starts_with('/') {
        ["/", &joined].concat()
    } else {
        joined
    }
}

/// Makes every URL in a `srcset` attribute absolute, keeping the descriptors.
pub fn resolve_srcset(base: &str, srcset: &str) -> String {
    let mut out = String::with_capacity(srcset.len() + 32);
    let mut rest = srcset;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        if rest.is_empty() {
            break;
        }
        let url_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (mut url, after) = rest.split_at_checked(url_end).unwrap_or((rest, ""));
        rest = after;
        let mut descriptor = "";
        if url.ends_with(',') {
            // "a.png, b.png 2x": a URL ending in commas has no descriptor.
            url = url.trim_end_matches(',');
        } else {
            // The descriptor runs to the next comma outside parentheses.
            let mut depth = 0usize;
            let mut end = rest.len();
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => depth = depth.saturating_sub(1),
                    ',' if depth == 0 => {
                        end = i;
                        break;
                    }
                    _ => {}
                }
            }
            let (d, after) = rest.split_at_checked(end).unwrap_or((rest, ""));
            descriptor = d.trim();
            rest = after;
        }
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(&resolve(base, url));
        if !descriptor.is_empty() {
            out.push(' ');
            out.push_str(descriptor);
        }
    }
    out
}

/// Makes every relative `url(...)` in CSS text absolute against `base` (the sheet's URL).
/// Data URIs, fragment-only references (SVG filters) and absolute URLs are kept as they are.
pub fn resolve_css_urls(base: &str, css: &str) -> String {
    const OPEN: &str = "url(";
    let mut out = String::with_capacity(css.len() + 64);
    let mut rest = css;
    while let Some(pos) = find_ascii_case_insensitive(rest, OPEN) {
        // `get` rather than indexing throughout (the offsets are at ASCII bytes): a str
        // index's panic path pulls several KB of `core::fmt` into the wasm file.
        let after = rest.get(pos + OPEN.len()..).unwrap_or("");
        let lead = after.len() - after.trim_start().len();
        let (quote, close, body_start) = match after.as_bytes().get(lead) {
            Some(b'"') => ("\"", '"', lead + 1),
            Some(b'\'') => ("'", '\'', lead + 1),
            _ => ("", ')', 0),
        };
        let body = after.get(body_start..).unwrap_or("");
        let Some(body_end) = body.find(close) else {
            break;
        };
        let (raw, tail) = body.split_at_checked(body_end).unwrap_or((body, ""));
        let Some(paren) = tail.find(')') else {
            break;
        };
        let consumed = pos + OPEN.len() + body_start + body_end + paren + 1;
        let url = raw.trim();
        out.push_str(rest.get(..pos).unwrap_or(""));
        if url.is_empty() || url.starts_with('#') || has_scheme(url) {
            out.push_str(rest.get(pos..consumed).unwrap_or(""));
        } else {
            out.push_str(OPEN);
            out.push_str(quote);
            out.push_str(&resolve(base, url));
            out.push_str(quote);
            out.push(')');
        }
        rest = rest.get(consumed..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

fn find_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(n.len())
        .position(|w| w.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://a.test/b/c/d;p?q#f";

    #[test]
    fn rfc3986_normal_examples() {
        let cases = [
            ("g", "http://a.test/b/c/g"),
            ("./g", "http://a.test/b/c/g"),
            ("g/", "http://a.test/b/c/g/"),
            ("/g", "http://a.test/g"),
            ("//g", "http://g"),
            ("?y", "http://a.test/b/c/d;p?y"),
            ("g?y", "http://a.test/b/c/g?y"),
            ("#s", "http://a.test/b/c/d;p?q#s"),
            ("g#s", "http://a.test/b/c/g#s"),
            (";x", "http://a.test/b/c/;x"),
            ("", "http://a.test/b/c/d;p?q"),
            (".", "http://a.test/b/c/"),
            ("./", "http://a.test/b/c/"),
            ("..", "http://a.test/b/"),
            ("../g", "http://a.test/b/g"),
            ("../..", "http://a.test/"),
            ("../../g", "http://a.test/g"),
            ("../../../g", "http://a.test/g"),
            ("/./g", "http://a.test/g"),
            ("g.", "http://a.test/b/c/g."),
            ("g/../h", "http://a.test/b/c/h"),
            ("  img.png ", "http://a.test/b/c/img.png"),
            ("https://x.test/y", "https://x.test/y"),
            ("data:image/png;base64,AA==", "data:image/png;base64,AA=="),
            ("mailto:a@b.c", "mailto:a@b.c"),
        ];
        for (reference, want) in cases {
            assert_eq!(resolve(BASE, reference), want, "resolving {reference:?}");
        }
    }

    #[test]
    fn base_without_path_or_scheme() {
        assert_eq!(resolve("http://h.test", "x.png"), "http://h.test/x.png");
        assert_eq!(resolve("about:blank", "x.png"), "about:x.png");
        assert_eq!(resolve("no-scheme", "x.png"), "x.png");
    }

    #[test]
    fn srcset_candidates() {
        let base = "http://h.test/dir/page.html";
        assert_eq!(
            resolve_srcset(base, "a.png 1x,  /b.png 2x, c.png"),
            "http://h.test/dir/a.png 1x, http://h.test/b.png 2x, http://h.test/dir/c.png"
        );
        assert_eq!(
            resolve_srcset(base, "a.png, b.png 100w"),
            "http://h.test/dir/a.png, http://h.test/dir/b.png 100w"
        );
        assert_eq!(resolve_srcset(base, ""), "");
    }

    #[test]
    fn css_urls() {
        let base = "http://h.test/css/site.css";
        let css = r#"a{background:url(img/x.png)} b{background:URL( "../y.png" )} c{mask:url('#m')} d{background:url(data:image/png;base64,AA==)} e{background:url(https://o.test/z.png)}"#;
        assert_eq!(
            resolve_css_urls(base, css),
            r#"a{background:url(http://h.test/css/img/x.png)} b{background:url("http://h.test/y.png")} c{mask:url('#m')} d{background:url(data:image/png;base64,AA==)} e{background:url(https://o.test/z.png)}"#
        );
        assert_eq!(
            resolve_css_urls(base, "x{y:url(unclosed"),
            "x{y:url(unclosed"
        );
    }
}
