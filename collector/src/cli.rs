//! Command-line options → `Config`. Hand-parsed: eight flags do not need an argument-parsing
//! crate, and the errors name the flag and what it expects.

use std::path::PathBuf;

pub const USAGE: &str = "\
tapedeck-collector: receives Tapedeck recordings (PROTOCOL.md) and serves them to the viewer

usage: tapedeck-collector [options]

  --host <addr>                    address to listen on (default 127.0.0.1)
  --port <n>                       port, 0 = any free port (default 8000)
  --data-dir <dir>                 where the SQLite database lives (default ./.tapedeck-data)
  --static <dir>                   also serve the files of <dir> (e.g. the repository root)
  --max-body-bytes <n>             largest gzip request body (default 1MiB)
  --max-decompressed-bytes <n>     largest envelope JSON, after gunzip or sent plain (default 32MiB)
  --allow-origin <origin>          an origin that may send and read (repeatable; default: any)
  --quiet                          no per-request log lines
  -h, --help                       this text

Sizes take a suffix: 512KiB, 4MiB (also k, K, m, M).";

/// Default `--max-body-bytes`.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;
/// Default `--max-decompressed-bytes`.
pub const DEFAULT_MAX_DECOMPRESSED_BYTES: usize = 32 << 20;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub host: String,
    pub port: u16,
    pub data_dir: PathBuf,
    pub static_dir: Option<PathBuf>,
    /// Largest gzip body on the wire.
    pub max_body_bytes: usize,
    /// Largest envelope JSON: a gzip body inflated, or a plain body as sent.
    pub max_decompressed_bytes: usize,
    /// Origins allowed to post and read; empty = any origin.
    pub allow_origins: Vec<String>,
    /// Log one line per request to stderr.
    pub log_requests: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            host: "127.0.0.1".into(),
            port: 8000,
            data_dir: PathBuf::from(".tapedeck-data"),
            static_dir: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_decompressed_bytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
            allow_origins: Vec::new(),
            log_requests: true,
        }
    }
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Run(Config),
    Help,
}

const FLAGS: &[&str] = &[
    "--host",
    "--port",
    "--data-dir",
    "--static",
    "--max-body-bytes",
    "--max-decompressed-bytes",
    "--allow-origin",
    "--quiet",
    "--help",
];

/// Parse the arguments after the program name.
pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Command, String> {
    let mut config = Config::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg.clone(), None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(Command::Help);
        }
        if flag == "--quiet" {
            if inline.is_some() {
                return Err("--quiet takes no value".into());
            }
            config.log_requests = false;
            continue;
        }
        if !FLAGS.contains(&flag.as_str()) {
            return Err(match suggest(&flag) {
                Some(near) => format!("unknown option `{arg}` (did you mean `{near}`?)"),
                None if !flag.starts_with('-') => {
                    format!("unexpected argument `{arg}` (options start with --)")
                }
                None => format!("unknown option `{arg}`"),
            });
        }
        let value = match inline.or_else(|| args.next()) {
            Some(v) => v,
            None => return Err(format!("{flag} needs a value")),
        };
        match flag.as_str() {
            "--host" if value.is_empty() => {
                return Err("--host needs an address, e.g. 127.0.0.1".into())
            }
            "--host" => config.host = value,
            "--port" => {
                config.port = value
                    .parse()
                    .map_err(|_| format!("--port: `{value}` is not a port number (0–65535)"))?
            }
            "--data-dir" => config.data_dir = non_empty_path(&flag, value)?,
            "--static" => config.static_dir = Some(non_empty_path(&flag, value)?),
            "--max-body-bytes" => config.max_body_bytes = size(&flag, &value)?,
            "--max-decompressed-bytes" => config.max_decompressed_bytes = size(&flag, &value)?,
            "--allow-origin" => config.allow_origins.push(origin(&value)?),
            _ => unreachable!("every flag in FLAGS is handled"),
        }
    }
    if config.allow_origins.iter().any(|o| o == "*") {
        // `*` is the default; with it, listing others means nothing.
        config.allow_origins.clear();
    }
    Ok(Command::Run(config))
}

fn non_empty_path(flag: &str, value: String) -> Result<PathBuf, String> {
    if value.is_empty() {
        return Err(format!("{flag} needs a directory"));
    }
    Ok(PathBuf::from(value))
}

/// `1048576`, `1024KiB`, `1MiB`, `1m`…: bytes, at least 1.
fn size(flag: &str, value: &str) -> Result<usize, String> {
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (digits, unit) = value.split_at(split);
    let scale: usize = match unit {
        "" | "B" => 1,
        "k" | "K" | "KiB" => 1 << 10,
        "m" | "M" | "MiB" => 1 << 20,
        _ => 0,
    };
    let bytes = digits
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .unwrap_or(0);
    if bytes == 0 {
        return Err(format!(
            "{flag}: `{value}` is not a size (a positive number of bytes, optionally with KiB or MiB)"
        ));
    }
    Ok(bytes)
}

/// `https://example.com[:port]` as browsers send it in `Origin`, or `*`.
fn origin(value: &str) -> Result<String, String> {
    if value == "*" {
        return Ok(value.into());
    }
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains('/') && !host.contains(char::is_whitespace) => {
            Ok(value.to_string())
        }
        _ => Err(format!(
            "--allow-origin: `{value}` is not an origin (scheme://host[:port], no path or trailing slash, e.g. https://example.com)"
        )),
    }
}

/// The known flag closest to a mistyped one, if it is close.
fn suggest(flag: &str) -> Option<&'static str> {
    FLAGS
        .iter()
        .map(|known| (distance(flag, known), *known))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, known)| known)
}

/// Levenshtein distance.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Config, String> {
        match parse(args.iter().map(|s| s.to_string()))? {
            Command::Run(config) => Ok(config),
            Command::Help => Err("help".into()),
        }
    }

    #[test]
    fn defaults() {
        assert_eq!(run(&[]).unwrap(), Config::default());
        assert_eq!(Config::default().port, 8000);
        assert_eq!(Config::default().data_dir, PathBuf::from(".tapedeck-data"));
    }

    #[test]
    fn every_flag_in_both_forms() {
        let c = run(&[
            "--host",
            "0.0.0.0",
            "--port=9000",
            "--data-dir",
            "/tmp/d",
            "--static=.",
            "--max-body-bytes",
            "512KiB",
            "--max-decompressed-bytes=4m",
            "--allow-origin",
            "http://127.0.0.1:3000",
            "--allow-origin=https://example.com",
            "--quiet",
        ])
        .unwrap();
        assert_eq!(c.host, "0.0.0.0");
        assert_eq!(c.port, 9000);
        assert_eq!(c.data_dir, PathBuf::from("/tmp/d"));
        assert_eq!(c.static_dir, Some(PathBuf::from(".")));
        assert_eq!(c.max_body_bytes, 512 * 1024);
        assert_eq!(c.max_decompressed_bytes, 4 << 20);
        assert_eq!(
            c.allow_origins,
            ["http://127.0.0.1:3000", "https://example.com"]
        );
        assert!(!c.log_requests);
    }

    #[test]
    fn help() {
        assert_eq!(parse(["-h".to_string()]), Ok(Command::Help));
        assert_eq!(parse(["--help".to_string()]), Ok(Command::Help));
    }

    #[test]
    fn bad_flags_say_what_is_wrong() {
        assert_eq!(
            run(&["--prot", "1"]).unwrap_err(),
            "unknown option `--prot` (did you mean `--port`?)"
        );
        assert_eq!(run(&["--colour"]).unwrap_err(), "unknown option `--colour`");
        assert_eq!(
            run(&["8000"]).unwrap_err(),
            "unexpected argument `8000` (options start with --)"
        );
        assert_eq!(run(&["--port"]).unwrap_err(), "--port needs a value");
        assert_eq!(
            run(&["--port", "70000"]).unwrap_err(),
            "--port: `70000` is not a port number (0–65535)"
        );
        assert_eq!(
            run(&["--port=x"]).unwrap_err(),
            "--port: `x` is not a port number (0–65535)"
        );
        assert!(run(&["--max-body-bytes", "0"])
            .unwrap_err()
            .starts_with("--max-body-bytes: `0` is not a size"));
        assert!(run(&["--max-body-bytes", "1GB"])
            .unwrap_err()
            .contains("is not a size"));
        assert!(run(&["--allow-origin", "example.com"])
            .unwrap_err()
            .contains("is not an origin"));
        assert!(run(&["--allow-origin", "https://example.com/"])
            .unwrap_err()
            .contains("no path"));
        assert_eq!(run(&["--quiet=1"]).unwrap_err(), "--quiet takes no value");
        assert_eq!(
            run(&["--static="]).unwrap_err(),
            "--static needs a directory"
        );
    }

    #[test]
    fn star_origin_means_any() {
        assert!(
            run(&["--allow-origin", "https://a.test", "--allow-origin", "*"])
                .unwrap()
                .allow_origins
                .is_empty()
        );
    }
}
