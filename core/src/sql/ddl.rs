//! CREATE/DROP TABLE from a [`Table`], with the column types supplied by each dialect.

use crate::error::{Error, Result};
use crate::schema::{ColumnDef, Table};
use crate::value::Value;

/// What a SQL dialect supplies to render DDL.
pub trait DdlDialect {
    /// Dialect name for errors.
    fn name(&self) -> &'static str;
    /// Quotes an identifier, doubling embedded quote characters.
    fn quote(&self, ident: &str) -> String;
    /// The column's type (`BIGINT`, `DECIMAL(20, 8)`, `VARCHAR(255)`, …).
    fn column_type(&self, col: &ColumnDef) -> String;
    /// Inline type and clause for a single-column auto-increment primary key, when the dialect
    /// declares it on the column (SQLite: `INTEGER PRIMARY KEY AUTOINCREMENT`).
    fn inline_auto_primary_key(&self) -> Option<&'static str> {
        None
    }
    /// The keyword after an auto-increment column's type (`AUTO_INCREMENT`).
    fn auto_increment_keyword(&self) -> &'static str {
        "AUTO_INCREMENT"
    }
    /// Renders a DDL default. DDL cannot bind parameters, so this must escape.
    fn literal(&self, v: &Value) -> Result<String>;
    /// Text after the closing parenthesis (`ENGINE=InnoDB …`).
    fn table_options(&self) -> Result<String> {
        Ok(String::new())
    }
    /// Refuses what the dialect cannot declare for this column (e.g. a time precision it lacks).
    fn check_column(&self, _col: &ColumnDef) -> Result<()> {
        Ok(())
    }
    /// Whether plain indexes go inside CREATE TABLE (`INDEX name (cols)`) rather than in a
    /// separate `CREATE INDEX IF NOT EXISTS`.
    fn inline_indexes(&self) -> bool {
        false
    }
    /// Longest identifier the server accepts.
    fn max_identifier_len(&self) -> usize {
        64
    }
}

fn cols(d: &dyn DdlDialect, names: &[std::borrow::Cow<'static, str>]) -> String {
    names.iter().map(|c| d.quote(c)).collect::<Vec<_>>().join(", ")
}

fn short(d: &dyn DdlDialect, name: &str) -> String {
    name.chars().take(d.max_identifier_len()).collect()
}

/// `CREATE TABLE IF NOT EXISTS …` followed by any separate `CREATE INDEX IF NOT EXISTS`.
pub fn create_table_sql(d: &dyn DdlDialect, t: &Table) -> Result<Vec<String>> {
    if t.columns.is_empty() {
        return Err(Error::InvalidQuery(format!("table `{}` has no columns", t.name)));
    }
    let autos: Vec<&ColumnDef> = t.columns.iter().filter(|c| c.auto_increment).collect();
    for a in &autos {
        if !a.ty.is_integer() {
            return Err(Error::InvalidQuery(format!("auto_increment column `{}` must be an integer", a.name)));
        }
    }
    let inline_pk = match (d.inline_auto_primary_key(), autos.as_slice(), t.primary_key.as_slice()) {
        (Some(clause), [a], [pk]) if a.name == *pk => Some((a.name.clone(), clause)),
        _ => None,
    };
    let mut parts = Vec::new();
    for c in &t.columns {
        if let Some((name, clause)) = &inline_pk {
            if *name == c.name {
                parts.push(format!("{} {clause}", d.quote(&c.name)));
                continue;
            }
        }
        d.check_column(c)?;
        let mut s = format!("{} {}", d.quote(&c.name), d.column_type(c));
        s.push_str(if c.nullable { " NULL" } else { " NOT NULL" });
        if c.auto_increment {
            s.push(' ');
            s.push_str(d.auto_increment_keyword());
        }
        if let Some(v) = &c.default {
            s.push_str(" DEFAULT ");
            s.push_str(&d.literal(v)?);
        }
        parts.push(s);
    }
    if inline_pk.is_none() && !t.primary_key.is_empty() {
        parts.push(format!("PRIMARY KEY ({})", cols(d, &t.primary_key)));
    }
    let mut separate = Vec::new();
    for ix in t.all_indexes() {
        let name = short(d, &ix.name);
        if ix.unique {
            parts.push(format!("CONSTRAINT {} UNIQUE ({})", d.quote(&name), cols(d, &ix.columns)));
        } else if d.inline_indexes() {
            parts.push(format!("INDEX {} ({})", d.quote(&name), cols(d, &ix.columns)));
        } else {
            separate.push(format!("CREATE INDEX IF NOT EXISTS {} ON {} ({})", d.quote(&name), d.quote(&t.name), cols(d, &ix.columns)));
        }
    }
    for c in &t.columns {
        if let Some((rt, rc)) = &c.references {
            parts.push(format!("FOREIGN KEY ({}) REFERENCES {} ({})", d.quote(&c.name), d.quote(rt), d.quote(rc)));
        }
    }
    let mut out = vec![format!("CREATE TABLE IF NOT EXISTS {} (\n  {}\n){}", d.quote(&t.name), parts.join(",\n  "), d.table_options()?)];
    out.extend(separate);
    Ok(out)
}

/// `DROP TABLE IF EXISTS …`.
pub fn drop_table_sql(d: &dyn DdlDialect, name: &str) -> String {
    format!("DROP TABLE IF EXISTS {}", d.quote(name))
}
