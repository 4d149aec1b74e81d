//! The privacy ledger: forget and opt-out requests and the users' ad
//! controls, durable when acknowledged.
//!
//! One line per request, appended and fsync'd before the call returns:
//! `v1 <op> <user key hex> <unix ms> [<argument hex>] <crc32 hex>`. The ops:
//! F forget, O opt out, I opt in; H / h hide / unhide an ad, A / a hide /
//! unhide an advertiser (argument: the id, hex of its UTF-8); B / b block /
//! unblock a topic, R remove an interest (argument: the taxonomy id); P the
//! personalisation level (`full`, `contextual`, `none`); C a cleared ad
//! history (argument: the ad id, or empty for all).
//! Only keyed hashes of users are written, never raw ids. Replayed at start:
//! the opt-out set and the controls are rebuilt, and forget times let a
//! restored profile snapshot (older than the forget) be discarded. A torn last
//! line (a crash during the append) is ignored; any other bad line is an
//! error naming the line.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::sync::Arc;

use dashmap::DashMap;
use parking_lot::Mutex;

use crate::error::{CoreError, Result};
use crate::profile::Key;

pub const FILE_NAME: &str = "privacy-ledger.v1";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Forget,
    OptOut,
    OptIn,
    HideAd(String),
    UnhideAd(String),
    HideAdvertiser(String),
    UnhideAdvertiser(String),
    BlockTopic(u32),
    UnblockTopic(u32),
    RemoveInterest(u32),
    Level(Level),
    ClearHistory(String),
}

/// How personal a user's ads may be (`Privacy.SetPersonalization`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Level {
    #[default]
    Full,
    /// The current turn only: no profile learnt or used.
    Contextual,
    NoAds,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Full => "full",
            Level::Contextual => "contextual",
            Level::NoAds => "none",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Level::Full, Level::Contextual, Level::NoAds]
            .into_iter()
            .find(|l| l.name() == s)
    }
}

impl Op {
    fn code(&self) -> char {
        match self {
            Op::Forget => 'F',
            Op::OptOut => 'O',
            Op::OptIn => 'I',
            Op::HideAd(_) => 'H',
            Op::UnhideAd(_) => 'h',
            Op::HideAdvertiser(_) => 'A',
            Op::UnhideAdvertiser(_) => 'a',
            Op::BlockTopic(_) => 'B',
            Op::UnblockTopic(_) => 'b',
            Op::RemoveInterest(_) => 'R',
            Op::Level(_) => 'P',
            Op::ClearHistory(_) => 'C',
        }
    }
    fn arg(&self) -> Option<String> {
        match self {
            Op::Forget | Op::OptOut | Op::OptIn => None,
            Op::HideAd(s)
            | Op::UnhideAd(s)
            | Op::HideAdvertiser(s)
            | Op::UnhideAdvertiser(s)
            | Op::ClearHistory(s) => Some(hex(s.as_bytes())),
            Op::BlockTopic(t) | Op::UnblockTopic(t) | Op::RemoveInterest(t) => Some(t.to_string()),
            Op::Level(l) => Some(l.name().to_string()),
        }
    }
    fn parse(code: &str, arg: Option<&str>) -> Option<Self> {
        let text = || String::from_utf8(unhex(arg?)?).ok();
        let topic = || arg?.parse::<u32>().ok();
        Some(match (code, arg.is_some()) {
            ("F", false) => Op::Forget,
            ("O", false) => Op::OptOut,
            ("I", false) => Op::OptIn,
            ("H", true) => Op::HideAd(text()?),
            ("h", true) => Op::UnhideAd(text()?),
            ("A", true) => Op::HideAdvertiser(text()?),
            ("a", true) => Op::UnhideAdvertiser(text()?),
            ("C", true) => Op::ClearHistory(text()?),
            ("B", true) => Op::BlockTopic(topic()?),
            ("b", true) => Op::UnblockTopic(topic()?),
            ("R", true) => Op::RemoveInterest(topic()?),
            ("P", true) => Op::Level(Level::parse(arg?)?),
            _ => return None,
        })
    }
}

/// One user's ad controls. Replaced whole on each change (copy on write), so
/// a turn reads them with one map lookup and no lock held.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Controls {
    pub level: Level,
    /// (ad id, unix ms when hidden).
    pub hidden_ads: Vec<(String, u64)>,
    /// (advertiser domain, unix ms).
    pub hidden_advertisers: Vec<(String, u64)>,
    /// (taxonomy id, unix ms).
    pub blocked_topics: Vec<(u32, u64)>,
    /// Interests removed from the profile (taxonomy id, unix ms): a profile
    /// snapshot older than the removal has it removed again at recovery.
    pub removed_interests: Vec<(u32, u64)>,
}

impl Controls {
    fn is_default(&self) -> bool {
        *self == Controls::default()
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.as_bytes()
        .chunks(2)
        .map(|c| u8::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
        .collect()
}

pub(crate) fn line_for(op: &Op, key: &Key, ms: u64) -> String {
    let mut body = format!("v1 {} {} {ms}", op.code(), hex(key));
    if let Some(arg) = op.arg() {
        body.push(' ');
        // An empty argument is written as `-` so the line keeps its shape.
        body.push_str(if arg.is_empty() { "-" } else { &arg });
    }
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
    let code = parts.next()?;
    let key: Key = unhex(parts.next()?)?.try_into().ok()?;
    let ms = parts.next()?.parse().ok()?;
    let arg = parts.next().map(|a| if a == "-" { "" } else { a });
    if parts.next().is_some() {
        return None;
    }
    Some((Op::parse(code, arg)?, key, ms))
}

/// Hidden ads, hidden advertisers and blocked topics a user may hold at most each.
pub const MAX_CONTROLS: usize = 500;

impl Op {
    /// A user's control (erased from the file when the user is forgotten), as
    /// opposed to forget and opt-out requests (kept: they are the proof).
    fn is_control(&self) -> bool {
        !matches!(self, Op::Forget | Op::OptOut | Op::OptIn)
    }
}

/// Forget and opt-out state; file-backed when a data directory is given.
#[derive(Default)]
pub struct PrivacyLedger {
    /// The open file and its path.
    file: Mutex<Option<(File, std::path::PathBuf)>>,
    /// Users with control lines in the file (what a forget must erase).
    with_control_lines: DashMap<Key, ()>,
    opted_out: DashMap<Key, u64>,
    forgotten: DashMap<Key, u64>,
    controls: DashMap<Key, Arc<Controls>>,
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
        *this.file.lock() = Some((file, path));
        Ok(this)
    }

    fn apply(&self, op: Op, key: Key, ms: u64) {
        if op.is_control() {
            self.with_control_lines.insert(key, ());
        }
        match op {
            Op::Forget => {
                self.forgotten.insert(key, ms);
                self.controls.remove(&key);
            }
            Op::OptOut => {
                self.opted_out.insert(key, ms);
                self.forgotten.insert(key, ms);
            }
            Op::OptIn => {
                self.opted_out.remove(&key);
            }
            Op::ClearHistory(_) => {}
            op => {
                let mut c = self
                    .controls
                    .get(&key)
                    .map(|c| (**c).clone())
                    .unwrap_or_default();
                fn set<T: PartialEq>(list: &mut Vec<(T, u64)>, item: T, ms: u64, on: bool) {
                    list.retain(|(x, _)| *x != item);
                    if on {
                        list.push((item, ms));
                    }
                }
                match op {
                    Op::HideAd(a) => set(&mut c.hidden_ads, a, ms, true),
                    Op::UnhideAd(a) => set(&mut c.hidden_ads, a, ms, false),
                    Op::HideAdvertiser(a) => set(&mut c.hidden_advertisers, a, ms, true),
                    Op::UnhideAdvertiser(a) => set(&mut c.hidden_advertisers, a, ms, false),
                    Op::BlockTopic(t) => set(&mut c.blocked_topics, t, ms, true),
                    Op::UnblockTopic(t) => set(&mut c.blocked_topics, t, ms, false),
                    Op::RemoveInterest(t) => set(&mut c.removed_interests, t, ms, true),
                    Op::Level(l) => c.level = l,
                    _ => unreachable!("handled above"),
                }
                if c.is_default() {
                    self.controls.remove(&key);
                } else {
                    self.controls.insert(key, Arc::new(c));
                }
            }
        }
    }

    /// Records a request durably (fsync), then applies it. A forget also
    /// erases the user's control lines from the file (rewritten atomically), so
    /// that nothing of their choices stays on disk; the forget and opt-out
    /// lines stay.
    pub fn record(&self, op: Op, key: Key, ms: u64) -> Result<()> {
        let mut guard = self.file.lock();
        let forget = op == Op::Forget;
        if let Some((f, _)) = guard.as_mut() {
            let line = line_for(&op, &key, ms);
            f.write_all(line.as_bytes())
                .and_then(|_| f.sync_data())
                .map_err(|e| CoreError::Internal(format!("privacy ledger write failed: {e}")))?;
        }
        self.apply(op, key, ms);
        if forget && self.with_control_lines.remove(&key).is_some() {
            if let Some((f, path)) = guard.as_mut() {
                *f = Self::erase_controls(path, &key)?;
            }
        }
        Ok(())
    }

    /// Rewrites the file without `key`'s control lines; returns the new file,
    /// open for appending.
    fn erase_controls(path: &Path, key: &Key) -> Result<File> {
        let err =
            |e: std::io::Error| CoreError::Internal(format!("privacy ledger rewrite failed: {e}"));
        let text = std::fs::read_to_string(path).map_err(err)?;
        let kept: String = text
            .split_inclusive('\n')
            .filter(|line| {
                !matches!(parse_line(line.trim_end()),
                    Some((op, k, _)) if k == *key && op.is_control())
            })
            .collect();
        crate::durable::write_atomic(path, kept.as_bytes())?;
        OpenOptions::new().append(true).open(path).map_err(err)
    }

    /// Refuses a control the user already holds too many of.
    pub fn check_room(&self, key: &Key, op: &Op) -> Result<()> {
        let Some(c) = self.controls(key) else {
            return Ok(());
        };
        let (field, n) = match op {
            Op::HideAd(_) => ("ad_id", c.hidden_ads.len()),
            Op::HideAdvertiser(_) => ("ad_id", c.hidden_advertisers.len()),
            Op::BlockTopic(_) => ("topic_id", c.blocked_topics.len()),
            Op::RemoveInterest(_) => ("topic_id", c.removed_interests.len()),
            _ => return Ok(()),
        };
        if n >= MAX_CONTROLS {
            return Err(CoreError::invalid(
                field,
                format!("the user already holds {MAX_CONTROLS} of these; remove some first"),
            ));
        }
        Ok(())
    }

    #[inline]
    pub fn is_opted_out(&self, key: &Key) -> bool {
        !self.opted_out.is_empty() && self.opted_out.contains_key(key)
    }

    /// The user's controls, if any differ from the defaults.
    #[inline]
    pub fn controls(&self, key: &Key) -> Option<Arc<Controls>> {
        if self.controls.is_empty() {
            return None;
        }
        self.controls.get(key).map(|c| c.clone())
    }

    /// Every user with controls (for recovery's profile scrub).
    pub fn all_controls(&self) -> Vec<(Key, Arc<Controls>)> {
        self.controls
            .iter()
            .map(|e| (*e.key(), e.value().clone()))
            .collect()
    }

    /// Replaces what is held here of one user by the ledger `lines` a shared
    /// store keeps for them (lines of other users are ignored). Returns how
    /// many lines did not parse (skipped).
    pub fn install_user(&self, key: &Key, lines: &[Vec<u8>]) -> usize {
        self.evict_user(key);
        let mut bad = 0;
        for line in lines {
            match std::str::from_utf8(line)
                .ok()
                .and_then(|l| parse_line(l.trim_end()))
            {
                Some((op, k, ms)) if k == *key => self.apply(op, k, ms),
                Some(_) => {}
                None => bad += 1,
            }
        }
        bad
    }

    /// Drops what is held here of one user (the shared store keeps it).
    pub fn evict_user(&self, key: &Key) {
        self.opted_out.remove(key);
        self.forgotten.remove(key);
        self.controls.remove(key);
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
    fn controls_survive_reopen_and_go_with_forget() {
        let dir = std::env::temp_dir().join(format!("chatads-controls-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (a, b) = ([1u8; 16], [2u8; 16]);
        {
            let l = PrivacyLedger::open(&dir).unwrap();
            l.record(Op::HideAd("ad 1/é".into()), a, 9).unwrap();
            l.record(Op::HideAd("ad2".into()), a, 9).unwrap();
            l.record(Op::UnhideAd("ad2".into()), a, 10).unwrap();
            l.record(Op::HideAdvertiser("shop.example".into()), a, 9)
                .unwrap();
            l.record(Op::BlockTopic(208), a, 9).unwrap();
            l.record(Op::Level(Level::Contextual), a, 9).unwrap();
            l.record(Op::ClearHistory(String::new()), a, 9).unwrap();
            l.record(Op::BlockTopic(1), b, 9).unwrap();
            l.record(Op::UnblockTopic(1), b, 11).unwrap();
        }
        let l = PrivacyLedger::open(&dir).unwrap();
        let c = l.controls(&a).unwrap();
        assert_eq!(c.hidden_ads, [("ad 1/é".to_string(), 9)]);
        assert_eq!(c.hidden_advertisers, [("shop.example".to_string(), 9)]);
        assert_eq!(c.blocked_topics, [(208, 9)]);
        assert_eq!(c.level, Level::Contextual);
        // Back to the defaults: nothing held.
        assert!(l.controls(&b).is_none());
        l.record(Op::Forget, a, 14).unwrap();
        assert!(l.controls(&a).is_none());
        // Nothing of a's choices stays in the file: only the forget line is left of a.
        let text = std::fs::read_to_string(dir.join(FILE_NAME)).unwrap();
        let of_a: Vec<&str> = text.lines().filter(|l| l.contains(&hex(&a))).collect();
        assert_eq!(of_a.len(), 1, "{text}");
        assert!(of_a[0].starts_with("v1 F "));
        assert!(!text.contains(&hex("shop.example".as_bytes())));
        // The file is still appended to after the rewrite, and replays.
        l.record(Op::HideAd("x".into()), b, 15).unwrap();
        drop(l);
        let l = PrivacyLedger::open(&dir).unwrap();
        assert!(l.controls(&a).is_none());
        assert_eq!(l.controls(&b).unwrap().hidden_ads.len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn no_raw_ids_only_hex_keys() {
        let line = line_for(&Op::Forget, &[0xab; 16], 5);
        assert!(line.starts_with("v1 F abababab"));
        assert_eq!(
            parse_line(line.trim_end()),
            Some((Op::Forget, [0xab; 16], 5))
        );
    }
}
