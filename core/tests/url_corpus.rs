//! `DbUrl` against SQLAlchemy's URL corpus (`tests/data/url_cases.jsonl`, copied from
//! `shared/research/url_cases.jsonl`), plus focused tests: secrets never leak, IPv6, repeated
//! query keys, `+` in user info versus query, and the ambiguous `@` that Athanor rejects.

use std::path::Path;

use athanor_core::error::UrlPart;
use athanor_core::{DbUrl, UrlError};
use serde_json::Value;

fn cases() -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/url_cases.jsonl");
    let text = std::fs::read_to_string(&path).expect("read url_cases.jsonl");
    text.lines().filter(|line| !line.trim().is_empty()).map(|line| serde_json::from_str(line).expect("valid JSON line")).collect()
}

fn opt_str(case: &Value, field: &str) -> Option<String> {
    let value = &case[field];
    assert!(value.is_null() || value.is_string(), "{field}: {value}");
    value.as_str().map(str::to_owned)
}

fn check_components(input: &str, case: &Value, url: &DbUrl) {
    let s = |field| opt_str(case, field);
    assert_eq!(Some(url.drivername()), s("drivername"), "drivername of {input}");
    assert_eq!(Some(url.backend().to_owned()), s("backend"), "backend of {input}");
    assert_eq!(url.driver().map(str::to_owned), s("driver"), "driver of {input}");
    assert_eq!(url.username().map(str::to_owned), s("username"), "username of {input}");
    assert_eq!(url.password().map(str::to_owned), s("password"), "password of {input}");
    assert_eq!(url.host().map(str::to_owned), s("host"), "host of {input}");
    assert_eq!(url.port().map(u64::from), case["port"].as_u64(), "port of {input}");
    assert_eq!(url.database().map(str::to_owned), s("database"), "database of {input}");

    let expected = case["query"].as_object().expect("query object");
    let mut pairs = 0;
    for (key, value) in expected {
        let values: Vec<&str> = match value {
            Value::Array(items) => items.iter().map(|v| v.as_str().unwrap()).collect(),
            other => vec![other.as_str().unwrap()],
        };
        pairs += values.len();
        assert_eq!(url.query_values(key), values, "query {key:?} of {input}");
        assert_eq!(url.query_value(key), values.last().copied(), "last {key:?} of {input}");
    }
    assert_eq!(url.query().len(), pairs, "query pairs of {input}");
}

fn expected_error_part(error: &str) -> UrlPart {
    if error.starts_with("ArgumentError") {
        UrlPart::Scheme
    } else if error.starts_with("ValueError: invalid literal for int()") {
        UrlPart::Port
    } else {
        panic!("unexpected error kind in corpus: {error}")
    }
}

#[test]
fn corpus() {
    let cases = cases();
    assert_eq!(cases.len(), 66, "corpus size");
    let (mut parsed, mut errors, mut athanor) = (0, 0, 0);
    for case in &cases {
        let input = case["input"].as_str().expect("input");
        let result = DbUrl::parse(input);

        if case.get("athanor").is_some() {
            // `mysql://user:p@ss@host/db`: SQLAlchemy silently splits at the first `@`.
            let err = result.expect_err(input);
            assert_eq!(err.part, UrlPart::Password, "{input}: {err}");
            assert!(err.reason.contains("%40"), "{input}: {err}");
            athanor += 1;
        } else if let Some(error) = case["error"].as_str() {
            let err = result.expect_err(input);
            assert_eq!(err.part, expected_error_part(error), "{input}: {err}");
            errors += 1;
        } else {
            let url = result.unwrap_or_else(|e| panic!("{input}: {e}"));
            check_components(input, case, &url);
            assert_eq!(Some(url.render_hidden()), opt_str(case, "render_hidden"), "{input}");
            if url.query_value("key").is_none() {
                assert_eq!(url.to_string(), url.render_hidden(), "{input}");
            }
            assert_eq!(Some(url.render_full()), opt_str(case, "render_full"), "{input}");
            let input_url: DbUrl = input.parse().unwrap();
            assert_eq!(input_url, url, "FromStr of {input}");
            if case["roundtrip_equal"].as_bool() == Some(true) {
                let again = DbUrl::parse(&url.render_full()).unwrap_or_else(|e| panic!("reparse of {input}: {e}"));
                assert_eq!(again, url, "round trip of {input}");
                assert_eq!(again.render_full(), url.render_full(), "{input}");
            }
            parsed += 1;
        }
    }
    assert_eq!((parsed, errors, athanor), (61, 4, 1));
}

const SECRET: &str = "S3cr3t!pw";

fn assert_no_secret(text: &str, fragments: &[&str]) {
    for fragment in fragments {
        assert!(!text.contains(fragment), "{fragment:?} leaked in {text:?}");
    }
}

#[test]
fn password_never_in_display_debug_or_host_port() {
    let url = DbUrl::parse(&format!("mysql+aiomysql://bot:{SECRET}@db.internal:3307/ohlcv")).unwrap();
    assert_eq!(url.password(), Some(SECRET));
    let shown = [url.to_string(), url.render_hidden(), format!("{url:?}"), format!("{url:#?}"), url.host_port()];
    for text in &shown {
        assert_no_secret(text, &[SECRET, "S3cr3t"]);
    }
    assert_eq!(format!("{url:?}"), r#"DbUrl("mysql+aiomysql://bot:***@db.internal:3307/ohlcv")"#);
    assert!(url.render_full().contains("S3cr3t%21pw"));

    let empty = DbUrl::parse("mysql://user:@h/d").unwrap();
    assert_eq!(empty.password(), Some(""));
    assert_eq!(empty.to_string(), "mysql://user:***@h/d");
}

#[test]
fn password_never_in_errors() {
    let bad = [
        (format!("mysql://user:{SECRET}@host:notaport/db"), UrlPart::Port),
        (format!("mysql://user:{SECRET}@host:99999/db"), UrlPart::Port),
        (format!("mysql://user:{SECRET}@host:/db"), UrlPart::Port),
        (format!("mysql://user:{SECRET}@[::1/db"), UrlPart::Host),
        (format!("mysql-connector://user:{SECRET}@h/d"), UrlPart::Scheme),
        (format!("user:{SECRET}@h/d"), UrlPart::Scheme),
        ("mysql://user:S3cr3t@pw@host/db".into(), UrlPart::Password),
        ("mysql://user:S3cr3t/pw@host/db".into(), UrlPart::Password),
        ("mysql://user:S3cr3t?pw@host/db".into(), UrlPart::Password),
        ("mysql://user:S3cr3t%FFpw@host/db".into(), UrlPart::Password),
    ];
    for (input, part) in &bad {
        let err: UrlError = DbUrl::parse(input).expect_err(input);
        assert_eq!(err.part, *part, "{input}: {err}");
        for text in [err.to_string(), format!("{err:?}")] {
            assert_no_secret(&text, &["S3cr3t", "3cr3t", "t!pw"]);
        }
    }

    // A numeric password with an unencoded `/` must not turn into host `user`, port 1234.
    let err = DbUrl::parse("mysql://user:1234/5678@host/db").unwrap_err();
    assert_eq!(err.part, UrlPart::Password);
    assert_no_secret(&err.to_string(), &["1234", "5678"]);

    let err = DbUrl::parse("mysql://user:p@ss@host/db").unwrap_err();
    assert_eq!(err.part, UrlPart::Password);
    assert_no_secret(&err.to_string(), &["p@ss", "ss@host", "user:p"]);
}

#[test]
fn at_sign_outside_the_authority() {
    let url = DbUrl::parse("mysql://host/my@db").unwrap();
    assert_eq!((url.host(), url.database()), (Some("host"), Some("my@db")));
    let url = DbUrl::parse("mysql://u:p@host:3306/my@db?k=a@b").unwrap();
    assert_eq!(url.password(), Some("p"));
    assert_eq!(url.database(), Some("my@db"));
    assert_eq!(url.query_value("k"), Some("a@b"));
    assert_eq!(url.render_full(), "mysql://u:p@host:3306/my%40db?k=a%40b");
    // SQLAlchemy reads `host:3306/my` as user:password here, so Athanor asks for %40.
    let err = DbUrl::parse("mysql://host:3306/my@db").unwrap_err();
    assert_eq!(err.part, UrlPart::Password);
    assert!(DbUrl::parse("mysql://host:3306/my%40db").is_ok());
    assert_eq!(DbUrl::parse("mysql://a@b@host/db").unwrap_err().part, UrlPart::Username);
}

#[test]
fn ipv6_with_port() {
    let url = DbUrl::parse("mysql+asyncmy://u:p@[::1]:3307/db").unwrap();
    assert_eq!(url.host(), Some("::1"));
    assert_eq!(url.port(), Some(3307));
    assert_eq!(url.host_port(), "[::1]:3307");
    assert_eq!(url.to_string(), "mysql+asyncmy://u:***@[::1]:3307/db");

    let built = DbUrl::new("mysql")
        .with_driver(Some("asyncmy"))
        .with_username(Some("u"))
        .with_password(Some("p"))
        .with_host(Some("[::1]"))
        .with_port(Some(3307))
        .with_database(Some("db"));
    assert_eq!(built, url);
    assert_eq!(DbUrl::new("x").with_host(Some("::1")).host_port(), "[::1]");
    assert_eq!(DbUrl::new("x").with_host(Some("h")).host_port(), "h");

    assert_eq!(DbUrl::parse("mysql://[::1]:65535").unwrap().port(), Some(65535));
    assert_eq!(DbUrl::parse("mysql://[::1]:65536").unwrap_err().part, UrlPart::Port);
    assert_eq!(DbUrl::parse("mysql://[::1]x/db").unwrap_err().part, UrlPart::Host);
}

#[test]
fn repeated_query_keys() {
    let url = DbUrl::parse("sqlite:///a.db?b=1&a=2&b=3").unwrap();
    assert_eq!(url.query_values("b"), ["1", "3"]);
    assert_eq!(url.query_value("b"), Some("3"));
    assert_eq!(url.query_value("zz"), None);
    assert!(url.query_values("zz").is_empty());
    assert_eq!(url.query()[1], ("a".to_owned(), "2".to_owned()));
    // Rendering sorts keys and keeps each key's values in order, as SQLAlchemy does.
    assert_eq!(url.to_string(), "sqlite:///a.db?a=2&b=1&b=3");
    assert_eq!(DbUrl::parse(&url.render_full()).unwrap(), url);
    assert_ne!(DbUrl::parse("sqlite:///a.db?b=3&a=2&b=1").unwrap(), url);

    let fewer = url.clone().without_query_key("b").with_query("c", "x y/z");
    assert_eq!(fewer.query_values("b"), Vec::<&str>::new());
    assert_eq!(fewer.to_string(), "sqlite:///a.db?a=2&c=x+y%2Fz");
}

#[test]
fn plus_in_user_info_versus_query() {
    let url = DbUrl::parse("db+drv://us+er:pa+ss@h/d+b?k+ey=va+lue%2B&x=%20").unwrap();
    assert_eq!(url.driver(), Some("drv"));
    assert_eq!(url.username(), Some("us+er"));
    assert_eq!(url.password(), Some("pa+ss"));
    assert_eq!(url.database(), Some("d+b"));
    assert_eq!(url.query_value("k ey"), Some("va lue+"));
    assert_eq!(url.query_value("x"), Some(" "));
    assert_eq!(url.render_full(), "db+drv://us+er:pa+ss@h/d+b?k+ey=va+lue%2B&x=+");
}

#[test]
fn scheme_and_builder() {
    for bad in ["+mysql://h", "mysql+://h", "://h", "my sql://h", "mysql:/h"] {
        assert_eq!(DbUrl::parse(bad).unwrap_err().part, UrlPart::Scheme, "{bad}");
    }
    let url = DbUrl::parse("a+b+c://h").unwrap();
    assert_eq!((url.backend(), url.driver()), ("a", Some("b+c")));

    let url = DbUrl::new("sqlite").with_database(Some("/abs/app.db"));
    assert_eq!(url.to_string(), "sqlite:////abs/app.db");
    assert_eq!(url.drivername(), "sqlite");
    assert_eq!(url.host_port(), "");
    assert_eq!("sqlite:////abs/app.db".parse::<DbUrl>().unwrap(), url);
    assert_eq!(DbUrl::new("sqlite").to_string(), "sqlite://");
}

#[test]
fn secret_query_values_are_hidden_like_the_password() {
    let url = DbUrl::parse("supabase://xyz.supabase.co?key=eyJsecretkey&schema=public").unwrap();
    assert_eq!(url.query_value("key"), Some("eyJsecretkey"));
    // render_hidden is SQLAlchemy's exact rendering; Display and Debug also hide secret keys.
    for shown in [url.to_string(), format!("{url:?}")] {
        assert!(!shown.contains("eyJsecretkey"), "{shown}");
        assert!(shown.contains("key=***") && shown.contains("schema=public"), "{shown}");
    }
    assert!(url.render_full().contains("key=eyJsecretkey"));
}

#[test]
fn blank_query_values_are_dropped_as_sqlalchemy_does() {
    // SQLAlchemy's make_url reads the query with parse_qsl(keep_blank_values=False): `b=` and a
    // bare `c` are dropped, `=x` (blank key) and `d=+` (a space) are kept.
    let url = DbUrl::parse("mysql://u@h/db?a=1&b=&c&=x&d=+").unwrap();
    let pairs: Vec<(&str, &str)> = url.query().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(pairs, [("a", "1"), ("", "x"), ("d", " ")]);
    assert_eq!(url.to_string(), "mysql://u@h/db?=x&a=1&d=+");
    assert_eq!(DbUrl::parse("mysql://u@h/db?a=1&b=").unwrap().to_string(), "mysql://u@h/db?a=1");
    assert_eq!(DbUrl::parse("sqlite:///x.db?b=").unwrap().to_string(), "sqlite:///x.db");
    assert_eq!(DbUrl::parse("sqlite:///x.db?b=&b=2&b=").unwrap().query_values("b"), ["2"]);
}

#[test]
fn a_password_without_a_host_is_not_echoed_as_a_port() {
    for input in ["mysql://bot:S3cr3tPw9/db", "mysql://bot:S3cr3tPw9", "mysql://bot:S3cr3tPw9?x=1", "mysql://h:99999S3cr3tPw9/db"] {
        let err = DbUrl::parse(input).unwrap_err();
        assert_eq!(err.part, UrlPart::Port, "{input}");
        for text in [err.to_string(), format!("{err:?}")] {
            assert_no_secret(&text, &["S3cr3tPw9", "3cr3t"]);
        }
    }
    let err = DbUrl::parse("mysql://h:123456789012/db").unwrap_err();
    assert_no_secret(&err.to_string(), &["123456789012"]);
}
