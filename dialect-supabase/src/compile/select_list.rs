//! The `select=` list: columns, renames (`alias:col`), casts (`col::text`) and aggregates
//! (`close.max()`, `count()`; PostgREST ≥ 12 with `db-aggregates-enabled`), with the key each
//! item has in the response objects.

use crate::encode::list_name;
use crate::DIALECT;
use athanor_core::ast::{AggFunc, CastType, Expr, Select};
use athanor_core::{Error, Result};

/// One item of the list: its request text and the key it has in each response object.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// `alias:name::type`, `name.max()`, `count()`.
    pub text: String,
    /// The response key: the alias, else the column's name, else the aggregate's name.
    pub key: String,
    /// An aggregate (PostgREST groups by every other item).
    pub aggregate: bool,
}

/// The PostgreSQL type name of a select-list cast (`col::text`). PostgREST reads the type as a
/// bare identifier (`pIdentifier`: letters, digits, `_`), so a type with modifiers
/// (`numeric(20,8)`) cannot be sent and is refused rather than cast to a different type.
fn cast_name(to: CastType) -> Result<&'static str> {
    Ok(match to {
        CastType::Text => "text",
        CastType::BigInt => "int8",
        CastType::Double => "float8",
        CastType::Date => "date",
        CastType::Timestamp => "timestamp",
        CastType::Decimal(..) => {
            return Err(Error::unsupported(DIALECT, "CAST to DECIMAL(p, s) (PostgREST casts take a type name without precision)"))
        }
    })
}

fn agg_name(func: AggFunc) -> Result<&'static str> {
    Ok(match func {
        AggFunc::Count => "count",
        AggFunc::Sum => "sum",
        AggFunc::Avg => "avg",
        AggFunc::Min => "min",
        AggFunc::Max => "max",
        AggFunc::CountDistinct => return Err(Error::unsupported(DIALECT, "COUNT(DISTINCT …) (PostgREST has no distinct aggregate)")),
    })
}

/// The request text (without alias) and the server's default key of one expression.
fn item(e: &Expr) -> Result<(String, String, bool)> {
    Ok(match e {
        Expr::Column(c) => (list_name(c), c.to_string(), false),
        Expr::Cast { expr, to, .. } => match expr.as_ref() {
            Expr::Column(c) => (format!("{}::{}", list_name(c), cast_name(*to)?), c.to_string(), false),
            _ => return Err(Error::unsupported(DIALECT, "CAST of an expression (PostgREST casts a column)")),
        },
        Expr::Agg { func, arg, .. } => {
            let name = agg_name(*func)?;
            match arg.as_deref() {
                None if *func == AggFunc::Count => ("count()".into(), name.into(), true),
                Some(Expr::Column(c)) => (format!("{}.{name}()", list_name(c)), name.into(), true),
                _ => return Err(Error::unsupported(DIALECT, "an aggregate of an expression (PostgREST aggregates a column)")),
            }
        }
        _ => return Err(Error::unsupported(DIALECT, "expressions in the select list (only columns, casts of columns and aggregates)")),
    })
}

/// The select list's items. An unaliased aggregate whose default key (`max`) an earlier item
/// already has is given the alias `max_2` (`_3`, …): the server would otherwise send two equal
/// keys in one object.
pub fn items(stmt: &Select) -> Result<Vec<Item>> {
    let mut out: Vec<Item> = Vec::with_capacity(stmt.columns.len());
    for it in &stmt.columns {
        let (text, default_key, aggregate) = item(&it.expr)?;
        let taken = |k: &str, out: &[Item]| out.iter().any(|i| i.key == k) || stmt.columns.iter().any(|c| c.alias.as_deref() == Some(k));
        let (alias, key) = match &it.alias {
            Some(a) => (Some(a.to_string()), a.to_string()),
            None if aggregate && taken(&default_key, &out) => {
                let fresh = (2..).map(|n| format!("{default_key}_{n}")).find(|k| !taken(k, &out)).expect("a free name");
                (Some(fresh.clone()), fresh)
            }
            None => (None, default_key),
        };
        let text = match alias {
            Some(a) => format!("{}:{text}", list_name(&a)),
            None => text,
        };
        out.push(Item { text, key, aggregate });
    }
    Ok(out)
}

/// `alias:column,…` for the select list, `*` when empty.
pub fn select_list(stmt: &Select) -> Result<String> {
    if stmt.columns.is_empty() {
        return Ok("*".into());
    }
    Ok(items(stmt)?.iter().map(|i| i.text.as_str()).collect::<Vec<_>>().join(","))
}

/// Checks a SELECT's grouping has PostgREST's form: with aggregates in the list the server
/// groups by every other item, so GROUP BY must name exactly the plain columns of the list; a
/// GROUP BY with no aggregate (which PostgREST would not group), HAVING and a count or exists of
/// an aggregate query are refused.
pub fn check_grouping(stmt: &Select, items: &[Item]) -> Result<()> {
    let aggregates = items.iter().any(|i| i.aggregate);
    if stmt.having.is_some() {
        return Err(Error::unsupported(DIALECT, "HAVING (PostgREST filters rows before aggregating)"));
    }
    if !aggregates {
        return match stmt.group_by.is_empty() {
            true => Ok(()),
            false => Err(Error::unsupported(
                DIALECT,
                "GROUP BY without an aggregate in the select list (PostgREST groups only around aggregates)",
            )),
        };
    }
    let mut grouped: Vec<&str> = Vec::new();
    for g in &stmt.group_by {
        match g {
            Expr::Column(c) => grouped.push(c),
            _ => return Err(Error::unsupported(DIALECT, "GROUP BY an expression (PostgREST groups by columns)")),
        }
    }
    let mut plain: Vec<&str> = Vec::new();
    for (it, item) in stmt.columns.iter().zip(items) {
        if !item.aggregate {
            match &it.expr {
                Expr::Column(c) => plain.push(c),
                _ => return Err(Error::unsupported(DIALECT, "a cast column beside aggregates (PostgREST would group by it)")),
            }
        }
    }
    let same = grouped.iter().all(|g| plain.contains(g)) && plain.iter().all(|p| grouped.contains(p));
    if !same {
        return Err(Error::unsupported(
            DIALECT,
            "GROUP BY other than the plain columns of the select list (PostgREST groups by exactly those)",
        ));
    }
    Ok(())
}
