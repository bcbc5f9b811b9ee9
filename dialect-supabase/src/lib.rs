//! Athanor's Supabase dialect: queries compiled to PostgREST HTTP requests.

use athanor_core::{Backend, DbUrl, Dialect, EngineOptions, Error, Result};
use std::sync::Arc;

/// The Supabase / PostgREST dialect (`supabase://`, `supabase+http://`, `postgrest+http://`).
#[derive(Debug, Clone, Copy, Default)]
pub struct SupabaseDialect;

impl Dialect for SupabaseDialect {
    fn name(&self) -> &'static str {
        "supabase"
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["postgrest"]
    }
    fn drivers(&self) -> &'static [&'static str] {
        &["http", "https"]
    }
    fn backend(&self, _url: &DbUrl, _options: &EngineOptions) -> Result<Arc<dyn Backend>> {
        Err(Error::unsupported("supabase", "engines (work in progress)"))
    }
}
