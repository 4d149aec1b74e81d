//! Durable state in the data directory: checksummed snapshot files written
//! atomically, and an append-only, fsync'd write-ahead log of catalog writes.
//!
//! A snapshot file is `magic (16 bytes) | version u32 | payload length u64 |
//! payload | CRC-32 of everything before it`. It is written to a temporary
//! file, fsync'd, renamed over the old one (which is kept as `.prev`), and the
//! directory is fsync'd: a crash leaves either the old or the new file, never
//! a mix. Reading checks magic, version, length and checksum, and says which
//! failed; callers fall back to `.prev`.
//!
//! A log record is `b"CL" | op u8 | payload length u32 | CRC-32 of op and
//! payload | payload`. Each append is fsync'd before the write is
//! acknowledged. On replay a record cut short at the end of the file is a
//! write that was never acknowledged (the process died inside it): it is
//! dropped and the file truncated to the last whole record. A record with a
//! bad checksum is corruption: replay stops there and reports it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use parking_lot::Mutex;

use crate::error::{CoreError, Result};

fn io_err(path: &Path, e: std::io::Error) -> CoreError {
    CoreError::Internal(format!("{}: {e}", path.display()))
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_err(dir, e))
}

/// `path` with `suffix` appended to its file name.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// Replaces a small file atomically (written, fsynced, renamed, directory fsynced).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = with_suffix(path, ".tmp");
    {
        let mut f = File::create(&tmp).map_err(|e| io_err(&tmp, e))?;
        f.write_all(bytes)
            .and_then(|_| f.sync_all())
            .map_err(|e| io_err(&tmp, e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| io_err(path, e))?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Writes a snapshot file atomically; the previous one becomes `<path>.prev`.
pub fn write_snapshot(path: &Path, magic: &[u8; 16], version: u32, payload: &[u8]) -> Result<()> {
    let mut buf = Vec::with_capacity(payload.len() + 32);
    buf.extend_from_slice(magic);
    buf.extend_from_slice(&version.to_le_bytes());
    buf.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    buf.extend_from_slice(payload);
    let crc = crc32fast::hash(&buf);
    buf.extend_from_slice(&crc.to_le_bytes());
    let tmp = with_suffix(path, ".tmp");
    {
        let mut f = File::create(&tmp).map_err(|e| io_err(&tmp, e))?;
        f.write_all(&buf)
            .and_then(|_| f.sync_all())
            .map_err(|e| io_err(&tmp, e))?;
    }
    if path.exists() {
        let prev = with_suffix(path, ".prev");
        std::fs::rename(path, &prev).map_err(|e| io_err(path, e))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| io_err(path, e))?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Reads and checks a snapshot file; `Ok(None)` when it does not exist,
/// `Err(reason)` when it exists but cannot be trusted.
pub fn read_snapshot(
    path: &Path,
    magic: &[u8; 16],
    version: u32,
) -> std::result::Result<Option<Vec<u8>>, String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: cannot read: {e}", path.display())),
    };
    let bad = |why: &str| Err(format!("{}: {why}", path.display()));
    if bytes.len() < 32 || &bytes[..16] != magic {
        return bad("not a snapshot of this kind (bad magic or too short)");
    }
    let v = u32::from_le_bytes(bytes[16..20].try_into().expect("4 bytes"));
    if v != version {
        return bad(&format!("format version {v}, this build reads {version}"));
    }
    let len = u64::from_le_bytes(bytes[20..28].try_into().expect("8 bytes")) as usize;
    if bytes.len() != 28 + len + 4 {
        return bad(&format!(
            "truncated or padded: {} bytes, the header promises {}",
            bytes.len(),
            28 + len + 4
        ));
    }
    let crc = u32::from_le_bytes(bytes[28 + len..].try_into().expect("4 bytes"));
    if crc32fast::hash(&bytes[..28 + len]) != crc {
        return bad("checksum mismatch (corrupted)");
    }
    Ok(Some(bytes[28..28 + len].to_vec()))
}

/// Reads `path`, else `<path>.prev`; every reason for skipping a file is
/// pushed to `report`.
pub fn read_snapshot_or_prev(
    path: &Path,
    magic: &[u8; 16],
    version: u32,
    report: &mut Vec<String>,
) -> Option<Vec<u8>> {
    for (i, p) in [path.to_path_buf(), with_suffix(path, ".prev")]
        .iter()
        .enumerate()
    {
        match read_snapshot(p, magic, version) {
            Ok(Some(b)) => {
                if i > 0 {
                    report.push(format!(
                        "{}: using the previous snapshot instead",
                        p.display()
                    ));
                }
                return Some(b);
            }
            Ok(None) => {}
            Err(why) => report.push(why),
        }
    }
    None
}

/// One logged operation: its code and payload.
pub type LogOp = (u8, Vec<u8>);

/// An append-only log of operations, each fsync'd before it is acknowledged.
pub struct Wal {
    path: PathBuf,
    file: Mutex<File>,
}

const RECORD_MAGIC: &[u8; 2] = b"CL";
const HEADER: usize = 2 + 1 + 4 + 4;

impl Wal {
    /// Opens (or creates) the log and returns it with the operations it holds.
    /// A torn last record is cut off; corruption stops the replay and is
    /// reported (the corrupt file is kept aside as `<path>.corrupt`).
    pub fn open(path: &Path, report: &mut Vec<String>) -> Result<(Self, Vec<LogOp>)> {
        let mut bytes = Vec::new();
        if path.exists() {
            File::open(path)
                .and_then(|mut f| f.read_to_end(&mut bytes))
                .map_err(|e| io_err(path, e))?;
        }
        let mut ops = Vec::new();
        let mut at = 0;
        let mut corrupt = false;
        while at < bytes.len() {
            let rest = &bytes[at..];
            if rest.len() < HEADER {
                break; // torn header
            }
            let op = rest[2];
            let len = u32::from_le_bytes(rest[3..7].try_into().expect("4 bytes")) as usize;
            let crc = u32::from_le_bytes(rest[7..11].try_into().expect("4 bytes"));
            if &rest[..2] != RECORD_MAGIC {
                corrupt = true;
                break;
            }
            if rest.len() < HEADER + len {
                break; // torn payload
            }
            let payload = &rest[HEADER..HEADER + len];
            let mut h = crc32fast::Hasher::new();
            h.update(&[op]);
            h.update(payload);
            if h.finalize() != crc {
                corrupt = true;
                break;
            }
            ops.push((op, payload.to_vec()));
            at += HEADER + len;
        }
        if corrupt {
            let aside = with_suffix(path, ".corrupt");
            std::fs::copy(path, &aside).map_err(|e| io_err(&aside, e))?;
            report.push(format!(
                "{}: record {} at byte {at} is corrupt (bad checksum or framing); \
                 replayed the {} records before it, kept the file as {}",
                path.display(),
                ops.len() + 1,
                ops.len(),
                aside.display()
            ));
        } else if at < bytes.len() {
            report.push(format!(
                "{}: dropped an unfinished last record ({} bytes, never acknowledged)",
                path.display(),
                bytes.len() - at
            ));
        }
        // Append mode: every write lands at the current end, also after a
        // truncation.
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| io_err(path, e))?;
        file.set_len(at as u64)
            .and_then(|_| file.sync_all())
            .map_err(|e| io_err(path, e))?;
        Ok((
            Self {
                path: path.to_path_buf(),
                file: Mutex::new(file),
            },
            ops,
        ))
    }

    /// Appends one operation and fsyncs it.
    pub fn append(&self, op: u8, payload: &[u8]) -> Result<()> {
        let len = u32::try_from(payload.len())
            .map_err(|_| CoreError::Internal("log record over 4 GiB".into()))?;
        let mut h = crc32fast::Hasher::new();
        h.update(&[op]);
        h.update(payload);
        let mut rec = Vec::with_capacity(HEADER + payload.len());
        rec.extend_from_slice(RECORD_MAGIC);
        rec.push(op);
        rec.extend_from_slice(&len.to_le_bytes());
        rec.extend_from_slice(&h.finalize().to_le_bytes());
        rec.extend_from_slice(payload);
        let mut f = self.file.lock();
        f.write_all(&rec)
            .and_then(|_| f.sync_data())
            .map_err(|e| io_err(&self.path, e))
    }

    /// Empties the log (after a snapshot made its records redundant).
    pub fn truncate(&self) -> Result<()> {
        let f = self.file.lock();
        f.set_len(0)
            .and_then(|_| f.sync_all())
            .map_err(|e| io_err(&self.path, e))
    }

    pub fn len_bytes(&self) -> u64 {
        self.file.lock().metadata().map_or(0, |m| m.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAGIC: &[u8; 16] = b"CHATADS-TEST-V1\0";

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("chatads-durable-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn snapshots_round_trip_and_detect_damage() {
        let d = dir("snap");
        let p = d.join("x.snap");
        write_snapshot(&p, MAGIC, 1, b"first").unwrap();
        write_snapshot(&p, MAGIC, 1, b"second").unwrap();
        assert_eq!(read_snapshot(&p, MAGIC, 1).unwrap().unwrap(), b"second");
        assert!(read_snapshot(&p, MAGIC, 2).unwrap_err().contains("version"));
        // Flip one payload byte: the checksum catches it, `.prev` is used.
        let mut b = std::fs::read(&p).unwrap();
        b[30] ^= 1;
        std::fs::write(&p, &b).unwrap();
        assert!(read_snapshot(&p, MAGIC, 1)
            .unwrap_err()
            .contains("checksum"));
        let mut report = Vec::new();
        assert_eq!(
            read_snapshot_or_prev(&p, MAGIC, 1, &mut report).unwrap(),
            b"first"
        );
        assert_eq!(report.len(), 2, "{report:?}");
        // Truncation is named as such.
        std::fs::write(&p, &b[..b.len() - 3]).unwrap();
        assert!(read_snapshot(&p, MAGIC, 1)
            .unwrap_err()
            .contains("truncated"));
        assert_eq!(read_snapshot(&d.join("none"), MAGIC, 1).unwrap(), None);
    }

    #[test]
    fn log_replays_drops_torn_tail_and_stops_at_corruption() {
        let d = dir("wal");
        let p = d.join("ops.log");
        let mut r = Vec::new();
        let (w, ops) = Wal::open(&p, &mut r).unwrap();
        assert!(ops.is_empty() && r.is_empty());
        w.append(1, b"alpha").unwrap();
        w.append(2, b"beta").unwrap();
        drop(w);
        // A torn third record (header only) is dropped and cut off.
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"CL\x01\x09\x00\x00\x00").unwrap();
        drop(f);
        let (w, ops) = Wal::open(&p, &mut r).unwrap();
        assert_eq!(ops, vec![(1, b"alpha".to_vec()), (2, b"beta".to_vec())]);
        assert!(r[0].contains("unfinished"), "{r:?}");
        w.truncate().unwrap();
        w.append(1, b"alpha").unwrap(); // lands at 0 after the truncation
        w.append(3, b"gamma").unwrap();
        drop(w);
        // Corrupt the second record's payload: replay keeps the first only.
        let mut b = std::fs::read(&p).unwrap();
        let second = HEADER + 5 + HEADER; // inside gamma's payload
        b[second] ^= 0xff;
        std::fs::write(&p, &b).unwrap();
        let mut r = Vec::new();
        let (_, ops) = Wal::open(&p, &mut r).unwrap();
        assert_eq!(ops, vec![(1, b"alpha".to_vec())]); // alpha, then corrupt gamma
        assert!(r[0].contains("corrupt") && with_suffix(&p, ".corrupt").exists());
    }
}
