use super::*;

fn hosts_of(u: &str) -> Result<Vec<String>> {
    let url = DbUrl::parse(u).unwrap();
    let h: Vec<String> = url.query_values("host").into_iter().map(str::to_owned).collect();
    let p: Vec<String> = url.query_values("port").into_iter().map(str::to_owned).collect();
    list(&url, &h, &p).map(|l| l.iter().map(Host::to_string).collect())
}

fn key_of(r: Result<Vec<String>>) -> String {
    match r {
        Err(Error::InvalidOption { key, .. }) => key,
        other => panic!("expected InvalidOption, got {other:?}"),
    }
}

#[test]
fn single_host_forms_are_unchanged() {
    assert_eq!(hosts_of("postgresql://u:pw@db:5433/app").unwrap(), ["db:5433"]);
    assert_eq!(hosts_of("postgresql://u@db/app").unwrap(), ["db:5432"]);
    assert_eq!(hosts_of("postgresql:///app").unwrap(), ["localhost:5432"]);
    assert_eq!(hosts_of("postgresql://u@[::1]:5433/app").unwrap(), ["[::1]:5433"]);
    assert_eq!(hosts_of("postgresql+asyncpg://user@/dbname?host=/var/run/postgresql").unwrap(), ["unix socket /var/run/postgresql"]);
    assert_eq!(hosts_of("postgresql://u@/db?host=db.example:6000").unwrap(), ["db.example:6000"]);
}

#[test]
fn sqlalchemy_multihost_forms() {
    let want = ["HostA:5432", "HostB:5433"];
    assert_eq!(hosts_of("postgresql+asyncpg://u:pw@/db?host=HostA:5432&host=HostB:5433").unwrap(), want);
    assert_eq!(hosts_of("postgresql+psycopg://u:pw@/db?host=HostA,HostB&port=5432,5433").unwrap(), want);
    assert_eq!(hosts_of("postgresql+psycopg2://u:pw@/db?host=HostA&host=HostB:5433").unwrap(), ["HostA:5432", "HostB:5433"]);
    assert_eq!(hosts_of("postgresql://u@/db?host=HostA,HostB&port=,5433").unwrap(), ["HostA:5432", "HostB:5433"]);
    assert_eq!(hosts_of("postgresql://u@/db?host=HostA,HostB").unwrap(), ["HostA:5432", "HostB:5432"]);
    assert_eq!(
        hosts_of("postgresql://u@/db?host=[::1]:5433&host=[fe80::1]&host=/tmp").unwrap(),
        ["[::1]:5433", "[fe80::1]:5432", "unix socket /tmp"]
    );
    assert_eq!(hosts_of("postgresql://u@/db?host=::1&host=a").unwrap(), ["[::1]:5432", "a:5432"]);
}

#[test]
fn mixed_or_malformed_host_lists_are_refused() {
    // A host before the path and in the query: SQLAlchemy silently drops the first.
    assert_eq!(key_of(hosts_of("postgresql://u:pw@HostA:5432/db?host=HostB:5432")), "host");
    assert_eq!(key_of(hosts_of("postgresql://u:pw@:5432/db?host=HostB")), "host");
    // SQLAlchemy: "Can't mix 'multihost' formats together".
    assert_eq!(key_of(hosts_of("postgresql://u@/db?host=A:1&host=B:2&port=5432")), "port");
    assert_eq!(key_of(hosts_of("postgresql://u@/db?host=A&host=B&port=5432")), "port");
    assert_eq!(key_of(hosts_of("postgresql://u@/db?host=A:1,B&port=1,2")), "port");
    // SQLAlchemy: "number of hosts and ports don't match".
    assert_eq!(key_of(hosts_of("postgresql://u@/db?host=A,B&port=5432")), "port");
    assert_eq!(key_of(hosts_of("postgresql://u@/db?host=A,B,C&port=1,2")), "port");
    // Ports are 1 to 65535, digits only.
    for bad in ["A:0", "A:65536", "A:99999999999", "A:+5", "A:x", "[::1]:70000"] {
        assert_eq!(key_of(hosts_of(&format!("postgresql://u@/db?host={bad}&host=B:1"))), "port", "{bad}");
    }
    assert_eq!(key_of(hosts_of("postgresql://u@/db?host=A,B&port=1,x")), "port");
    for bad in ["fe80::1:5432x", "[::1", "[nope]:1", ":5432", "[::1]5432"] {
        assert_eq!(key_of(hosts_of(&format!("postgresql://u@/db?host={bad}&host=B:1"))), "host", "{bad}");
    }
    assert_eq!(key_of(hosts_of("postgresql://u@/db?host=A,,B")), "host");
    assert_eq!(key_of(hosts_of("postgresql://u@db/db?port=5433")), "port");
    let many = vec!["h"; MAX_HOSTS + 1].join(",");
    assert_eq!(key_of(hosts_of(&format!("postgresql://u@/db?host={many}"))), "host");
}

#[test]
fn errors_never_show_the_password() {
    for u in [
        "postgresql://u:s3cret@HostA/db?host=HostB",
        "postgresql://u:s3cret@/db?host=A&host=B&port=1",
        "postgresql://u:s3cret@/db?host=A,B&port=1",
    ] {
        let e = hosts_of(u).unwrap_err();
        assert!(!format!("{e} {e:?}").contains("s3cret"), "{e:?}");
    }
}

#[test]
fn target_session_attrs_names() {
    for (v, t) in [
        ("any", Target::Any),
        ("read-write", Target::ReadWrite),
        ("read_only", Target::ReadOnly),
        ("Primary", Target::Primary),
        ("standby", Target::Standby),
        ("prefer-standby", Target::PreferStandby),
    ] {
        assert_eq!(Target::parse("target_session_attrs", v).unwrap(), t);
    }
    assert!(matches!(Target::parse("target_session_attrs", "master"), Err(Error::InvalidOption { .. })));
}

#[test]
fn settings_carry_the_hosts_and_target() {
    use crate::options::settings;
    use athanor_core::EngineOptions;
    use std::time::Duration;
    let parse = |u: &str| settings(&DbUrl::parse(u).unwrap(), &EngineOptions::default());
    let s = parse("postgresql+asyncpg://u:pw@/db?host=a:5432&host=b:5433&target_session_attrs=read-write&connect_timeout=2").unwrap();
    assert_eq!(s.hosts, [Host { name: "a".into(), port: 5432 }, Host { name: "b".into(), port: 5433 }]);
    assert_eq!(s.target, Target::ReadWrite);
    assert_eq!(s.host, "a:5432,b:5433");
    assert_eq!((s.connect.get_host(), s.connect.get_port()), ("a", 5432));
    // Each host gets connect_timeout; the wait for a slot covers one round.
    assert_eq!(s.connect_timeout, Duration::from_secs(2));
    assert_eq!(s.acquire_timeout, Duration::from_secs(4));
    assert!(!format!("{s:?}").contains("pw"));
    // The single-host forms keep their meaning.
    let s = parse("postgresql://u@db:5433/app?connect_timeout=2").unwrap();
    assert_eq!((s.hosts.len(), s.target, s.host.as_str()), (1, Target::Any, "db:5433"));
    assert_eq!(s.acquire_timeout, Duration::from_secs(2));
    let s = parse("postgresql+asyncpg://user@/dbname?host=/var/run/postgresql").unwrap();
    assert_eq!(s.host, "unix socket /var/run/postgresql");
    // A transaction pooler anywhere in the list.
    assert!(parse("postgresql://u@/db?host=a:5432&host=b:6543").unwrap().pooler);
    assert!(
        matches!(parse("postgresql://u@/db?host=a&target_session_attrs=master"), Err(Error::InvalidOption { ref key, .. }) if key == "target_session_attrs")
    );
    assert!(matches!(parse("postgresql://u@h/db?host=a"), Err(Error::InvalidOption { ref key, .. }) if key == "host"));
}
