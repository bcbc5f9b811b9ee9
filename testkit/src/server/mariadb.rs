//! [`PrivateMariaDb`]: a throw-away MariaDB from the installed `mariadbd`.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::io::AsyncReadExt;
use tokio::sync::OnceCell;

use super::process::{lock, stop_gracefully, Proc};
use super::{find_binary, free_port, keep_until_exit, log_tail, run, TempDir, READY_LIMIT, STOP_LIMIT};

/// A private MariaDB server: its own temporary data directory, loopback port, socket and pid file; user
/// `root` without a password over TCP, database `test`. Started from the installed binaries (`mariadbd`,
/// `mariadb-install-db`; override with `ATHANOR_MARIADBD` / `ATHANOR_MARIADB_INSTALL_DB`), never touching the
/// shared server. Killed (thawed first) and its directory removed when dropped.
///
/// The first server of a test process runs `mariadb-install-db` once into a template (about 2.5 s here);
/// every server copies the template and starts in about 0.2-0.5 s. The server runs with a 16 MiB buffer pool,
/// 8 MiB redo log, no binary log and no name resolution.
///
/// The server is killed if the thread that started it ends (`PR_SET_PDEATHSIG`), so a test process that
/// dies leaves no server behind; start it from the test's own thread or runtime, not a short-lived one.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// let db = athanor_testkit::PrivateMariaDb::start().await?;
/// let url = db.url(); // mysql://root@127.0.0.1:<port>/test
/// db.freeze();        // SIGSTOP: connections are accepted by the kernel, nothing answers
/// db.thaw();
/// db.restart().await?; // same port, same data
/// # let _ = url; Ok(()) }
/// ```
#[derive(Debug)]
pub struct PrivateMariaDb {
    proc: Mutex<Proc>,
    dir: TempDir,
    port: u16,
}

static TEMPLATE: OnceCell<Result<PathBuf, String>> = OnceCell::const_new();

impl PrivateMariaDb {
    /// Installs a data directory, starts the server and waits until it answers.
    pub async fn start() -> io::Result<PrivateMariaDb> {
        let template = TEMPLATE.get_or_init(|| async { install_template().await.map_err(|e| e.to_string()) }).await;
        let template = template.clone().map_err(io::Error::other)?;
        let dir = TempDir::new("mariadb")?;
        let mut cp = Command::new("cp");
        cp.arg("-a").arg(&template).arg(dir.path().join("data"));
        run(cp, "copying the MariaDB template")?;
        std::fs::write(dir.path().join("init.sql"), "CREATE DATABASE IF NOT EXISTS test;\n")?;
        let db = PrivateMariaDb { proc: Mutex::new(Proc::Stopped), dir, port: free_port()? };
        db.launch().await?;
        Ok(db)
    }

    /// The TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:<port>`, e.g. for a [`crate::FaultProxy`].
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// `mysql://root@127.0.0.1:<port>/test`.
    pub fn url(&self) -> String {
        format!("mysql://root@127.0.0.1:{}/test", self.port)
    }

    /// The server's process id while it runs (or is frozen).
    pub fn pid(&self) -> Option<u32> {
        lock(&self.proc).pid()
    }

    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The last lines of the server's error log.
    pub fn log_tail(&self) -> String {
        log_tail(&self.dir.path().join("error.log"))
    }

    /// Graceful shutdown (`SIGTERM`, thawed first), killed after 30 s.
    pub async fn stop(&self) {
        stop_gracefully(&self.proc, libc::SIGTERM, STOP_LIMIT).await;
    }

    /// `SIGKILL` at once (thawed first): a crash; [`restart`](Self::restart) recovers the same data.
    pub fn kill(&self) {
        lock(&self.proc).kill();
    }

    /// `SIGSTOP`: the server stops answering, the kernel still accepts connections.
    ///
    /// # Panics
    /// When the server is not running.
    pub fn freeze(&self) {
        lock(&self.proc).freeze().expect("freeze: the private MariaDB is not running");
    }

    /// `SIGCONT` after [`freeze`](Self::freeze).
    ///
    /// # Panics
    /// When the server is not running.
    pub fn thaw(&self) {
        lock(&self.proc).thaw().expect("thaw: the private MariaDB is not running");
    }

    /// Stops the server if it runs (gracefully) and starts it again on the same port and data directory.
    pub async fn restart(&self) -> io::Result<()> {
        self.stop().await;
        self.launch().await
    }

    /// Starts the server after [`stop`](Self::stop) or [`kill`](Self::kill) (crash recovery included).
    pub async fn start_again(&self) -> io::Result<()> {
        self.launch().await
    }

    async fn launch(&self) -> io::Result<()> {
        let d = self.dir.path();
        let mut cmd = Command::new(find_binary("ATHANOR_MARIADBD", &["/usr/sbin/mariadbd", "/usr/bin/mariadbd"])?);
        cmd.arg("--no-defaults");
        if is_root() {
            cmd.arg("--user=root");
        }
        cmd.arg(format!("--datadir={}", d.join("data").display()))
            .arg(format!("--port={}", self.port))
            .arg("--bind-address=127.0.0.1")
            .arg(format!("--socket={}", d.join("mysqld.sock").display()))
            .arg(format!("--pid-file={}", d.join("mysqld.pid").display()))
            .arg(format!("--log-error={}", d.join("error.log").display()))
            .arg(format!("--init-file={}", d.join("init.sql").display()))
            .args(SPEED_ARGS)
            .args(["--skip-log-bin", "--skip-name-resolve"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        lock(&self.proc).spawn(cmd)?;
        self.wait_ready().await
    }

    /// Waits until the server sends its handshake (it opens the port after recovery and the init file).
    async fn wait_ready(&self) -> io::Result<()> {
        let deadline = Instant::now() + READY_LIMIT;
        loop {
            if greets(self.addr()).await {
                return Ok(());
            }
            if let Some(status) = lock(&self.proc).exited() {
                return Err(io::Error::other(format!("mariadbd exited ({status}):\n{}", self.log_tail())));
            }
            if Instant::now() >= deadline {
                self.kill();
                return Err(io::Error::other(format!("mariadbd did not answer in 60 s:\n{}", self.log_tail())));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for PrivateMariaDb {
    fn drop(&mut self) {
        lock(&self.proc).kill();
    }
}

const SPEED_ARGS: &[&str] = &["--innodb-buffer-pool-size=16M", "--innodb-log-file-size=8M"];

fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Does a server at `addr` send the first bytes of a handshake within a second?
async fn greets(addr: SocketAddr) -> bool {
    let attempt = async {
        let mut s = tokio::net::TcpStream::connect(addr).await.ok()?;
        let mut head = [0u8; 4];
        s.read_exact(&mut head).await.ok()
    };
    matches!(tokio::time::timeout(Duration::from_secs(1), attempt).await, Ok(Some(_)))
}

/// Runs `mariadb-install-db` once per test process into a template directory.
async fn install_template() -> io::Result<PathBuf> {
    let dir = TempDir::new("mariadb-template")?;
    let data = dir.path().join("data");
    let install = find_binary(
        "ATHANOR_MARIADB_INSTALL_DB",
        &["/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db", "/usr/scripts/mariadb-install-db"],
    )?;
    let mut cmd = Command::new(install);
    cmd.arg("--no-defaults");
    if is_root() {
        cmd.arg("--user=root");
    }
    cmd.arg(format!("--datadir={}", data.display()))
        .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
        .args(SPEED_ARGS)
        .stdin(Stdio::null());
    tokio::task::spawn_blocking(move || run(cmd, "mariadb-install-db")).await.map_err(io::Error::other)??;
    keep_until_exit(dir);
    Ok(data)
}
