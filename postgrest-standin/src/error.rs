//! PostgREST's error response: `{code, message, details, hint}` with its HTTP status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An error as PostgREST sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// SQLSTATE or `PGRSTnnn`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// Details, when the server gave any.
    pub details: Option<String>,
    /// Hint, when the server gave any.
    pub hint: Option<String>,
}

impl ApiError {
    /// An error with no details or hint.
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> ApiError {
        ApiError { status, code: code.into(), message: message.into(), details: None, hint: None }
    }

    /// A request the grammar cannot read (`PGRST100`, 400).
    pub fn parse(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "PGRST100", message)
    }
}

/// The HTTP status PostgREST documents for a SQLSTATE.
fn status_for(code: &str) -> u16 {
    match code {
        "23503" | "23505" | "40001" => 409,
        "42P01" => 404,
        "42501" => 401,
        "25006" => 405,
        "57014" => 500,
        c if c.starts_with("08") => 503,
        c if c.starts_with("53") => 503,
        c if c.starts_with("22") || c.starts_with("23") || c.starts_with("42") => 400,
        _ => 500,
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> ApiError {
        match &e {
            sqlx::Error::Database(db) => {
                let code = db.code().map(|c| c.into_owned()).unwrap_or_else(|| "XX000".into());
                let pg = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>();
                ApiError {
                    status: status_for(&code),
                    message: db.message().to_owned(),
                    details: pg.and_then(|p| p.detail()).map(str::to_owned),
                    hint: pg.and_then(|p| p.hint()).map(str::to_owned),
                    code,
                }
            }
            other => ApiError::new(503, "PGRST001", format!("database connection error: {other}")),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"code": self.code, "message": self.message, "details": self.details, "hint": self.hint});
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, [("content-type", "application/json; charset=utf-8")], body.to_string()).into_response()
    }
}
