//! The query-string grammar of PostgREST's `QueryParams.hs`, ported alternative by alternative
//! (with Parsec's backtracking rules and its habit of ignoring text after what reads), so the
//! stand-in reads each request exactly as the server does, misreadings included: the select
//! list, filters (`col=[not.]op.value`), `and`/`or` trees, `order`, `limit`, `offset`,
//! `on_conflict` and `columns`. Operators and forms the stand-in does not run are recognised
//! and answered with `PGRST100` saying so.

mod filter;
mod lists;
mod parsec;

use crate::error::ApiError;
use filter::{logic_tree, op_expr, OpRead, Unsupported, ValueKind};
use parsec::Cursor;
use percent_encoding::percent_decode_str;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `eq`
    Eq,
    /// `neq`
    Neq,
    /// `gt`
    Gt,
    /// `gte`
    Gte,
    /// `lt`
    Lt,
    /// `lte`
    Lte,
    /// `like` (`*` is `%`)
    Like,
    /// `ilike` (`*` is `%`)
    ILike,
    /// `in.(…)`
    In,
    /// `is.null|true|false|unknown`
    Is,
}

/// The right-hand side of a filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// One value, as text.
    Text(String),
    /// An `in` list. There is no NULL element: `null` is the text `null`, and `()` reads as
    /// `[""]`, which the server's SQL treats as the empty list.
    List(Vec<String>),
    /// `null`, `not_null`, `true`, `false` or `unknown` after `is` (lower case).
    Word(String),
}

/// A filter condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// All of these.
    And(Vec<Cond>),
    /// Any of these.
    Or(Vec<Cond>),
    /// Not this.
    Not(Box<Cond>),
    /// `column op operand`.
    Leaf {
        /// Column name.
        column: String,
        /// Operator.
        op: Op,
        /// Right-hand side.
        operand: Operand,
    },
}

/// One item of `select=`: a column with an optional alias, or `*`.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectItem {
    /// Column name (`*` for all).
    pub column: String,
    /// `alias:` before the column.
    pub alias: Option<String>,
    /// `::type` after the column.
    pub cast: Option<String>,
    /// `.sum()` … after the column, or `count()` (column `*`): PostgREST ≥ 12 aggregates.
    pub aggregate: Option<Aggregate>,
}

/// An aggregate of the select list (`db-aggregates-enabled`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    /// `count()` / `col.count()`.
    Count,
    /// `col.sum()`.
    Sum,
    /// `col.avg()`.
    Avg,
    /// `col.min()`.
    Min,
    /// `col.max()`.
    Max,
}

/// One item of `order=`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderItem {
    /// Column name.
    pub column: String,
    /// `desc` rather than `asc`.
    pub desc: bool,
    /// `Some(true)` for `nullsfirst`, `Some(false)` for `nullslast`.
    pub nulls_first: Option<bool>,
}

/// A request's query string, read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// `select=` items (`None`: all columns).
    pub select: Option<Vec<SelectItem>>,
    /// Every filter; all must hold.
    pub filters: Vec<Cond>,
    /// `order=` items.
    pub order: Vec<OrderItem>,
    /// `limit=`.
    pub limit: Option<u64>,
    /// `offset=`.
    pub offset: Option<u64>,
    /// `on_conflict=` columns.
    pub on_conflict: Option<Vec<String>>,
    /// `columns=` of an insert.
    pub columns: Option<Vec<String>>,
}

fn decode(s: &str) -> Result<String, ApiError> {
    let plus = s.replace('+', " ");
    percent_decode_str(&plus).decode_utf8().map(|c| c.into_owned()).map_err(|_| ApiError::parse("the query string is not UTF-8"))
}

fn failed(what: &str, input: &str) -> ApiError {
    ApiError::parse(format!("failed to parse {what} ({input})"))
}

fn refused(u: Unsupported) -> ApiError {
    ApiError::parse(format!("the stand-in does not run {} (PostgREST does)", u.0))
}

fn number(key: &str, v: &str) -> Result<u64, ApiError> {
    v.parse().map_err(|_| ApiError::parse(format!("`{key}` must be a non-negative integer, not \"{v}\"")))
}

/// The last `.`-separated word of a key (`endingIn` in `QueryParams.hs`).
fn last_word(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

/// A logic key (`or`, `not.and`, …): `pLogicPath` then `pLogicTree` over `op <> value`.
fn logic_param(key: &str, value: &str) -> Result<Cond, ApiError> {
    let mut c = Cursor::new(key);
    let mut path = vec![parsec::field_name(&mut c).map_err(|_| failed("logic path", key))?];
    while c.attempt(|c| c.char('.')).is_ok() {
        path.push(parsec::field_name(&mut c).map_err(|_| failed("logic path", key))?);
    }
    let op = path.pop().expect("one name");
    let negated = path.iter().any(|p| p == "not");
    if path.iter().any(|p| p != "not") {
        return Err(refused(Unsupported("logic trees on embedded resources".into())));
    }
    let text = format!("{}{op}{value}", if negated { "not." } else { "" });
    match logic_tree(&mut Cursor::new(&text)) {
        Ok(Ok(cond)) => Ok(cond),
        Ok(Err(u)) => Err(refused(u)),
        Err(_) => Err(failed("logic tree", value)),
    }
}

/// A filter parameter: `pTreePath` for the key, `pOpExpr pSingleVal` for the value.
fn filter_param(key: &str, value: &str) -> Result<Cond, ApiError> {
    let column = match lists::filter_key(key) {
        Ok(Ok(c)) => c,
        Ok(Err(u)) => return Err(refused(u)),
        Err(_) => return Err(failed("tree path", key)),
    };
    match op_expr(&mut Cursor::new(value), &column, ValueKind::Single) {
        Ok(OpRead::Cond(c)) => Ok(c),
        Ok(OpRead::Unsupported(u)) => Err(refused(u)),
        Err(_) => Err(failed("filter", value)),
    }
}

/// Reads a raw (still percent-encoded) query string. Parameters split at `&` and `;` (as
/// `parseQueryReplacePlus` does); one without `=` or with an empty value is ignored.
pub fn parse_query(raw: &str) -> Result<Query, ApiError> {
    let mut q = Query::default();
    let mut pairs = Vec::new();
    for pair in raw.split(['&', ';']).filter(|p| !p.is_empty()) {
        if let Some((k, v)) = pair.split_once('=') {
            pairs.push((decode(k)?, decode(v)?));
        }
    }
    let first = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    if let Some(s) = first("select") {
        q.select = match lists::select(s) {
            Ok(Ok(items)) if items.is_empty() => None,
            Ok(Ok(items)) => Some(items),
            Ok(Err(u)) => return Err(refused(u)),
            Err(_) => return Err(failed("select parameter", s)),
        };
    }
    if let Some(s) = first("on_conflict") {
        q.on_conflict = Some(lists::columns(s).map_err(|_| failed("on_conflict parameter", s))?);
    }
    if let Some(s) = first("columns") {
        q.columns = Some(lists::columns(s).map_err(|_| failed("columns parameter", s))?);
    }
    for (key, value) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        match (key.as_str(), last_word(key)) {
            ("select" | "columns" | "on_conflict", _) => {}
            ("order", _) => {
                q.order = match lists::order(value) {
                    Ok(Ok(items)) => items,
                    Ok(Err(u)) => return Err(refused(u)),
                    Err(_) => return Err(failed("order", value)),
                }
            }
            ("limit", _) => q.limit = Some(number("limit", value)?),
            ("offset", _) => q.offset = Some(number("offset", value)?),
            (_, "order" | "limit" | "offset") => return Err(refused(Unsupported("embedded resources".into()))),
            (_, "and" | "or") => q.filters.push(logic_param(key, value)?),
            _ => q.filters.push(filter_param(key, value)?),
        }
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(column: &str, op: Op, v: &str) -> Cond {
        Cond::Leaf { column: column.into(), op, operand: Operand::Text(v.into()) }
    }

    #[test]
    fn select_items_take_a_cast_after_the_column() {
        let q = parse_query("select=close::text,px:volume::float8,ts").unwrap();
        let items = q.select.unwrap();
        assert_eq!(items[0], SelectItem { column: "close".into(), alias: None, cast: Some("text".into()), aggregate: None });
        assert_eq!(
            items[1],
            SelectItem { column: "volume".into(), alias: Some("px".into()), cast: Some("float8".into()), aggregate: None }
        );
        assert_eq!(items[2], SelectItem { column: "ts".into(), alias: None, cast: None, aggregate: None });
    }

    #[test]
    fn select_items_take_aggregates() {
        let q = parse_query("select=symbol,close.max(),n:count(),hi:close.max(),volume.sum()").unwrap();
        let items = q.select.unwrap();
        let agg = |column: &str, alias: Option<&str>, a| SelectItem {
            column: column.into(),
            alias: alias.map(Into::into),
            cast: None,
            aggregate: Some(a),
        };
        assert_eq!(items[0].aggregate, None);
        assert_eq!(items[1], agg("close", None, Aggregate::Max));
        assert_eq!(items[2], agg("*", Some("n"), Aggregate::Count));
        assert_eq!(items[3], agg("close", Some("hi"), Aggregate::Max));
        assert_eq!(items[4], agg("volume", None, Aggregate::Sum));
    }

    #[test]
    fn top_level_filters_keep_their_value_verbatim() {
        let q = parse_query("select=id%2Cx:close&symbol=eq.%22BTC%22&ts=gte.2024-01-01T00%3A00%3A00&note=not.is.null&n=like.a*b").unwrap();
        assert_eq!(q.select.unwrap()[1], SelectItem { column: "close".into(), alias: Some("x".into()), cast: None, aggregate: None });
        assert_eq!(q.filters[0], leaf("symbol", Op::Eq, "\"BTC\""));
        assert_eq!(q.filters[1], leaf("ts", Op::Gte, "2024-01-01T00:00:00"));
        assert_eq!(
            q.filters[2],
            Cond::Not(Box::new(Cond::Leaf { column: "note".into(), op: Op::Is, operand: Operand::Word("null".into()) }))
        );
        assert_eq!(q.filters[3], leaf("n", Op::Like, "a%b"));
    }

    #[test]
    fn trees_lists_and_quotes() {
        let q = parse_query("or=(a.eq.%22x%2Cy%22,not.and(b.in.(1,%22q%5C%22z%22,null),c.not.lt.3))&plus=eq.a+b%2Bc").unwrap();
        let expected = Cond::Or(vec![
            leaf("a", Op::Eq, "x,y"),
            Cond::Not(Box::new(Cond::And(vec![
                Cond::Leaf { column: "b".into(), op: Op::In, operand: Operand::List(vec!["1".into(), "q\"z".into(), "null".into()]) },
                Cond::Not(Box::new(leaf("c", Op::Lt, "3"))),
            ]))),
        ]);
        assert_eq!(q.filters[0], expected);
        assert_eq!(q.filters[1], leaf("plus", Op::Eq, "a b+c"), "`+` is a space, `%2B` a plus");
    }

    #[test]
    fn order_limit_offset_and_write_params() {
        let q =
            parse_query("order=ts.desc.nullslast,%22odd.name%22.asc&limit=10&offset=5&on_conflict=symbol,ts&columns=%22a%22,b").unwrap();
        assert_eq!(q.order[0], OrderItem { column: "ts".into(), desc: true, nulls_first: Some(false) });
        assert_eq!(q.order[1], OrderItem { column: "odd.name".into(), desc: false, nulls_first: None });
        assert_eq!((q.limit, q.offset), (Some(10), Some(5)));
        assert_eq!(q.on_conflict.unwrap(), ["symbol", "ts"]);
        assert_eq!(q.columns.unwrap(), ["a", "b"]);
    }

    #[test]
    fn malformed_input_is_pgrst100() {
        for bad in ["x=eq", "x=foo.1", "or=(a.eq.1", "limit=-1", "x=in.1,2", "x=is.maybe", "order=ts.sideways"] {
            let err = parse_query(bad).unwrap_err();
            assert_eq!((err.status, err.code.as_str()), (400, "PGRST100"), "{bad}");
        }
    }

    fn one(raw: &str) -> Cond {
        let q = parse_query(raw).unwrap_or_else(|e| panic!("{raw}: {e:?}"));
        assert_eq!(q.filters.len(), 1, "{raw}");
        q.filters[0].clone()
    }

    fn list(column: &str, items: &[&str]) -> Cond {
        Cond::Leaf { column: column.into(), op: Op::In, operand: Operand::List(items.iter().map(|s| s.to_string()).collect()) }
    }

    fn rejected(raw: &str) {
        let err = parse_query(raw).expect_err(raw);
        assert_eq!((err.status, err.code.as_str()), (400, "PGRST100"), "{raw}");
    }

    /// The doctests of `pRequestFilter`, `pOpExpr`, `pLogicTree`, `pOrder` and `pFieldSelect` in
    /// PostgREST's `QueryParams.hs` (the ones within what the stand-in reads).
    #[test]
    fn postgrest_doctest_cases() {
        assert_eq!(one("id=eq.1"), leaf("id", Op::Eq, "1"));
        for bad in ["id=val", "a=noop.0", "id=fts().value", "id=eq().value", "id=is().value", "id=in().value"] {
            rejected(bad);
        }
        // Parsed by PostgREST, not run by the stand-in: still a 400 here, saying so.
        assert!(parse_query("id=eq(any).value").unwrap_err().message.contains("does not run"));
        assert!(parse_query("id=not.eq(all).value").unwrap_err().message.contains("does not run"));
        for bad in
            ["or=()", "or=(id.in.1,2,id.eq.3)", "or=)(", "and=(ord(id.eq.1,id.eq.1),id.eq.2)", "or=(id.eq.1,not.xor(id.eq.2,id.eq.3))"]
        {
            rejected(bad);
        }
        assert_eq!(
            parse_query("order=name.desc.nullsfirst").unwrap().order[0],
            OrderItem { column: "name".into(), desc: true, nulls_first: Some(true) }
        );
        for bad in [
            "id.ac",
            "id.descc",
            "id.nulsfist",
            "id.nullslasttt",
            "id.smth34",
            "id.asc.nlsfst",
            "id.asc.nullslasttt",
            "id.asc.smth34",
            "clients(name,id)",
        ] {
            rejected(&format!("order={bad}"));
        }
        assert!(parse_query("order=name,clients(name),id").unwrap_err().message.contains("does not run"));
        let q = parse_query("select=alias:name,*,plain").unwrap();
        assert_eq!(
            q.select.unwrap(),
            [
                SelectItem { column: "name".into(), alias: Some("alias".into()), cast: None, aggregate: None },
                SelectItem { column: "*".into(), alias: None, cast: None, aggregate: None },
                SelectItem { column: "plain".into(), alias: None, cast: None, aggregate: None },
            ]
        );
        for bad in ["name!hint", "name::"] {
            rejected(&format!("select={bad}"));
        }
        // `pFieldSelect` fails on `*!hint` without consuming (its `*` branch is a `try`), so the
        // forest's `sepBy` reads an empty list: every column.
        assert_eq!(parse_query("select=*!hint").unwrap().select, None);
    }

    /// `pListVal`/`pListElement`: no NULL element, `()` and `("")` are both `[""]` (the empty list
    /// in the server's SQL), blanks after `(` are dropped, a quote must close the element.
    #[test]
    fn in_lists_as_postgrest_reads_them() {
        assert_eq!(one("x=in.()"), list("x", &[""]));
        assert_eq!(one("x=in.(%22%22)"), list("x", &[""]));
        assert_eq!(one("x=in.(%22%22,%22%22)"), list("x", &["", ""]));
        assert_eq!(one("x=in.(a,null)"), list("x", &["a", "null"]), "null is the text null");
        assert_eq!(one("x=in.(%20a%20,b)"), list("x", &["a ", "b"]));
        assert_eq!(one("x=in.(%22a%22b,c)"), list("x", &["\"a\"b", "c"]));
        assert_eq!(one("x=in.(%22a,b%22,c%5C)"), list("x", &["a,b", "c\\"]));
        assert_eq!(one("x=in.(a)trailing"), list("x", &["a"]), "text after the list is ignored");
        let is = |w: &str| Cond::Leaf { column: "x".into(), op: Op::Is, operand: Operand::Word(w.into()) };
        assert_eq!(one("x=is.NuLl"), is("null"));
        assert_eq!(one("x=is.not_null"), is("not_null"));
    }

    /// Names the server reads differently than a Rust `is_alphanumeric` check would.
    #[test]
    fn names_as_postgrest_reads_them() {
        assert_eq!(one("x%C2%B2=eq.1"), leaf("x", Op::Eq, "1"), "x² is read as x");
        assert_eq!(one("%22x%C2%B2%22=eq.1"), leaf("x²", Op::Eq, "1"));
        assert_eq!(one("a%20-%20b=eq.1"), leaf("a-b", Op::Eq, "1"));
        for bad in ["-a=eq.1", "a-=eq.1", "a--b=eq.1", "%E2%85%AB=eq.1"] {
            rejected(bad);
        }
        let q = parse_query("on_conflict=x%C2%B2,id&columns=%22x%C2%B2%22,id").unwrap();
        assert_eq!(q.on_conflict.unwrap(), ["x"], "the rest after x² is ignored");
        assert_eq!(q.columns.unwrap(), ["x²", "id"]);
        assert_eq!(parse_query("select=%E2%85%AB,id").unwrap().select, None, "Ⅻ reads as no list: every column");
        rejected("select=x%C2%B2,id");
        assert_eq!(parse_query("select=%22%E2%85%AB%22,id").unwrap().select.unwrap()[0].column, "Ⅻ");
        assert_eq!(one("%22limit%22=eq.1"), leaf("limit", Op::Eq, "1"), "a quoted reserved word is a column");
        assert!(parse_query("a.b=eq.1").unwrap_err().message.contains("does not run"), "embedding path");
    }

    #[test]
    fn tree_values_quoted_arrays_and_separators() {
        assert_eq!(one("or=(a.eq.%22x,y%22,b.eq.%7B1,2%7D)"), Cond::Or(vec![leaf("a", Op::Eq, "x,y"), leaf("b", Op::Eq, "{1,2}")]));
        assert_eq!(one("or=(a.eq.%22a%22b,b.eq.1)"), Cond::Or(vec![leaf("a", Op::Eq, "\"a\"b"), leaf("b", Op::Eq, "1")]));
        assert_eq!(one("or=(a.eq.)"), Cond::Or(vec![leaf("a", Op::Eq, "")]));
        assert_eq!(parse_query("a=eq.1;b=eq.2").unwrap().filters.len(), 2, "`;` separates parameters too");
        assert_eq!(
            one("not.or=(a.eq.1,%22or%22.eq.2)"),
            Cond::Not(Box::new(Cond::Or(vec![leaf("a", Op::Eq, "1"), leaf("or", Op::Eq, "2")])))
        );
    }
}
