//! What outlives the process, with a data directory: the catalog (a snapshot
//! plus a write-ahead log of the writes since) and the profiles (a snapshot,
//! filtered on load by the privacy ledger). Files are checked by
//! `crate::durable`; this is what goes in them and how it comes back.

use std::path::Path;
use std::sync::atomic::Ordering;

use prost::Message;

use crate::catalog::AdRecord;
use crate::durable::{read_snapshot_or_prev, write_snapshot, Wal};
use crate::error::Result;
use crate::wire;

use super::catalog::wire_ad;
use super::{unix_ms, Engine};

/// Files in the data directory.
pub const CATALOG_SNAPSHOT: &str = "catalog.snap";
pub const CATALOG_LOG: &str = "catalog.log";
pub const PROFILE_SNAPSHOT: &str = "profiles.snap";
/// Which text space the stored profiles live in (model, d, seed, mix):
/// profiles learnt in another space are not restored.
pub const TEXT_SPACE: &str = "text_space";
const CATALOG_MAGIC: &[u8; 16] = b"CHATADS-CATALOG\0";
const PROFILE_MAGIC: &[u8; 16] = b"CHATADS-PROFILES";
const SNAPSHOT_VERSION: u32 = 1;
const LOG_UPSERT: u8 = 1;
const LOG_DELETE: u8 = 2;

/// What a logged catalog write does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum LoggedWrite {
    Upsert,
    Delete,
}

impl Engine {
    /// Restores the catalog (snapshot, then the log's writes since) and the
    /// profiles (last snapshot, minus every user forgotten or opted out since).
    /// Damaged files are reported in `self.recovery` and skipped for the
    /// previous good one; nothing unverified is loaded.
    pub(super) fn recover(&mut self, dir: &Path) -> Result<()> {
        let mut report = Vec::new();
        if let Some(bytes) = read_snapshot_or_prev(
            &dir.join(CATALOG_SNAPSHOT),
            CATALOG_MAGIC,
            SNAPSHOT_VERSION,
            &mut report,
        ) {
            match wire::UpsertAdsRequest::decode(bytes.as_slice()) {
                Ok(req) => self.apply_logged_upsert(req.ads, &mut report),
                Err(e) => report.push(format!("{CATALOG_SNAPSHOT}: does not decode: {e}")),
            }
        }
        let (wal, ops) = Wal::open(&dir.join(CATALOG_LOG), &mut report)?;
        for (op, payload) in ops {
            let write = match op {
                LOG_UPSERT => Some(LoggedWrite::Upsert),
                LOG_DELETE => Some(LoggedWrite::Delete),
                _ => None,
            };
            self.apply_logged(write, &payload, CATALOG_LOG, &mut report);
        }
        self.wal = Some(wal);
        if !self.catalog.is_empty() {
            self.catalog.fold(true)?;
        }
        let space = self.text_space();
        let stored_space = std::fs::read_to_string(dir.join(TEXT_SPACE)).ok();
        // Before this file existed, every data directory held hashing-model profiles.
        let same_space = match stored_space.as_deref() {
            Some(s) => s.trim() == space,
            None => self.config.text_model == super::TextModel::Hashing,
        };
        if !same_space && dir.join(PROFILE_SNAPSHOT).exists() {
            report.push(format!(
                "{PROFILE_SNAPSHOT}: learnt in another text space ({}), this process uses \
                 {space}; starting without profiles",
                stored_space.as_deref().unwrap_or("hashing").trim()
            ));
        }
        if !same_space {
            // The old space's profiles go (a later start must not restore them
            // either), then the new space is recorded, before any profile of it
            // can be snapshotted.
            let snap = dir.join(PROFILE_SNAPSHOT);
            for f in [crate::durable::with_suffix(&snap, ".prev"), snap] {
                match std::fs::remove_file(&f) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(crate::error::CoreError::Internal(format!(
                            "{}: {e}",
                            f.display()
                        )))
                    }
                }
            }
            crate::durable::write_atomic(&dir.join(TEXT_SPACE), space.as_bytes())?;
        } else if let Some(bytes) = read_snapshot_or_prev(
            &dir.join(PROFILE_SNAPSHOT),
            PROFILE_MAGIC,
            SNAPSHOT_VERSION,
            &mut report,
        ) {
            let ledger = &self.ledger;
            let skip = |key: &[u8; 16], updated_at: f64| {
                ledger.is_opted_out(key)
                    || ledger
                        .forgotten_at(key)
                        .is_some_and(|ms| ms as f64 / 1000.0 >= updated_at)
            };
            if let Err(e) = self.profiles.restore(&bytes, skip) {
                report.push(format!(
                    "{PROFILE_SNAPSHOT}: {e}; starting without profiles"
                ));
            }
            // A snapshot taken before a block or a removal held the topic still.
            for (key, controls) in self.ledger.all_controls() {
                self.scrub_profile(&key, &controls);
            }
        }
        self.recovery = report;
        Ok(())
    }

    /// The text space profiles are learnt in, as stored in [`TEXT_SPACE`].
    fn text_space(&self) -> String {
        let c = &self.config;
        match c.text_model {
            super::TextModel::Hashing => format!("hashing d={} seed={}", c.d, c.seed),
            // v2: each word's tokens weighted by the word's term weight.
            super::TextModel::Semantic => format!(
                "semantic minilm-static-v2 d={} seed={} mix={},{},{}",
                c.d, c.seed, c.text_mix.semantic, c.text_mix.topics, c.text_mix.hashing
            ),
        }
    }

    /// Replays one logged catalog write (from the write-ahead log or the
    /// shared store's stream, named by `source` in the report); `None`: an
    /// operation this release does not know.
    pub(super) fn apply_logged(
        &self,
        write: Option<LoggedWrite>,
        payload: &[u8],
        source: &str,
        report: &mut Vec<String>,
    ) {
        match write {
            Some(LoggedWrite::Upsert) => match wire::UpsertAdsRequest::decode(payload) {
                Ok(req) => self.apply_logged_upsert(req.ads, report),
                Err(e) => report.push(format!("{source}: an upsert does not decode: {e}")),
            },
            Some(LoggedWrite::Delete) => match wire::DeleteAdsRequest::decode(payload) {
                Ok(req) => {
                    self.catalog.delete_unfolded(&req.ad_ids);
                }
                Err(e) => report.push(format!("{source}: a delete does not decode: {e}")),
            },
            None => report.push(format!("{source}: an unknown operation")),
        }
    }

    /// Replays logged ads (already validated once): one that no longer
    /// validates (say, limits were tightened) is reported and skipped.
    pub(super) fn apply_logged_upsert(&self, ads: Vec<wire::Ad>, report: &mut Vec<String>) {
        let mut records = Vec::with_capacity(ads.len());
        for (i, ad) in ads.into_iter().enumerate() {
            match self.ad_record(i, ad) {
                Ok(r) => records.push(r),
                Err(e) => report.push(format!("a stored ad no longer validates: {e}")),
            }
        }
        self.catalog.upsert_unfolded(records);
    }

    /// An upsert's log entry: the ads as sent (replay validates and embeds
    /// them again, the same way). Empty without a log.
    pub(super) fn upsert_log_entry(&self, ads: &[wire::Ad]) -> Vec<u8> {
        if self.wal.is_some() || self.catalog_shared() {
            wire::UpsertAdsRequest { ads: ads.to_vec() }.encode_to_vec()
        } else {
            Vec::new()
        }
    }

    /// Stores validated records, logged first (with a log), under the lock
    /// that keeps the log in the catalog's order.
    pub(super) fn log_and_upsert(&self, logged: &[u8], records: Vec<AdRecord>) -> Result<()> {
        let _w = self.catalog_writes.lock();
        if let Some(wal) = &self.wal {
            wal.append(LOG_UPSERT, logged)?;
        }
        self.catalog_publish(crate::state::redis::LOG_UPSERT, logged)?;
        self.catalog.upsert_unfolded(records);
        Ok(())
    }

    /// Deletes ads, logged first (with a log), under the same lock.
    pub(super) fn log_and_delete(&self, ad_ids: &[String]) -> Result<usize> {
        let _w = self.catalog_writes.lock();
        let req = wire::DeleteAdsRequest {
            ad_ids: ad_ids.to_vec(),
        };
        if let Some(wal) = &self.wal {
            wal.append(LOG_DELETE, &req.encode_to_vec())?;
        }
        if self.catalog_shared() {
            self.catalog_publish(crate::state::redis::LOG_DELETE, &req.encode_to_vec())?;
        }
        Ok(self.catalog.delete_unfolded(ad_ids))
    }

    /// Writes the catalog (when it changed since the last one) and the
    /// profiles to their snapshot files atomically; the catalog log is emptied
    /// once its writes are in the snapshot. Without a data directory, nothing.
    pub fn snapshot(&self, now: f64) -> Result<()> {
        if self.shared.is_some() {
            // Profiles live in the store; the catalog's snapshot goes there too.
            self.snapshot_catalog_to_store()?;
            self.last_snapshot_ms.store(unix_ms(now), Ordering::Relaxed);
            return Ok(());
        }
        let Some(dir) = &self.config.data_dir else {
            return Ok(());
        };
        if let Some(wal) = &self.wal {
            let catalog_file = dir.join(CATALOG_SNAPSHOT);
            if wal.len_bytes() > 0 || !catalog_file.exists() {
                let _w = self.catalog_writes.lock();
                let bytes = self.catalog_bytes();
                write_snapshot(&catalog_file, CATALOG_MAGIC, SNAPSHOT_VERSION, &bytes)?;
                wal.truncate()?;
            }
        }
        let bytes = self.profiles.encode(now);
        write_snapshot(
            &dir.join(PROFILE_SNAPSHOT),
            PROFILE_MAGIC,
            SNAPSHOT_VERSION,
            &bytes,
        )?;
        self.last_snapshot_ms.store(unix_ms(now), Ordering::Relaxed);
        Ok(())
    }

    /// The catalog as a snapshot holds it (on disk or in the shared store):
    /// the ads as sent, in one `UpsertAdsRequest`.
    pub(super) fn catalog_bytes(&self) -> Vec<u8> {
        let ads: Vec<wire::Ad> = self
            .catalog
            .records()
            .iter()
            .map(|r| wire_ad(r, false))
            .collect();
        wire::UpsertAdsRequest { ads }.encode_to_vec()
    }

    /// Seconds since the last snapshot, if one was taken by this process.
    pub fn snapshot_age_s(&self, now: f64) -> Option<f64> {
        match self.last_snapshot_ms.load(Ordering::Relaxed) {
            0 => None,
            ms => Some((now - ms as f64 / 1000.0).max(0.0)),
        }
    }
}
