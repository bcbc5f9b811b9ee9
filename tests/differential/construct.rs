//! What a generated query is made of, and which constructs are known to disagree today.
//!
//! The generator notes every construct it puts into a case. A case whose results differ fails
//! the test unless it uses a construct listed in [`KNOWN_BROKEN`] (then it is counted and
//! printed as a known discrepancy). The lead empties the list as the fixes merge; with
//! `ATHANOR_DIFF_STRICT=1` the list is ignored.

/// One construct of the public query API (or of reading results back).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Construct {
    /// `eq`/`ne`/`in_list`/`not_in_list` of a text column with a text value.
    TextEq,
    /// `lt`/`le`/`gt`/`ge`/`between` on text, or ORDER BY / MIN / MAX of text.
    TextOrder,
    /// `like`.
    Like,
    /// `ilike`.
    ILike,
    /// `eq(None)`.
    EqNone,
    /// `ne(None)`.
    NeNone,
    /// `is_null` / `is_not_null`.
    IsNull,
    /// Comparisons (`eq ne lt le gt ge between`) on non-text columns.
    Compare,
    /// `in_list`/`not_in_list` on non-text columns.
    InList,
    /// `in_list`/`not_in_list` with an empty list.
    InListEmpty,
    /// `in_list`/`not_in_list` with more than 1000 values.
    InListLarge,
    /// `in_list`/`not_in_list` holding a NULL.
    InListNull,
    /// `in_list`/`not_in_list` holding the empty string among other values.
    InListEmptyString,
    /// A filter on the Decimal column.
    DecimalFilter,
    /// Reading a Decimal back (value and scale), also as MIN/MAX.
    DecimalRead,
    /// SUM of the Decimal column (value and scale).
    DecimalSum,
    /// `and`/`or`/`not`.
    Logic,
    /// ORDER BY a nullable column without NULLS FIRST/LAST.
    OrderNullsDefault,
    /// ORDER BY … NULLS FIRST / NULLS LAST.
    OrderNullsExplicit,
    /// ORDER BY a non-text column.
    Order,
    /// LIMIT / OFFSET with `.all()`.
    LimitOffset,
    /// `.first()`.
    First,
    /// `.one()`.
    One,
    /// `.count()`.
    Count,
    /// `.count()` with LIMIT/OFFSET.
    CountLimitOffset,
    /// `.exists()`.
    Exists,
    /// `.exists()` with LIMIT/OFFSET.
    ExistsLimitOffset,
    /// `.exists()` of a DISTINCT or GROUP BY (… HAVING) query.
    ExistsGrouped,
    /// Aggregates over the whole (filtered) table.
    Aggregate,
    /// `AVG` (compared to 6 decimal places).
    Avg,
    /// GROUP BY a non-text column.
    GroupBy,
    /// HAVING.
    Having,
    /// SELECT DISTINCT.
    Distinct,
    /// `in_list([""])` / `not_in_list([""])`.
    InOnlyEmptyString,
    /// `+ - *` on integer columns (also column against column).
    Arithmetic,
    /// `/` on integers: truncation toward zero, NULL on a zero divisor.
    Division,
    /// `+ - *` on the Decimal column (exact on SQLite too).
    DecimalArithmetic,
    /// `coalesce`, `abs`.
    Functions,
    /// `length`, `lower`, `upper` (characters, Unicode).
    TextFunctions,
    /// `case_when(..).when(..).otherwise(..)`.
    CaseWhen,
    /// `cast::<U>(..)`.
    Cast,
    /// `in_subquery`, `not_in_subquery`, `exists`, `scalar_subquery`.
    Subquery,
    /// A self-join (inner or left) under an alias.
    Join,
    /// `FOR UPDATE` on a row select (the same rows where locks exist; `Unsupported` elsewhere).
    RowLock,
    /// A typed projection or aggregate through the model API (`Item::select().columns(..)`).
    Projection,
    /// UPDATE/DELETE … RETURNING (an UPDATE that changes nothing, a DELETE undone by inserting
    /// the returned rows again).
    Returning,
}

/// Constructs that disagree between dialects on today's main, with the defect of issue 10 (or
/// the new finding, "N…") that explains it. A case using one of them may differ without failing.
/// (N3, SQLite's inexact SUM of a Decimal column, was closed by the exact `sum()` SQLite gets.)
pub const KNOWN_BROKEN: &[(Construct, &str)] = &[];

/// Constructs that excuse only answers differing in Decimals alone (the comparator's verdict),
/// never other differences.
pub const DECIMAL_ONLY: &[Construct] = &[Construct::DecimalRead, Construct::DecimalSum];

/// The known-broken constructs a generator leaves out of the strict cases (reading rows back
/// always reads the Decimal column, so [`Construct::DecimalRead`] stays).
pub fn avoidable(strict: bool) -> Vec<Construct> {
    if strict {
        return Vec::new();
    }
    KNOWN_BROKEN.iter().map(|(c, _)| *c).filter(|c| *c != Construct::DecimalRead).collect()
}

/// The defect a construct is known broken by, unless the run is strict.
pub fn known_broken(c: Construct, strict: bool) -> Option<&'static str> {
    if strict {
        return None;
    }
    KNOWN_BROKEN.iter().find(|(k, _)| *k == c).map(|(_, why)| *why)
}
