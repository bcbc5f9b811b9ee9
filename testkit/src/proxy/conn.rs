//! One proxied connection: the upstream connect and the two pumps, each obeying the current [`Mode`].

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;

use super::{Mode, Setting, Shared};

const CHUNK: usize = 16 * 1024;
const CONNECT_LIMIT: Duration = Duration::from_secs(10);

/// Counts a connection as open for as long as it lives.
pub(crate) struct OpenGuard(Arc<Shared>);

impl OpenGuard {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        shared.open.fetch_add(1, Ordering::SeqCst);
        OpenGuard(shared)
    }
}

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How one direction of a connection ended.
#[derive(Debug, PartialEq, Eq)]
enum Flow {
    /// The source closed; the close was passed on (or swallowed by a black hole).
    Eof,
    /// The [`Mode::CutAfter`] budget ran out.
    Cut,
    /// [`Mode::Reset`] was seen.
    Reset,
    /// A read or write failed: the peer is gone.
    Failed,
}

/// The bytes a connection forwarded and the [`Mode::CutAfter`] limit it counts against.
#[derive(Default)]
struct Budget {
    inner: Mutex<BudgetState>,
}

#[derive(Default)]
struct BudgetState {
    forwarded: u64,
    /// `(epoch, total)`: forward no more than `total` bytes in all, for the `CutAfter` set at `epoch`.
    limit: Option<(u64, u64)>,
}

impl Budget {
    /// How many bytes may still pass under the `CutAfter(n)` set at `epoch`.
    fn allowance(&self, epoch: u64, n: u64) -> u64 {
        let mut s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let total = match s.limit {
            Some((e, total)) if e == epoch => total,
            _ => {
                let total = s.forwarded.saturating_add(n);
                s.limit = Some((epoch, total));
                total
            }
        };
        total.saturating_sub(s.forwarded)
    }

    fn add(&self, n: usize) {
        let mut s = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        s.forwarded += n as u64;
    }
}

/// Sends a TCP RST instead of a FIN when the stream is dropped.
fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}

/// Serves one accepted connection until it ends or the proxy is dropped.
pub(crate) async fn serve(mut client: TcpStream, guard: OpenGuard) {
    let shared = guard.0.clone();
    let mut setting = shared.setting.subscribe();
    let mut kill = shared.kill.subscribe();
    kill.mark_unchanged();
    let _ = client.set_nodelay(true);

    // Before the upstream connect: the mode decides whether there is one.
    loop {
        let mode = setting.borrow_and_update().mode;
        match mode {
            Mode::Reset => return reset(client),
            Mode::BlackHole => return swallow(client, kill).await,
            Mode::Pause => {
                tokio::select! {
                    _ = setting.changed() => {}
                    _ = kill.changed() => return reset(client),
                }
            }
            Mode::Pass | Mode::Latency(_) | Mode::CutAfter(_) => break,
        }
    }
    let mut upstream = match tokio::time::timeout(CONNECT_LIMIT, TcpStream::connect(shared.upstream)).await {
        Ok(Ok(s)) => s,
        // Upstream refused or did not answer: the closest a client can be told is a reset.
        _ => return reset(client),
    };
    let _ = upstream.set_nodelay(true);

    let budget = Budget::default();
    let end = {
        let (mut cr, mut cw) = client.split();
        let (mut ur, mut uw) = upstream.split();
        let up = pump(&mut cr, &mut uw, setting.clone(), &budget);
        let down = pump(&mut ur, &mut cw, setting, &budget);
        tokio::pin!(up, down);
        let (mut up_done, mut down_done) = (false, false);
        loop {
            let flow = tokio::select! {
                f = &mut up, if !up_done => { up_done = true; f }
                f = &mut down, if !down_done => { down_done = true; f }
                _ = kill.changed() => Flow::Reset,
            };
            match flow {
                Flow::Eof if !(up_done && down_done) => continue,
                other => break other,
            }
        }
    };
    if end == Flow::Reset {
        reset(client);
        reset(upstream);
    }
    // Otherwise both are dropped here with a normal close.
}

/// A connection accepted while black-holed: read and drop everything, never answer, until the client
/// leaves or the proxy resets it.
async fn swallow(mut client: TcpStream, mut kill: watch::Receiver<u64>) {
    let mut buf = vec![0u8; CHUNK];
    loop {
        tokio::select! {
            r = client.read(&mut buf) => match r {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            },
            _ = kill.changed() => return reset(client),
        }
    }
}

/// Copies `src` to `dst` chunk by chunk, asking the mode what to do with each chunk (and with the end).
async fn pump<R, W>(src: &mut R, dst: &mut W, mut setting: watch::Receiver<Setting>, budget: &Budget) -> Flow
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match src.read(&mut buf).await {
            Ok(n) => n,
            Err(_) => return Flow::Failed,
        };
        // Deliver this chunk (n == 0: the end of the stream) as the mode says.
        loop {
            let s = *setting.borrow_and_update();
            let mut take = n;
            match s.mode {
                Mode::Pause => {
                    if setting.changed().await.is_err() {
                        return Flow::Failed;
                    }
                    continue;
                }
                Mode::BlackHole if n == 0 => return Flow::Eof,
                Mode::BlackHole => break,
                Mode::Reset => return Flow::Reset,
                Mode::Pass => {}
                Mode::Latency(d) => tokio::time::sleep(d).await,
                Mode::CutAfter(limit) => {
                    take = n.min(usize::try_from(budget.allowance(s.epoch, limit)).unwrap_or(usize::MAX));
                }
            }
            if n == 0 {
                let _ = dst.shutdown().await;
                return Flow::Eof;
            }
            if dst.write_all(&buf[..take]).await.is_err() {
                return Flow::Failed;
            }
            budget.add(take);
            if take < n {
                let _ = dst.flush().await;
                return Flow::Cut;
            }
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Budget;

    #[test]
    fn budget_counts_from_the_epoch_it_was_set() {
        let b = Budget::default();
        assert_eq!(b.allowance(1, 10), 10);
        b.add(4);
        assert_eq!(b.allowance(1, 10), 6);
        b.add(6);
        assert_eq!(b.allowance(1, 10), 0);
        // A new CutAfter counts from what was forwarded when it is first seen.
        assert_eq!(b.allowance(2, 3), 3);
        b.add(1);
        assert_eq!(b.allowance(2, 3), 2);
    }
}
