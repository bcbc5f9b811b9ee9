//! What the TCP_NODELAY tests look at: the option on this process's sockets to a port.

/// TCP_NODELAY of every TCP socket of this process connected to `port` (Linux: read from
/// `/proc/self/fd`; empty elsewhere).
pub fn nodelay_of_sockets_to(port: u16) -> Vec<bool> {
    let mut found = Vec::new();
    #[cfg(target_os = "linux")]
    for e in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
        use std::os::fd::BorrowedFd;
        let Some(fd) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
        if !std::fs::read_link(e.path()).is_ok_and(|t| t.to_string_lossy().starts_with("socket:")) {
            continue;
        }
        // SAFETY: the caller's test opens or closes no descriptor while this looks.
        let fd = unsafe { BorrowedFd::borrow_raw(fd) };
        let s = socket2::SockRef::from(&fd);
        if s.peer_addr().ok().and_then(|a| a.as_socket()).is_some_and(|a| a.port() == port) {
            found.push(s.tcp_nodelay().unwrap());
        }
    }
    let _ = port;
    found
}
