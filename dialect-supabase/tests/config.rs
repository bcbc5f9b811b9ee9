//! URLs and options: base URLs, keys, schema, timeout, refusals, and secrets kept out of output.

use athanor_core::{DbUrl, Dialect, EngineOptions, Error};
use athanor_supabase::{Config, SupabaseDialect, SupabaseExt};

fn config(url: &str) -> athanor_core::Result<Config> {
    Config::from_url(&DbUrl::parse(url).unwrap(), &EngineOptions::default())
}

#[test]
fn base_urls() {
    assert_eq!(config("supabase://anon:KEY1@xyz.supabase.co").unwrap().base_url, "https://xyz.supabase.co/rest/v1");
    assert_eq!(config("supabase+https://anon:KEY1@xyz.supabase.co").unwrap().base_url, "https://xyz.supabase.co/rest/v1");
    assert_eq!(config("supabase+http://localhost:54321?key=KEY1").unwrap().base_url, "http://localhost:54321/rest/v1");
    assert_eq!(config("postgrest+http://host:3000").unwrap().base_url, "http://host:3000");
    assert_eq!(config("postgrest://host/api/v2").unwrap().base_url, "https://host/api/v2");
    assert_eq!(config("postgrest+http://[::1]:3000").unwrap().base_url, "http://[::1]:3000");
}

#[test]
fn key_schema_timeout() {
    let c = config("supabase://anon:pw-key@xyz.supabase.co?schema=analytics&timeout=2.5").unwrap();
    assert_eq!(c.key.as_ref().unwrap().expose(), "pw-key");
    assert_eq!(c.schema.as_deref(), Some("analytics"));
    assert_eq!(c.timeout, std::time::Duration::from_millis(2500));
    let c = config("supabase://xyz.supabase.co?key=q-key").unwrap();
    assert_eq!(c.key.unwrap().expose(), "q-key");
    assert!(config("postgrest+http://host:3000").unwrap().key.is_none());
    assert_eq!(config("supabase://anon:k@x.supabase.co").unwrap().max_rows, Some(1000));
    assert_eq!(config("supabase://anon:k@x.supabase.co?max_rows=0").unwrap().max_rows, None);
    assert_eq!(config("postgrest+http://host:3000").unwrap().max_rows, None);
    assert_eq!(config("postgrest+http://host:3000?max_rows=500").unwrap().max_rows, Some(500));
}

#[test]
fn refusals() {
    let e = config("supabase://anon:k@xyz.supabase.co?bogus=1").unwrap_err();
    assert!(matches!(e, Error::UnknownOption { ref key, ref accepted, .. } if key == "bogus" && accepted.contains("schema")), "{e}");
    assert!(matches!(config("supabase://xyz.supabase.co"), Err(Error::InvalidOption { .. })));
    assert!(matches!(config("supabase://anon:k@xyz.supabase.co?key=other"), Err(Error::InvalidOption { .. })));
    assert!(matches!(config("supabase://anon:k@xyz.supabase.co?timeout=soon"), Err(Error::InvalidOption { .. })));
    assert!(matches!(config("supabase://anon:k@xyz.supabase.co/db"), Err(Error::Url(_))));
    // Pool keys are accepted.
    assert!(config("supabase://anon:k@xyz.supabase.co?maxsize=4&pool_timeout=3&echo=true").is_ok());
}

#[test]
fn no_secret_in_debug_display_or_errors() {
    let key = "super-secret-service-role-key";
    let url = format!("supabase://service_role:{key}@xyz.supabase.co");
    let c = config(&url).unwrap();
    assert!(!format!("{c:?}").contains(key));
    assert!(!format!("{:?} {}", c.key, c.key.as_ref().unwrap()).contains(key));
    let parsed = DbUrl::parse(&url).unwrap();
    let backend = SupabaseDialect.backend(&parsed, &EngineOptions::default()).unwrap();
    assert!(!format!("{backend:?}").contains(key));
    let engine = athanor_core::Engine::from_backend(parsed, backend);
    assert!(!format!("{engine:?}").contains(key));
    let jwt = "eyJhbGciOiJIUzI1NiJ9.user-token.sig";
    let user = engine.with_bearer(jwt).unwrap();
    let shown = format!("{:?} {:?}", user, user.supabase().unwrap());
    assert!(!shown.contains(jwt) && !shown.contains(key), "{shown}");
    let req = user.compile(&athanor_core::query::select(&athanor_core::Table::new("t"))).unwrap();
    let http = req.http().unwrap();
    assert_eq!(http.header("Authorization"), Some(format!("Bearer {jwt}").as_str()));
    assert_eq!(http.header("apikey"), Some(key));
    assert!(!format!("{req} {req:?}").contains(jwt));
    let err = config(&format!("supabase://anon:{key}@xyz.supabase.co?nope=1")).unwrap_err();
    assert!(!format!("{err} {err:?}").contains(key));
    assert!(user.with_bearer("bad\njwt").is_err());
}

#[test]
fn dialect_names() {
    assert_eq!(SupabaseDialect.name(), "supabase");
    assert_eq!(SupabaseDialect.aliases(), ["postgrest"]);
    assert_eq!(SupabaseDialect.drivers(), ["http", "https"]);
}
