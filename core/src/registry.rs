//! Maps a URL's `dialect[+driver]` to a registered [`Dialect`], like SQLAlchemy's entry points.

use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::url::DbUrl;
use std::sync::{Arc, OnceLock, RwLock};

/// The set of known dialects. The facade crate registers the built-in ones; third parties add
/// their own with [`DialectRegistry::register`].
#[derive(Default)]
pub struct DialectRegistry {
    dialects: RwLock<Vec<Arc<dyn Dialect>>>,
}

impl std::fmt::Debug for DialectRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl DialectRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a dialect; a later registration of the same name replaces the earlier one.
    pub fn register(&self, dialect: Arc<dyn Dialect>) {
        let mut list = self.dialects.write().unwrap_or_else(|e| e.into_inner());
        list.retain(|d| d.name() != dialect.name());
        list.push(dialect);
    }

    /// True if a dialect of this name is registered.
    pub fn contains(&self, name: &str) -> bool {
        self.dialects.read().unwrap_or_else(|e| e.into_inner()).iter().any(|d| d.name() == name)
    }

    /// Every accepted scheme: each dialect and alias, with and without each driver.
    pub fn names(&self) -> Vec<String> {
        let list = self.dialects.read().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::new();
        for d in list.iter() {
            for backend in std::iter::once(d.name()).chain(d.aliases().iter().copied()) {
                out.push(backend.to_string());
                out.extend(d.drivers().iter().map(|drv| format!("{backend}+{drv}")));
            }
        }
        out
    }

    /// Finds the dialect for `backend` and `driver` (case-insensitive).
    pub fn resolve(&self, backend: &str, driver: Option<&str>) -> Result<Arc<dyn Dialect>> {
        let list = self.dialects.read().unwrap_or_else(|e| e.into_inner());
        let b = backend.to_ascii_lowercase();
        let dialect = list.iter().find(|d| d.name() == b || d.aliases().contains(&b.as_str())).cloned().ok_or_else(|| {
            let mut accepted: Vec<&str> = list.iter().flat_map(|d| std::iter::once(d.name()).chain(d.aliases().iter().copied())).collect();
            accepted.sort_unstable();
            Error::UnknownDialect {
                scheme: backend.to_string(),
                accepted: if accepted.is_empty() { "(none registered)".into() } else { accepted.join(", ") },
            }
        })?;
        if let Some(drv) = driver {
            let d = drv.to_ascii_lowercase();
            if !dialect.drivers().contains(&d.as_str()) {
                return Err(Error::UnknownDriver {
                    dialect: backend.to_string(),
                    driver: drv.to_string(),
                    accepted: dialect.drivers().join(", "),
                });
            }
        }
        Ok(dialect)
    }

    /// Finds the dialect for a parsed URL.
    pub fn resolve_url(&self, url: &DbUrl) -> Result<Arc<dyn Dialect>> {
        self.resolve(url.backend(), url.driver())
    }
}

/// The process-wide registry.
pub fn registry() -> &'static DialectRegistry {
    static REGISTRY: OnceLock<DialectRegistry> = OnceLock::new();
    REGISTRY.get_or_init(DialectRegistry::new)
}
