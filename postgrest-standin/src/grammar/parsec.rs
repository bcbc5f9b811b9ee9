//! A minimal Parsec-like cursor: a failure records where it happened, so an alternative is tried
//! only when the failed branch consumed nothing, as in Haskell's `<|>`; [`Cursor::attempt`] is
//! `try`. `QueryParams.hs` parses each parameter with `P.parse`, which does not require the end
//! of input: trailing text after what the grammar reads is ignored, and so it is here.

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// A parse failure at a character position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fail {
    /// Position (in characters) where the failing parser stood.
    pub at: usize,
}

/// Parser result.
pub type PResult<T> = Result<T, Fail>;

/// Characters and a position.
pub struct Cursor {
    chars: Vec<char>,
    /// Current position.
    pub pos: usize,
}

impl Cursor {
    /// A cursor at the start of `s`.
    pub fn new(s: &str) -> Cursor {
        Cursor { chars: s.chars().collect(), pos: 0 }
    }

    /// The next character.
    pub fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    /// The rest of the input, unread.
    pub fn rest(&self) -> String {
        self.chars[self.pos..].iter().collect()
    }

    /// A failure here.
    pub fn fail<T>(&self) -> PResult<T> {
        Err(Fail { at: self.pos })
    }

    /// `satisfy`: one character matching `f`.
    pub fn satisfy(&mut self, f: impl Fn(char) -> bool) -> PResult<char> {
        match self.peek() {
            Some(c) if f(c) => {
                self.pos += 1;
                Ok(c)
            }
            _ => self.fail(),
        }
    }

    /// `char c`.
    pub fn char(&mut self, c: char) -> PResult<char> {
        self.satisfy(|x| x == c)
    }

    /// `string s`: fails after consuming the common prefix, as Parsec's does.
    pub fn string(&mut self, s: &str) -> PResult<()> {
        for c in s.chars() {
            self.char(c)?;
        }
        Ok(())
    }

    /// `try p`: on failure, rewinds and reports the failure at the start.
    pub fn attempt<T>(&mut self, p: impl FnOnce(&mut Cursor) -> PResult<T>) -> PResult<T> {
        let start = self.pos;
        p(self).map_err(|_| {
            self.pos = start;
            Fail { at: start }
        })
    }

    /// `p <|> q` where each branch is a closure: `q` runs only when `p` failed without consuming.
    pub fn or<T>(&mut self, p: impl FnOnce(&mut Cursor) -> PResult<T>, q: impl FnOnce(&mut Cursor) -> PResult<T>) -> PResult<T> {
        let start = self.pos;
        match p(self) {
            Err(f) if f.at == start => {
                self.pos = start;
                q(self)
            }
            other => other,
        }
    }

    /// `optionMaybe p`.
    pub fn optional<T>(&mut self, p: impl FnOnce(&mut Cursor) -> PResult<T>) -> PResult<Option<T>> {
        self.or(|c| p(c).map(Some), |_| Ok(None))
    }

    /// `lookAhead p` without consuming; failure reported here.
    pub fn looking_at<T>(&mut self, p: impl FnOnce(&mut Cursor) -> PResult<T>) -> bool {
        let start = self.pos;
        let ok = p(self).is_ok();
        self.pos = start;
        ok
    }

    /// `many (oneOf " \t")`.
    pub fn ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
    }

    /// `many (noneOf set)`.
    pub fn many_none_of(&mut self, set: &str) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek().filter(|c| !set.contains(*c)) {
            out.push(c);
            self.pos += 1;
        }
        out
    }

    /// `eof`.
    pub fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }
}

/// Haskell's `isAlpha` (Parsec's `letter`): the general categories Lu, Ll, Lt, Lm, Lo. Not
/// letter numbers (`Ⅻ`), marks (`ा`), other numbers (`²`) or symbols (`Ⓐ`).
pub fn is_letter(c: char) -> bool {
    c.general_category_group() == GeneralCategoryGroup::Letter
}

/// Parsec's `digit`: ASCII `0-9` only (not `٣` or `０`).
pub fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// `pQuotedValue`: `"…"` where `\` takes the next character literally.
pub fn quoted_value(c: &mut Cursor) -> PResult<String> {
    c.char('"')?;
    let mut out = String::new();
    loop {
        match c.peek() {
            None => return c.fail(),
            Some('"') => {
                c.pos += 1;
                return Ok(out);
            }
            Some('\\') => {
                c.pos += 1;
                out.push(c.satisfy(|_| true)?);
            }
            Some(ch) => {
                c.pos += 1;
                out.push(ch);
            }
        }
    }
}

/// `pIdentifier`: one or more letters, digits, `_`, space or `$`, then stripped.
pub fn identifier(c: &mut Cursor) -> PResult<String> {
    let mut out = String::new();
    while let Some(ch) = c.peek().filter(|&ch| is_letter(ch) || is_digit(ch) || matches!(ch, '_' | ' ' | '$')) {
        out.push(ch);
        c.pos += 1;
    }
    if out.is_empty() {
        return c.fail();
    }
    Ok(out.trim().to_owned())
}

/// The dash of `sepByDash`: `-` not followed by `>`.
fn dash(c: &mut Cursor) -> PResult<()> {
    c.attempt(|c| {
        c.char('-')?;
        if c.peek() == Some('>') {
            return c.fail();
        }
        Ok(())
    })
}

/// `pFieldName`: a quoted value, or identifiers joined by single dashes.
pub fn field_name(c: &mut Cursor) -> PResult<String> {
    c.or(quoted_value, |c| {
        let mut parts = vec![identifier(c)?];
        loop {
            let before = c.pos;
            match dash(c) {
                Ok(()) => parts.push(identifier(c)?),
                Err(_) => {
                    c.pos = before;
                    return Ok(parts.join("-"));
                }
            }
        }
    })
}

/// `pJsonPath` present: the stand-in reads names only, so a `->` after a name is refused.
pub fn json_arrow_follows(c: &mut Cursor) -> bool {
    c.looking_at(|c| c.string("->"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> Result<String, Fail> {
        field_name(&mut Cursor::new(s))
    }

    /// The doctests of `pFieldName` in `QueryParams.hs`.
    #[test]
    fn field_names_as_postgrest_reads_them() {
        assert_eq!(name("identifier").unwrap(), "identifier");
        assert_eq!(name("identifier with spaces").unwrap(), "identifier with spaces");
        assert_eq!(name("identifier-with-dashes").unwrap(), "identifier-with-dashes");
        assert_eq!(name("123").unwrap(), "123");
        assert_eq!(name("_").unwrap(), "_");
        assert_eq!(name("$").unwrap(), "$");
        assert!(name(":").is_err());
        assert_eq!(name("\":\"").unwrap(), ":");
        assert_eq!(name(" no leading or trailing spaces ").unwrap(), "no leading or trailing spaces");
        assert_eq!(name("\" leading and trailing spaces \"").unwrap(), " leading and trailing spaces ");
    }

    /// What `letter <|> digit <|> oneOf "_ $"` accepts, and what it stops at.
    #[test]
    fn identifier_characters_are_haskell_letters_and_ascii_digits() {
        assert_eq!(name("émile_ß").unwrap(), "émile_ß", "Unicode letters are letters");
        assert_eq!(name("x²").unwrap(), "x", "² is not a letter or digit: the name stops");
        assert_eq!(name("n٣").unwrap(), "n", "Arabic-Indic digits are not Parsec digits");
        assert_eq!(name("नाम").unwrap(), "न", "a spacing mark is not a letter");
        assert!(name("Ⅻ").is_err(), "a letter number is not a letter");
        assert!(name("Ⓐ").is_err(), "a symbol is not a letter");
        assert!(name("０").is_err(), "a fullwidth digit is not a digit");
        assert_eq!(name("a - b").unwrap(), "a-b", "spaces around a dash are stripped");
        assert!(name("-a").is_err(), "leading dash");
        assert!(name("a-").is_err(), "trailing dash");
        assert!(name("a--b").is_err(), "doubled dash");
        assert_eq!(name("a->b").unwrap(), "a", "`->` starts a JSON path");
        assert_eq!(name(r#""a\"b\\c""#).unwrap(), "a\"b\\c");
    }
}
