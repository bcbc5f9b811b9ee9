//! [`SupabaseExt`]: Supabase-only operations on an [`Engine`].

use crate::backend::SupabaseBackend;
use crate::rpc::Rpc;
use athanor_core::{Engine, Error, Result};
use std::sync::Arc;

/// Extensions for engines created from a `supabase://` or `postgrest://` URL.
pub trait SupabaseExt {
    /// The Supabase backend, or [`Error::Unsupported`] for an engine of another dialect.
    fn supabase(&self) -> Result<&SupabaseBackend>;
    /// A new engine sharing this one's HTTP client that acts as a signed-in user: `Authorization:
    /// Bearer <jwt>` (row-level security applies), while `apikey` stays the project key.
    fn with_bearer(&self, jwt: &str) -> Result<Engine>;
    /// A call of the database function `function` with named arguments (a JSON object);
    /// POST by default, `.get()` for read-only functions.
    fn rpc(&self, function: &str, args: serde_json::Value) -> Rpc;
}

impl SupabaseExt for Engine {
    fn supabase(&self) -> Result<&SupabaseBackend> {
        self.backend()
            .as_any()
            .downcast_ref::<SupabaseBackend>()
            .ok_or_else(|| Error::unsupported(self.dialect(), "Supabase extensions (with_bearer, rpc)"))
    }
    fn with_bearer(&self, jwt: &str) -> Result<Engine> {
        let backend = self.supabase()?.with_bearer(jwt)?;
        Ok(Engine::from_backend(self.url().clone(), Arc::new(backend)))
    }
    fn rpc(&self, function: &str, args: serde_json::Value) -> Rpc {
        Rpc::new(self.clone(), function, args)
    }
}
