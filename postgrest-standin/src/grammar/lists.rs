//! `select=`, `order=`, `columns=`/`on_conflict=` and filter keys as `QueryParams.hs` reads them
//! (`pFieldForest`, `pOrder`, `pColumns`, `pTreePath`).

use super::filter::Unsupported;
use super::parsec::{field_name, identifier, json_arrow_follows, Cursor, PResult};
use super::{Aggregate, OrderItem, SelectItem};

fn unsupported<T>(what: &str) -> PResult<Result<T, Unsupported>> {
    Ok(Err(Unsupported(what.into())))
}

/// `aliasSeparator`: `:` not followed by `:`.
fn alias(c: &mut Cursor) -> PResult<String> {
    c.attempt(|c| {
        let a = field_name(c)?;
        c.char(':')?;
        if c.peek() == Some(':') {
            return c.fail();
        }
        Ok(a)
    })
}

fn select_end(c: &mut Cursor) -> bool {
    c.at_end() || matches!(c.peek(), Some(',' | ')'))
}

/// One `pFieldTree`: a spread or embedded relation (refused), or `pFieldSelect`.
fn select_item(c: &mut Cursor) -> PResult<Result<SelectItem, Unsupported>> {
    if c.attempt(|c| {
        c.ws();
        c.string("...")
    })
    .is_ok()
    {
        return unsupported("spread relations");
    }
    let relation = c.attempt(|c| {
        c.ws();
        c.optional(alias)?;
        let name = field_name(c)?;
        // `pEmbedParams` (`!hint`, `!inner`) then a `(` ahead.
        while c.peek() == Some('!') {
            c.pos += 1;
            c.many_none_of("!(),");
        }
        if name == "count" || c.peek() != Some('(') {
            return c.fail();
        }
        Ok(())
    });
    if relation.is_ok() {
        return unsupported("embedded resources");
    }
    c.ws();
    let star = c.attempt(|c| {
        c.char('*')?;
        if select_end(c) {
            Ok(())
        } else {
            c.fail()
        }
    });
    if star.is_ok() {
        c.ws();
        return Ok(Ok(SelectItem { column: "*".into(), alias: None, cast: None, aggregate: None }));
    }
    // `[alias:]count()`: COUNT(*).
    if let Ok(alias) = c.attempt(|c| {
        let a = c.optional(alias)?;
        c.string("count()")?;
        Ok(a)
    }) {
        if c.looking_at(|c| c.string("::")) {
            return unsupported("casts of aggregates");
        }
        if !select_end(c) {
            return c.fail();
        }
        c.ws();
        return Ok(Ok(SelectItem { column: "*".into(), alias, cast: None, aggregate: Some(Aggregate::Count) }));
    }
    let alias = c.optional(alias)?;
    c.ws();
    let column = field_name(c)?;
    if json_arrow_follows(c) {
        return unsupported("JSON paths");
    }
    c.ws();
    // `::type` (`pIdentifier`); the SQL builder takes only the types it knows.
    let cast = c.optional(|c| {
        c.string("::")?;
        identifier(c)
    })?;
    // `.sum()` … (`pAggregation`), as PostgREST ≥ 12 reads it.
    let aggregate = c.optional(|c| {
        c.attempt(|c| {
            c.char('.')?;
            let name = identifier(c)?;
            c.string("()")?;
            Ok(name)
        })
    })?;
    let aggregate = match aggregate.as_deref() {
        None => None,
        Some("sum") => Some(Aggregate::Sum),
        Some("avg") => Some(Aggregate::Avg),
        Some("min") => Some(Aggregate::Min),
        Some("max") => Some(Aggregate::Max),
        Some("count") => Some(Aggregate::Count),
        Some(_) => return c.fail(),
    };
    if aggregate.is_some() && (cast.is_some() || c.looking_at(|c| c.string("::"))) {
        return unsupported("casts of aggregates");
    }
    if !select_end(c) {
        return c.fail();
    }
    c.ws();
    Ok(Ok(SelectItem { column, alias, cast, aggregate }))
}

/// `pFieldForest`: items separated by `,`; a first item that reads nothing gives an empty list
/// (and the rest of the parameter is ignored), as `sepBy` does.
pub fn select(s: &str) -> PResult<Result<Vec<SelectItem>, Unsupported>> {
    let mut c = Cursor::new(s);
    let mut items = Vec::new();
    let start = c.pos;
    match select_item(&mut c) {
        Ok(Ok(i)) => items.push(i),
        Ok(Err(u)) => return Ok(Err(u)),
        Err(f) if f.at == start => return Ok(Ok(items)),
        Err(f) => return Err(f),
    }
    loop {
        let before = c.pos;
        c.ws();
        if c.char(',').is_err() {
            c.pos = before;
            return Ok(Ok(items));
        }
        c.ws();
        match select_item(&mut c)? {
            Ok(i) => items.push(i),
            Err(u) => return Ok(Err(u)),
        }
    }
}

/// `pOrder`: `field[.asc|.desc][.nullsfirst|.nullslast]`, separated by `,`.
pub fn order(s: &str) -> PResult<Result<Vec<OrderItem>, Unsupported>> {
    let mut c = Cursor::new(s);
    let mut items = Vec::new();
    loop {
        c.ws();
        let column = field_name(&mut c)?;
        if json_arrow_follows(&mut c) {
            return unsupported("JSON paths");
        }
        c.ws();
        if c.peek() == Some('(') {
            return unsupported("ordering by an embedded resource");
        }
        let mut item = OrderItem { column, desc: false, nulls_first: None };
        if c.attempt(|c| c.string(".asc")).is_ok() {
        } else if c.attempt(|c| c.string(".desc")).is_ok() {
            item.desc = true;
        }
        if c.attempt(|c| c.string(".nullsfirst")).is_ok() {
            item.nulls_first = Some(true);
        } else if c.attempt(|c| c.string(".nullslast")).is_ok() {
            item.nulls_first = Some(false);
        }
        if !(c.at_end() || c.peek() == Some(',')) {
            return c.fail();
        }
        c.ws();
        items.push(item);
        if c.char(',').is_err() {
            return Ok(Ok(items));
        }
    }
}

/// `pColumns`: field names separated by `,` (text after the last name that reads is ignored).
pub fn columns(s: &str) -> PResult<Vec<String>> {
    let mut c = Cursor::new(s);
    let mut out = vec![field_name(&mut c)?];
    loop {
        let before = c.pos;
        c.ws();
        if c.char(',').is_err() {
            c.pos = before;
            return Ok(out);
        }
        c.ws();
        out.push(field_name(&mut c)?);
    }
}

/// `pTreePath` of a filter key: names separated by `.` (an embedding path, refused), then an
/// optional JSON path (refused). Text after what reads is ignored, as the server ignores it.
pub fn filter_key(s: &str) -> PResult<Result<String, Unsupported>> {
    let mut c = Cursor::new(s);
    let mut path = vec![field_name(&mut c)?];
    while c.attempt(|c| c.char('.')).is_ok() {
        path.push(field_name(&mut c)?);
    }
    if json_arrow_follows(&mut c) {
        return unsupported("JSON paths");
    }
    if path.len() > 1 {
        return unsupported("filters on embedded resources");
    }
    Ok(Ok(path.pop().expect("one name")))
}
