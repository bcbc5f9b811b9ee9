//! Test support for Athanor (dev-only, never published).
//!
//! - [`FaultProxy`]: a small TCP proxy in the style of Toxiproxy whose [`Mode`] (pass, pause, black-hole,
//!   reset, latency, cut after N bytes) switches at run time for open and new connections.
//! - [`PrivateMariaDb`] and [`PrivatePostgres`]: throw-away servers started from the installed binaries on
//!   their own loopback port and temporary data directory, never the shared ones, so a test may stop, kill,
//!   freeze (`SIGSTOP`) and restart them. They are killed when dropped.
//! - [`faults`]: what the fault tests share ([`faults::bounded`], [`faults::reset_while_waiting`]).
//! - [`sockets`]: TCP_NODELAY on this process's sockets to a port.

pub mod faults;
mod proxy;
mod server;
pub mod sockets;

pub use proxy::{FaultProxy, Mode};
pub use server::{PrivateMariaDb, PrivatePostgres};
