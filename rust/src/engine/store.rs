//! The engine and the shared state store (`crate::state`): every call about
//! a user holds a [`UserCall`] while it runs (the user's values read from
//! Redis, in one round trip, and written back after); privacy requests are
//! recorded in Redis before they return; catalog writes go through the
//! Redis stream every replica follows. With the embedded store all of this
//! is a no-op and the engine works on its own maps, as it always did.

use std::sync::Weak;
use std::time::Duration;

use prost::Message;

use crate::error::{CoreError, Result};
use crate::privacy::ledger::{line_for, Op};
use crate::profile::Key;
use crate::state::redis::{LOG_DELETE, LOG_UPSERT};
use crate::state::{Effect, Lease};
use crate::wire;

use super::durable::LoggedWrite;
use super::{unix_ms, Engine};

/// Catalog writes read from the stream per round trip.
const FOLLOW_BATCH: usize = 64;

/// One call's hold on a user's values; ends (and writes back, if asked)
/// when dropped, so a panic inside the call cannot leave them pinned.
pub(crate) struct UserCall<'a> {
    engine: &'a Engine,
    lease: Option<Lease>,
    /// Whether the values go back to the store when the call ends.
    pub write: bool,
    /// The store could not be reached: nothing of the user is known.
    pub unavailable: Option<CoreError>,
}

impl Drop for UserCall<'_> {
    fn drop(&mut self) {
        if let (Some(lease), Some(shared)) = (self.lease.take(), &self.engine.shared) {
            shared.end(lease, self.write);
        }
    }
}

impl UserCall<'_> {
    /// Fails the call with UNAVAILABLE if the store could not be reached
    /// (for requests that must not be answered from nothing).
    pub fn require(&self) -> Result<()> {
        match &self.unavailable {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }
}

impl Engine {
    /// Starts a call about `user` (and `session`): with the Redis store, its
    /// values are read and installed here. `write`: whether the call's
    /// changes go back when it ends.
    pub(crate) fn user_call(&self, user: &Key, session: Option<&Key>, write: bool) -> UserCall<'_> {
        let mut call = UserCall {
            engine: self,
            lease: None,
            write,
            unavailable: None,
        };
        if let Some(shared) = &self.shared {
            let ad = |id: &str| self.catalog.get(id);
            match shared.begin(user, session, &ad) {
                Ok(lease) => call.lease = Some(lease),
                Err(e) => {
                    call.lease = Some(shared.begin_offline(user));
                    call.write = false;
                    call.unavailable = Some(e);
                }
            }
        }
        call
    }

    /// Records a privacy request: in the ledger file (embedded) or in Redis
    /// (shared), durably before returning; then here.
    pub(crate) fn record_op(&self, op: Op, user: &Key, now: f64) -> Result<()> {
        let ms = unix_ms(now);
        if let Some(shared) = &self.shared {
            let effect = match op {
                Op::Forget => Effect::Forget,
                Op::OptOut => Effect::Erase,
                _ => Effect::Record,
            };
            let line = line_for(&op, user, ms);
            shared.privacy_begins(user);
            let recorded = shared.store.privacy(user, &line, effect);
            shared.advance(user, recorded.as_ref().ok().copied());
            recorded?;
            shared.noted(user, &line, effect);
        }
        self.ledger.record(op, *user, ms)
    }

    /// Whether catalog writes go through the shared store's stream.
    pub(super) fn catalog_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// Appends a catalog write to the stream (the call is acknowledged only
    /// once it is there); every replica, this one too, applies it from there
    /// in the stream's order, so all converge on the same catalog.
    pub(super) fn catalog_publish(&self, kind: &str, payload: &[u8]) -> Result<()> {
        match &self.shared {
            Some(shared) => shared.store.catalog_append(kind, payload).map(|_| ()),
            None => Ok(()),
        }
    }

    /// Applies catalog writes read from the stream, in order.
    fn apply_stream(&self, entries: Vec<(String, String, Vec<u8>)>) {
        let mut report = Vec::new();
        for (id, kind, payload) in entries {
            let _w = self.catalog_writes.lock();
            let write = match kind.as_str() {
                LOG_UPSERT => Some(LoggedWrite::Upsert),
                LOG_DELETE => Some(LoggedWrite::Delete),
                _ => None,
            };
            self.apply_logged(
                write,
                &payload,
                &format!("catalog stream {id}"),
                &mut report,
            );
            *self.catalog_position.lock() = id;
        }
        for line in report {
            eprintln!("chatads: {line}");
        }
    }

    /// At start: the catalog from the store's snapshot, then every write
    /// of the stream since (a new replica catches up before serving).
    pub(super) fn catch_up_catalog(&mut self) -> Result<()> {
        let Some(shared) = &self.shared else {
            return Ok(());
        };
        let store = shared.store.clone();
        let mut report = Vec::new();
        let mut after = "0-0".to_string();
        if let Some((id, bytes)) = store.catalog_snapshot()? {
            match wire::UpsertAdsRequest::decode(bytes.as_slice()) {
                Ok(req) => {
                    self.apply_logged_upsert(req.ads, &mut report);
                    after = id;
                }
                Err(e) => report.push(format!(
                    "the store's catalog snapshot does not decode ({e}); replaying the stream"
                )),
            }
        }
        *self.catalog_position.lock() = after.clone();
        loop {
            let entries = store.catalog_read(&after, 1024, 0)?;
            let Some(last) = entries.last() else { break };
            after = last.0.clone();
            self.apply_stream(entries);
        }
        if !self.catalog.is_empty() {
            self.catalog.fold(true)?;
        }
        self.recovery.extend(report);
        Ok(())
    }

    /// Writes the catalog, as this replica holds it, to the store's snapshot
    /// (when the stream moved since), so that new replicas start from it.
    pub(super) fn snapshot_catalog_to_store(&self) -> Result<()> {
        let Some(shared) = &self.shared else {
            return Ok(());
        };
        let _w = self.catalog_writes.lock();
        let id = self.catalog_position.lock().clone();
        if id == "0-0" || *self.catalog_snapshotted.lock() == id {
            return Ok(());
        }
        shared
            .store
            .put_catalog_snapshot(&id, &self.catalog_bytes())?;
        *self.catalog_snapshotted.lock() = id;
        Ok(())
    }
}

/// Follows the catalog stream while the engine lives (a weak reference: the
/// thread ends with the engine). A store that is down is retried each second.
pub fn spawn_catalog_follower(engine: Weak<Engine>) {
    std::thread::Builder::new()
        .name("chatads-catalog-follower".into())
        .spawn(move || loop {
            let Some(e) = engine.upgrade() else { return };
            let Some(shared) = &e.shared else { return };
            let after = e.catalog_position.lock().clone();
            // Blocks for half the store's timeout (a longer wait would read as a
            // store that does not answer).
            let block_ms = shared.store.timeout_ms() / 2;
            match shared
                .store
                .catalog_read(&after, FOLLOW_BATCH, block_ms.max(1))
            {
                Ok(entries) if !entries.is_empty() => {
                    e.apply_stream(entries);
                    if let Err(err) = e.catalog.maybe_fold() {
                        eprintln!("chatads: catalog fold failed: {err}");
                    }
                }
                Ok(_) => {}
                Err(_) => {
                    drop(e);
                    std::thread::sleep(Duration::from_millis(1000));
                }
            }
        })
        .expect("spawn the catalog follower");
}
