//! The workspace's root package: it hosts `examples/` and the end-to-end `tests/`. This library
//! holds the tests' shared harness (a server on a scratch database, signed deliveries); it is
//! not published.

pub mod harness;
