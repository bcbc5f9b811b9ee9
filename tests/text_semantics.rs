//! One meaning of text comparison on every dialect (issue 10, defect 9): `eq` and `like` are
//! case-sensitive and exact (trailing spaces count), `ilike` folds case (Unicode letters too),
//! `\` escapes the next pattern character, ORDER BY on text is by code point, and
//! `contains`/`starts_with`/`ends_with` match their argument literally. Run on SQLite, on MariaDB
//! (a scratch database) and on the Supabase dialect over the PostgREST stand-in.

mod common_mysql;
mod pg_scratch;

use athanor::prelude::*;
use athanor_core::ast::Expr;

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "textsem_words")]
struct Word {
    #[athanor(primary_key)]
    id: i64,
    #[athanor(max_len = 64)]
    w: String,
}

const WORDS: &[&str] = &["abc", "ABC", "abc ", "Äpfel", "äpfel", "a%c", "a_c", "a\\c", "x*y", "abd", "ab", "Zebra"];

async fn ids(engine: &Engine, e: Expr) -> Vec<i64> {
    let rows = Word::select().filter(e.clone()).order_by(Word::ID).all(engine).await;
    rows.unwrap_or_else(|err| panic!("{e:?}: {err}")).into_iter().map(|w| w.id).collect()
}

/// The ids (1-based) of the words for which `f` holds.
fn expect(f: impl Fn(&str) -> bool) -> Vec<i64> {
    WORDS.iter().enumerate().filter(|(_, w)| f(w)).map(|(i, _)| i as i64 + 1).collect()
}

async fn check(engine: &Engine, supabase: bool) {
    let rows: Vec<Word> = WORDS.iter().enumerate().map(|(i, w)| Word { id: i as i64 + 1, w: (*w).into() }).collect();
    Word::insert_many(&rows).execute(engine).await.expect("insert the words");

    // Equality: exact, case and trailing spaces included.
    assert_eq!(ids(engine, Word::W.eq("abc")).await, vec![1], "eq is exact");
    assert_eq!(ids(engine, Word::W.eq("abc ")).await, vec![3], "eq keeps trailing spaces");
    assert_eq!(ids(engine, Word::W.ne("abc")).await, expect(|w| w != "abc"), "ne is exact");
    assert_eq!(ids(engine, Word::W.in_list(["ABC", "äpfel"])).await, vec![2, 5], "in_list is exact");
    // LIKE: case-sensitive, `%` and `_` wildcards, `\` escapes.
    assert_eq!(ids(engine, Word::W.like("abc")).await, vec![1], "like without wildcards is exact");
    assert_eq!(ids(engine, Word::W.like("a%")).await, expect(|w| w.starts_with('a')), "like is case-sensitive");
    assert_eq!(ids(engine, Word::W.like("Ä%")).await, vec![4], "like is case-sensitive beyond ASCII");
    assert_eq!(ids(engine, Word::W.like("a_c")).await, vec![1, 6, 7, 8], "`_` is one character");
    assert_eq!(ids(engine, Word::W.like("a\\%c")).await, vec![6], "`\\` escapes `%`");
    assert_eq!(ids(engine, Word::W.like("a\\_c")).await, vec![7], "`\\` escapes `_`");
    assert_eq!(ids(engine, Word::W.like("a\\\\c")).await, vec![8], "`\\\\` is one backslash");
    // A pattern ending in an unpaired `\` is refused before I/O: PostgreSQL would raise 22025,
    // SQLite and MariaDB answer differently. Also once the same shape is cached.
    assert_eq!(ids(engine, Word::W.like("zz")).await, Vec::<i64>::new());
    for bad in ["a\\", "ab\\\\\\", "\\"] {
        for e in [Word::W.like(bad), Word::W.ilike(bad), Word::W.ends_with("x").and(Word::W.like(bad))] {
            let r = Word::select().filter(e.clone()).all(engine).await;
            assert!(matches!(&r, Err(athanor::Error::InvalidQuery(m)) if m.contains("escape")), "{e:?}: {r:?}");
        }
    }
    assert_eq!(ids(engine, Word::W.like("a\\\\")).await, Vec::<i64>::new(), "an escaped trailing `\\` is fine");
    // ILIKE: case-insensitive, Unicode letters too.
    assert_eq!(ids(engine, Word::W.ilike("abc")).await, vec![1, 2], "ilike folds ASCII case");
    assert_eq!(ids(engine, Word::W.ilike("äPFEL")).await, vec![4, 5], "ilike folds Ä");
    assert_eq!(ids(engine, Word::W.ilike("ä%")).await, vec![4, 5], "ilike folds Ä with a wildcard");
    // The escaping helpers match their argument literally.
    assert_eq!(ids(engine, Word::W.contains("%")).await, vec![6], "contains % is literal");
    assert_eq!(ids(engine, Word::W.contains("_")).await, vec![7], "contains _ is literal");
    assert_eq!(ids(engine, Word::W.contains("\\")).await, vec![8], "contains \\ is literal");
    assert_eq!(ids(engine, Word::W.starts_with("a_")).await, vec![7], "starts_with is literal");
    assert_eq!(ids(engine, Word::W.ends_with("c ")).await, vec![3], "ends_with keeps the space");
    assert_eq!(ids(engine, Word::W.starts_with("ab")).await, expect(|w| w.starts_with("ab")), "starts_with");
    assert_eq!(ids(engine, Word::W.icontains("PF")).await, vec![4, 5], "icontains folds case");
    assert_eq!(ids(engine, Word::W.istarts_with("äp")).await, vec![4, 5], "istarts_with folds Ä");
    assert_eq!(ids(engine, Word::W.iends_with("ABC")).await, vec![1, 2], "iends_with");
    assert_eq!(ids(engine, Word::W.contains("")).await, expect(|_| true), "contains the empty string");
    let star = Word::select().filter(Word::W.contains("*")).all(engine).await;
    if supabase {
        assert!(matches!(star, Err(athanor::Error::Unsupported { dialect: "supabase", .. })), "{star:?}");
    } else {
        assert_eq!(star.expect("contains *").into_iter().map(|w| w.id).collect::<Vec<_>>(), vec![9], "contains * is literal");
    }

    // ORDER BY text: by code point (byte order of UTF-8), ties broken by key.
    let ordered: Vec<String> =
        Word::select().order_by(Word::W).order_by(Word::ID).all(engine).await.expect("order").into_iter().map(|w| w.w).collect();
    let mut want: Vec<String> = WORDS.iter().map(|w| (*w).to_owned()).collect();
    want.sort();
    assert_eq!(ordered, want, "ORDER BY text is by code point");
}

#[tokio::test]
async fn text_semantics_on_sqlite() {
    let engine = athanor::create_engine("sqlite://").expect("engine");
    engine.create_all(&[Word::table()]).await.expect("create");
    check(&engine, false).await;
}

#[tokio::test]
async fn text_semantics_on_mariadb() {
    common_mysql::with_scratch_db("textsem", "", |engine, _| async move {
        engine.create_all(&[Word::table()]).await.expect("create");
        check(&engine, false).await;
    })
    .await;
}

#[tokio::test]
async fn text_semantics_on_postgres() {
    pg_scratch::on_postgres(vec![Word::table()], |engine| async move { check(&engine, false).await }).await;
}

#[tokio::test]
async fn text_semantics_on_supabase() {
    pg_scratch::on_supabase_standin("textsem-key", &[Word::table()], |engine| async move { check(&engine, true).await }).await;
}
