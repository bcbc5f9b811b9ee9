//! Compile-time guarantees of `#[derive(Model)]` and typed columns, pinned with trybuild.
//! Regenerate the expected messages with `TRYBUILD=overwrite cargo test -p athanor --test trybuild`.

#[test]
fn derive_model_compile_errors() {
    let t = trybuild::TestCases::new();
    t.pass("tests/compile_pass/*.rs");
    t.compile_fail("tests/compile_fail/*.rs");
}
