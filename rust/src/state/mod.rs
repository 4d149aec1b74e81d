//! Where users' state lives: the state-store interface and its two backends.
//!
//! - **Embedded** (the default): profiles, caps, history and sessions in the
//!   process's own maps (`crate::profile::ProfileStore`), the ledger and the
//!   controls in `crate::privacy::ledger`, snapshots and the ledger file in
//!   the data directory. Nothing here is used.
//! - **Redis** ([`redis::RedisStore`]): the state lives in Redis (one server
//!   or a Redis Cluster), shared by every replica. The same maps then hold
//!   only the users a call is working on, as a working set: [`Shared::begin`]
//!   reads the user's values in one pipelined round trip and installs them,
//!   the engine's stages run unchanged on them, and [`Shared::end`] hands the
//!   changed values to a writer thread (off the reply's path, one round trip)
//!   and drops them from memory once no call of that user is left.
//!
//! Privacy requests (forget, opt-out, controls) are written to Redis before
//! the call returns, and bump the user's generation: a turn in flight on
//! another replica that read the older generation cannot write back what
//! the request removed.

pub mod redis;

use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;

use dashmap::DashMap;
use rustc_hash::FxBuildHasher;

use crate::catalog::AdRecord;
use crate::error::Result;
use crate::privacy::ledger::PrivacyLedger;
use crate::profile::{Key, ProfileStore, UserBlobs};

pub use self::redis::{Effect, RedisStore, Ttls};

/// A write queued for the writer thread.
struct Job {
    user: Key,
    session: Option<Key>,
    generation: u64,
    blobs: UserBlobs,
}

/// Writes the writer thread may hold before a call writes itself.
const QUEUE: usize = 8192;

/// One user's calls in progress on this replica, and the generation of the
/// values installed for them.
#[derive(Clone, Copy, Debug, Default)]
struct InFlight {
    calls: u32,
    generation: u64,
}

/// A call's hold on one user's (and session's) installed values.
#[must_use = "a lease must be ended, or the user's values stay in memory"]
pub struct Lease {
    user: Key,
    session: Option<Key>,
}

/// The Redis-backed store with this replica's working set.
pub struct Shared {
    pub store: Arc<RedisStore>,
    ttl: Ttls,
    users: DashMap<Key, InFlight, FxBuildHasher>,
    sessions: DashMap<Key, u32, FxBuildHasher>,
    queue: SyncSender<Job>,
}

impl Shared {
    pub fn new(store: RedisStore, ttl: Ttls) -> Self {
        let store = Arc::new(store);
        let (queue, jobs) = sync_channel(QUEUE);
        let writer = store.clone();
        std::thread::Builder::new()
            .name("chatads-store-writer".into())
            .spawn(move || write_loop(&writer, jobs, ttl))
            .expect("spawn the store's writer thread");
        Self {
            store,
            ttl,
            users: DashMap::with_hasher(FxBuildHasher),
            sessions: DashMap::with_hasher(FxBuildHasher),
            queue,
        }
    }

    /// Reads the user's values (one round trip) and installs them, unless a
    /// call of the same user here already holds newer ones of the same
    /// generation. Fails (nothing installed) if Redis cannot be reached.
    pub fn begin(
        &self,
        user: &Key,
        session: Option<&Key>,
        profiles: &ProfileStore,
        ledger: &PrivacyLedger,
        ad: &dyn Fn(&str) -> Option<Arc<AdRecord>>,
    ) -> Result<Lease> {
        let loaded = self.store.load(user, session)?;
        let mut e = self.users.entry(*user).or_default();
        let fresh = e.calls == 0 || e.generation != loaded.generation;
        let session_fresh = match session {
            Some(s) => {
                let mut n = self.sessions.entry(*s).or_default();
                *n += 1;
                *n == 1 || fresh
            }
            None => false,
        };
        if fresh {
            ledger.install_user(user, &loaded.ledger);
            profiles.install_user(user, &loaded.blobs, ad);
            e.generation = loaded.generation;
        }
        if let (true, Some(s)) = (session_fresh, session) {
            profiles.install_session(user, s, &loaded.blobs);
        }
        e.calls += 1;
        Ok(Lease {
            user: *user,
            session: session.copied(),
        })
    }

    /// The generation a privacy request just set (its own later write then
    /// passes the check; those of older reads do not).
    pub fn advance(&self, user: &Key, generation: u64) {
        if let Some(mut e) = self.users.get_mut(user) {
            e.generation = generation;
        }
    }

    /// Ends a call: with `write`, its values go to the writer thread (in
    /// order, per user); once no call of the user is left, they leave memory.
    pub fn end(&self, lease: Lease, write: bool, profiles: &ProfileStore, ledger: &PrivacyLedger) {
        let Lease { user, session } = lease;
        let mut e = self.users.entry(user).or_default();
        if write {
            let job = Job {
                user,
                session,
                generation: e.generation,
                blobs: profiles.export_user(&user, session.as_ref()),
            };
            match self.queue.try_send(job) {
                Ok(()) => {}
                // The writer is behind (or gone): this call writes itself.
                Err(TrySendError::Full(job) | TrySendError::Disconnected(job)) => {
                    write_job(&self.store, &job, self.ttl);
                }
            }
        }
        if let Some(s) = session {
            // Dropped under the entry's lock: a call beginning meanwhile
            // waits, then finds nothing installed and installs afresh.
            if let dashmap::Entry::Occupied(mut n) = self.sessions.entry(s) {
                *n.get_mut() = n.get().saturating_sub(1);
                if *n.get() == 0 {
                    profiles.evict_session(&s);
                    n.remove();
                }
            }
        }
        e.calls = e.calls.saturating_sub(1);
        if e.calls == 0 {
            profiles.evict_user(&user);
            ledger.evict_user(&user);
            drop(e);
            self.users.remove_if(&user, |_, f| f.calls == 0);
        }
    }

    /// Users with calls in progress here.
    pub fn users_in_flight(&self) -> usize {
        self.users.len()
    }
}

fn write_job(store: &RedisStore, job: &Job, ttl: Ttls) {
    // A failed write loses this turn's learning only (the store is counted
    // down and later turns degrade until it is back); never a privacy request.
    let _ = store.save(
        &job.user,
        job.session.as_ref(),
        job.generation,
        &job.blobs,
        ttl,
    );
}

fn write_loop(store: &RedisStore, jobs: Receiver<Job>, ttl: Ttls) {
    while let Ok(job) = jobs.recv() {
        write_job(store, &job, ttl);
    }
}
