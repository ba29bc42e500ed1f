//! The workspace's root package: it hosts `examples/` and the end-to-end `tests/`. This library
//! holds the tests' shared harness (a server on a scratch database, signed deliveries) and a
//! log capture; it is not published.

pub mod harness;
pub mod log_capture;
