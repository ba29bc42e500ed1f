//! Collecting several `syn::Error`s so that every problem is reported at once.

/// An accumulator of errors, combined with [`syn::Error::combine`] in the order pushed.
#[derive(Default)]
pub(crate) struct Errors {
    /// All errors pushed so far, combined; `None` while there are none.
    combined: Option<syn::Error>,
}

impl Errors {
    /// Adds `error` after the errors already collected.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.combined {
            Some(combined) => combined.combine(error),
            None => self.combined = Some(error),
        }
    }

    /// Returns `value` if no error was pushed, else all errors combined.
    pub(crate) fn finish<T>(self, value: T) -> syn::Result<T> {
        match self.combined {
            Some(error) => Err(error),
            None => Ok(value),
        }
    }
}
