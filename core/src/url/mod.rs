//! Database URLs in SQLAlchemy's grammar.
//!
//! ```text
//! dialect[+driver]://[user[:password]@]host[:port][/database][?key=value&...]
//! ```
//!
//! [`DbUrl::parse`] accepts every form SQLAlchemy's `make_url` accepts (the corpus in
//! `tests/data/url_cases.jsonl`) and renders them back exactly as SQLAlchemy does, with one
//! difference: URLs that SQLAlchemy splits silently in a surprising place are rejected with a
//! [`UrlError`] instead. The main one is an unencoded `@` in the password
//! (`mysql://user:p@ss@host/db`); write it as `%40`.
//!
//! - The scheme is word characters and `+`; the first `+` separates backend and driver; case is
//!   kept.
//! - User name, password and database are percent-decoded; a `+` there stays a `+`.
//! - Query keys and values are form-decoded (`+` is a space, `%XX` is decoded). A key may repeat.
//! - An IPv6 host is written in brackets (`[::1]:3306`); [`DbUrl::host`] returns it without them.
//! - `sqlite://` has no database, `sqlite:///rel.db` has `rel.db`, `sqlite:////abs.db` has
//!   `/abs.db`.
//! - `#` is not special: it belongs to the database (or query) it appears in.
//!
//! The password never appears in [`Display`](std::fmt::Display), [`Debug`](std::fmt::Debug) or
//! a parse error; [`DbUrl::password`] and [`DbUrl::render_full`] are the only ways to get it back.

mod parse;
mod render;

use std::str::FromStr;

use crate::error::UrlError;

/// A parsed database URL such as `mysql+aiomysql://user:***@host:3306/db?charset=utf8mb4`.
///
/// Build one with [`DbUrl::parse`] (or `str::parse`), or with [`DbUrl::new`] and the `with_*`
/// methods. The builders do not validate; [`DbUrl::parse`] does.
///
/// Equality compares every part. The query is compared as SQLAlchemy compares it, as a map from
/// key to its list of values: the relative order of different keys does not matter, the order of
/// the values of one key does. So `DbUrl::parse(&url.render_full())` equals `url`, although
/// rendering sorts the query keys.
#[derive(Clone)]
pub struct DbUrl {
    backend: String,
    driver: Option<String>,
    username: Option<String>,
    password: Option<String>,
    host: Option<String>,
    port: Option<u16>,
    database: Option<String>,
    query: Vec<(String, String)>,
}

impl DbUrl {
    /// Parses a URL in SQLAlchemy's grammar.
    ///
    /// ```
    /// use athanor_core::DbUrl;
    ///
    /// let url = DbUrl::parse("mysql+aiomysql://bot:p%40ss@db:3307/ohlcv?charset=utf8mb4")?;
    /// assert_eq!(url.backend(), "mysql");
    /// assert_eq!(url.driver(), Some("aiomysql"));
    /// assert_eq!(url.password(), Some("p@ss"));
    /// assert_eq!(url.port(), Some(3307));
    /// assert_eq!(url.to_string(), "mysql+aiomysql://bot:***@db:3307/ohlcv?charset=utf8mb4");
    /// # Ok::<(), athanor_core::UrlError>(())
    /// ```
    ///
    /// # Errors
    /// A [`UrlError`] naming the wrong part: a scheme that is not `[\w+]+://`, a port that is not a
    /// number from 0 to 65535, an unencoded `@` that makes the user/password/host split ambiguous,
    /// or text that is not UTF-8 after percent-decoding. The error never contains the password.
    pub fn parse(s: &str) -> Result<DbUrl, UrlError> {
        parse::parse(s)
    }

    /// A URL with only a backend (`"sqlite"`), to be completed with the `with_*` methods.
    ///
    /// ```
    /// use athanor_core::DbUrl;
    ///
    /// let url = DbUrl::new("mysql")
    ///     .with_driver(Some("aiomysql"))
    ///     .with_username(Some("root"))
    ///     .with_host(Some("127.0.0.1"))
    ///     .with_database(Some("app"))
    ///     .with_query("charset", "utf8mb4");
    /// assert_eq!(url.to_string(), "mysql+aiomysql://root@127.0.0.1/app?charset=utf8mb4");
    /// ```
    pub fn new(backend: &str) -> DbUrl {
        DbUrl {
            backend: backend.to_owned(),
            driver: None,
            username: None,
            password: None,
            host: None,
            port: None,
            database: None,
            query: Vec::new(),
        }
    }

    /// Sets or clears the driver (`aiomysql` in `mysql+aiomysql`).
    pub fn with_driver(mut self, driver: Option<&str>) -> Self {
        self.driver = driver.map(str::to_owned);
        self
    }

    /// Sets or clears the user name (not percent-encoded: give the real name).
    pub fn with_username(mut self, username: Option<&str>) -> Self {
        self.username = username.map(str::to_owned);
        self
    }

    /// Sets or clears the password (the real one, not percent-encoded).
    ///
    /// Like SQLAlchemy, a password is only rendered when there is a user name.
    pub fn with_password(mut self, password: Option<&str>) -> Self {
        self.password = password.map(str::to_owned);
        self
    }

    /// Sets or clears the host. An IPv6 address may be given with or without brackets.
    pub fn with_host(mut self, host: Option<&str>) -> Self {
        self.host = host.map(|h| h.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(h).to_owned());
        self
    }

    /// Sets or clears the port.
    pub fn with_port(mut self, port: Option<u16>) -> Self {
        self.port = port;
        self
    }

    /// Sets or clears the database (not percent-encoded; `Some("")` renders as a trailing `/`).
    pub fn with_database(mut self, database: Option<&str>) -> Self {
        self.database = database.map(str::to_owned);
        self
    }

    /// Appends one `key=value` pair to the query (an existing key keeps its values).
    pub fn with_query(mut self, key: &str, value: &str) -> Self {
        self.query.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Removes every value of `key` from the query.
    pub fn without_query_key(mut self, key: &str) -> Self {
        self.query.retain(|(k, _)| k != key);
        self
    }

    /// The backend: the scheme before the first `+` (`"mysql"` in `mysql+aiomysql`), case kept.
    pub fn backend(&self) -> &str {
        &self.backend
    }

    /// The driver: the scheme after the first `+` (`Some("aiomysql")`), or `None`.
    pub fn driver(&self) -> Option<&str> {
        self.driver.as_deref()
    }

    /// The whole scheme, `backend[+driver]` (`"mysql+aiomysql"`).
    pub fn drivername(&self) -> String {
        match &self.driver {
            Some(driver) => format!("{}+{driver}", self.backend),
            None => self.backend.clone(),
        }
    }

    /// The percent-decoded user name.
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    /// The real, percent-decoded password (`Some("")` for `user:@host`).
    ///
    /// This and [`DbUrl::render_full`] are the only ways to get the password out of a `DbUrl`.
    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// The host as written (not percent-decoded); an IPv6 address comes without brackets.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// The port.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The percent-decoded database: everything after the `/` that ends the host part, up to `?`.
    ///
    /// `None` when there is no such `/`; `Some("")` for `host/`.
    pub fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }

    /// Every decoded query pair, in the order given.
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// The last value given for `key`.
    pub fn query_value(&self, key: &str) -> Option<&str> {
        self.query.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Every value given for `key`, in order (empty if the key is absent).
    pub fn query_values(&self, key: &str) -> Vec<&str> {
        self.query.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect()
    }

    /// The URL with the password (if any) shown as `***`, as SQLAlchemy's `str(url)`.
    ///
    /// Query keys are sorted; the values of one key keep their order. Same as `Display`.
    pub fn render_hidden(&self) -> String {
        render::render(self, true)
    }

    /// The URL with the real password, as SQLAlchemy's `render_as_string(hide_password=False)`.
    ///
    /// This is the only renderer that shows the password: use it to hand the URL to a driver,
    /// never to log it. `DbUrl::parse(&url.render_full())` equals `url`.
    pub fn render_full(&self) -> String {
        render::render(self, false)
    }

    /// `host:port`, `host`, `[v6]:port` or `[v6]`, for error and log messages (no credentials).
    ///
    /// Empty when there is neither host nor port; `:port` when there is only a port.
    pub fn host_port(&self) -> String {
        render::host_port(self)
    }

    /// The query grouped as SQLAlchemy keeps it: stably sorted by key.
    fn sorted_query(&self) -> Vec<&(String, String)> {
        let mut pairs: Vec<_> = self.query.iter().collect();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs
    }
}

impl PartialEq for DbUrl {
    fn eq(&self, other: &Self) -> bool {
        self.backend == other.backend
            && self.driver == other.driver
            && self.username == other.username
            && self.password == other.password
            && self.host == other.host
            && self.port == other.port
            && self.database == other.database
            && self.sorted_query() == other.sorted_query()
    }
}

impl Eq for DbUrl {}

impl FromStr for DbUrl {
    type Err = UrlError;

    /// Same as [`DbUrl::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DbUrl::parse(s)
    }
}
