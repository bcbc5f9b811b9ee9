//! Property tests of the input parsers: the URL parser (never panics, never puts the password in
//! an error), the option parser (never panics, only typed errors naming the key) and the
//! named-bind scanner (never panics; binds outside literals and comments are found, inside not).

use athanor_core::sql::compile_named_binds;
use athanor_core::{DbUrl, EngineOptions, Error, Value};
use proptest::prelude::*;

/// A password that is long enough to be recognisable and holds the characters that break URLs.
fn password() -> impl Strategy<Value = String> {
    "[A-Za-z0-9@:/?#%\\[\\]!$&'()*+,;= ]{6,16}".prop_filter("not all spaces", |p| p.trim().len() >= 6)
}

/// URL pieces, some of them missing or malformed, joined in a possibly broken order.
fn malformed_url() -> impl Strategy<Value = (String, String)> {
    (
        prop::sample::select(vec!["mysql", "mysql+aiomysql", "sqlite", "supabase", "x-y", "", "my sql", "+a", "a+"]),
        prop::sample::select(vec!["://", ":/", "//", ":///", "://"]),
        prop::option::of("[a-z@:]{0,6}"),
        password(),
        prop::sample::select(vec!["@", "", "@@", ":", "/"]),
        prop::option::of("[a-z0-9.\\[\\]:]{0,12}"),
        prop::option::of("[0-9a-z:]{0,7}"),
        prop::option::of("/[a-z@:/%?]{0,8}"),
        prop::option::of("\\?[a-z=&@%+]{0,12}"),
    )
        .prop_map(|(scheme, sep, user, pw, at, host, port, db, query)| {
            let mut s = format!("{scheme}{sep}");
            if let Some(u) = user {
                s.push_str(&u);
                s.push(':');
            }
            s.push_str(&pw);
            s.push_str(at);
            s.push_str(&host.unwrap_or_default());
            if let Some(p) = port {
                s.push(':');
                s.push_str(&p);
            }
            s.push_str(&db.unwrap_or_default());
            s.push_str(&query.unwrap_or_default());
            (s, pw)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn url_errors_never_contain_the_password((url, pw) in malformed_url()) {
        if let Err(e) = DbUrl::parse(&url) {
            let shown = format!("{e} {e:?} {}", Error::from(e.clone()));
            prop_assert!(!shown.contains(pw.as_str()), "{url:?} -> {shown}");
        }
    }

    #[test]
    fn the_url_parser_never_panics(s in "\\PC{0,40}") {
        let _ = DbUrl::parse(&s);
        let _ = DbUrl::parse(&format!("mysql://{s}"));
    }

    #[test]
    fn options_never_panic_and_errors_name_the_key(
        key in prop::sample::select(EngineOptions::POOL_KEYS.to_vec()),
        value in prop_oneof![
            "-?[0-9]{0,25}(\\.[0-9]{0,5})?(e-?[0-9]{1,3})?",
            Just("NaN".to_owned()), Just("inf".to_owned()), Just("-inf".to_owned()),
            Just("4294967295".to_owned()), Just("18446744073709551616".to_owned()),
            "\\PC{0,8}",
        ],
    ) {
        let query = format!("{}={}", key, utf8_percent(&value));
        let url = DbUrl::parse(&format!("mysql://u@h/db?{query}")).unwrap();
        let code = EngineOptions::new().acquire_timeout(std::time::Duration::from_secs(1));
        match EngineOptions::default().merge_url(&url).and_then(|_| code.merge_url(&url)) {
            Ok(_) => {}
            Err(Error::InvalidOption { key: k, reason }) => {
                // A lone pool_size or max_overflow is checked again as part of the total size.
                let total = ["pool_size", "max_overflow"].contains(&key) && k.contains(key);
                prop_assert!(k == key || total, "{k} for {key}: {reason}");
            }
            Err(other) => prop_assert!(false, "{query}: not InvalidOption: {other:?}"),
        }
    }
}

fn utf8_percent(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// One piece of raw SQL and what the scanner must make of it.
#[derive(Debug, Clone)]
enum Piece {
    /// Passed through unchanged.
    Plain(String),
    /// `:name`, replaced by `?`.
    Bind(usize),
}

const NAMES: [&str; 3] = ["a", "b_2", "sym"];

/// Text that is not a bind, for a dialect with or without backslash escapes.
fn inert(backslash: bool) -> impl Strategy<Value = String> {
    let body = "[a-z :_'\"\\\\`*/-]{0,10}";
    let quoted = move |q: char| {
        body.prop_map(move |t| {
            // Make the literal well formed: double the quote, and on backslash dialects double
            // each backslash, so the text ends where the scanner must think it ends.
            let mut out = String::new();
            for c in t.chars() {
                if c == q {
                    out.push(c);
                } else if c == '\\' && backslash && q != '`' {
                    out.push('\\');
                }
                out.push(c);
            }
            format!("{q}{out}{q}")
        })
    };
    prop_oneof![
        "[a-z0-9 ,()=<>+]{1,8}",
        quoted('\''),
        quoted('"'),
        quoted('`'),
        "[a-z :'\"]{0,10}".prop_map(|t| format!("-- {t}\n")),
        "[a-z :'\"-]{0,10}".prop_map(|t| format!("/* {t} */")),
        Just("x::text".to_owned()),
        Just("col1".to_owned()),
    ]
}

fn pieces(backslash: bool) -> impl Strategy<Value = Vec<Piece>> {
    prop::collection::vec(prop_oneof![inert(backslash).prop_map(Piece::Plain), (0..NAMES.len()).prop_map(Piece::Bind)], 0..12)
}

fn check_scanner(parts: &[Piece], backslash: bool) -> Result<(), TestCaseError> {
    let (mut sql, mut want_sql, mut want) = (String::new(), String::new(), Vec::new());
    for p in parts {
        // Separate pieces so a bind never runs into the identifier before or after it.
        sql.push(' ');
        want_sql.push(' ');
        match p {
            Piece::Plain(t) => {
                sql.push_str(t);
                want_sql.push_str(t);
            }
            Piece::Bind(i) => {
                sql.push(':');
                sql.push_str(NAMES[*i]);
                want_sql.push('?');
                want.push(Value::I64(*i as i64));
            }
        }
    }
    let binds: Vec<(String, Value)> = NAMES.iter().enumerate().map(|(i, n)| ((*n).to_owned(), Value::I64(i as i64))).collect();
    let got = compile_named_binds(&sql, &binds, backslash).map_err(|e| TestCaseError::fail(format!("{sql:?}: {e}")))?;
    prop_assert_eq!(&got.sql, &want_sql, "{:?}", sql);
    prop_assert_eq!(got.params, want);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn binds_are_found_outside_literals_and_comments_only(parts in pieces(false)) {
        check_scanner(&parts, false)?;
    }

    #[test]
    fn binds_with_backslash_escapes(parts in pieces(true)) {
        check_scanner(&parts, true)?;
    }

    #[test]
    fn the_scanner_never_panics(sql in "\\PC{0,60}", backslash in any::<bool>()) {
        let binds = [("a".to_owned(), Value::I64(1))];
        let _ = compile_named_binds(&sql, &binds, backslash);
    }
}
