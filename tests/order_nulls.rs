//! One NULL placement for typed model ORDER BY on every dialect: NULLs sort as the smallest value
//! (first in ASC, last in DESC). The SQL dialects whose native placement that is send a plain
//! ORDER BY (an index still serves it); PostgREST is told `nullsfirst`/`nullslast`, and only for
//! nullable columns (an explicit placement keeps PostgreSQL from using a plain index).

use athanor::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[athanor(table = "order_nulls")]
pub struct Tick {
    #[athanor(primary_key)]
    pub id: i64,
    pub ts: chrono::NaiveDateTime,
    pub note: Option<String>,
}

fn compiled(url: &str, q: &impl athanor::query::AsStatement) -> String {
    create_engine(url).unwrap().compile(q).unwrap().to_string()
}

#[test]
fn typed_order_on_sql_dialects_is_the_plain_order_by() {
    for url in ["sqlite://", "mysql://root@127.0.0.1:3306/test"] {
        let q = Tick::select().order_by(Tick::NOTE.asc()).order_by(Tick::TS.desc());
        let sql = compiled(url, &q);
        assert!(!sql.contains("NULL"), "{url}: {sql}");
        // The other placement is written out (emulated on MySQL).
        let sql = compiled(url, &Tick::select().order_by(Tick::NOTE.asc().nulls_last()));
        assert!(sql.contains("NULL"), "{url}: {sql}");
    }
}

#[test]
fn typed_order_over_postgrest_names_the_placement_of_nullable_columns_only() {
    let url = "supabase+http://anon:k@127.0.0.1:9";
    let req = compiled(url, &Tick::select().order_by(Tick::NOTE.asc()).order_by(Tick::TS.desc()));
    assert!(req.contains("order=note.asc.nullsfirst%2Cts.desc\n"), "{req}");
    let req = compiled(url, &Tick::select().order_by(Tick::NOTE.desc()));
    assert!(req.contains("order=note.desc.nullslast"), "{req}");
}
