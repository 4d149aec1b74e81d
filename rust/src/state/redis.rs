//! The Redis backend of the shared state store, through the `redis` crate
//! (blocking connections, pooled; a single server or a Redis Cluster).
//!
//! Keys (the hash tag is the user's keyed hash, so that one user's keys live
//! in one cluster slot and one pipeline reaches them all):
//!
//! ```text
//!   ca:{<user>}:g   generation: bumped by every privacy request; a turn's
//!                   write carries the generation it read and is refused
//!                   if one landed since (a forget cannot be undone by a
//!                   turn in flight on another replica)
//!   ca:{<user>}:p   profile record (PX = profile TTL)
//!   ca:{<user>}:i   ad history and frequency-cap impressions (PX = history TTL)
//!   ca:{<user>}:s   hash: session key → context and ad load (PX = session TTL)
//!   ca:{<user>}:l   list: the user's privacy-ledger lines (forget, opt-out, controls)
//!   ca:catalog:log  stream: every acknowledged catalog upsert and delete
//!   ca:catalog:snap hash: a catalog snapshot and the stream id it includes
//! ```
//!
//! `<user>` is the hex of the HMAC of the user id, as everywhere else: no raw
//! id and no chat text is ever sent to Redis.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;
use redis::cluster::{ClusterClient, ClusterConnection};
use redis::cluster_routing::{Route, RoutingInfo, SingleNodeRoutingInfo, Slot, SlotAddr};
use redis::{Client, Cmd, Connection, ConnectionLike, FromRedisValue, RedisError, Script, Value};

use crate::error::{CoreError, Result};
use crate::privacy::ledger::hex;
use crate::profile::{Key, UserBlobs};

pub const CATALOG_STREAM: &str = "ca:catalog:log";
pub const CATALOG_SNAPSHOT: &str = "ca:catalog:snap";
/// Stream entry kinds (its field name).
pub const LOG_UPSERT: &str = "u";
pub const LOG_DELETE: &str = "d";

/// How long a store found unreachable is not tried again (calls fail fast).
const RETRY_AFTER_MS: u64 = 1000;
/// Connections kept idle in the pool.
const POOL_IDLE: usize = 32;
/// A user with more sessions than this in the store keeps only the current one.
const MAX_SESSIONS: usize = 64;

/// Writes one user's values unless a privacy request landed since they were
/// read. KEYS: g p i s. ARGV: generation, profile, profile TTL, history,
/// history TTL, session field, session, session TTL (an empty value deletes;
/// an empty session field leaves the sessions alone).
const WRITE_SCRIPT: &str = r#"
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[2])
else redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
if ARGV[4] == '' then redis.call('DEL', KEYS[3])
else redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[5]) end
if ARGV[6] ~= '' then
  if ARGV[7] == '' then redis.call('HDEL', KEYS[4], ARGV[6])
  else
    if redis.call('HLEN', KEYS[4]) >= tonumber(ARGV[9]) then redis.call('DEL', KEYS[4]) end
    redis.call('HSET', KEYS[4], ARGV[6], ARGV[7])
    redis.call('PEXPIRE', KEYS[4], ARGV[8])
  end
end
return 1
"#;

/// Records a privacy request: bumps the generation, appends the ledger line
/// and, for a forget or an opt-out, deletes the user's values (a forget also
/// the earlier ledger lines: nothing of their choices stays). KEYS: g p i s l.
/// ARGV: the line, `f` / `o` / `c`. Returns the new generation.
const PRIVACY_SCRIPT: &str = r#"
local g = redis.call('INCR', KEYS[1])
if ARGV[2] == 'f' then redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
elseif ARGV[2] == 'o' then redis.call('DEL', KEYS[2], KEYS[3], KEYS[4]) end
redis.call('RPUSH', KEYS[5], ARGV[1])
return g
"#;

/// Replaces the catalog snapshot only by a newer one. KEYS: snap. ARGV: the
/// stream id it includes (as `ms-seq`), its bytes. Returns the previous id.
const SNAPSHOT_SCRIPT: &str = r#"
local old = redis.call('HGET', KEYS[1], 'id') or '0-0'
local function parts(id) local a, b = string.match(id, '(%d+)-(%d+)'); return tonumber(a), tonumber(b) end
local om, os = parts(old)
local nm, ns = parts(ARGV[1])
if nm < om or (nm == om and ns <= os) then return false end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'data', ARGV[2])
return old
"#;

/// What a privacy request does to the stored values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Everything of the user goes, ledger lines included (a new one stays).
    Forget,
    /// Profile, history and sessions go; the ledger keeps its lines.
    Erase,
    /// Only the ledger line.
    Record,
}

/// One user's stored state, as read in one round trip.
#[derive(Debug, Default)]
pub struct Loaded {
    pub generation: u64,
    pub blobs: UserBlobs,
    pub ledger: Vec<Vec<u8>>,
}

/// One user's values to write, read at `generation`.
pub struct Write<'a> {
    pub user: &'a Key,
    pub session: Option<&'a Key>,
    pub generation: u64,
    pub blobs: UserBlobs,
}

/// How long each kind of value lives (ms).
#[derive(Clone, Copy, Debug)]
pub struct Ttls {
    pub profile_ms: u64,
    pub history_ms: u64,
    pub session_ms: u64,
}

enum Target {
    Single(Client),
    Cluster(ClusterClient),
}

enum Conn {
    Single(Box<Connection>),
    Cluster(Box<ClusterConnection>),
}

impl Conn {
    fn dyn_mut(&mut self) -> &mut dyn ConnectionLike {
        match self {
            Conn::Single(c) => c.as_mut(),
            Conn::Cluster(c) => c.as_mut(),
        }
    }

    /// `cmds` in one round trip (per node: ours all name one user's keys,
    /// which share a slot, so one node).
    fn pipeline<T: FromRedisValue>(&mut self, cmds: Vec<Cmd>) -> redis::RedisResult<T> {
        match self {
            Conn::Single(c) => {
                let mut p = redis::pipe();
                for cmd in cmds {
                    p.add_command(cmd);
                }
                p.query(c.as_mut())
            }
            Conn::Cluster(c) => {
                let mut p = redis::cluster::cluster_pipe();
                for cmd in cmds {
                    p.add_command(cmd);
                }
                p.query(c)
            }
        }
    }

    /// `WAIT` on the connection that wrote `key` (in a cluster, its node's).
    fn wait(&mut self, key: &str, replicas: u32, timeout_ms: u64) -> redis::RedisResult<i64> {
        let mut cmd = redis::cmd("WAIT");
        cmd.arg(replicas).arg(timeout_ms);
        match self {
            Conn::Single(c) => cmd.query(c.as_mut()),
            Conn::Cluster(c) => {
                let route = Route::with_slot(Slot::for_key(key), SlotAddr::Master);
                let v = c.route_command(
                    &cmd,
                    RoutingInfo::SingleNode(SingleNodeRoutingInfo::SpecificNode(route)),
                )?;
                Ok(redis::from_redis_value(v)?)
            }
        }
    }
}

/// Counters of the store's traffic (what `make bench` reports).
#[derive(Debug, Default)]
pub struct StoreStats {
    /// Round trips to Redis, by kind.
    pub reads: AtomicU64,
    pub writes: AtomicU64,
    pub privacy: AtomicU64,
    pub catalog: AtomicU64,
    /// Calls that failed because the store could not be reached.
    pub failures: AtomicU64,
}

pub struct RedisStore {
    target: Target,
    /// Where the store was reached (host:port list), for logs; no password.
    pub endpoint: String,
    pool: Mutex<Vec<Conn>>,
    timeout: Duration,
    /// Unix ms before which the store is not tried (it was just found down).
    down_until: AtomicU64,
    /// Replicas a privacy request waits for (`WAIT`), and for how long.
    wait_replicas: u32,
    wait_timeout_ms: u64,
    snapshot_script: Script,
    pub stats: StoreStats,
}

fn unix_ms_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

fn key(user: &Key, what: &str) -> String {
    format!("ca:{{{}}}:{what}", hex(user))
}

/// Whether an error means the store is unreachable (not a bad reply).
fn is_unreachable(e: &RedisError) -> bool {
    e.is_io_error()
        || e.is_timeout()
        || e.is_connection_dropped()
        || e.is_connection_refusal()
        || e.is_cluster_error()
        || matches!(
            e.kind(),
            redis::ErrorKind::Server(redis::ServerErrorKind::BusyLoading)
                | redis::ErrorKind::Server(redis::ServerErrorKind::ClusterDown)
                | redis::ErrorKind::Server(redis::ServerErrorKind::TryAgain)
                | redis::ErrorKind::Server(redis::ServerErrorKind::MasterDown)
        )
}

/// The host:port part of each URL (never a password).
fn endpoints(urls: &[&str]) -> String {
    urls.iter()
        .map(|u| {
            let rest = u.split_once("://").map_or(*u, |(_, r)| r);
            let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
            rest.split('/').next().unwrap_or(rest).to_string()
        })
        .collect::<Vec<_>>()
        .join(",")
}

impl RedisStore {
    /// Connects to `url`: `redis://host:port[/db]` (or `rediss://`) for one
    /// server; several URLs separated by commas, or `redis+cluster://h:p,h:p`,
    /// for a Redis Cluster (its seed nodes). Fails now if it cannot be reached.
    pub fn connect(url: &str, timeout: Duration, wait_replicas: u32) -> Result<Self> {
        let bad = |e: RedisError| CoreError::invalid("redis_url", format!("{e}"));
        let (cluster, list) = match url.strip_prefix("redis+cluster://") {
            Some(rest) => (
                true,
                rest.split(',').map(|h| format!("redis://{h}")).collect(),
            ),
            None => {
                let v: Vec<String> = url.split(',').map(|s| s.trim().to_string()).collect();
                (v.len() > 1, v)
            }
        };
        let refs: Vec<&str> = list.iter().map(String::as_str).collect();
        let target = if cluster {
            Target::Cluster(
                ClusterClient::builder(refs.clone())
                    .connection_timeout(timeout)
                    .response_timeout(timeout)
                    .retries(1)
                    .build()
                    .map_err(bad)?,
            )
        } else {
            Target::Single(Client::open(refs[0]).map_err(bad)?)
        };
        let this = Self {
            target,
            endpoint: endpoints(&refs),
            pool: Mutex::new(Vec::new()),
            timeout,
            down_until: AtomicU64::new(0),
            wait_replicas,
            // Within the connection's timeout, so that a WAIT that runs out reads as
            // "too few replicas", not as a store that does not answer.
            wait_timeout_ms: (timeout.as_millis() / 2).max(1) as u64,
            snapshot_script: Script::new(SNAPSHOT_SCRIPT),
            stats: StoreStats::default(),
        };
        let mut conn = this.connect_one().map_err(|e| {
            CoreError::Unavailable(format!("redis at {} cannot be reached: {e}", this.endpoint))
        })?;
        redis::cmd("PING")
            .query::<()>(conn.dyn_mut())
            .map_err(|e| CoreError::Unavailable(format!("redis at {}: {e}", this.endpoint)))?;
        this.pool.lock().push(conn);
        Ok(this)
    }

    /// The timeout of every call to the store (ms).
    pub fn timeout_ms(&self) -> u64 {
        self.timeout.as_millis() as u64
    }

    fn connect_one(&self) -> redis::RedisResult<Conn> {
        match &self.target {
            Target::Single(c) => {
                let conn = c.get_connection_with_timeout(self.timeout)?;
                conn.set_read_timeout(Some(self.timeout))?;
                conn.set_write_timeout(Some(self.timeout))?;
                Ok(Conn::Single(Box::new(conn)))
            }
            Target::Cluster(c) => Ok(Conn::Cluster(Box::new(c.get_connection()?))),
        }
    }

    /// Runs `f` on a pooled connection. An unreachable store fails fast for
    /// a second after a user's call found it down, then is tried again.
    fn with<T>(
        &self,
        counter: &AtomicU64,
        f: impl FnOnce(&mut Conn) -> redis::RedisResult<T>,
    ) -> Result<T> {
        self.with_trip(counter, true, f)
    }

    /// [`RedisStore::with`]; `trip`: whether a failure marks the store down
    /// for the users' calls (background work, such as following the catalog
    /// stream, only retries).
    fn with_trip<T>(
        &self,
        counter: &AtomicU64,
        trip: bool,
        f: impl FnOnce(&mut Conn) -> redis::RedisResult<T>,
    ) -> Result<T> {
        if trip && unix_ms_now() < self.down_until.load(Ordering::Relaxed) {
            self.stats.failures.fetch_add(1, Ordering::Relaxed);
            return Err(self.unavailable("was unreachable a moment ago"));
        }
        let conn = self.pool.lock().pop();
        let mut conn = match conn.map_or_else(|| self.connect_one(), Ok) {
            Ok(c) => c,
            Err(e) if trip => return Err(self.failed(&e)),
            Err(e) => return Err(self.unavailable(&e.to_string())),
        };
        counter.fetch_add(1, Ordering::Relaxed);
        match f(&mut conn) {
            Ok(v) => {
                let mut pool = self.pool.lock();
                if pool.len() < POOL_IDLE {
                    pool.push(conn);
                }
                Ok(v)
            }
            Err(e) if is_unreachable(&e) && trip => Err(self.failed(&e)),
            Err(e) if is_unreachable(&e) => Err(self.unavailable(&e.to_string())),
            Err(e) => Err(CoreError::Internal(format!("redis: {e}"))),
        }
    }

    fn failed(&self, e: &RedisError) -> CoreError {
        self.stats.failures.fetch_add(1, Ordering::Relaxed);
        let was = self
            .down_until
            .swap(unix_ms_now() + RETRY_AFTER_MS, Ordering::Relaxed);
        if was == 0 || unix_ms_now() > was + RETRY_AFTER_MS {
            // Once per outage, not once per call.
            crate::server::log::record(
                crate::server::log::Level::Warning,
                &format!("redis at {} unreachable: {e}", self.endpoint),
                &[("store", "redis")],
            );
        }
        self.pool.lock().clear();
        self.unavailable(&e.to_string())
    }

    fn unavailable(&self, why: &str) -> CoreError {
        CoreError::Unavailable(format!(
            "the profile store (redis at {}) {why}",
            self.endpoint
        ))
    }

    /// Reads one user's state (and one session's): one pipelined round trip.
    pub fn load(&self, user: &Key, session: Option<&Key>) -> Result<Loaded> {
        let get = |what: &str| {
            let mut c = redis::cmd("GET");
            c.arg(key(user, what));
            c
        };
        let mut sess = redis::cmd(if session.is_some() { "HGET" } else { "EXISTS" });
        sess.arg(key(user, "s"));
        if let Some(s) = session {
            sess.arg(hex(s));
        }
        let mut ledger = redis::cmd("LRANGE");
        ledger.arg(key(user, "l")).arg(0).arg(-1);
        let cmds = vec![get("g"), get("p"), get("i"), sess, ledger];
        type Reply = (
            Option<u64>,
            Option<Vec<u8>>,
            Option<Vec<u8>>,
            Value,
            Vec<Vec<u8>>,
        );
        let (g, profile, impressions, s, ledger): Reply =
            self.with(&self.stats.reads, |c| c.pipeline(cmds))?;
        let session = match s {
            Value::BulkString(b) => Some(b),
            _ => None,
        };
        Ok(Loaded {
            generation: g.unwrap_or(0),
            blobs: UserBlobs {
                profile,
                impressions,
                session,
            },
            ledger,
        })
    }

    /// Writes users' values, all in one pipelined round trip (per node: in
    /// a cluster, the pipeline is split by the nodes the users' slots live
    /// on), each unless a privacy request landed since its `generation` was
    /// read. Batching matters with `appendfsync always`: Redis syncs its AOF
    /// once per batch, not once per write. Returns, for each, whether it was
    /// written (false: the generation had moved).
    pub fn save_batch(&self, writes: &[Write<'_>], ttl: Ttls) -> Result<Vec<bool>> {
        if writes.is_empty() {
            return Ok(Vec::new());
        }
        let empty: &[u8] = &[];
        let cmds: Vec<Cmd> = writes
            .iter()
            .map(|w| {
                let mut c = redis::cmd("EVAL");
                c.arg(WRITE_SCRIPT)
                    .arg(4)
                    .arg(key(w.user, "g"))
                    .arg(key(w.user, "p"))
                    .arg(key(w.user, "i"))
                    .arg(key(w.user, "s"))
                    .arg(w.generation)
                    .arg(w.blobs.profile.as_deref().unwrap_or(empty))
                    .arg(ttl.profile_ms.max(1))
                    .arg(w.blobs.impressions.as_deref().unwrap_or(empty))
                    .arg(ttl.history_ms.max(1))
                    .arg(w.session.map(|s| hex(s)).unwrap_or_default())
                    .arg(w.blobs.session.as_deref().unwrap_or(empty))
                    .arg(ttl.session_ms.max(1))
                    .arg(MAX_SESSIONS);
                c
            })
            .collect();
        let written: Vec<i64> = self.with(&self.stats.writes, |c| c.pipeline(cmds))?;
        Ok(written.iter().map(|&w| w == 1).collect())
    }

    /// Records a privacy request (its ledger `line`) durably before
    /// returning: with `wait_replicas`, `WAIT` for that many replicas in the
    /// same round trip, and fail if fewer acknowledged. Returns the user's new
    /// generation.
    pub fn privacy(&self, user: &Key, line: &str, effect: Effect) -> Result<u64> {
        let mode = match effect {
            Effect::Forget => "f",
            Effect::Erase => "o",
            Effect::Record => "c",
        };
        let mut eval = redis::cmd("EVAL");
        eval.arg(PRIVACY_SCRIPT)
            .arg(5)
            .arg(key(user, "g"))
            .arg(key(user, "p"))
            .arg(key(user, "i"))
            .arg(key(user, "s"))
            .arg(key(user, "l"))
            .arg(line.trim_end())
            .arg(mode);
        let (wait, timeout) = (self.wait_replicas, self.wait_timeout_ms);
        let gen_key = key(user, "g");
        let (generation, acked): (u64, i64) = self.with(&self.stats.privacy, |c| {
            let generation: u64 = eval.query(c.dyn_mut())?;
            let acked = if wait > 0 {
                c.wait(&gen_key, wait, timeout)?
            } else {
                0
            };
            Ok((generation, acked))
        })?;
        if acked < i64::from(wait) {
            return Err(self.unavailable(&format!(
                "recorded the request on its primary, but only {acked} of {wait} replicas \
                 acknowledged it within {timeout} ms; retry it"
            )));
        }
        Ok(generation)
    }

    /// Appends a catalog write to the stream; returns its entry id.
    pub fn catalog_append(&self, kind: &str, payload: &[u8]) -> Result<String> {
        self.with_trip(&self.stats.catalog, false, |c| {
            redis::cmd("XADD")
                .arg(CATALOG_STREAM)
                .arg("*")
                .arg(kind)
                .arg(payload)
                .query(c.dyn_mut())
        })
    }

    /// Catalog writes after `after` (an entry id, `0-0` for all), at most
    /// `count`, waiting up to `block_ms` for the first (0 = do not wait).
    pub fn catalog_read(
        &self,
        after: &str,
        count: usize,
        block_ms: u64,
    ) -> Result<Vec<(String, String, Vec<u8>)>> {
        let reply: Value = self.with_trip(&self.stats.catalog, false, |c| {
            let mut cmd = redis::cmd("XREAD");
            cmd.arg("COUNT").arg(count);
            if block_ms > 0 {
                cmd.arg("BLOCK").arg(block_ms);
            }
            cmd.arg("STREAMS")
                .arg(CATALOG_STREAM)
                .arg(after)
                .query(c.dyn_mut())
        })?;
        Ok(parse_xread(reply))
    }

    /// The newest catalog snapshot: the stream id it includes and its bytes.
    pub fn catalog_snapshot(&self) -> Result<Option<(String, Vec<u8>)>> {
        let (id, data): (Option<String>, Option<Vec<u8>>) =
            self.with_trip(&self.stats.catalog, false, |c| {
                redis::cmd("HMGET")
                    .arg(CATALOG_SNAPSHOT)
                    .arg("id")
                    .arg("data")
                    .query(c.dyn_mut())
            })?;
        Ok(id.zip(data))
    }

    /// Stores a catalog snapshot that includes the stream up to `id` (unless
    /// a newer one is there), then trims the stream before the previous
    /// snapshot: a replica that read that one can still catch up.
    pub fn put_catalog_snapshot(&self, id: &str, bytes: &[u8]) -> Result<bool> {
        let previous: Option<String> = self.with_trip(&self.stats.catalog, false, |c| {
            self.snapshot_script
                .key(CATALOG_SNAPSHOT)
                .arg(id)
                .arg(bytes)
                .invoke(c.dyn_mut())
        })?;
        let Some(previous) = previous else {
            return Ok(false);
        };
        if previous != "0-0" {
            self.with_trip(&self.stats.catalog, false, |c| {
                redis::cmd("XTRIM")
                    .arg(CATALOG_STREAM)
                    .arg("MINID")
                    .arg(&previous)
                    .query::<i64>(c.dyn_mut())
            })?;
        }
        Ok(true)
    }

    /// What the server says of its durability, when it lets us ask: a line
    /// for the log if privacy requests could be lost on a crash.
    pub fn durability_warning(&self) -> Option<String> {
        if self.wait_replicas > 0 {
            return None;
        }
        let cfg: Vec<String> = self
            .with_trip(&self.stats.catalog, false, |c| {
                redis::cmd("CONFIG")
                    .arg("GET")
                    .arg("append*")
                    .query::<Vec<String>>(c.dyn_mut())
            })
            .ok()?;
        let get = |name: &str| {
            cfg.chunks(2)
                .find(|kv| kv.first().map(String::as_str) == Some(name))
                .and_then(|kv| kv.get(1).cloned())
        };
        let (aof, fsync) = (get("appendonly")?, get("appendfsync")?);
        (aof != "yes" || fsync != "always").then(|| {
            format!(
                "redis at {}: appendonly {aof}, appendfsync {fsync}: an acknowledged privacy \
                 request can be lost if Redis crashes; set appendonly yes and appendfsync \
                 always, or --redis-wait-replicas",
                self.endpoint
            )
        })
    }
}

/// `XREAD`'s reply as (id, kind, payload) entries, in order.
fn parse_xread(reply: Value) -> Vec<(String, String, Vec<u8>)> {
    let mut out = Vec::new();
    let streams = match reply {
        Value::Array(s) => s,
        Value::Map(m) => m
            .into_iter()
            .map(|(k, v)| Value::Array(vec![k, v]))
            .collect(),
        _ => return out,
    };
    for s in streams {
        let Value::Array(mut kv) = s else { continue };
        let Some(Value::Array(entries)) = kv.pop() else {
            continue;
        };
        for e in entries {
            let Value::Array(mut parts) = e else { continue };
            if parts.len() != 2 {
                continue;
            }
            let fields = parts.pop();
            let id = parts.pop();
            let (Some(Value::BulkString(id)), Some(Value::Array(fields))) = (id, fields) else {
                continue;
            };
            let mut it = fields.into_iter();
            if let (Some(Value::BulkString(k)), Some(Value::BulkString(v))) = (it.next(), it.next())
            {
                out.push((
                    String::from_utf8_lossy(&id).into_owned(),
                    String::from_utf8_lossy(&k).into_owned(),
                    v,
                ));
            }
        }
    }
    out
}
