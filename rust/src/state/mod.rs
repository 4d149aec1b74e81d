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
//!   the engine's stages run unchanged on them, and [`Shared::end`] queues
//!   the user for a writer thread (off the reply's path, one round trip). The
//!   writer takes the values as they are when it writes, so later changes made
//!   here (a privacy request right after a turn) are never overwritten by an
//!   older copy; they leave memory once no call and no write of the user is
//!   pending, and until then a new call here uses them (it reads its own
//!   writes without waiting for Redis).
//!
//! Privacy requests (forget, opt-out, controls) are written to Redis before
//! the call returns, and bump the user's generation: a turn in flight on
//! another replica that read the older generation cannot write back what
//! the request removed.

pub mod redis;

use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dashmap::DashMap;
use rustc_hash::FxBuildHasher;

use crate::catalog::AdRecord;
use crate::error::Result;
use crate::privacy::ledger::PrivacyLedger;
use crate::profile::{Key, ProfileStore};

pub use self::redis::{Effect, RedisStore, Ttls};

/// A user (and session) whose values are to be written.
struct Job {
    user: Key,
    session: Option<Key>,
}

/// Writes the writer thread may hold before a call writes itself.
const QUEUE: usize = 8192;

/// What holds one user's values here: calls in progress, writes queued, and
/// the generation of the values.
#[derive(Clone, Copy, Debug, Default)]
struct Hold {
    calls: u32,
    writes: u32,
    /// Privacy requests of this replica between their generation bump in
    /// Redis and [`Shared::advance`]: a write read meanwhile is retried.
    privacy: u32,
    generation: u64,
    /// Values read from Redis are installed here (a call that found Redis
    /// unreachable installs only the controls it remembers, not this).
    installed: bool,
}

impl Hold {
    fn idle(&self) -> bool {
        self.calls == 0 && self.writes == 0
    }
}

/// A call's hold on one user's (and session's) installed values.
#[must_use = "a lease must be ended, or the user's values stay in memory"]
pub struct Lease {
    user: Key,
    session: Option<Key>,
}

/// What the callers and the writer thread share.
struct Inner {
    store: Arc<RedisStore>,
    ttl: Ttls,
    profiles: Arc<ProfileStore>,
    ledger: Arc<PrivacyLedger>,
    users: DashMap<Key, Hold, FxBuildHasher>,
    sessions: DashMap<Key, Hold, FxBuildHasher>,
    /// The ledger lines of users seen lately who hold controls or opted out
    /// (few do): while Redis cannot be reached, their choices still hold.
    recent_controls: quick_cache::sync::Cache<Key, Arc<Vec<Vec<u8>>>>,
}

/// Users whose controls this replica remembers for an outage.
const RECENT_CONTROLS: usize = 100_000;

/// The Redis-backed store with this replica's working set.
pub struct Shared {
    pub store: Arc<RedisStore>,
    inner: Arc<Inner>,
    queue: SyncSender<Job>,
}

impl Shared {
    /// `profiles` and `ledger` are the engine's: the working set lives in them.
    pub fn new(
        store: RedisStore,
        ttl: Ttls,
        profiles: Arc<ProfileStore>,
        ledger: Arc<PrivacyLedger>,
    ) -> Self {
        let store = Arc::new(store);
        let inner = Arc::new(Inner {
            store: store.clone(),
            ttl,
            profiles,
            ledger,
            users: DashMap::with_hasher(FxBuildHasher),
            sessions: DashMap::with_hasher(FxBuildHasher),
            recent_controls: quick_cache::sync::Cache::new(RECENT_CONTROLS),
        });
        let (queue, jobs) = sync_channel(QUEUE);
        let writer = inner.clone();
        std::thread::Builder::new()
            .name("chatads-store-writer".into())
            .spawn(move || write_loop(&writer, jobs))
            .expect("spawn the store's writer thread");
        Self {
            store,
            inner,
            queue,
        }
    }

    /// Reads the user's values (one round trip) and installs them, unless
    /// this replica holds newer ones of the same generation (a call in
    /// progress, or a write not yet done). Fails, installing nothing, if
    /// Redis cannot be reached.
    pub fn begin(
        &self,
        user: &Key,
        session: Option<&Key>,
        ad: &dyn Fn(&str) -> Option<Arc<AdRecord>>,
    ) -> Result<Lease> {
        let i = &self.inner;
        // Held before the read: otherwise a write of this replica could land
        // and drop the values here while the read is on its way, and the read
        // (older than that write) would be installed and written back over it.
        i.users.entry(*user).or_default().calls += 1;
        if let Some(s) = session {
            i.sessions.entry(*s).or_default().calls += 1;
        }
        let loaded = match self.store.load(user, session) {
            Ok(loaded) => loaded,
            Err(e) => {
                i.release(user, session, |h| h.calls -= 1);
                return Err(e);
            }
        };
        if loaded.ledger.is_empty() {
            i.recent_controls.remove(user);
        } else {
            i.recent_controls
                .insert(*user, Arc::new(loaded.ledger.clone()));
        }
        let mut e = i.users.entry(*user).or_default();
        // Generations only grow: an older one than held here was read before a
        // privacy request this replica made meanwhile, whose effect it holds.
        let fresh = !e.installed || loaded.generation > e.generation;
        if fresh {
            i.ledger.install_user(user, &loaded.ledger);
            i.profiles.install_user(user, &loaded.blobs, ad);
            e.generation = loaded.generation;
            e.installed = true;
        }
        if let Some(s) = session {
            let mut h = i.sessions.entry(*s).or_default();
            if !h.installed || fresh {
                i.profiles.install_session(user, s, &loaded.blobs);
                h.installed = true;
            }
        }
        Ok(Lease {
            user: *user,
            session: session.copied(),
        })
    }

    /// While Redis cannot be reached: holds the user with the controls this
    /// replica saw last for them (a user it never saw holds none), so that a
    /// contextual answer still honours hides, blocks and "no ads".
    pub fn begin_offline(&self, user: &Key) -> Lease {
        let i = &self.inner;
        let mut e = i.users.entry(*user).or_default();
        if !e.installed {
            if let Some(lines) = i.recent_controls.get(user) {
                i.ledger.install_user(user, &lines);
            }
        }
        e.calls += 1;
        Lease {
            user: *user,
            session: None,
        }
    }

    /// A privacy request just recorded for the user: remembered for an outage
    /// with the user's earlier lines (a forget leaves only itself, as in Redis).
    pub fn noted(&self, user: &Key, line: &str, effect: Effect) {
        let c = &self.inner.recent_controls;
        let mut lines = match (effect, c.get(user)) {
            (Effect::Forget, _) | (_, None) => Vec::new(),
            (_, Some(old)) => (*old).clone(),
        };
        lines.push(line.trim_end().as_bytes().to_vec());
        c.insert(*user, Arc::new(lines));
    }

    /// A privacy request of a call holding the user is about to bump the
    /// generation in Redis; [`Shared::advance`] ends it.
    pub fn privacy_begins(&self, user: &Key) {
        if let Some(mut e) = self.inner.users.get_mut(user) {
            e.privacy += 1;
        }
    }

    /// The generation a privacy request just set (`None`: it failed): its own
    /// later writes then pass the check, those of older reads do not.
    pub fn advance(&self, user: &Key, generation: Option<u64>) {
        if let Some(mut e) = self.inner.users.get_mut(user) {
            e.privacy = e.privacy.saturating_sub(1);
            if let Some(g) = generation {
                e.generation = e.generation.max(g);
            }
        }
    }

    /// Ends a call: with `write`, the user is queued for the writer thread
    /// (which writes the values as they are then); the values leave memory
    /// once nothing holds them.
    pub fn end(&self, lease: Lease, write: bool) {
        let Lease { user, session } = lease;
        let i = &self.inner;
        if write {
            if let Some(mut e) = i.users.get_mut(&user) {
                e.writes += 1;
            }
            if let Some(mut h) = session.and_then(|s| i.sessions.get_mut(&s)) {
                h.writes += 1;
            }
            match self.queue.try_send(Job { user, session }) {
                Ok(()) => {}
                // The writer is behind (or gone): this call writes itself.
                Err(TrySendError::Full(job) | TrySendError::Disconnected(job)) => {
                    // Once, without waiting: a call does not wait for Redis to recover.
                    for (job, _) in i.write(vec![(job, Instant::now())], false) {
                        i.release(&job.user, job.session.as_ref(), |h| h.writes -= 1);
                    }
                }
            }
        }
        i.release(&user, session.as_ref(), |h| h.calls -= 1);
    }

    /// Users whose values are held here now.
    pub fn users_in_flight(&self) -> usize {
        self.inner.users.len()
    }
}

impl Inner {
    /// Applies `done` to the holds of the user and session; drops the
    /// values of whichever nothing holds any more, under the entry's lock (a
    /// call beginning meanwhile waits, then installs afresh).
    fn release(&self, user: &Key, session: Option<&Key>, done: impl Fn(&mut Hold)) {
        if let Some(s) = session {
            if let dashmap::Entry::Occupied(mut h) = self.sessions.entry(*s) {
                done(h.get_mut());
                if h.get().idle() {
                    self.profiles.evict_session(s);
                    h.remove();
                }
            }
        }
        if let dashmap::Entry::Occupied(mut e) = self.users.entry(*user) {
            done(e.get_mut());
            if e.get().idle() {
                self.profiles.evict_user(user);
                self.ledger.evict_user(user);
                e.remove();
            }
        }
    }

    /// Writes the users' values as they are now, with their generations, in
    /// one round trip. Returns the jobs to try again: refused because this
    /// replica's own privacy request moved the generation meanwhile (its
    /// effect is in the values here, so they must still be written).
    fn write(&self, jobs: Vec<(Job, Instant)>, wait: bool) -> Vec<(Job, Instant)> {
        let mut sent = Vec::with_capacity(jobs.len());
        let mut retry = Vec::new();
        let mut writes = Vec::with_capacity(jobs.len());
        let now = Instant::now();
        for (job, until) in jobs {
            let hold = self.users.get(&job.user).map(|e| *e);
            match hold {
                Some(h) if h.privacy > 0 && now < until => retry.push((job, until)),
                Some(h) => {
                    writes.push((
                        h.generation,
                        self.profiles.export_user(&job.user, job.session.as_ref()),
                    ));
                    sent.push((job, until));
                }
                // Not held (cannot happen while the job counts as a write): nothing to write.
                None => {}
            }
        }
        let batch: Vec<redis::Write<'_>> = sent
            .iter()
            .zip(&writes)
            .map(|((job, _), (generation, blobs))| redis::Write {
                user: &job.user,
                session: job.session.as_ref(),
                generation: *generation,
                blobs: blobs.clone(),
            })
            .collect();
        // A failed write loses what these turns learnt, never a privacy request
        // (those are written before they return); the store is marked down and
        // later turns degrade until it is back.
        let written = match self.store.save_batch(&batch, self.ttl) {
            Ok(w) => w,
            Err(_) => {
                // Redis did not answer (or answered too late): try these again
                // once it is back, for a few seconds; after that what these
                // turns learnt is lost (never a privacy request: those are
                // written before they return).
                drop(batch);
                if wait {
                    std::thread::sleep(STORE_RETRY);
                }
                return retry
                    .into_iter()
                    .chain(sent.into_iter().filter_map(|(job, until)| {
                        if Instant::now() < until {
                            Some((job, until))
                        } else {
                            self.release(&job.user, job.session.as_ref(), |h| h.writes -= 1);
                            None
                        }
                    }))
                    .collect();
            }
        };
        drop(batch);
        for (k, (job, until)) in sent.into_iter().enumerate() {
            let refused = written.get(k) == Some(&false);
            let moved = refused
                && self.users.get(&job.user).is_some_and(|e| {
                    e.privacy > 0 || writes.get(k).is_some_and(|w| w.0 != e.generation)
                });
            if moved && Instant::now() < until {
                retry.push((job, until));
            } else {
                self.release(&job.user, job.session.as_ref(), |h| h.writes -= 1);
            }
        }
        retry
    }
}

/// How long a write is tried again: while this replica's own privacy request
/// on the user is under way (its generation bump refuses older writes), or
/// while Redis does not answer. After that, what the turn learnt is lost
/// (never a privacy request: those are written before they return).
const RETRY_FOR: Duration = Duration::from_secs(3);
/// How long apart writes that found Redis unreachable are tried again.
const STORE_RETRY: Duration = Duration::from_millis(500);

/// Writes queued at once go in one round trip, at most this many.
const BATCH: usize = 256;

fn write_loop(inner: &Inner, jobs: Receiver<Job>) {
    let mut retry: Vec<(Job, Instant)> = Vec::new();
    loop {
        let first = if retry.is_empty() {
            match jobs.recv() {
                Ok(job) => Some(job),
                Err(_) => return,
            }
        } else {
            // Retries wait a moment for the privacy request to finish.
            match jobs.recv_timeout(Duration::from_millis(1)) {
                Ok(job) => Some(job),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => None,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
            }
        };
        let mut batch = std::mem::take(&mut retry);
        batch.extend(first.map(|j| (j, Instant::now() + RETRY_FOR)));
        while batch.len() < BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push((job, Instant::now() + RETRY_FOR)),
                Err(_) => break,
            }
        }
        retry = inner.write(batch, true);
    }
}
