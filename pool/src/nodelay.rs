//! TCP_NODELAY on the sessions' sockets, for the MySQL and PostgreSQL dialects. sqlx 0.9.0 no
//! longer sets it (its issue #4335, fixed upstream after that release), so a request written in
//! two pieces (a bulk INSERT larger than the socket's send window; PostgreSQL's COPY data, then
//! `CopyDone`) waits for the server's delayed ACK, 40 ms on Linux, before its last piece leaves:
//! on PostgreSQL, setting it halved a 50,000-row bulk insert (W3). sqlx does not hand out its
//! socket: [`connect`] notes the process's open sockets before a connect and sets the option on
//! the TCP sockets to the server's port that appeared during it (Linux: `/proc/self/fd`;
//! elsewhere nothing is done). A socket another library opens to the same port at the same
//! moment may get the option too: it changes when packets leave, never what they carry.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a session's socket got the option.
static IN_EFFECT: AtomicBool = AtomicBool::new(false);

/// True once the option was set on a session's socket in this process (so the mechanism works
/// here: Linux). PostgreSQL's `COPY` (data, then `CopyDone`: two pieces) is used only then.
pub fn in_effect() -> bool {
    IN_EFFECT.load(Ordering::Relaxed)
}

/// Runs `connect`, a connect to TCP port `port` (`None`: a Unix socket, nothing to do), and on
/// success sets TCP_NODELAY on the TCP sockets to `port` it opened.
pub async fn connect<T, E>(port: Option<u16>, connect: impl Future<Output = Result<T, E>>) -> Result<T, E> {
    let before = if port.is_some() { sockets() } else { Sockets::default() };
    let conn = connect.await?;
    if let Some(port) = port {
        set_on_new(&before, port);
    }
    Ok(conn)
}

/// The process's open sockets, as (descriptor, inode) pairs: a number reused for a new socket
/// has a new inode.
#[derive(Debug, Default)]
struct Sockets(std::collections::HashSet<(i32, u64)>);

/// The open sockets now (none where `/proc/self/fd` does not exist).
fn sockets() -> Sockets {
    let mut set = std::collections::HashSet::new();
    if !cfg!(target_os = "linux") {
        return Sockets(set);
    }
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else { return Sockets(set) };
    for entry in dir.flatten() {
        let Some(fd) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
        let Ok(target) = std::fs::read_link(entry.path()) else { continue };
        let inode = target.to_str().and_then(|t| t.strip_prefix("socket:[")).and_then(|t| t.strip_suffix(']')).and_then(|t| t.parse().ok());
        if let Some(inode) = inode {
            set.insert((fd, inode));
        }
    }
    Sockets(set)
}

/// Sets TCP_NODELAY on the TCP sockets to `port` open now that were not in `before`; returns
/// how many it set.
#[cfg(unix)]
fn set_on_new(before: &Sockets, port: u16) -> usize {
    use std::os::fd::BorrowedFd;
    let after = sockets();
    let mut set = 0;
    for &(fd, _) in after.0.difference(&before.0) {
        // SAFETY: the descriptor was open a moment ago, as a socket this process opened while it
        // connected. Were it closed since, the calls fail (EBADF) or reach the socket that took
        // its number, and only a TCP socket to `port` is changed, in a way that never alters
        // what it carries.
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        let s = socket2::SockRef::from(&fd);
        let to_port = s.peer_addr().ok().and_then(|a| a.as_socket()).is_some_and(|a| a.port() == port);
        if to_port && s.set_tcp_nodelay(true).is_ok() {
            set += 1;
        }
    }
    if set > 0 {
        IN_EFFECT.store(true, Ordering::Relaxed);
    }
    set
}

/// Nothing to do where descriptors are not file descriptors.
#[cfg(not(unix))]
fn set_on_new(_before: &Sockets, _port: u16) -> usize {
    0
}
