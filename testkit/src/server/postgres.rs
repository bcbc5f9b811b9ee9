//! [`PrivatePostgres`]: a throw-away PostgreSQL from the installed `initdb` and `postgres`.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

use super::process::{lock, stop_gracefully, Proc};
use super::{free_port, keep_until_exit, log_tail, run, TempDir, READY_LIMIT, STOP_LIMIT};

/// A private PostgreSQL server: its own temporary cluster, loopback port and socket directory; user
/// `postgres` with trust authentication, database `test`. Uses the newest `/usr/lib/postgresql/*/bin` (or
/// `ATHANOR_PG_BIN`). When the tests run as root the server runs as the `postgres` user (through `setpriv`).
/// Killed (thawed first, backends included) and its directory removed when dropped.
///
/// The first server of a test process runs `initdb` once into a template; each server copies it and starts
/// in well under a second (fsync off). Like [`crate::PrivateMariaDb`] it dies with the thread that started it.
#[derive(Debug)]
pub struct PrivatePostgres {
    proc: Mutex<Proc>,
    dir: TempDir,
    port: u16,
    bin: PathBuf,
}

static TEMPLATE: OnceCell<Result<PathBuf, String>> = OnceCell::const_new();

impl PrivatePostgres {
    /// Creates a cluster, starts the server, waits until it answers and creates database `test`.
    pub async fn start() -> io::Result<PrivatePostgres> {
        let bin = pg_bin()?;
        let b = bin.clone();
        let template = TEMPLATE.get_or_init(|| async move { init_template(b).await.map_err(|e| e.to_string()) }).await;
        let template = template.clone().map_err(io::Error::other)?;
        let dir = TempDir::new("postgres")?;
        own_by_postgres(dir.path())?;
        let mut cp = Command::new("cp");
        cp.arg("-a").arg(&template).arg(dir.path().join("data"));
        run(cp, "copying the PostgreSQL template")?;
        let pg = PrivatePostgres { proc: Mutex::new(Proc::Stopped), dir, port: free_port()?, bin };
        pg.launch().await?;
        let mut create = Command::new(pg.bin.join("createdb"));
        create.args(["-h", "127.0.0.1", "-U", "postgres", "-p", &pg.port.to_string(), "test"]);
        run(create, "createdb test")?;
        Ok(pg)
    }

    /// Starts a hot standby of this server: `pg_basebackup -R` (fast checkpoint, WAL streamed) into
    /// a cluster of its own on its own port, then streaming replication from this one (the
    /// template's defaults allow it: `wal_level=replica`, replication from 127.0.0.1 trusted).
    /// It serves read-only queries; `pg_is_in_recovery()` is true until it is promoted
    /// (`SELECT pg_promote()`). Killed and removed when dropped, like any [`PrivatePostgres`].
    pub async fn start_standby(&self) -> io::Result<PrivatePostgres> {
        let dir = TempDir::new("postgres-standby")?;
        own_by_postgres(dir.path())?;
        let mut backup = as_postgres(&self.bin.join("pg_basebackup"));
        backup.arg("-D").arg(dir.path().join("data"));
        backup.args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "postgres", "-R", "-X", "stream", "-c", "fast", "--no-sync"]);
        backup.stdin(Stdio::null());
        tokio::task::spawn_blocking(move || run(backup, "pg_basebackup")).await.map_err(io::Error::other)??;
        let standby = PrivatePostgres { proc: Mutex::new(Proc::Stopped), dir, port: free_port()?, bin: self.bin.clone() };
        standby.launch().await?;
        Ok(standby)
    }

    /// The TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:<port>`.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// `postgres://postgres@127.0.0.1:<port>/test`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/test", self.port)
    }

    /// The postmaster's process id while it runs (or is frozen).
    pub fn pid(&self) -> Option<u32> {
        lock(&self.proc).pid()
    }

    /// The directory of the server's binaries (`psql`, `pg_isready`, ...).
    pub fn bin_dir(&self) -> PathBuf {
        self.bin.clone()
    }

    /// The last lines of the server's log.
    pub fn log_tail(&self) -> String {
        log_tail(&self.dir.path().join("postgres.log"))
    }

    /// Fast shutdown (`SIGINT`, thawed first), killed after 30 s.
    pub async fn stop(&self) {
        stop_gracefully(&self.proc, libc::SIGINT, STOP_LIMIT).await;
    }

    /// `SIGKILL` to the postmaster and its backends at once (thawed first).
    pub fn kill(&self) {
        lock(&self.proc).kill();
    }

    /// `SIGSTOP` to the postmaster and every backend.
    ///
    /// # Panics
    /// When the server is not running.
    pub fn freeze(&self) {
        lock(&self.proc).freeze().expect("freeze: the private PostgreSQL is not running");
    }

    /// `SIGCONT` after [`freeze`](Self::freeze).
    ///
    /// # Panics
    /// When the server is not running.
    pub fn thaw(&self) {
        lock(&self.proc).thaw().expect("thaw: the private PostgreSQL is not running");
    }

    /// Stops the server if it runs and starts it again on the same port and cluster.
    pub async fn restart(&self) -> io::Result<()> {
        self.stop().await;
        self.launch().await
    }

    /// Starts the server after [`stop`](Self::stop) or [`kill`](Self::kill).
    pub async fn start_again(&self) -> io::Result<()> {
        self.launch().await
    }

    async fn launch(&self) -> io::Result<()> {
        let d = self.dir.path();
        let log = std::fs::OpenOptions::new().create(true).append(true).open(d.join("postgres.log"))?;
        let mut cmd = as_postgres(&self.bin.join("postgres"));
        cmd.arg("-D")
            .arg(d.join("data"))
            .args(["-p", &self.port.to_string(), "-k"])
            .arg(d)
            .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off"])
            .args(["-c", "full_page_writes=off", "-c", "shared_buffers=16MB", "-c", "max_connections=100"])
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        lock(&self.proc).spawn(cmd)?;
        let deadline = Instant::now() + READY_LIMIT;
        loop {
            let ready = Command::new(self.bin.join("pg_isready")).args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()]).status()?;
            if ready.success() {
                return Ok(());
            }
            if let Some(status) = lock(&self.proc).exited() {
                return Err(io::Error::other(format!("postgres exited ({status}):\n{}", self.log_tail())));
            }
            if Instant::now() >= deadline {
                self.kill();
                return Err(io::Error::other(format!("postgres did not answer in 60 s:\n{}", self.log_tail())));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        lock(&self.proc).kill();
    }
}

/// The newest installed PostgreSQL's binary directory.
fn pg_bin() -> io::Result<PathBuf> {
    if let Some(p) = std::env::var_os("ATHANOR_PG_BIN") {
        return Ok(PathBuf::from(p));
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin)| bin.join("initdb").is_file())
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no /usr/lib/postgresql/*/bin/initdb (set ATHANOR_PG_BIN)"))
}

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// A command for `program`, run as the `postgres` user when we are root (PostgreSQL refuses root). `setpriv`
/// execs in place, so the process id is the server's, and it re-arms the parent-death signal after the
/// user change (which clears it).
fn as_postgres(program: &std::path::Path) -> Command {
    if !is_root() {
        return Command::new(program);
    }
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=postgres", "--regid=postgres", "--init-groups", "--pdeathsig=KILL", "--"]).arg(program);
    cmd
}

/// Hands `dir` to the `postgres` user when we are root.
fn own_by_postgres(dir: &std::path::Path) -> io::Result<()> {
    if !is_root() {
        return Ok(());
    }
    let mut chown = Command::new("chown");
    chown.arg("postgres:postgres").arg(dir);
    run(chown, "chown postgres")
}

/// Runs `initdb` once per test process into a template cluster.
async fn init_template(bin: PathBuf) -> io::Result<PathBuf> {
    let dir = TempDir::new("postgres-template")?;
    own_by_postgres(dir.path())?;
    let data = dir.path().join("data");
    let mut cmd = as_postgres(&bin.join("initdb"));
    cmd.arg("-D").arg(&data);
    cmd.args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]).stdin(Stdio::null());
    tokio::task::spawn_blocking(move || run(cmd, "initdb")).await.map_err(io::Error::other)??;
    keep_until_exit(dir);
    Ok(data)
}
