//! Filters as `QueryParams.hs` reads them: `pOpExpr` (`[not.]op.value`), `pListVal` (`in.(…)`)
//! and `pLogicTree` (`and(…)`/`or(…)` trees), with its exact alternatives and backtracking.

use super::parsec::{field_name, json_arrow_follows, quoted_value, Cursor, PResult};
use super::{Cond, Op, Operand};

/// Which value grammar follows the operator.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// `pSingleVal`: the rest of the parameter, verbatim (top-level filters).
    Single,
    /// `pLogicSingleVal`: a quoted value, a `{…}` array, or text up to `,` or `)` (trees).
    Logic,
}

/// An operator the server knows, recognised but not run by the stand-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

/// What `pOpExpr` read.
pub enum OpRead {
    /// A filter the stand-in runs.
    Cond(Cond),
    /// An operator PostgREST has that the stand-in does not run.
    Unsupported(Unsupported),
}

fn single_val(c: &mut Cursor, kind: ValueKind) -> PResult<String> {
    match kind {
        ValueKind::Single => {
            let rest = c.rest();
            c.pos += rest.chars().count();
            Ok(rest)
        }
        ValueKind::Logic => c.or(
            |c| {
                c.attempt(|c| {
                    let v = quoted_value(c)?;
                    match c.peek() {
                        Some(ch) if ch != ',' && ch != ')' => c.fail(),
                        _ => Ok(v),
                    }
                })
            },
            |c| {
                c.or(
                    |c| {
                        c.attempt(|c| {
                            c.char('{')?;
                            let inner = c.many_none_of("{}");
                            c.char('}')?;
                            Ok(format!("{{{inner}}}"))
                        })
                    },
                    |c| Ok(c.many_none_of(",)")),
                )
            },
        ),
    }
}

/// `pListElement`.
fn list_element(c: &mut Cursor) -> PResult<String> {
    c.or(
        |c| {
            c.attempt(|c| {
                let v = quoted_value(c)?;
                match c.peek() {
                    Some(ch) if ch != ',' && ch != ')' => c.fail(),
                    _ => Ok(v),
                }
            })
        },
        |c| Ok(c.many_none_of(",)")),
    )
}

/// `pListVal`: `(e,e,…)` with optional blanks around the parentheses. `()` reads as `[""]`,
/// which the server's SQL treats as the empty list.
fn list_val(c: &mut Cursor) -> PResult<Vec<String>> {
    c.ws();
    c.char('(')?;
    c.ws();
    let mut items = vec![list_element(c)?];
    while c.peek() == Some(',') {
        c.pos += 1;
        items.push(list_element(c)?);
    }
    c.ws();
    c.char(')')?;
    c.ws();
    Ok(items)
}

/// `pIsVal`, case-insensitive per character as `ciString` is.
fn is_val(c: &mut Cursor) -> PResult<&'static str> {
    for word in ["null", "not_null", "true", "false", "unknown"] {
        let r = c.attempt(|c| {
            for ch in word.chars() {
                c.satisfy(|x| x == ch || x == ch.to_ascii_uppercase())?;
            }
            Ok(())
        });
        if r.is_ok() {
            return Ok(word);
        }
    }
    c.fail()
}

const SIMPLE: &[&str] = &["neq", "cs", "cd", "ov", "sl", "sr", "nxr", "nxl", "adj"];
const QUANT: &[&str] = &["eq", "gte", "gt", "lte", "lt", "like", "ilike", "match", "imatch"];
const FTS: &[&str] = &["fts", "plfts", "phfts", "wfts"];

fn op_of(name: &str) -> Option<Op> {
    Some(match name {
        "eq" => Op::Eq,
        "neq" => Op::Neq,
        "gt" => Op::Gt,
        "gte" => Op::Gte,
        "lt" => Op::Lt,
        "lte" => Op::Lte,
        "like" => Op::Like,
        "ilike" => Op::ILike,
        _ => return None,
    })
}

/// The first of `names` that the input starts with, each tried with `try`.
fn keyword(c: &mut Cursor, names: &[&'static str]) -> PResult<&'static str> {
    for n in names {
        if c.attempt(|c| c.string(n)).is_ok() {
            return Ok(n);
        }
    }
    c.fail()
}

/// `pOpExpr`: `[not.]` then `in`, `is`, `isdistinct`, full-text, simple or quantified operators.
pub fn op_expr(c: &mut Cursor, column: &str, kind: ValueKind) -> PResult<OpRead> {
    let negated = c.attempt(|c| c.string("not.")).is_ok();
    let leaf = |op, operand| {
        let l = Cond::Leaf { column: column.to_owned(), op, operand };
        OpRead::Cond(if negated { Cond::Not(Box::new(l)) } else { l })
    };
    let start = c.pos;
    if c.attempt(|c| c.string("in.")).is_ok() {
        return Ok(leaf(Op::In, Operand::List(list_val(c)?)));
    }
    if c.attempt(|c| c.string("is.")).is_ok() {
        return Ok(leaf(Op::Is, Operand::Word(is_val(c)?.to_owned())));
    }
    if c.attempt(|c| c.string("isdistinct.")).is_ok() {
        single_val(c, kind)?;
        return Ok(OpRead::Unsupported(Unsupported("isdistinct".into())));
    }
    let fts = c.attempt(|c| {
        let op = keyword(c, FTS)?;
        c.optional(|c| {
            c.attempt(|c| {
                c.char('(')?;
                super::parsec::identifier(c)?;
                c.char(')')
            })
        })?;
        c.char('.')?;
        single_val(c, kind)?;
        Ok(op)
    });
    if let Ok(op) = fts {
        return Ok(OpRead::Unsupported(Unsupported(op.into())));
    }
    let simple = c.attempt(|c| {
        let op = keyword(c, SIMPLE)?;
        c.char('.')?;
        Ok((op, single_val(c, kind)?))
    });
    if let Ok((op, v)) = simple {
        return Ok(match op_of(op) {
            Some(o) => leaf(o, Operand::Text(v)),
            None => OpRead::Unsupported(Unsupported(op.into())),
        });
    }
    let quant = c.attempt(|c| {
        let op = keyword(c, QUANT)?;
        let q = c.optional(|c| {
            c.attempt(|c| {
                c.char('(')?;
                let q = keyword(c, &["any", "all"])?;
                c.char(')')?;
                Ok(q)
            })
        })?;
        c.char('.')?;
        Ok((op, q, single_val(c, kind)?))
    });
    match quant {
        Ok((op, None, v)) => Ok(match (op_of(op), op) {
            (Some(o @ (Op::Like | Op::ILike)), _) => leaf(o, Operand::Text(v.replace('*', "%"))),
            (Some(o), _) => leaf(o, Operand::Text(v)),
            (None, name) => OpRead::Unsupported(Unsupported(name.into())),
        }),
        Ok((op, Some(q), _)) => Ok(OpRead::Unsupported(Unsupported(format!("{op}({q})")))),
        Err(_) => {
            c.pos = start;
            c.fail()
        }
    }
}

/// What `pLogicTree` read: a condition, or an operator the stand-in does not run.
pub type TreeRead = Result<Cond, Unsupported>;

/// `pLogicTree`: a filter `field.[not.]op.value`, or `[not.]and(…)`/`[not.]or(…)`.
pub fn logic_tree(c: &mut Cursor) -> PResult<TreeRead> {
    let filter = c.attempt(|c| {
        c.ws();
        let name = field_name(c)?;
        if json_arrow_follows(c) {
            return Ok(Err(Unsupported("JSON paths".into())));
        }
        c.ws();
        c.char('.')?;
        Ok(match op_expr(c, &name, ValueKind::Logic)? {
            OpRead::Cond(cond) => Ok(cond),
            OpRead::Unsupported(u) => Err(u),
        })
    });
    if let Ok(read) = filter {
        return Ok(read);
    }
    let negated = c.attempt(|c| c.string("not.")).is_ok();
    let and = c.or(|c| c.attempt(|c| c.string("and")).map(|_| true), |c| c.string("or").map(|_| false))?;
    c.ws();
    c.char('(')?;
    c.ws();
    let mut items = vec![logic_tree(c)?];
    loop {
        c.ws();
        if c.peek() != Some(',') {
            break;
        }
        c.pos += 1;
        c.ws();
        items.push(logic_tree(c)?);
    }
    c.ws();
    c.char(')')?;
    c.ws();
    let items = match items.into_iter().collect::<Result<Vec<_>, _>>() {
        Ok(items) => items,
        Err(u) => return Ok(Err(u)),
    };
    let tree = if and { Cond::And(items) } else { Cond::Or(items) };
    Ok(Ok(if negated { Cond::Not(Box::new(tree)) } else { tree }))
}
