//! [`Pooled`]: a checked-out connection, back to its pool on drop (with no round trip when it is
//! clean; a ROLLBACK queued from `Drop` is sent first, off the caller's path).

use crate::{deadline_after, until, AcquireError, Connector, Home, Pool, PoolConnection};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::OwnedSemaphorePermit;

/// A checked-out connection; back to the pool on drop.
pub struct Pooled<C: Connector> {
    conn: Option<C::Conn>,
    created: Instant,
    home: Option<Home>,
    pool: Arc<Pool<C>>,
    permit: Option<OwnedSemaphorePermit>,
    discard: bool,
}

impl<C: Connector> Pooled<C> {
    pub(crate) fn new(conn: C::Conn, created: Instant, home: Home, pool: Arc<Pool<C>>, permit: OwnedSemaphorePermit) -> Self {
        Pooled { conn: Some(conn), created, home: Some(home), pool, permit: Some(permit), discard: false }
    }

    /// Close this connection instead of returning it (its state is unknown).
    pub fn close_on_drop(&mut self) {
        self.discard = true;
    }

    /// The pool this connection belongs to.
    pub fn pool(&self) -> &Arc<Pool<C>> {
        &self.pool
    }

    /// The server closed this session: ping the pool's other idle connections before reuse.
    pub fn server_gone(&self) {
        self.pool.suspect_idle();
    }

    /// Swaps in a new session for this slot (the old one is closed), waiting at most the pool's
    /// acquire timeout.
    pub async fn replace(&mut self) -> Result<(), AcquireError<C::Error>> {
        let fresh = match until(deadline_after(self.pool.config.acquire_timeout), self.pool.open_new()).await {
            Some(Ok(c)) => c,
            Some(Err(e)) => return Err(AcquireError::Connect(e)),
            None => return Err(AcquireError::Timeout(self.pool.last_connect_error())),
        };
        if let Some(old) = self.conn.replace(fresh) {
            self.pool.forget(old);
        }
        self.created = Instant::now();
        self.home = Some(self.pool.home_here());
        self.discard = false;
        Ok(())
    }
}

/// A connection whose queued ROLLBACK is being sent; closed and counted gone unless handed back.
struct Flushing<C: Connector> {
    conn: Option<C::Conn>,
    pool: Arc<Pool<C>>,
}

impl<C: Connector> Drop for Flushing<C> {
    fn drop(&mut self) {
        if let Some(c) = self.conn.take() {
            self.pool.forget(c);
        }
    }
}

impl<C: Connector> std::ops::Deref for Pooled<C> {
    type Target = C::Conn;
    fn deref(&self) -> &C::Conn {
        self.conn.as_ref().expect("connection present until drop")
    }
}

impl<C: Connector> std::ops::DerefMut for Pooled<C> {
    fn deref_mut(&mut self) -> &mut C::Conn {
        self.conn.as_mut().expect("connection present until drop")
    }
}

impl<C: Connector> Drop for Pooled<C> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        let permit = self.permit.take();
        let home = self.home.take().unwrap_or_else(Home::nowhere);
        if self.discard {
            self.pool.forget(conn);
            return;
        }
        if !conn.needs_flush() {
            // Clean: back to the pool with no round trip.
            self.pool.give_back(conn, self.created, home);
            drop(permit);
            return;
        }
        // A ROLLBACK was queued from Drop: send it now (locks must not wait for the next
        // checkout), off the caller's path, holding the slot until it is done.
        let (pool, created) = (self.pool.clone(), self.created);
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                // Should the runtime end before the task finishes, the guard still closes the
                // connection and counts it gone.
                let mut guard = Flushing { conn: Some(conn), pool: pool.clone() };
                rt.spawn(async move {
                    let limit = pool.config.ping_timeout;
                    let ok = match guard.conn.as_mut() {
                        Some(c) => matches!(tokio::time::timeout(limit, c.flush()).await, Ok(Ok(()))),
                        None => false,
                    };
                    if let (true, Some(c)) = (ok, guard.conn.take()) {
                        pool.give_back(c, created, home);
                    }
                    drop(guard);
                    drop(permit);
                });
            }
            Err(_) => self.pool.forget(conn),
        }
    }
}
