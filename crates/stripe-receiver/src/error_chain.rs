//! Rendering an error with its causes, or a caught panic's payload, for logs, delivery records
//! and CLI messages.

/// `error: cause: cause ...`, leaving out a cause whose text the message already contains (many
/// errors, sqlx's and reqwest's among them, print their source themselves).
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// The message of a caught panic: its `&str` or `String` payload, else a placeholder text.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::error_chain;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[derive(Debug, thiserror::Error)]
    #[error("outer: {0}")]
    struct Repeats(#[source] std::io::Error);

    #[test]
    fn causes_are_appended_once() {
        let io = || std::io::Error::other("disk full");
        assert_eq!(error_chain(&Outer(io())), "outer: disk full");
        assert_eq!(error_chain(&Repeats(io())), "outer: disk full");
    }
}
