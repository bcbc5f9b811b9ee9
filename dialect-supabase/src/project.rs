//! The supabase-py set-up: a project URL (`https://xyz.supabase.co`) and an API key, given
//! as two arguments ([`create_client`]) or read from `SUPABASE_URL` and `SUPABASE_KEY`
//! ([`create_client_from_env`], or the engine URL `supabase://env`).
//!
//! Both become the one-URL form `supabase+https://anon:KEY@xyz.supabase.co` (the key is the URL's
//! password), so the key is hidden in `Debug`, `Display`, errors and logs as it is there.

use athanor_core::error::{UrlError, UrlPart};
use athanor_core::{DbUrl, Dialect, Engine, EngineOptions, Error, Result};

/// The environment variable holding the project URL, as supabase-py's examples name it.
pub const URL_VAR: &str = "SUPABASE_URL";
/// The environment variable holding the API key (anon or service_role).
pub const KEY_VAR: &str = "SUPABASE_KEY";
/// The engine URL host that means "read [`URL_VAR`] and [`KEY_VAR`]": `supabase://env`.
pub const ENV_HOST: &str = "env";

fn url_err(part: UrlPart, reason: impl Into<String>) -> Error {
    Error::Url(UrlError { part, reason: reason.into() })
}

/// The engine URL for a project URL (`https://xyz.supabase.co`, `http://localhost:54321`) and
/// its API key. The project URL takes no user, password, path (the REST path `/rest/v1` is
/// implied; a trailing `/` is fine) or query; errors never show the key.
pub fn project_url(url: &str, key: &str) -> Result<DbUrl> {
    let parsed = DbUrl::parse(url.trim())?;
    let scheme = parsed.backend().to_ascii_lowercase();
    if !matches!(scheme.as_str(), "https" | "http") || parsed.driver().is_some() {
        return Err(url_err(UrlPart::Scheme, "a Supabase project URL starts with https:// (or http:// for a local stack)"));
    }
    if parsed.username().is_some() || parsed.password().is_some() {
        return Err(url_err(UrlPart::Password, "a Supabase project URL has no credentials; pass the API key as the second argument"));
    }
    if parsed.database().is_some_and(|d| !d.trim_matches('/').is_empty()) {
        return Err(url_err(UrlPart::Database, "a Supabase project URL has no path (https://xyz.supabase.co; /rest/v1 is implied)"));
    }
    if !parsed.query().is_empty() {
        return Err(url_err(UrlPart::Query, "a Supabase project URL has no query; pass options with create_client_with"));
    }
    if key.is_empty() {
        return Err(Error::InvalidOption { key: "key".into(), reason: "the Supabase API key is empty".into() });
    }
    Ok(DbUrl::new("supabase")
        .with_driver(Some(&scheme))
        .with_username(Some("anon"))
        .with_password(Some(key))
        .with_host(parsed.host())
        .with_port(parsed.port()))
}

/// The project URL and key from [`URL_VAR`] and [`KEY_VAR`] as an engine URL, with the options
/// (`schema=`, `timeout=`, …) of `with_options` added.
pub fn env_url(with_options: &DbUrl) -> Result<DbUrl> {
    let var = |name: &str| {
        std::env::var(name).map_err(|_| Error::InvalidOption {
            key: name.into(),
            reason: format!(
                "supabase://env reads the project URL and API key from {URL_VAR} and {KEY_VAR}; {name} is not set (or not UTF-8)"
            ),
        })
    };
    let mut url = project_url(&var(URL_VAR)?, &var(KEY_VAR)?)?;
    for (k, v) in with_options.query() {
        url = url.with_query(k, v);
    }
    Ok(url)
}

/// True for `supabase://env[?options]`: read the project from the environment.
pub fn is_env_url(url: &DbUrl) -> bool {
    url.backend().eq_ignore_ascii_case("supabase")
        && url.host() == Some(ENV_HOST)
        && url.username().is_none()
        && url.password().is_none()
        && url.port().is_none()
        && url.database().is_none()
}

/// An engine on a Supabase project, as supabase-py's `create_client(url, key)`:
///
/// ```no_run
/// # fn run() -> athanor_core::Result<()> {
/// let engine = athanor_supabase::create_client("https://xyz.supabase.co", "ANON_KEY")?;
/// # Ok(()) }
/// ```
///
/// The same engine as `create_engine("supabase://anon:KEY@xyz.supabase.co")`; no request is sent
/// until the first query.
pub fn create_client(url: &str, key: &str) -> Result<Engine> {
    create_client_with(url, key, EngineOptions::default())
}

/// [`create_client`] with engine options (timeouts, pool size, echo).
pub fn create_client_with(url: &str, key: &str, options: EngineOptions) -> Result<Engine> {
    let url = project_url(url, key)?;
    let backend = crate::SupabaseDialect.backend(&url, &options)?;
    Ok(Engine::from_backend(url, backend))
}

/// [`create_client`] with the URL and key from `SUPABASE_URL` and `SUPABASE_KEY` (the same as
/// `create_engine("supabase://env")`).
pub fn create_client_from_env() -> Result<Engine> {
    let url = env_url(&DbUrl::new("supabase"))?;
    let backend = crate::SupabaseDialect.backend(&url, &EngineOptions::default())?;
    Ok(Engine::from_backend(url, backend))
}
