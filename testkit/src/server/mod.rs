//! Private database servers started from the installed binaries, on their own port and data directory.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Once;
use std::time::Duration;

mod mariadb;
mod postgres;
mod process;

pub use mariadb::PrivateMariaDb;
pub use postgres::PrivatePostgres;

/// How long a private server may take to answer after being started.
const READY_LIMIT: Duration = Duration::from_secs(60);
/// How long a graceful stop may take before the server is killed.
const STOP_LIMIT: Duration = Duration::from_secs(30);

const PREFIX: &str = "athanor-testkit-";

/// A directory under the system temp dir, removed when dropped. Its name carries the owning process id, so
/// the directories of a test process that was killed are removed by the next one.
#[derive(Debug)]
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(kind: &str) -> io::Result<TempDir> {
        static SWEEP: Once = Once::new();
        static NEXT: AtomicU64 = AtomicU64::new(0);
        SWEEP.call_once(sweep_stale);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let path = std::env::temp_dir().join(format!("{PREFIX}{}-{n}-{kind}", std::process::id()));
        std::fs::create_dir_all(&path)?;
        Ok(TempDir(path))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Keeps `dir` (a per-process template) until the process exits, then removes it.
pub(crate) fn keep_until_exit(dir: TempDir) {
    static AT_EXIT: Once = Once::new();
    static DIRS: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    extern "C" fn remove_all() {
        for d in DIRS.lock().map(|d| d.clone()).unwrap_or_default() {
            let _ = std::fs::remove_dir_all(d);
        }
    }
    // SAFETY: registers a plain extern "C" fn with no captured state.
    AT_EXIT.call_once(|| unsafe {
        libc::atexit(remove_all);
    });
    let path = dir.0.clone();
    std::mem::forget(dir);
    DIRS.lock().unwrap_or_else(|e| e.into_inner()).push(path);
}

/// Removes the directories left by test processes that no longer exist.
fn sweep_stale() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(PREFIX)) else { continue };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A loopback port free right now (the server binds it a moment later; a clash shows as a failed start).
pub(crate) fn free_port() -> io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// The first executable among `candidates`, or the one named by the environment variable `env`.
pub(crate) fn find_binary(env: &str, candidates: &[&str]) -> io::Result<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Ok(PathBuf::from(p));
    }
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("none of {candidates:?} exists (set {env} to the binary)")))
}

/// The last lines of a log file, for error messages.
pub(crate) fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

/// Runs `cmd` to completion, turning a failure into an error with its output.
pub(crate) fn run(mut cmd: std::process::Command, what: &str) -> io::Result<()> {
    let out = cmd.output()?;
    if out.status.success() {
        return Ok(());
    }
    Err(io::Error::other(format!(
        "{what} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )))
}
