//! A fault-injecting TCP proxy, in the style of Toxiproxy.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

mod conn;

/// What a [`FaultProxy`] does with the bytes of every connection, the open ones and the new ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Forward bytes both ways as they come.
    Pass,
    /// Hold bytes (and the upstream connect of new connections) until the mode changes; nothing is lost,
    /// it is delivered once the mode allows. Like a network that stalls and heals.
    Pause,
    /// Read bytes and drop them; answer nothing, close nothing (an upstream that closes is not told to the
    /// client). Connections accepted in this mode never reach upstream, whatever the mode later becomes.
    /// Bytes dropped are lost: open connections are useless after it, as after a real black hole.
    BlackHole,
    /// Reset (TCP RST) every open connection when set, and every new connection right after accepting it.
    Reset,
    /// Forward each chunk after this delay (per chunk, each direction).
    Latency(Duration),
    /// Let this many more bytes through on each connection (both directions together, counted from when the
    /// mode was set, or from the start for a new connection), then close it mid-stream.
    CutAfter(u64),
}

/// The mode together with the number of the `set_mode` call that set it, so that each connection can tell
/// a new [`Mode::CutAfter`] budget from the one it already counts against.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Setting {
    pub(crate) epoch: u64,
    pub(crate) mode: Mode,
}

pub(crate) struct Shared {
    pub(crate) upstream: SocketAddr,
    pub(crate) setting: watch::Sender<Setting>,
    /// Bumped to reset every open connection.
    pub(crate) kill: watch::Sender<u64>,
    pub(crate) accepted: AtomicU64,
    pub(crate) open: AtomicUsize,
}

/// A TCP proxy on `127.0.0.1:<free port>` in front of `upstream`, whose [`Mode`] can be switched at run time.
///
/// Dropping it stops the accept loop and closes every connection it holds (the tasks are aborted, so this
/// happens at their next poll, at once on a running runtime). It needs a tokio runtime with the time and
/// I/O drivers enabled.
///
/// ```no_run
/// # async fn demo() {
/// use athanor_testkit::{FaultProxy, Mode};
/// let proxy = FaultProxy::start("127.0.0.1:3306".parse().unwrap());
/// let url = format!("mysql://root@{}/test", proxy.addr());
/// proxy.set_mode(Mode::BlackHole);   // every open and new connection goes silent
/// proxy.set_mode(Mode::Pass);
/// assert!(proxy.accepted() >= proxy.open() as u64);
/// # let _ = url; }
/// ```
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl FaultProxy {
    /// Starts a proxy to `upstream` in [`Mode::Pass`]. Must be called inside a tokio runtime.
    ///
    /// # Panics
    /// When no loopback port can be bound or there is no runtime (test support: failing loudly is the point).
    pub fn start(upstream: SocketAddr) -> FaultProxy {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        std_listener.set_nonblocking(true).expect("non-blocking listener");
        let addr = std_listener.local_addr().expect("listener address");
        let listener = TcpListener::from_std(std_listener).expect("FaultProxy::start needs a tokio runtime");
        let shared = Arc::new(Shared {
            upstream,
            setting: watch::Sender::new(Setting { epoch: 0, mode: Mode::Pass }),
            kill: watch::Sender::new(0),
            accepted: AtomicU64::new(0),
            open: AtomicUsize::new(0),
        });
        let task = tokio::spawn(accept_loop(listener, shared.clone()));
        FaultProxy { addr, shared, task }
    }

    /// The address clients connect to (`127.0.0.1:<port>`).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The upstream address the proxy forwards to.
    pub fn upstream(&self) -> SocketAddr {
        self.shared.upstream
    }

    /// Switches the mode for every open and new connection.
    pub fn set_mode(&self, mode: Mode) {
        self.shared.setting.send_modify(|s| {
            s.epoch += 1;
            s.mode = mode;
        });
        if mode == Mode::Reset {
            self.reset_open();
        }
    }

    /// The current mode.
    pub fn mode(&self) -> Mode {
        self.shared.setting.borrow().mode
    }

    /// Resets (TCP RST) every connection open now, leaving the mode as it is.
    pub fn reset_open(&self) {
        self.shared.kill.send_modify(|k| *k += 1);
    }

    /// Connections accepted since the start.
    pub fn accepted(&self) -> u64 {
        self.shared.accepted.load(Ordering::SeqCst)
    }

    /// Connections open now (accepted and not yet closed by the proxy).
    pub fn open(&self) -> usize {
        self.shared.open.load(Ordering::SeqCst)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl std::fmt::Debug for FaultProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultProxy")
            .field("addr", &self.addr)
            .field("upstream", &self.shared.upstream)
            .field("mode", &self.mode())
            .field("accepted", &self.accepted())
            .field("open", &self.open())
            .finish()
    }
}

/// Accepts connections and owns their tasks: aborting this task drops the set, which aborts them all.
async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    shared.accepted.fetch_add(1, Ordering::SeqCst);
                    let guard = conn::OpenGuard::new(shared.clone());
                    conns.spawn(conn::serve(stream, guard));
                }
                // Out of descriptors and the like: wait a little rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}
