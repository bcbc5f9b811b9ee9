//! Athanor's own pool of `MySqlConnection`s.
//!
//! sqlx's `Pool` pings a connection on every acquire (optional) and on every release (always): up
//! to two extra round trips per checkout. This pool knows when a connection is clean — no
//! statement in flight (the caller marks those with `close_on_drop`), nothing queued (a ROLLBACK
//! queued from `Drop` is flushed first, off the caller's path) — and so returns it with no round
//! trip, and pings on checkout only a connection that sat idle longer than `ping_after_idle`.

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection};
use sqlx::{ConnectOptions, Connection};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Runs on each new connection before it is used (init statements, server detection).
pub type InitFn = Arc<dyn Fn(&mut MySqlConnection) -> Pin<Box<dyn Future<Output = Result<(), sqlx::Error>> + Send + '_>> + Send + Sync>;

/// Pool settings.
#[derive(Clone)]
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
}

struct Idle {
    conn: MySqlConnection,
    created: Instant,
    since: Instant,
}

/// A pool of MySQL connections (cheap to share behind an `Arc`).
pub struct ConnPool {
    connect: MySqlConnectOptions,
    init: InitFn,
    config: PoolConfig,
    permits: Arc<Semaphore>,
    idle: Mutex<Vec<Idle>>,
    open: AtomicU32,
    closed: AtomicBool,
    tick: tokio::sync::Notify,
    ticking: AtomicBool,
}

/// Why an acquire failed.
#[derive(Debug)]
pub enum AcquireError {
    /// No connection within the acquire timeout; the last connect error, if connecting failed.
    Timeout(Option<sqlx::Error>),
    /// The pool was closed.
    Closed,
    /// Opening a new connection failed.
    Connect(sqlx::Error),
}

impl ConnPool {
    /// A pool that opens nothing until the first acquire.
    pub fn new(connect: MySqlConnectOptions, init: InitFn, config: PoolConfig) -> Arc<Self> {
        Arc::new(ConnPool {
            permits: Arc::new(Semaphore::new(config.max.max(1) as usize)),
            connect,
            init,
            config,
            idle: Mutex::new(Vec::new()),
            open: AtomicU32::new(0),
            closed: AtomicBool::new(false),
            tick: tokio::sync::Notify::new(),
            ticking: AtomicBool::new(false),
        })
    }

    /// Connections open now (idle and checked out).
    pub fn size(&self) -> u32 {
        self.open.load(Ordering::Relaxed)
    }

    /// Connections idle now.
    pub fn num_idle(&self) -> usize {
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// The configuration.
    pub fn config(&self) -> &PoolConfig {
        &self.config
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
    pub async fn acquire(self: &Arc<Self>) -> Result<Pooled, AcquireError> {
        let deadline = Instant::now() + self.config.acquire_timeout;
        // Fast path without a timer: a free slot is taken at once.
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(tokio::sync::TryAcquireError::Closed) => return Err(AcquireError::Closed),
            Err(tokio::sync::TryAcquireError::NoPermits) => self.wait_for_slot(deadline).await?,
        };
        if self.closed.load(Ordering::Acquire) {
            return Err(AcquireError::Closed);
        }
        while let Some(idle) = self.pop_idle() {
            if let Some((conn, created)) = self.revive(idle).await {
                return Ok(Pooled::new(conn, created, self.clone(), permit));
            }
        }
        let conn = Box::pin(self.open_until(deadline)).await?;
        Ok(Pooled::new(conn, Instant::now(), self.clone(), permit))
    }

    /// Opens a connection, retrying network errors with backoff until `deadline` (the server
    /// may be starting); errors the server sent (access denied, unknown database) end it at once.
    async fn open_until(&self, deadline: Instant) -> Result<MySqlConnection, AcquireError> {
        let mut backoff = Duration::from_millis(10);
        let mut last = None;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(AcquireError::Timeout(last));
            }
            match tokio::time::timeout(remaining, self.open_new()).await {
                Ok(Ok(conn)) => return Ok(conn),
                Ok(Err(e)) if matches!(e, sqlx::Error::Database(_)) => return Err(AcquireError::Connect(e)),
                Ok(Err(e)) => last = Some(e),
                Err(_) => return Err(AcquireError::Timeout(last)),
            }
            tokio::time::sleep(backoff.min(deadline.saturating_duration_since(Instant::now()))).await;
            backoff = (backoff * 2).min(Duration::from_secs(1));
        }
    }

    /// Waits for a free slot until `deadline`. A per-wait timer costs more CPU than the query
    /// itself saves when 64 tasks share 10 connections, so waiters share one ticker instead and
    /// check their deadline on each tick (timeouts are exact to one tick).
    async fn wait_for_slot(self: &Arc<Self>, deadline: Instant) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.start_ticker();
        let acquire = self.permits.clone().acquire_owned();
        tokio::pin!(acquire);
        loop {
            let tick = self.tick.notified();
            tokio::select! {
                biased;
                r = &mut acquire => return r.map_err(|_| AcquireError::Closed),
                _ = tick => {
                    if Instant::now() >= deadline {
                        return Err(AcquireError::Timeout(None));
                    }
                }
            }
        }
    }

    /// One task per pool wakes the waiters every tick; it ends when the pool is dropped.
    fn start_ticker(self: &Arc<Self>) {
        if self.ticking.swap(true, Ordering::AcqRel) {
            return;
        }
        let every = (self.config.acquire_timeout / 20).clamp(Duration::from_millis(5), Duration::from_millis(100));
        let pool = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(every);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                match pool.upgrade() {
                    Some(p) if !p.closed.load(Ordering::Acquire) => p.tick.notify_waiters(),
                    _ => break,
                }
            }
        });
    }

    fn pop_idle(&self) -> Option<Idle> {
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop()
    }

    /// An idle connection fit for use, or `None` (it was closed).
    async fn revive(&self, mut idle: Idle) -> Option<(MySqlConnection, Instant)> {
        let now = Instant::now();
        let expired = self.config.max_lifetime.is_some_and(|l| now.duration_since(idle.created) > l)
            || self.config.idle_timeout.is_some_and(|t| now.duration_since(idle.since) > t);
        let stale = self.config.ping_after_idle.is_some_and(|p| now.duration_since(idle.since) > p);
        if expired || (stale && Box::pin(idle.conn.ping()).await.is_err()) {
            self.forget(idle.conn);
            return None;
        }
        Some((idle.conn, idle.created))
    }

    async fn open_new(&self) -> Result<MySqlConnection, sqlx::Error> {
        let mut conn = self.connect.connect().await?;
        (self.init)(&mut conn).await?;
        self.open.fetch_add(1, Ordering::Relaxed);
        Ok(conn)
    }

    /// Closes a connection that leaves the pool.
    fn forget(&self, conn: MySqlConnection) {
        self.open.fetch_sub(1, Ordering::Relaxed);
        drop(conn);
    }

    fn give_back(&self, conn: MySqlConnection, created: Instant) {
        if self.closed.load(Ordering::Acquire) {
            self.forget(conn);
            return;
        }
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).push(Idle { conn, created, since: Instant::now() });
    }

    /// Closes idle connections and refuses new checkouts; checked-out ones close on return.
    pub async fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.permits.close();
        let idle: Vec<Idle> = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|e| e.into_inner()));
        for i in idle {
            self.open.fetch_sub(1, Ordering::Relaxed);
            let _ = i.conn.close().await;
        }
    }
}

/// A checked-out connection; back to the pool on drop.
pub struct Pooled {
    conn: Option<MySqlConnection>,
    created: Instant,
    pool: Arc<ConnPool>,
    permit: Option<OwnedSemaphorePermit>,
    discard: bool,
}

impl Pooled {
    fn new(conn: MySqlConnection, created: Instant, pool: Arc<ConnPool>, permit: OwnedSemaphorePermit) -> Self {
        Pooled { conn: Some(conn), created, pool, permit: Some(permit), discard: false }
    }

    /// Close this connection instead of returning it (its state is unknown).
    pub fn close_on_drop(&mut self) {
        self.discard = true;
    }

    /// Swaps in a new session for this slot (the old one is closed).
    pub async fn replace(&mut self) -> Result<(), sqlx::Error> {
        let fresh = self.pool.open_new().await?;
        if let Some(old) = self.conn.replace(fresh) {
            self.pool.forget(old);
        }
        self.created = Instant::now();
        self.discard = false;
        Ok(())
    }
}

impl std::ops::Deref for Pooled {
    type Target = MySqlConnection;
    fn deref(&self) -> &MySqlConnection {
        self.conn.as_ref().expect("connection present until drop")
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut MySqlConnection {
        self.conn.as_mut().expect("connection present until drop")
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else { return };
        let permit = self.permit.take();
        if self.discard {
            self.pool.forget(conn);
            return;
        }
        if !conn.should_flush() {
            // Clean: back to the pool with no round trip.
            self.pool.give_back(conn, self.created);
            drop(permit);
            return;
        }
        // A ROLLBACK was queued from Drop: send it now (locks must not wait for the next
        // checkout), off the caller's path, holding the slot until it is done.
        let (pool, created) = (self.pool.clone(), self.created);
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(async move {
                    match tokio::time::timeout(Duration::from_secs(10), conn.flush()).await {
                        Ok(Ok(())) => pool.give_back(conn, created),
                        _ => pool.forget(conn),
                    }
                    drop(permit);
                });
            }
            Err(_) => self.pool.forget(conn),
        }
    }
}
