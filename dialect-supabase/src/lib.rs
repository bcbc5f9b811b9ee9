//! Athanor's Supabase dialect: the same models and queries compiled to PostgREST HTTP requests.
//!
//! ```text
//! supabase://anon:KEY@xyz.supabase.co            → https://xyz.supabase.co/rest/v1
//! supabase+http://anon:KEY@localhost:54321       → http://localhost:54321/rest/v1
//! postgrest+http://host:3000                     → http://host:3000
//! supabase://env                                 → $SUPABASE_URL/rest/v1 with $SUPABASE_KEY
//! ```
//!
//! supabase-py's pair of project URL and key works as is: [`create_client`]`(url, key)` (see
//! [`project`]).
//!
//! Options: `key=` (instead of the password part), `schema=` (`Accept-Profile`/`Content-Profile`),
//! `timeout=` (seconds, default 30), `max_rows=` (the server's `db-max-rows`, 1000 for supabase;
//! a read cut at it is an error, `0` disables the check), and the shared pool keys (`maxsize` →
//! idle connections kept, `pool_timeout` → connect timeout, `echo`). Raw SQL, HAVING, DISTINCT, DDL and
//! transactions are [`athanor_core::Error::Unsupported`] before any request is sent.
//! [`SupabaseExt`] adds `with_bearer` (a signed-in user's JWT) and `rpc` on an engine.

#![warn(missing_docs)]

pub mod backend;
pub mod compile;
pub mod config;
pub mod encode;
pub mod error;
pub mod ext;
pub mod project;
pub mod request;
pub mod response;
pub mod rpc;
mod stream;

pub use backend::{SupabaseBackend, SupabaseConnection};
pub use config::Config;
pub use ext::SupabaseExt;
pub use project::{create_client, create_client_from_env, create_client_with};
pub use rpc::Rpc;

use athanor_core::{Backend, DbUrl, Dialect, EngineOptions, Result};
use std::sync::Arc;

/// The dialect's name, used in errors.
pub const DIALECT: &str = "supabase";

/// The Supabase / PostgREST dialect (`supabase://`, `supabase+http://`, `postgrest+http://`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SupabaseDialect;

impl Dialect for SupabaseDialect {
    fn name(&self) -> &'static str {
        DIALECT
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["postgrest"]
    }
    fn drivers(&self) -> &'static [&'static str] {
        &["http", "https"]
    }
    fn backend(&self, url: &DbUrl, options: &EngineOptions) -> Result<Arc<dyn Backend>> {
        let config =
            if project::is_env_url(url) { Config::from_url(&project::env_url(url)?, options)? } else { Config::from_url(url, options)? };
        Ok(Arc::new(SupabaseBackend::new(config)?))
    }
}
