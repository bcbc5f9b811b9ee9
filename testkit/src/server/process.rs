//! A server process and its lifecycle as one state machine: `Stopped → Running ⇄ Frozen → Stopped`.

use std::io;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// The state of a private server's process (the owner kills it on drop). The process leads its own process group, so signals reach the
/// children it forks too (PostgreSQL's backends).
#[derive(Debug, Default)]
pub(crate) enum Proc {
    /// Not started, stopped, or killed (and reaped).
    #[default]
    Stopped,
    /// Running and answering.
    Running(Child),
    /// Stopped by `SIGSTOP`: the kernel still accepts connections, nobody answers.
    Frozen(Child),
}

/// A transition [`Proc`] refuses.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct NotRunning;

impl Proc {
    /// `Stopped → Running`: spawns `cmd` in its own process group, killed if the spawning thread dies.
    pub(crate) fn spawn(&mut self, mut cmd: Command) -> io::Result<()> {
        use std::os::unix::process::CommandExt;
        self.kill();
        cmd.process_group(0);
        // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        *self = Proc::Running(cmd.spawn()?);
        Ok(())
    }

    /// The process id, while there is a process.
    pub(crate) fn pid(&self) -> Option<u32> {
        match self {
            Proc::Running(c) | Proc::Frozen(c) => Some(c.id()),
            Proc::Stopped => None,
        }
    }

    /// `Running → Frozen` (`SIGSTOP` to the group); frozen stays frozen.
    pub(crate) fn freeze(&mut self) -> Result<(), NotRunning> {
        match std::mem::take(self) {
            Proc::Running(c) | Proc::Frozen(c) => {
                signal_group(&c, libc::SIGSTOP);
                *self = Proc::Frozen(c);
                Ok(())
            }
            Proc::Stopped => Err(NotRunning),
        }
    }

    /// `Frozen → Running` (`SIGCONT` to the group); running stays running.
    pub(crate) fn thaw(&mut self) -> Result<(), NotRunning> {
        match std::mem::take(self) {
            Proc::Running(c) | Proc::Frozen(c) => {
                signal_group(&c, libc::SIGCONT);
                *self = Proc::Running(c);
                Ok(())
            }
            Proc::Stopped => Err(NotRunning),
        }
    }

    /// `* → Stopped` at once: `SIGKILL` to the group (thawed first), then reaps the process.
    pub(crate) fn kill(&mut self) {
        if let Proc::Running(mut c) | Proc::Frozen(mut c) = std::mem::take(self) {
            // SIGKILL ends stopped processes too.
            signal_group(&c, libc::SIGKILL);
            let _ = c.wait();
        }
    }

    /// Has the process ended on its own? Then `→ Stopped`, with its exit status.
    pub(crate) fn exited(&mut self) -> Option<std::process::ExitStatus> {
        let status = match self {
            Proc::Running(c) | Proc::Frozen(c) => c.try_wait().ok().flatten()?,
            Proc::Stopped => return None,
        };
        *self = Proc::Stopped;
        Some(status)
    }

    /// Sends `sig` to the main process (thawing the group first), for a graceful shutdown.
    pub(crate) fn ask_to_stop(&mut self, sig: i32) {
        let _ = self.thaw();
        if let Some(pid) = self.pid() {
            // SAFETY: plain kill(2) on our own child.
            unsafe { libc::kill(pid as i32, sig) };
        }
    }
}

/// Sends `sig` to the group our child leads and to every descendant (PostgreSQL's backends call `setsid`,
/// so they leave the group). The parent is signalled first: stopped or killed, it forks no more.
fn signal_group(child: &Child, sig: i32) {
    let root = child.id() as i32;
    // Looked up before (a killed parent hands its children to init) and after (a stopped one forks no more).
    let mut pids = descendants(root);
    // SAFETY: plain killpg(2)/kill(2) on our child's group and its descendants.
    unsafe { libc::killpg(root, sig) };
    pids.extend(descendants(root));
    pids.sort_unstable();
    pids.dedup();
    for pid in pids {
        unsafe { libc::kill(pid, sig) };
    }
}

/// Every live descendant of `root`, from `/proc/*/stat`.
fn descendants(root: i32) -> Vec<i32> {
    let mut parents: Vec<(i32, i32)> = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // "pid (comm) state ppid ...": comm may hold anything, so read after the last ')'.
        let ppid = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse().ok());
        if let Some(ppid) = ppid {
            parents.push((pid, ppid));
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let p = found[i];
        found.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(pid, _)| *pid));
        i += 1;
    }
    found.remove(0);
    found
}

/// Asks the process to stop with `sig`, waits up to `limit` for it to exit, then kills it.
pub(crate) async fn stop_gracefully(proc: &std::sync::Mutex<Proc>, sig: i32, limit: Duration) {
    lock(proc).ask_to_stop(sig);
    let deadline = Instant::now() + limit;
    loop {
        {
            let mut p = lock(proc);
            if matches!(*p, Proc::Stopped) || p.exited().is_some() {
                return;
            }
            if Instant::now() >= deadline {
                p.kill();
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

pub(crate) fn lock(proc: &std::sync::Mutex<Proc>) -> std::sync::MutexGuard<'_, Proc> {
    proc.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sleeper() -> Command {
        let mut c = Command::new("sleep");
        c.arg("30");
        c
    }

    fn state(p: &Proc) -> &'static str {
        match p {
            Proc::Stopped => "stopped",
            Proc::Running(_) => "running",
            Proc::Frozen(_) => "frozen",
        }
    }

    #[test]
    fn transitions() {
        let mut p = Proc::default();
        assert_eq!(p.freeze(), Err(NotRunning));
        assert_eq!(p.thaw(), Err(NotRunning));
        p.spawn(sleeper()).unwrap();
        assert_eq!(state(&p), "running");
        p.freeze().unwrap();
        assert_eq!(state(&p), "frozen");
        p.freeze().unwrap();
        assert_eq!(state(&p), "frozen");
        p.thaw().unwrap();
        assert_eq!(state(&p), "running");
        assert!(p.exited().is_none());
        p.freeze().unwrap();
        p.kill();
        assert_eq!(state(&p), "stopped");
        assert_eq!(p.pid(), None);
    }

    #[test]
    fn descendants_are_found() {
        let mut p = Proc::default();
        let mut sh = Command::new("sh");
        sh.args(["-c", "setsid sleep 30 & wait"]);
        p.spawn(sh).unwrap();
        let pid = p.pid().unwrap() as i32;
        let deadline = Instant::now() + Duration::from_secs(5);
        while descendants(pid).is_empty() {
            assert!(Instant::now() < deadline, "no child seen");
            std::thread::sleep(Duration::from_millis(10));
        }
        let child = descendants(pid)[0];
        p.kill();
        let gone = |pid: i32| std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |s| s.contains(") Z "));
        let deadline = Instant::now() + Duration::from_secs(5);
        while !gone(child) {
            assert!(Instant::now() < deadline, "the setsid child outlived kill");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn a_process_that_ends_is_seen_as_stopped() {
        let mut p = Proc::default();
        p.spawn(Command::new("true")).unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while p.exited().is_none() {
            assert!(Instant::now() < deadline, "`true` did not end");
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(state(&p), "stopped");
    }
}
