//! Helpers shared by the integration tests: engines without network, and request decoding.
#![allow(dead_code)]

use athanor_core::{DbUrl, Dialect, Engine, EngineOptions, HttpRequest};
use athanor_supabase::SupabaseDialect;
use percent_encoding::percent_decode_str;

/// An engine for `url` built straight from the dialect (no registry, no connection).
pub fn engine(url: &str) -> Engine {
    let url = DbUrl::parse(url).expect("valid URL");
    let backend = SupabaseDialect.backend(&url, &EngineOptions::default()).expect("backend");
    Engine::from_backend(url, backend)
}

/// Decodes a query component the way PostgREST does (`+` is a space, `%XX` decoded).
pub fn form_decode(s: &str) -> String {
    percent_decode_str(&s.replace('+', " ")).decode_utf8().expect("UTF-8").into_owned()
}

/// The request's path (still encoded) and its decoded query pairs.
pub fn split_url(req: &HttpRequest) -> (String, Vec<(String, String)>) {
    let after_scheme = req.url.split_once("://").map(|x| x.1).unwrap_or(&req.url);
    let path_and_query = after_scheme.find('/').map(|i| &after_scheme[i..]).unwrap_or("/");
    let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
    let pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (form_decode(k), form_decode(v))
        })
        .collect();
    (path.to_owned(), pairs)
}

/// `Prefer` split into its parts, sorted.
pub fn prefer_parts(req: &HttpRequest) -> Vec<String> {
    let mut parts: Vec<String> =
        req.header("Prefer").map(|p| p.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()).unwrap_or_default();
    parts.sort();
    parts
}

pub mod model;
pub mod server;
