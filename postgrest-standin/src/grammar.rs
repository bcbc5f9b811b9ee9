//! The query-string grammar of PostgREST's `QueryParams.hs`, for what Athanor sends: the select
//! list, filters (`col=[not.]op.value`), `and`/`or` trees, `order`, `limit`, `offset`,
//! `on_conflict` and `columns`.

use crate::error::ApiError;
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

impl Op {
    fn parse(s: &str) -> Result<Op, ApiError> {
        Ok(match s {
            "eq" => Op::Eq,
            "neq" => Op::Neq,
            "gt" => Op::Gt,
            "gte" => Op::Gte,
            "lt" => Op::Lt,
            "lte" => Op::Lte,
            "like" => Op::Like,
            "ilike" => Op::ILike,
            "in" => Op::In,
            "is" => Op::Is,
            other => return Err(ApiError::parse(format!("unknown or unsupported operator \"{other}\""))),
        })
    }
}

/// The right-hand side of a filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// One value, as text.
    Text(String),
    /// An `in` list; `None` is the word `null`.
    List(Vec<Option<String>>),
    /// `null`, `true`, `false` or `unknown` after `is`.
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

/// Splits `s` at `sep` outside double quotes and parentheses.
fn split_top(s: &str, sep: char) -> Result<Vec<&str>, ApiError> {
    let (mut parts, mut depth, mut quoted, mut escaped, mut start) = (Vec::new(), 0i32, false, false, 0);
    for (i, c) in s.char_indices() {
        match (quoted, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => quoted = false,
            (true, false, _) => {}
            (false, _, '"') => quoted = true,
            (false, _, '(') => depth += 1,
            (false, _, ')') => depth -= 1,
            (false, _, c) if c == sep && depth == 0 => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
        if depth < 0 {
            return Err(ApiError::parse(format!("unbalanced parentheses in \"{s}\"")));
        }
    }
    if quoted || depth != 0 {
        return Err(ApiError::parse(format!("unterminated quote or parenthesis in \"{s}\"")));
    }
    parts.push(&s[start..]);
    Ok(parts)
}

/// A value that may be double-quoted, with `\` escaping the next character inside quotes.
fn unquote(s: &str) -> String {
    match s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => {
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                out.push(if c == '\\' { chars.next().unwrap_or('\\') } else { c });
            }
            out
        }
        None => s.to_owned(),
    }
}

/// Splits a leading name (possibly quoted) from the rest at the first `.` after it.
fn split_name(s: &str) -> Result<(String, &str), ApiError> {
    if s.starts_with('"') {
        let mut escaped = false;
        for (i, c) in s.char_indices().skip(1) {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => {
                    let rest = s[i + 1..].strip_prefix('.').ok_or_else(|| ApiError::parse(format!("expected `.` after {}", &s[..=i])))?;
                    return Ok((unquote(&s[..=i]), rest));
                }
                _ => {}
            }
        }
        return Err(ApiError::parse(format!("unterminated quoted name in \"{s}\"")));
    }
    let (name, rest) = s.split_once('.').ok_or_else(|| ApiError::parse(format!("\"{s}\" is not `column.operator.value`")))?;
    Ok((name.to_owned(), rest))
}

/// `[not.]op.value`; values inside logic trees may be quoted.
fn op_value(column: String, s: &str, in_tree: bool) -> Result<Cond, ApiError> {
    let (negated, s) = match s.strip_prefix("not.") {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (op, value) = s.split_once('.').ok_or_else(|| ApiError::parse(format!("\"{s}\" is not `operator.value`")))?;
    let op = Op::parse(op)?;
    let operand = match op {
        Op::In => {
            let inner = value
                .strip_prefix('(')
                .and_then(|v| v.strip_suffix(')'))
                .ok_or_else(|| ApiError::parse(format!("`in` takes a parenthesised list, not \"{value}\"")))?;
            let items = if inner.is_empty() { Vec::new() } else { split_top(inner, ',')? };
            Operand::List(items.into_iter().map(|i| if i == "null" { None } else { Some(unquote(i)) }).collect())
        }
        Op::Is => match value {
            "null" | "true" | "false" | "unknown" => Operand::Word(value.to_owned()),
            other => return Err(ApiError::parse(format!("`is` takes null, true, false or unknown, not \"{other}\""))),
        },
        Op::Like | Op::ILike => {
            let v = if in_tree { unquote(value) } else { value.to_owned() };
            Operand::Text(v.replace('*', "%"))
        }
        _ => Operand::Text(if in_tree { unquote(value) } else { value.to_owned() }),
    };
    let leaf = Cond::Leaf { column, op, operand };
    Ok(if negated { Cond::Not(Box::new(leaf)) } else { leaf })
}

/// `(item,item,…)` of an `and`/`or` tree.
fn tree(name: &str, body: &str) -> Result<Cond, ApiError> {
    let inner = body
        .strip_prefix('(')
        .and_then(|b| b.strip_suffix(')'))
        .ok_or_else(|| ApiError::parse(format!("`{name}` takes a parenthesised list, not \"{body}\"")))?;
    let items = split_top(inner, ',')?.into_iter().map(tree_item).collect::<Result<Vec<_>, _>>()?;
    Ok(if name == "and" { Cond::And(items) } else { Cond::Or(items) })
}

fn tree_item(s: &str) -> Result<Cond, ApiError> {
    let (negated, body) = match s.strip_prefix("not.") {
        Some(rest) if rest.starts_with("and(") || rest.starts_with("or(") => (true, rest),
        _ => (false, s),
    };
    for name in ["and", "or"] {
        if let Some(rest) = body.strip_prefix(name).filter(|r| r.starts_with('(')) {
            let t = tree(name, rest)?;
            return Ok(if negated { Cond::Not(Box::new(t)) } else { t });
        }
    }
    let (column, rest) = split_name(s)?;
    op_value(column, rest, true)
}

/// A comma-separated list of possibly quoted names.
fn names(s: &str) -> Result<Vec<String>, ApiError> {
    Ok(split_top(s, ',')?.into_iter().map(|n| unquote(n.trim())).collect())
}

fn number(key: &str, v: &str) -> Result<u64, ApiError> {
    v.parse().map_err(|_| ApiError::parse(format!("`{key}` must be a non-negative integer, not \"{v}\"")))
}

fn select_item(s: &str) -> Result<SelectItem, ApiError> {
    let parts = split_top(s, ':')?;
    match parts.as_slice() {
        [c] => Ok(SelectItem { column: unquote(c), alias: None }),
        [a, c] => Ok(SelectItem { column: unquote(c), alias: Some(unquote(a)) }),
        _ => Err(ApiError::parse(format!("unsupported select item \"{s}\" (casts and embedding are not in the stand-in)"))),
    }
}

fn order_item(s: &str) -> Result<OrderItem, ApiError> {
    let (column, rest) = if s.starts_with('"') {
        let padded = format!("{s}.");
        let (c, r) = split_name(&padded)?;
        (c, r.trim_end_matches('.').to_owned())
    } else {
        match s.split_once('.') {
            Some((c, r)) => (c.to_owned(), r.to_owned()),
            None => (s.to_owned(), String::new()),
        }
    };
    let mut item = OrderItem { column, desc: false, nulls_first: None };
    for word in rest.split('.').filter(|w| !w.is_empty()) {
        match word {
            "asc" => item.desc = false,
            "desc" => item.desc = true,
            "nullsfirst" => item.nulls_first = Some(true),
            "nullslast" => item.nulls_first = Some(false),
            other => return Err(ApiError::parse(format!("unknown order modifier \"{other}\""))),
        }
    }
    Ok(item)
}

/// Reads a raw (still percent-encoded) query string.
pub fn parse_query(raw: &str) -> Result<Query, ApiError> {
    let mut q = Query::default();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (key, value) = (decode(k)?, decode(v)?);
        match key.as_str() {
            "select" => q.select = Some(split_top(&value, ',')?.into_iter().map(select_item).collect::<Result<_, _>>()?),
            "order" => q.order = split_top(&value, ',')?.into_iter().map(order_item).collect::<Result<_, _>>()?,
            "limit" => q.limit = Some(number("limit", &value)?),
            "offset" => q.offset = Some(number("offset", &value)?),
            "on_conflict" => q.on_conflict = Some(names(&value)?),
            "columns" => q.columns = Some(names(&value)?),
            "and" | "or" => q.filters.push(tree(&key, &value)?),
            "not.and" | "not.or" => q.filters.push(Cond::Not(Box::new(tree(&key[4..], &value)?))),
            _ => q.filters.push(op_value(unquote(&key), &value, false)?),
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
    fn top_level_filters_keep_their_value_verbatim() {
        let q = parse_query("select=id%2Cx:close&symbol=eq.%22BTC%22&ts=gte.2024-01-01T00%3A00%3A00&note=not.is.null&n=like.a*b").unwrap();
        assert_eq!(q.select.unwrap()[1], SelectItem { column: "close".into(), alias: Some("x".into()) });
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
                Cond::Leaf { column: "b".into(), op: Op::In, operand: Operand::List(vec![Some("1".into()), Some("q\"z".into()), None]) },
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
}
