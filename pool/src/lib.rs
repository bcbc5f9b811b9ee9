//! Athanor's connection pool, generic over a [`Connector`] (how to open a connection) and its
//! [`PoolConnection`]s (ping, pending work, close). Used by the MySQL and PostgreSQL dialects.
//!
//! sqlx's `Pool` pings a connection on every acquire (optional) and on every release (always): up
//! to two extra round trips per checkout. This pool knows when a connection is clean — no
//! statement in flight (the caller marks those with [`Pooled::close_on_drop`]), nothing queued (a
//! ROLLBACK queued from `Drop` is flushed first, off the caller's path) — and so returns it with no
//! round trip, and pings on checkout only a connection that sat idle longer than
//! `ping_after_idle` (or returned before a session was last found closed by the server).
//!
//! Never more than `max` connections are open: a checkout holds one of `max` permits while it
//! opens, pings or uses a connection, and a timed-out waiter reports the pool's last connect
//! error instead of opening one of its own. Each waiter has its own timer (tokio's), so no task
//! tied to one runtime is needed.
//!
//! An engine may outlive the tokio runtime that opened some of its connections (a `static`
//! engine shared by `#[tokio::test]`s, a runtime per job). Their sockets die with that runtime,
//! and a current-thread runtime drives its sockets only while a thread runs it. Each connection
//! knows its [`Home`] runtime: a checkout takes an idle connection opened on the current runtime
//! (or on a live multi-thread one); one whose home shut down is closed without any I/O, and
//! when only connections of another current-thread runtime are idle, one of them is closed to
//! make room for a fresh connection here.

use futures_core::future::BoxFuture;

mod home;
#[cfg(feature = "nodelay")]
pub mod nodelay;
mod pooled;
#[cfg(feature = "sqlx")]
pub mod sqlx_error;
#[cfg(feature = "sqlx")]
pub mod sqlx_row;
#[cfg(feature = "sqlx")]
mod sqlx_session;
#[cfg(feature = "sqlx")]
pub use sqlx_session::SqlxSession;

pub use home::{Fit, Home};
pub use pooled::Pooled;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// One open connection, as the pool sees it.
pub trait PoolConnection: Send + 'static {
    /// The driver's error.
    type Error: Send + 'static;
    /// A cheap round trip proving the session is alive.
    fn ping(&mut self) -> BoxFuture<'_, Result<(), Self::Error>>;
    /// True when work was queued without waiting (a ROLLBACK from `Drop`) and must be sent
    /// before the connection is reused.
    fn needs_flush(&self) -> bool;
    /// Sends the queued work and waits for its answer.
    fn flush(&mut self) -> BoxFuture<'_, Result<(), Self::Error>>;
    /// Closes the session politely.
    fn close(self) -> BoxFuture<'static, Result<(), Self::Error>>;
}

/// Opens connections for a pool (connect plus any per-connection setup).
pub trait Connector: Send + Sync + 'static {
    /// The connection type.
    type Conn: PoolConnection<Error = Self::Error>;
    /// The driver's error.
    type Error: Send + 'static;
    /// Opens and sets up one connection.
    fn connect(&self) -> BoxFuture<'_, Result<Self::Conn, Self::Error>>;
    /// True when the server itself refused (bad credentials, unknown database): retrying will
    /// not help, so a checkout fails at once instead of retrying until its deadline.
    fn is_refusal(&self, e: &Self::Error) -> bool;
    /// A description of a connect error for [`AcquireError::Timeout`] (never credentials).
    fn describe(&self, e: &Self::Error) -> String;
    /// False when a connection does no I/O through the tokio runtime that opened it (SQLite's
    /// worker thread): it then fits every runtime (see [`Home`]).
    fn runtime_bound(&self) -> bool {
        true
    }
}

/// Pool settings.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// Most open connections.
    pub max: u32,
    /// Connections opened on first use and kept open.
    pub min: u32,
    /// Longest wait for a connection.
    pub acquire_timeout: Duration,
    /// Close connections idle longer than this.
    pub idle_timeout: Option<Duration>,
    /// Close connections older than this.
    pub max_lifetime: Option<Duration>,
    /// Ping a connection on checkout when it sat idle longer than this (`None`: never ping).
    pub ping_after_idle: Option<Duration>,
    /// Longest wait for a ping's answer (and for a ROLLBACK queued from `Drop`).
    pub ping_timeout: Duration,
}

struct Idle<T> {
    conn: T,
    created: Instant,
    since: Instant,
    home: Home,
}

/// A pool of connections (cheap to share behind an `Arc`).
pub struct Pool<C: Connector> {
    connector: C,
    config: PoolConfig,
    permits: Arc<Semaphore>,
    idle: Mutex<Vec<Idle<C::Conn>>>,
    open: AtomicU32,
    opened_ever: AtomicU64,
    closed: AtomicBool,
    /// The last failed connect, cleared by a successful one.
    last_connect_error: Mutex<Option<String>>,
    /// When a session was last found closed by the server: idle connections returned before
    /// then are pinged on checkout (the server or network may have dropped them all).
    suspect_before: Mutex<Option<Instant>>,
}

/// Why an acquire failed.
#[derive(Debug)]
pub enum AcquireError<E> {
    /// No connection within the acquire timeout; the last connect error, if connecting failed.
    Timeout(Option<String>),
    /// The pool was closed.
    Closed,
    /// Opening a new connection failed.
    Connect(E),
}

/// `now + d`, or `None` when that is past what `Instant` can hold (no deadline).
fn deadline_after(d: Duration) -> Option<Instant> {
    Instant::now().checked_add(d)
}

/// Time left until `deadline` (unbounded without one).
fn left(deadline: Option<Instant>) -> Option<Duration> {
    deadline.map(|d| d.saturating_duration_since(Instant::now()))
}

/// Runs `fut` until `deadline` (forever without one); `None` when it passed.
async fn until<T>(deadline: Option<Instant>, fut: impl Future<Output = T>) -> Option<T> {
    match deadline {
        Some(d) => tokio::time::timeout_at(d.into(), fut).await.ok(),
        None => Some(fut.await),
    }
}

impl<C: Connector> Pool<C> {
    /// A pool that opens nothing until the first acquire.
    pub fn new(connector: C, config: PoolConfig) -> Arc<Self> {
        Arc::new(Pool {
            permits: Arc::new(Semaphore::new(config.max.clamp(1, Semaphore::MAX_PERMITS as u32) as usize)),
            connector,
            config,
            idle: Mutex::new(Vec::new()),
            open: AtomicU32::new(0),
            opened_ever: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            last_connect_error: Mutex::new(None),
            suspect_before: Mutex::new(None),
        })
    }

    /// Connections open now (idle and checked out).
    pub fn size(&self) -> u32 {
        self.open.load(Ordering::Relaxed)
    }

    /// Connections this pool ever opened (replacements included).
    pub fn opened_ever(&self) -> u64 {
        self.opened_ever.load(Ordering::Relaxed)
    }

    /// Connections idle now.
    pub fn num_idle(&self) -> usize {
        lock(&self.idle).len()
    }

    /// The configuration.
    pub fn config(&self) -> &PoolConfig {
        &self.config
    }

    /// The connector.
    pub fn connector(&self) -> &C {
        &self.connector
    }

    /// Opens `min` connections in the background (aiomysql's `minsize`).
    pub fn warm_up(self: &Arc<Self>) {
        let want = self.config.min.min(self.config.max);
        if want == 0 || tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        let pool = self.clone();
        tokio::spawn(async move {
            let mut held = Vec::new();
            for _ in 0..want {
                match pool.acquire().await {
                    Ok(c) => held.push(c),
                    Err(_) => break,
                }
            }
        });
    }

    /// Checks out a connection, opening one if none is idle.
    ///
    /// The paths that open or ping a connection are boxed: a connect future is kilobytes, and
    /// inlined it would be moved and allocated with every checkout's future.
    pub async fn acquire(self: &Arc<Self>) -> Result<Pooled<C>, AcquireError<C::Error>> {
        let deadline = deadline_after(self.config.acquire_timeout);
        // Fast path without a timer: a free slot is taken at once.
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(tokio::sync::TryAcquireError::Closed) => return Err(AcquireError::Closed),
            Err(tokio::sync::TryAcquireError::NoPermits) => self.wait_for_slot(deadline).await?,
        };
        if self.closed.load(Ordering::Acquire) {
            return Err(AcquireError::Closed);
        }
        let here = Home::current();
        while let Some((idle, fit)) = self.pop_idle(here) {
            match fit {
                Fit::Yes => {
                    if let Some(idle) = Box::pin(self.revive(idle, deadline)).await {
                        return Ok(Pooled::new(idle.conn, idle.created, idle.home, self.clone(), permit));
                    }
                }
                Fit::Gone => self.forget(idle.conn),
                Fit::Foreign => {
                    // Its slot goes to a connection opened here.
                    self.forget(idle.conn);
                    break;
                }
            }
        }
        let conn = Box::pin(self.open_until(deadline)).await?;
        Ok(Pooled::new(conn, Instant::now(), self.home_here(), self.clone(), permit))
    }

    /// Opens a connection, retrying network errors with backoff until `deadline` (the server
    /// may be starting); errors the server sent (access denied, unknown database) end it at once.
    async fn open_until(&self, deadline: Option<Instant>) -> Result<C::Conn, AcquireError<C::Error>> {
        let mut backoff = Duration::from_millis(10);
        loop {
            if left(deadline).is_some_and(|l| l.is_zero()) {
                return Err(AcquireError::Timeout(self.last_connect_error()));
            }
            match until(deadline, self.open_new()).await {
                Some(Ok(conn)) => return Ok(conn),
                Some(Err(e)) if self.connector.is_refusal(&e) => return Err(AcquireError::Connect(e)),
                Some(Err(_)) => {}
                None => {
                    // An earlier attempt's own error (refused, timed out) says more than this.
                    if self.last_connect_error().is_none() {
                        self.note_connect_error(format!("connect timed out after {:?}", self.config.acquire_timeout));
                    }
                    return Err(AcquireError::Timeout(self.last_connect_error()));
                }
            }
            let pause = left(deadline).map_or(backoff, |l| backoff.min(l));
            tokio::time::sleep(pause).await;
            backoff = (backoff * 2).min(Duration::from_secs(1));
        }
    }

    /// Waits for a free slot until `deadline`, with a timer of its own.
    async fn wait_for_slot(&self, deadline: Option<Instant>) -> Result<OwnedSemaphorePermit, AcquireError<C::Error>> {
        match until(deadline, self.permits.clone().acquire_owned()).await {
            Some(r) => r.map_err(|_| AcquireError::Closed),
            None => Err(AcquireError::Timeout(self.last_connect_error())),
        }
    }

    /// The last failed connect's description, if the last connect failed.
    pub fn last_connect_error(&self) -> Option<String> {
        lock(&self.last_connect_error).clone()
    }

    fn note_connect_error(&self, e: String) {
        *lock(&self.last_connect_error) = Some(e);
    }

    /// A session was found closed by the server: ping idle connections returned before now at
    /// their next checkout.
    pub fn suspect_idle(&self) {
        *lock(&self.suspect_before) = Some(Instant::now());
    }

    /// The most recently returned idle connection that fits the runtime `here`; else one whose
    /// runtime is gone; else one of another current-thread runtime.
    fn pop_idle(&self, here: Option<tokio::runtime::Id>) -> Option<(Idle<C::Conn>, Fit)> {
        let mut idle = lock(&self.idle);
        let (mut gone, mut foreign) = (None, None);
        for i in (0..idle.len()).rev() {
            match idle[i].home.fit(here) {
                Fit::Yes => return Some((idle.remove(i), Fit::Yes)),
                Fit::Gone => gone = gone.or(Some(i)),
                Fit::Foreign => foreign = foreign.or(Some(i)),
            }
        }
        let (i, fit) = gone.map(|i| (i, Fit::Gone)).or(foreign.map(|i| (i, Fit::Foreign)))?;
        Some((idle.remove(i), fit))
    }

    /// An idle connection fit for use, or `None` (it was closed). The ping is bounded by
    /// `ping_timeout` and by the checkout's deadline.
    async fn revive(&self, mut idle: Idle<C::Conn>, deadline: Option<Instant>) -> Option<Idle<C::Conn>> {
        let now = Instant::now();
        let expired = self.config.max_lifetime.is_some_and(|l| now.duration_since(idle.created) > l)
            || self.config.idle_timeout.is_some_and(|t| now.duration_since(idle.since) > t);
        let suspect = lock(&self.suspect_before).is_some_and(|t| idle.since <= t);
        let stale = suspect || self.config.ping_after_idle.is_some_and(|p| now.duration_since(idle.since) > p);
        if expired {
            self.forget(idle.conn);
            return None;
        }
        if stale {
            let limit = left(deadline).map_or(self.config.ping_timeout, |l| l.min(self.config.ping_timeout));
            if !matches!(tokio::time::timeout(limit, idle.conn.ping()).await, Ok(Ok(()))) {
                // Whatever closed this one (a server restart, a network reset) likely closed
                // the other idle connections too.
                self.suspect_idle();
                self.forget(idle.conn);
                return None;
            }
        }
        Some(idle)
    }

    /// The [`Home`] of a connection opened now.
    fn home_here(&self) -> Home {
        if self.connector.runtime_bound() {
            Home::here()
        } else {
            Home::nowhere()
        }
    }

    async fn open_new(&self) -> Result<C::Conn, C::Error> {
        match self.connector.connect().await {
            Ok(conn) => {
                self.open.fetch_add(1, Ordering::Relaxed);
                self.opened_ever.fetch_add(1, Ordering::Relaxed);
                *lock(&self.last_connect_error) = None;
                Ok(conn)
            }
            Err(e) => {
                self.note_connect_error(self.connector.describe(&e));
                Err(e)
            }
        }
    }

    /// Closes a connection that leaves the pool.
    fn forget(&self, conn: C::Conn) {
        self.open.fetch_sub(1, Ordering::Relaxed);
        drop(conn);
    }

    fn give_back(&self, conn: C::Conn, created: Instant, home: Home) {
        if self.closed.load(Ordering::Acquire) || home.gone() {
            self.forget(conn);
            return;
        }
        lock(&self.idle).push(Idle { conn, created, since: Instant::now(), home });
    }

    /// Closes idle connections and refuses new checkouts; checked-out ones close on return. Idle
    /// connections of another current-thread runtime (or of one that is gone) are dropped with no
    /// I/O: their runtime may not be driving their sockets.
    pub async fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.permits.close();
        let idle: Vec<Idle<C::Conn>> = std::mem::take(&mut *lock(&self.idle));
        let here = Home::current();
        for i in idle {
            if i.home.fit(here) != Fit::Yes {
                // Its runtime is gone or may not be running: a goodbye could only wait.
                self.forget(i.conn);
                continue;
            }
            self.open.fetch_sub(1, Ordering::Relaxed);
            let _ = tokio::time::timeout(self.config.ping_timeout, i.conn.close()).await;
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
