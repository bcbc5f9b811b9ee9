//! [`Home`]: the tokio runtime a connection's socket is registered with — whether it still runs,
//! and whether a task on another runtime can use the socket without hanging.

use tokio::runtime::{Handle, Id, RuntimeFlavor};
use tokio::sync::oneshot;

/// The runtime a connection was opened on. A task parked on that runtime holds the receiving
/// end of a channel; the runtime drops its tasks when it shuts down, so a closed channel means
/// the runtime — and every socket registered with it — is gone. Dropping a `Home` ends its task.
#[derive(Debug)]
pub struct Home {
    alive: Option<oneshot::Sender<()>>,
    runtime: Option<(Id, RuntimeFlavor)>,
}

/// Whether a connection can be used on the current runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Opened here, or on a live multi-thread runtime (its workers drive the socket).
    Yes,
    /// Its runtime shut down: the socket is dead.
    Gone,
    /// Opened on another current-thread runtime, whose socket makes progress only while some
    /// thread runs that runtime: using it from here may hang.
    Foreign,
}

impl Home {
    /// The current runtime (none outside one).
    pub fn here() -> Home {
        let Ok(rt) = Handle::try_current() else { return Home::nowhere() };
        let (tx, rx) = oneshot::channel::<()>();
        rt.spawn(async move {
            let _ = rx.await;
        });
        Home { alive: Some(tx), runtime: Some((rt.id(), rt.runtime_flavor())) }
    }

    /// No runtime to watch (always fits).
    pub fn nowhere() -> Home {
        Home { alive: None, runtime: None }
    }

    /// True once the runtime this connection was opened on has shut down.
    pub fn gone(&self) -> bool {
        self.alive.as_ref().is_some_and(|tx| tx.is_closed())
    }

    /// Whether the connection can be used from the runtime `here` (the current one).
    pub fn fit(&self, here: Option<Id>) -> Fit {
        if self.gone() {
            return Fit::Gone;
        }
        match self.runtime {
            None => Fit::Yes,
            Some((id, _)) if Some(id) == here => Fit::Yes,
            Some((_, RuntimeFlavor::CurrentThread)) => Fit::Foreign,
            Some(_) => Fit::Yes,
        }
    }

    /// The current runtime's id, for [`Home::fit`].
    pub fn current() -> Option<Id> {
        Handle::try_current().ok().map(|h| h.id())
    }
}

#[cfg(test)]
mod tests {
    use super::{Fit, Home};

    fn current_thread() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
    }

    #[test]
    fn a_home_is_gone_once_its_runtime_shuts_down_and_not_before() {
        let rt = current_thread();
        let home = rt.block_on(async { Home::here() });
        assert!(!home.gone(), "its runtime still exists");
        rt.block_on(async {
            tokio::task::yield_now().await;
            assert_eq!(home.fit(Home::current()), Fit::Yes);
        });
        assert!(!home.gone(), "its runtime still runs the watch task");
        drop(rt);
        assert!(home.gone(), "its runtime shut down");
        assert_eq!(home.fit(None), Fit::Gone);
    }

    #[test]
    fn outside_a_runtime_there_is_no_home_to_lose() {
        let home = Home::here();
        assert!(!home.gone());
        assert_eq!(home.fit(None), Fit::Yes);
        assert_eq!(Home::nowhere().fit(None), Fit::Yes);
    }

    #[test]
    fn a_live_multi_thread_home_fits_anywhere_a_current_thread_one_only_at_home() {
        let multi = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let from_multi = multi.block_on(async { Home::here() });
        let single = current_thread();
        let from_single = single.block_on(async { Home::here() });
        let other = current_thread();
        other.block_on(async {
            assert_eq!(from_multi.fit(Home::current()), Fit::Yes);
            assert_eq!(from_single.fit(Home::current()), Fit::Foreign);
        });
        single.block_on(async { assert_eq!(from_single.fit(Home::current()), Fit::Yes) });
        drop(multi);
        assert_eq!(from_multi.fit(None), Fit::Gone);
    }
}
