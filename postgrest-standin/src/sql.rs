//! A read query string plus method and body → one SQL statement with bound parameters, the way
//! PostgREST builds its queries: rows are aggregated by `json_agg` on the server, writes go
//! through `json_populate_record(set)` so PostgreSQL converts every JSON value to the column type.

use crate::catalog::TableInfo;
use crate::error::ApiError;
use crate::grammar::{Aggregate, Cond, Op, Operand, OrderItem, Query, SelectItem};
use crate::quote_ident;

/// A bound parameter.
#[derive(Debug, Clone)]
pub enum Param {
    /// Text, cast by the SQL to the column's type.
    Text(String),
    /// A `text[]`, cast to the column's array type.
    List(Vec<Option<String>>),
}

/// One SQL statement and its parameters. Every statement returns one row:
/// `(json_agg of the rows as text, number of rows)`.
#[derive(Debug, Clone)]
pub struct Sql {
    /// The statement, with `$n` placeholders.
    pub text: String,
    /// The parameters, in placeholder order.
    pub params: Vec<Param>,
}

/// How an insert treats a row whose conflict target already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Plain insert: a duplicate is an error.
    Error,
    /// `resolution=merge-duplicates`: overwrite the sent columns.
    Merge,
    /// `resolution=ignore-duplicates`: keep the existing row.
    Ignore,
}

struct Builder<'a> {
    table: &'a TableInfo,
    params: Vec<Param>,
}

impl Builder<'_> {
    fn bind(&mut self, p: Param) -> String {
        self.params.push(p);
        format!("${}", self.params.len())
    }

    fn column(&self, name: &str) -> Result<String, ApiError> {
        self.table.type_of(name)?;
        Ok(quote_ident(name))
    }

    fn cond(&mut self, c: &Cond) -> Result<String, ApiError> {
        let joined = |b: &mut Self, items: &[Cond], word: &str, empty: &str| -> Result<String, ApiError> {
            if items.is_empty() {
                return Ok(empty.to_owned());
            }
            let parts = items.iter().map(|i| b.cond(i)).collect::<Result<Vec<_>, _>>()?;
            Ok(format!("({})", parts.join(word)))
        };
        match c {
            Cond::And(items) => joined(self, items, " AND ", "TRUE"),
            Cond::Or(items) => joined(self, items, " OR ", "FALSE"),
            Cond::Not(inner) => Ok(format!("NOT ({})", self.cond(inner)?)),
            Cond::Leaf { column, op, operand } => {
                let ty = self.table.type_of(column)?.to_owned();
                let col = quote_ident(column);
                let sql_op = match op {
                    Op::Eq => "=",
                    Op::Neq => "<>",
                    Op::Gt => ">",
                    Op::Gte => ">=",
                    Op::Lt => "<",
                    Op::Lte => "<=",
                    Op::Like => "LIKE",
                    Op::ILike => "ILIKE",
                    Op::In | Op::Is => "",
                };
                match (op, operand) {
                    (Op::Like | Op::ILike, Operand::Text(v)) => Ok(format!("{col}::text {sql_op} {}", self.bind(Param::Text(v.clone())))),
                    // As PostgREST's `pgFmtFilter`: `[""]` (what `in.()` reads as) is the empty list.
                    (Op::In, Operand::List(items)) if items.len() == 1 && items[0].is_empty() => Ok(format!("{col} = ANY('{{}}')")),
                    (Op::In, Operand::List(items)) => {
                        let list = items.iter().map(|i| Some(i.clone())).collect();
                        Ok(format!("{col} = ANY(CAST({} AS {ty}[]))", self.bind(Param::List(list))))
                    }
                    (Op::Is, Operand::Word(w)) => {
                        Ok(format!("{col} IS {}", if w == "not_null" { "NOT NULL".into() } else { w.to_uppercase() }))
                    }
                    (_, Operand::Text(v)) => Ok(format!("{col} {sql_op} CAST({} AS {ty})", self.bind(Param::Text(v.clone())))),
                    _ => Err(ApiError::parse(format!("operator {op:?} does not take {operand:?}"))),
                }
            }
        }
    }

    fn where_clause(&mut self, filters: &[Cond]) -> Result<String, ApiError> {
        if filters.is_empty() {
            return Ok(String::new());
        }
        Ok(format!(" WHERE {}", self.cond(&Cond::And(filters.to_vec()))?))
    }

    fn select_list(&self, items: Option<&[SelectItem]>) -> Result<String, ApiError> {
        let Some(items) = items else { return Ok("*".into()) };
        let mut out = Vec::with_capacity(items.len());
        for i in items {
            if let Some(agg) = i.aggregate {
                out.push(self.aggregate(i, agg)?);
                continue;
            }
            if i.column == "*" {
                out.push("*".to_owned());
                continue;
            }
            let col = self.column(&i.column)?;
            out.push(match (&i.alias, &i.cast) {
                (Some(a), None) => format!("{col} AS {}", quote_ident(a)),
                (None, None) => col,
                // A cast column keeps the column's name unless aliased, as PostgREST names it.
                (alias, Some(ty)) => format!("CAST({col} AS {}) AS {}", cast_type(ty)?, quote_ident(alias.as_ref().unwrap_or(&i.column))),
            });
        }
        Ok(out.join(", "))
    }

    /// `sum("col") AS "sum"`: an aggregate is named after its function unless aliased.
    fn aggregate(&self, i: &SelectItem, agg: Aggregate) -> Result<String, ApiError> {
        let name = match agg {
            Aggregate::Count => "count",
            Aggregate::Sum => "sum",
            Aggregate::Avg => "avg",
            Aggregate::Min => "min",
            Aggregate::Max => "max",
        };
        let arg = if i.column == "*" { "*".to_owned() } else { self.column(&i.column)? };
        Ok(format!("{name}({arg}) AS {}", quote_ident(i.alias.as_deref().unwrap_or(name))))
    }

    /// ` GROUP BY` every plain column of a list that has an aggregate (PostgREST's implicit grouping).
    fn group_by(&self, items: Option<&[SelectItem]>) -> Result<String, ApiError> {
        let Some(items) = items.filter(|items| items.iter().any(|i| i.aggregate.is_some())) else { return Ok(String::new()) };
        let plain = items.iter().filter(|i| i.aggregate.is_none()).map(|i| self.column(&i.column)).collect::<Result<Vec<_>, _>>()?;
        Ok(if plain.is_empty() { String::new() } else { format!(" GROUP BY {}", plain.join(", ")) })
    }

    fn order_by(&self, order: &[OrderItem]) -> Result<String, ApiError> {
        if order.is_empty() {
            return Ok(String::new());
        }
        let mut out = Vec::with_capacity(order.len());
        for o in order {
            let nulls = match o.nulls_first {
                Some(true) => " NULLS FIRST",
                Some(false) => " NULLS LAST",
                None => "",
            };
            out.push(format!("{} {}{nulls}", self.column(&o.column)?, if o.desc { "DESC" } else { "ASC" }));
        }
        Ok(format!(" ORDER BY {}", out.join(", ")))
    }

    /// Wraps a data-modifying statement with `RETURNING *` into the aggregate row.
    fn returning(&self, write: String, q: &Query) -> Result<String, ApiError> {
        if q.select.iter().flatten().any(|i| i.aggregate.is_some()) {
            return Err(ApiError::parse("the stand-in does not aggregate the rows of a write"));
        }
        let list = self.select_list(q.select.as_deref())?;
        Ok(format!("WITH _w AS ({write} RETURNING *) SELECT coalesce(json_agg(_r), '[]')::text, count(*) FROM (SELECT {list} FROM _w) _r"))
    }
}

/// A select-list cast's type: PostgREST pastes the name into the SQL; the stand-in takes only
/// these built-in names (anything else is a 400, not SQL).
fn cast_type(ty: &str) -> Result<&'static str, ApiError> {
    const KNOWN: &[&str] = &[
        "text",
        "int2",
        "int4",
        "int8",
        "smallint",
        "integer",
        "bigint",
        "float4",
        "float8",
        "numeric",
        "date",
        "timestamp",
        "timestamptz",
        "bool",
        "boolean",
        "json",
        "jsonb",
        "uuid",
    ];
    KNOWN
        .iter()
        .copied()
        .find(|k| k.eq_ignore_ascii_case(ty))
        .ok_or_else(|| ApiError::parse(format!("the stand-in does not cast to {ty:?}")))
}

/// The rows of a GET/HEAD, and the statement counting every row the filters match.
pub fn select(table: &TableInfo, q: &Query) -> Result<(Sql, Sql), ApiError> {
    let mut b = Builder { table, params: Vec::new() };
    let filter = b.where_clause(&q.filters)?;
    let list = b.select_list(q.select.as_deref())?;
    let group = b.group_by(q.select.as_deref())?;
    let order = b.order_by(&q.order)?;
    let mut page = String::new();
    if let Some(l) = q.limit {
        page.push_str(&format!(" LIMIT {l}"));
    }
    if let Some(o) = q.offset {
        page.push_str(&format!(" OFFSET {o}"));
    }
    let qt = table.qualified();
    let rows = format!("SELECT coalesce(json_agg(_r), '[]')::text, count(*) FROM (SELECT {list} FROM {qt}{filter}{group}{order}{page}) _r");
    let count = format!("SELECT '[]', count(*) FROM {qt}{filter}");
    Ok((Sql { text: rows, params: b.params.clone() }, Sql { text: count, params: b.params }))
}

/// A POST of `body` (a JSON array of objects) into the columns `columns`.
pub fn insert(table: &TableInfo, q: &Query, columns: &[String], body: String, resolution: Resolution) -> Result<Sql, ApiError> {
    let mut b = Builder { table, params: Vec::new() };
    if columns.is_empty() {
        return Err(ApiError::new(400, "PGRST102", "an insert needs at least one column"));
    }
    let cols = columns.iter().map(|c| b.column(c)).collect::<Result<Vec<_>, _>>()?.join(", ");
    let qt = table.qualified();
    let json = b.bind(Param::Text(body));
    let mut write = format!("INSERT INTO {qt} ({cols}) SELECT {cols} FROM json_populate_recordset(NULL::{qt}, CAST({json} AS json))");
    if resolution != Resolution::Error {
        let target = q.on_conflict.clone().unwrap_or_else(|| table.primary_key.clone());
        if target.is_empty() {
            return Err(ApiError::new(400, "PGRST103", "no on_conflict target and the table has no primary key"));
        }
        let target = target.iter().map(|c| b.column(c)).collect::<Result<Vec<_>, _>>()?.join(", ");
        match resolution {
            Resolution::Merge => {
                let set = columns.iter().map(|c| format!("{0} = EXCLUDED.{0}", quote_ident(c))).collect::<Vec<_>>().join(", ");
                write.push_str(&format!(" ON CONFLICT ({target}) DO UPDATE SET {set}"));
            }
            _ => write.push_str(&format!(" ON CONFLICT ({target}) DO NOTHING")),
        }
    }
    let text = b.returning(write, q)?;
    Ok(Sql { text, params: b.params })
}

/// A PATCH setting `columns` from the JSON object `body` on the rows the filters match.
pub fn update(table: &TableInfo, q: &Query, columns: &[String], body: String) -> Result<Sql, ApiError> {
    let mut b = Builder { table, params: Vec::new() };
    if columns.is_empty() {
        return Err(ApiError::new(400, "PGRST102", "an update needs at least one column"));
    }
    let qt = table.qualified();
    let json = b.bind(Param::Text(body));
    let mut set = Vec::with_capacity(columns.len());
    for c in columns {
        let col = b.column(c)?;
        set.push(format!("{col} = (SELECT {col} FROM json_populate_record(NULL::{qt}, CAST({json} AS json)))"));
    }
    let filter = b.where_clause(&q.filters)?;
    let text = b.returning(format!("UPDATE {qt} SET {}{filter}", set.join(", ")), q)?;
    Ok(Sql { text, params: b.params })
}

/// A DELETE of the rows the filters match.
pub fn delete(table: &TableInfo, q: &Query) -> Result<Sql, ApiError> {
    let mut b = Builder { table, params: Vec::new() };
    let filter = b.where_clause(&q.filters)?;
    let text = b.returning(format!("DELETE FROM {}{filter}", table.qualified()), q)?;
    Ok(Sql { text, params: b.params })
}
