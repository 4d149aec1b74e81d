//! The data plane's log lines, on stderr beside Python's: plain text or JSON
//! lines (the same fields as `chatads.logs`). A record names the method, the
//! status code and the caller's request id at most: never chat text, user
//! ids, keys or request bytes.

use std::io::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::SystemTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Level {
    Debug = 10,
    Info = 20,
    Warning = 30,
    Error = 40,
}

impl Level {
    pub fn parse(name: &str) -> Option<Level> {
        Some(match name.to_ascii_uppercase().as_str() {
            "DEBUG" => Level::Debug,
            "INFO" => Level::Info,
            "WARNING" => Level::Warning,
            "ERROR" => Level::Error,
            _ => return None,
        })
    }
    fn name(self) -> &'static str {
        match self {
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warning => "WARNING",
            Level::Error => "ERROR",
        }
    }
}

static LEVEL: AtomicU8 = AtomicU8::new(Level::Info as u8);
static JSON: AtomicU8 = AtomicU8::new(0);

/// Sets the level and format (`text` or `json`) of every later record.
pub fn configure(level: Level, json: bool) {
    LEVEL.store(level as u8, Ordering::Relaxed);
    JSON.store(u8::from(json), Ordering::Relaxed);
}

pub fn enabled(level: Level) -> bool {
    level as u8 >= LEVEL.load(Ordering::Relaxed)
}

/// One record: a message and `(name, value)` fields (values already free of
/// request content).
pub fn record(level: Level, msg: &str, fields: &[(&str, &str)]) {
    if !enabled(level) {
        return;
    }
    let now = SystemTime::now();
    let line = if JSON.load(Ordering::Relaxed) == 1 {
        let mut obj = serde_json::Map::new();
        obj.insert("ts".into(), iso8601(now).into());
        obj.insert("level".into(), level.name().into());
        obj.insert("logger".into(), "chatads.native".into());
        obj.insert("msg".into(), msg.into());
        for (k, v) in fields {
            obj.insert((*k).into(), (*v).into());
        }
        serde_json::Value::Object(obj).to_string()
    } else {
        let mut s = format!("{} {} chatads.native {msg}", iso8601(now), level.name());
        for (k, v) in fields {
            s.push_str(&format!(" {k}={v}"));
        }
        s
    };
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

fn iso8601(now: SystemTime) -> String {
    humantime::format_rfc3339_millis(now).to_string()
}
