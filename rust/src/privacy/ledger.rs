//! The privacy ledger: forget and opt-out requests, durable when acknowledged.
//!
//! One line per request, appended and fsync'd before the call returns:
//! `v1 <F|O|I> <user key hex> <unix ms> <crc32 hex>` (forget, opt out, opt in).
//! Only keyed hashes are written, never raw ids. Replayed at start: the
//! opt-out set is rebuilt, and forget times let a restored profile snapshot
//! (older than the forget) be discarded. A torn last line (a crash during
//! the append) is ignored; any other bad line is an error naming the line.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use dashmap::DashMap;
use parking_lot::Mutex;

use crate::error::{CoreError, Result};
use crate::profile::Key;

pub const FILE_NAME: &str = "privacy-ledger.v1";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Forget,
    OptOut,
    OptIn,
}

impl Op {
    fn code(self) -> char {
        match self {
            Op::Forget => 'F',
            Op::OptOut => 'O',
            Op::OptIn => 'I',
        }
    }
    fn from_code(c: &str) -> Option<Self> {
        match c {
            "F" => Some(Op::Forget),
            "O" => Some(Op::OptOut),
            "I" => Some(Op::OptIn),
            _ => None,
        }
    }
}

fn hex(key: &Key) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Key> {
    if s.len() != 32 {
        return None;
    }
    let mut k = [0u8; 16];
    for (i, chunk) in s.as_bytes().chunks(2).enumerate() {
        k[i] = u8::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
    }
    Some(k)
}

fn line_for(op: Op, key: &Key, ms: u64) -> String {
    let body = format!("v1 {} {} {ms}", op.code(), hex(key));
    format!("{body} {:08x}\n", crc32fast::hash(body.as_bytes()))
}

fn parse_line(line: &str) -> Option<(Op, Key, u64)> {
    let (body, crc) = line.rsplit_once(' ')?;
    if u32::from_str_radix(crc, 16).ok()? != crc32fast::hash(body.as_bytes()) {
        return None;
    }
    let mut parts = body.split(' ');
    if parts.next()? != "v1" {
        return None;
    }
    let op = Op::from_code(parts.next()?)?;
    let key = unhex(parts.next()?)?;
    let ms = parts.next()?.parse().ok()?;
    Some((op, key, ms))
}

/// Forget and opt-out state; file-backed when a data directory is given.
#[derive(Default)]
pub struct PrivacyLedger {
    file: Mutex<Option<File>>,
    opted_out: DashMap<Key, u64>,
    forgotten: DashMap<Key, u64>,
}

impl PrivacyLedger {
    /// In memory only (nothing survives the process).
    pub fn in_memory() -> Self {
        Self::default()
    }

    /// Opens (or creates) the ledger in `dir` and replays it.
    pub fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|e| {
            CoreError::invalid("data_dir", format!("cannot create {}: {e}", dir.display()))
        })?;
        let path = dir.join(FILE_NAME);
        let this = Self::default();
        if path.exists() {
            let f = File::open(&path)
                .map_err(|e| CoreError::Internal(format!("{}: {e}", path.display())))?;
            let lines: Vec<String> = BufReader::new(f)
                .lines()
                .collect::<std::io::Result<_>>()
                .map_err(|e| CoreError::Internal(format!("{}: {e}", path.display())))?;
            let complete = std::fs::read(&path)
                .map(|b| b.ends_with(b"\n"))
                .unwrap_or(true);
            for (i, line) in lines.iter().enumerate() {
                match parse_line(line) {
                    Some((op, key, ms)) => this.apply(op, key, ms),
                    None if i + 1 == lines.len() && !complete => {} // torn last write
                    None => {
                        return Err(CoreError::Internal(format!(
                            "{}: line {} is corrupt (bad checksum or format)",
                            path.display(),
                            i + 1
                        )))
                    }
                }
            }
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| {
                CoreError::invalid("data_dir", format!("cannot write {}: {e}", path.display()))
            })?;
        *this.file.lock() = Some(file);
        Ok(this)
    }

    fn apply(&self, op: Op, key: Key, ms: u64) {
        match op {
            Op::Forget => {
                self.forgotten.insert(key, ms);
            }
            Op::OptOut => {
                self.opted_out.insert(key, ms);
                self.forgotten.insert(key, ms);
            }
            Op::OptIn => {
                self.opted_out.remove(&key);
            }
        }
    }

    /// Records a request durably (fsync), then applies it.
    pub fn record(&self, op: Op, key: Key, ms: u64) -> Result<()> {
        let mut guard = self.file.lock();
        if let Some(f) = guard.as_mut() {
            let line = line_for(op, &key, ms);
            f.write_all(line.as_bytes())
                .and_then(|_| f.sync_data())
                .map_err(|e| CoreError::Internal(format!("privacy ledger write failed: {e}")))?;
        }
        self.apply(op, key, ms);
        Ok(())
    }

    #[inline]
    pub fn is_opted_out(&self, key: &Key) -> bool {
        !self.opted_out.is_empty() && self.opted_out.contains_key(key)
    }

    /// When the user was last forgotten (unix ms), if ever.
    pub fn forgotten_at(&self, key: &Key) -> Option<u64> {
        self.forgotten.get(key).map(|v| *v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survives_reopen_and_tolerates_a_torn_tail() {
        let dir = std::env::temp_dir().join(format!("chatads-ledger-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (a, b) = ([1u8; 16], [2u8; 16]);
        {
            let l = PrivacyLedger::open(&dir).unwrap();
            l.record(Op::OptOut, a, 10).unwrap();
            l.record(Op::OptOut, b, 11).unwrap();
            l.record(Op::OptIn, b, 12).unwrap();
            l.record(Op::Forget, b, 13).unwrap();
        }
        let path = dir.join(FILE_NAME);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"v1 O 0303").unwrap(); // a crash mid-append
        drop(f);
        let l = PrivacyLedger::open(&dir).unwrap();
        assert!(l.is_opted_out(&a) && !l.is_opted_out(&b));
        assert_eq!(l.forgotten_at(&b), Some(13));
        // Corruption in the middle is reported, not skipped.
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replacen("v1 O", "v1 X", 1);
        std::fs::write(&path, text).unwrap();
        let err = PrivacyLedger::open(&dir).err().unwrap().to_string();
        assert!(err.contains("line 1"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn no_raw_ids_only_hex_keys() {
        let line = line_for(Op::Forget, &[0xab; 16], 5);
        assert!(line.starts_with("v1 F abababab"));
        assert_eq!(
            parse_line(line.trim_end()),
            Some((Op::Forget, [0xab; 16], 5))
        );
    }
}
