//! Every option of every dialect is range-checked when the engine is created: a typed error
//! naming the key and the accepted range, never a panic (now or at the first checkout).

use athanor::{create_engine, create_engine_with, EngineOptions, Error};
use std::time::Duration;

const BASES: &[&str] =
    &["sqlite://", "sqlite:///athanor_sem_never_created.db", "mysql://root@127.0.0.1:3306/test", "supabase+http://anon:k@127.0.0.1:9"];

fn keys_for(base: &str) -> &'static [&'static str] {
    if base.starts_with("sqlite") {
        &["pool_timeout", "pool_idle_timeout", "pool_recycle", "pool_pre_ping_after", "busy_timeout", "timeout"]
    } else if base.starts_with("mysql") {
        &["pool_timeout", "pool_idle_timeout", "pool_recycle", "pool_pre_ping_after", "connect_timeout"]
    } else {
        &["pool_timeout", "timeout"]
    }
}

/// `create_engine(url)` must be `Err(InvalidOption)` naming `key` (no panic).
fn refused(url: &str, key: &str) {
    let got = std::panic::catch_unwind(|| create_engine(url).map(|_| ()));
    match got {
        Err(_) => panic!("{url}: panicked"),
        Ok(Ok(())) => panic!("{url}: accepted"),
        Ok(Err(Error::InvalidOption { key: k, reason })) => {
            assert_eq!(k, key, "{url}: {reason}");
            assert!(reason.contains("from") || reason.contains("at most") || reason.contains("number"), "{url}: {reason}");
        }
        Ok(Err(other)) => panic!("{url}: not InvalidOption: {other:?}"),
    }
}

#[test]
fn out_of_range_seconds_are_refused_on_every_dialect() {
    for base in BASES {
        for key in keys_for(base) {
            for v in ["1e20", "1e300", "1e25", "1e19", "NaN", "nan", "inf", "-inf", "infinity", "-1", "-0.5", "99999999999"] {
                if *key == "pool_recycle" && v == "-1" {
                    continue; // SQLAlchemy's "never recycle"
                }
                refused(&format!("{base}?{key}={v}"), key);
            }
        }
    }
}

#[test]
fn out_of_range_counts_are_refused_on_every_dialect() {
    for base in BASES {
        refused(&format!("{base}?pool_size=4294967295&max_overflow=1"), "pool_size");
        refused(&format!("{base}?max_overflow=4294967295"), "max_overflow");
        refused(&format!("{base}?maxsize=4294967296"), "maxsize");
        refused(&format!("{base}?maxsize=4000000000"), "maxsize");
        refused(&format!("{base}?maxsize=0"), "maxsize");
        refused(&format!("{base}?minsize=-1"), "minsize");
        refused(&format!("{base}?statement_cache_size=18446744073709551615"), "statement_cache_size");
    }
    refused("supabase+http://anon:k@127.0.0.1:9?max_rows=-5", "max_rows");
}

#[tokio::test]
async fn sane_values_are_still_accepted() {
    for url in [
        "sqlite:///athanor_sem_never_created.db?pool_timeout=0.5&pool_recycle=-1&busy_timeout=2.5&pool_pre_ping_after=0",
        "mysql://root@127.0.0.1:3306/test?pool_size=5&max_overflow=10&pool_timeout=30&connect_timeout=10&pool_recycle=3600",
        "supabase+http://anon:k@127.0.0.1:9?timeout=10&max_rows=1000",
    ] {
        create_engine(url).unwrap_or_else(|e| panic!("{url}: {e}"));
    }
}

#[test]
fn options_set_in_code_are_checked_too() {
    for base in BASES {
        for (opts, key) in [
            (EngineOptions::new().acquire_timeout(Duration::MAX), "acquire_timeout"),
            (EngineOptions::new().acquire_timeout(Duration::from_secs(u64::MAX / 2)), "acquire_timeout"),
            (EngineOptions::new().max_lifetime(Duration::MAX), "max_lifetime"),
            (EngineOptions::new().idle_timeout(Duration::MAX), "idle_timeout"),
            (EngineOptions::new().pre_ping_after(Duration::MAX), "pre_ping_after"),
            (EngineOptions::new().max_connections(u32::MAX), "max_connections"),
            (EngineOptions::new().max_connections(0), "max_connections"),
        ] {
            let got = std::panic::catch_unwind(|| create_engine_with(base, opts).map(|_| ()));
            match got {
                Ok(Err(Error::InvalidOption { key: k, .. })) => assert_eq!(k, key, "{base}"),
                Ok(other) => panic!("{base} {key}: {other:?}"),
                Err(_) => panic!("{base} {key}: panicked"),
            }
        }
    }
}

/// Every key any dialect accepts, with generated values: engine creation never panics and
/// refuses only with typed errors that name the key.
mod fuzz {
    use super::BASES;
    use athanor::{create_engine, Error};
    use proptest::prelude::*;

    const KEYS: &[&str] = &[
        "minsize",
        "maxsize",
        "pool_min_size",
        "pool_size",
        "max_overflow",
        "pool_timeout",
        "pool_idle_timeout",
        "pool_recycle",
        "pool_pre_ping",
        "pool_pre_ping_after",
        "statement_cache_size",
        "echo",
        "busy_timeout",
        "timeout",
        "journal_mode",
        "mode",
        "synchronous",
        "foreign_keys",
        "connect_timeout",
        "ssl_mode",
        "charset",
        "max_rows",
        "schema",
    ];

    fn encode(s: &str) -> String {
        s.bytes()
            .map(|b| if b.is_ascii_alphanumeric() || b"-._".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        #[test]
        fn option_values_never_panic(
            base in prop::sample::select(BASES.to_vec()),
            key in prop::sample::select(KEYS.to_vec()),
            value in prop_oneof![
                "-?[0-9]{0,22}(\\.[0-9]{0,4})?(e[-+]?[0-9]{1,3})?",
                Just("NaN".to_owned()), Just("-inf".to_owned()), Just("4294967295".to_owned()),
                "\\PC{0,6}",
            ],
        ) {
            let url = format!("{base}?{key}={}", encode(&value));
            // sqlx's pool spawns its maintenance task when built: give it a runtime.
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let _in_runtime = rt.enter();
            let got = std::panic::catch_unwind(|| create_engine(&url).map(|_| ()));
            match got {
                Err(_) => prop_assert!(false, "{url}: panicked"),
                Ok(Ok(())) => {}
                Ok(Err(Error::InvalidOption { key: k, .. })) => prop_assert!(k.contains(key), "{url}: {k}"),
                Ok(Err(Error::UnknownOption { key: k, .. })) => prop_assert_eq!(k, key),
                Ok(Err(other)) => prop_assert!(false, "{url}: {other:?}"),
            }
        }
    }
}
