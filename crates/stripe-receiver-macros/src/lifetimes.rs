//! Rewriting a receiver's own lifetime parameters to `'_` inside its argument types.
//!
//! The generated wrapper repeats each argument type, but the receiver's lifetime parameters
//! (`fn on_charge<'t>(tx: &mut Tx<'t>)`) are not in scope there; `'_` lets the compiler infer them.

use proc_macro2::{Group, Ident, TokenStream, TokenTree};

/// Returns `tokens` with every lifetime named in `declared` replaced by `'_`, spans kept.
pub(crate) fn erase_lifetimes(tokens: TokenStream, declared: &[Ident]) -> TokenStream {
    if declared.is_empty() {
        return tokens;
    }
    let mut output = Vec::new();
    let mut after_quote = false;
    for token in tokens {
        let token = match token {
            TokenTree::Ident(ident) if after_quote && declared.contains(&ident) => {
                TokenTree::Ident(Ident::new("_", ident.span()))
            }
            TokenTree::Group(group) => {
                let mut erased =
                    Group::new(group.delimiter(), erase_lifetimes(group.stream(), declared));
                erased.set_span(group.span());
                TokenTree::Group(erased)
            }
            token => token,
        };
        after_quote = matches!(&token, TokenTree::Punct(punct) if punct.as_char() == '\'');
        output.push(token);
    }
    output.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::erase_lifetimes;
    use quote::{format_ident, quote};

    #[test]
    fn erases_only_declared_lifetimes() {
        let declared = [format_ident!("a"), format_ident!("t")];
        let ty = quote!(&'a mut Tx<'t, Vec<&'static a>>);
        let erased = erase_lifetimes(ty, &declared);
        assert_eq!(
            erased.to_string(),
            quote!(&'_ mut Tx<'_, Vec<&'static a>>).to_string()
        );
    }
}
