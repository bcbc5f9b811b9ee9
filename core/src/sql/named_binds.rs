//! `:name` binds in raw SQL → positional `?` placeholders, skipping quotes, comments and `::`.

use crate::error::{Error, Result};
use crate::value::Value;

/// Raw SQL with its binds resolved to positions.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedBinds {
    /// SQL with `?` placeholders.
    pub sql: String,
    /// Values in placeholder order (a name used twice is bound twice).
    pub params: Vec<Value>,
}

/// Replaces each `:name` outside string literals, quoted identifiers and comments with `?`.
/// A name with no bound value is an error naming it.
///
/// `backslash_escapes` says how the dialect reads a backslash in a quoted string: MySQL (unless
/// `NO_BACKSLASH_ESCAPES` is in its `sql_mode`) reads `\'` as a quote inside the string; SQLite
/// and standard SQL strings have no backslash escapes, so `'C:\'` is a whole string there.
/// A doubled quote (`''`) is a quote inside the string everywhere.
pub fn compile_named_binds(sql: &str, binds: &[(String, Value)], backslash_escapes: bool) -> Result<NamedBinds> {
    scan(sql, binds, backslash_escapes, false)
}

/// [`compile_named_binds`] for PostgreSQL: standard strings, and also `E'…'` strings (with
/// backslash escapes) and dollar-quoted strings (`$$…$$`, `$tag$…$tag$`), whose `:name`s are
/// text, not binds.
pub fn compile_named_binds_pg(sql: &str, binds: &[(String, Value)]) -> Result<NamedBinds> {
    scan(sql, binds, false, true)
}

fn scan(sql: &str, binds: &[(String, Value)], backslash_escapes: bool, postgres: bool) -> Result<NamedBinds> {
    let b = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut params = Vec::new();
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"' | b'`') => {
                // PostgreSQL's `E'…'` reads backslash escapes whatever the default.
                let e_string = postgres && q == b'\'' && i > 0 && matches!(b[i - 1], b'E' | b'e') && (i < 2 || !is_ident(b[i - 2]));
                let backslash_escapes = backslash_escapes || e_string;
                i += 1;
                while i < b.len() {
                    if backslash_escapes && b[i] == b'\\' && q != b'`' {
                        i += 2;
                        continue;
                    }
                    if b[i] == q {
                        if i + 1 < b.len() && b[i + 1] == q {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'$' if postgres && (i == 0 || !(is_ident(b[i - 1]) || b[i - 1] == b'$')) => i = after_dollar_quote(b, i),
            b':' if b.get(i + 1) == Some(&b':') => i += 2,
            b':' if b.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') && (i == 0 || !is_ident(b[i - 1])) => {
                let start = i + 1;
                let mut end = start;
                while end < b.len() && is_ident(b[end]) {
                    end += 1;
                }
                let name = &sql[start..end];
                let value = binds
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| Error::InvalidQuery(format!("no value bound for :{name}")))?;
                out.push_str(&sql[last..i]);
                out.push('?');
                params.push(value);
                i = end;
                last = end;
            }
            _ => i += 1,
        }
    }
    out.push_str(&sql[last.min(sql.len())..]);
    Ok(NamedBinds { sql: out, params })
}

/// Where scanning goes on after the `$` at `i`: past the closing tag of a dollar-quoted string
/// (`$tag$…$tag$`, the tag empty or an identifier not starting with a digit; the end of the
/// text if it is never closed), or past the `$` alone (`$1`, a `$` in an identifier).
fn after_dollar_quote(b: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    if b.get(j).is_some_and(u8::is_ascii_digit) {
        return i + 1;
    }
    while j < b.len() && (is_ident(b[j]) || b[j] >= 0x80) {
        j += 1;
    }
    if b.get(j) != Some(&b'$') {
        return i + 1;
    }
    let tag = &b[i..=j];
    match b[j + 1..].windows(tag.len()).position(|w| w == tag) {
        Some(at) => j + 1 + at + tag.len(),
        None => b.len(),
    }
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_are_positional_and_quotes_are_skipped() {
        let nb = compile_named_binds(
            "SELECT ':x', \"a:b\", x::text FROM t WHERE a = :a AND b = :b -- :c\n AND c = :a",
            &[("a".into(), Value::I64(1)), ("b".into(), Value::String("z".into()))],
            false,
        )
        .unwrap();
        assert_eq!(nb.sql, "SELECT ':x', \"a:b\", x::text FROM t WHERE a = ? AND b = ? -- :c\n AND c = ?");
        assert_eq!(nb.params, vec![Value::I64(1), Value::String("z".into()), Value::I64(1)]);
    }

    #[test]
    fn backslashes_follow_the_dialect() {
        let x = [("x".to_owned(), Value::I64(1))];
        // Standard strings: `'C:\'` ends at its second quote, so `:x` after it is a bind.
        let nb = compile_named_binds(r"SELECT 'C:\' AS p, :x AS y", &x, false).unwrap();
        assert_eq!((nb.sql.as_str(), nb.params.len()), (r"SELECT 'C:\' AS p, ? AS y", 1));
        // Backslash escapes (MySQL): `\'` is a quote inside the string, `\\` a backslash.
        let nb = compile_named_binds(r"SELECT 'it\'s :x', 'C:\\', :x", &x, true).unwrap();
        assert_eq!((nb.sql.as_str(), nb.params.len()), (r"SELECT 'it\'s :x', 'C:\\', ?", 1));
        let nb = compile_named_binds(r#"SELECT "a\":x", `b\`, :x"#, &x, true).unwrap();
        assert_eq!(nb.sql, r#"SELECT "a\":x", `b\`, ?"#);
    }

    #[test]
    fn postgres_dollar_quotes_and_e_strings_hold_text() {
        let x = [("x".to_owned(), Value::I64(1))];
        let nb = compile_named_binds_pg("SELECT $$ :x $$, $f$ it's :x $f$, $1, a$b, E'it\\'s :x', e'\\\\', :x", &x).unwrap();
        assert_eq!(nb.sql, "SELECT $$ :x $$, $f$ it's :x $f$, $1, a$b, E'it\\'s :x', e'\\\\', ?");
        assert_eq!(nb.params.len(), 1);
        // Not a dollar quote: `$` in an identifier, a positional parameter; an unclosed one is text.
        let nb = compile_named_binds_pg("SELECT x$ FROM t$1 WHERE a = :x", &x).unwrap();
        assert_eq!(nb.sql, "SELECT x$ FROM t$1 WHERE a = ?");
        let nb = compile_named_binds_pg("SELECT $q$ :x", &x).unwrap();
        assert_eq!((nb.sql.as_str(), nb.params.len()), ("SELECT $q$ :x", 0));
        // Elsewhere `E'…'` is an identifier `E` and a standard string.
        let nb = compile_named_binds(r"SELECT E'C:', :x", &x, false).unwrap();
        assert_eq!(nb.params.len(), 1);
    }

    #[test]
    fn missing_bind_is_an_error() {
        let err = compile_named_binds("SELECT :nope", &[], false).unwrap_err();
        assert!(err.to_string().contains(":nope"), "{err}");
    }
}
