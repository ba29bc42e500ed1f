//! Finding the known names closest to a misspelled one, for "did you mean" hints.

/// At most this many names are suggested.
const MAX_SUGGESTIONS: usize = 3;

/// The names among `candidates` that `written` was most likely meant to be, best first.
///
/// In order of preference:
/// 1. candidates that end with `.` + `written`, when there are few of them: the family was left
///    out (`subscription.created` for `customer.subscription.created`);
/// 2. candidates at the smallest edit distance (insertions, deletions, substitutions and swaps
///    of adjacent characters), provided it is small for the name's length: a typo
///    (`charge.succeded`) or a word too many or too few (`payment_method.card_automatically_updated`).
///
/// Returns at most three names; none when nothing is close.
pub(crate) fn closest<'c>(written: &str, candidates: &[&'c str]) -> Vec<&'c str> {
    let suffix = format!(".{written}");
    let mut found: Vec<&'c str> = candidates
        .iter()
        .copied()
        .filter(|candidate| candidate.ends_with(&suffix))
        .collect();
    if found.len() > MAX_SUGGESTIONS {
        found.clear();
    }
    let limit = max_distance(written);
    let mut scored: Vec<(usize, &'c str)> = candidates
        .iter()
        .filter(|candidate| !found.contains(candidate))
        .filter_map(|&candidate| {
            let distance = edit_distance(written, candidate, limit)?;
            Some((distance, candidate))
        })
        .collect();
    scored.sort_unstable();
    if let Some(&(best, _)) = scored.first() {
        found.extend(
            scored
                .iter()
                .take_while(|(distance, _)| *distance == best)
                .map(|&(_, candidate)| candidate),
        );
    }
    found.truncate(MAX_SUGGESTIONS);
    found
}

/// The largest edit distance at which a candidate still counts as close to `written`: about
/// one edit per four characters, at least two.
fn max_distance(written: &str) -> usize {
    (written.chars().count() / 4).max(2)
}

/// The optimal-string-alignment distance between `a` and `b` (insertions, deletions,
/// substitutions, and swaps of two adjacent characters), or `None` if it exceeds `limit`.
pub(crate) fn edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    // Three rows of the classic table: two rows back (for swaps), the previous row, this row.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        let mut row_min = current[0];
        for j in 1..=b.len() {
            let substitution = usize::from(a[i - 1] != b[j - 1]);
            let mut cell = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + substitution);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cell = cell.min(before[j - 2] + 1);
            }
            current[j] = cell;
            row_min = row_min.min(cell);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[b.len()];
    (distance <= limit).then_some(distance)
}

#[cfg(test)]
mod tests {
    use super::{closest, edit_distance};
    use crate::catalog::Catalog;

    #[test]
    fn edit_distance_counts_edits_and_swaps() {
        assert_eq!(edit_distance("kitten", "sitting", 10), Some(3));
        assert_eq!(edit_distance("abc", "abc", 0), Some(0));
        assert_eq!(edit_distance("abcd", "abdc", 5), Some(1));
        assert_eq!(edit_distance("", "abc", 5), Some(3));
        assert_eq!(edit_distance("abc", "", 5), Some(3));
        assert_eq!(edit_distance("kitten", "sitting", 2), None);
        assert_eq!(edit_distance("a", "abcdef", 2), None);
    }

    #[track_caller]
    fn assert_suggests(written: &str, expected: &[&str]) {
        let types = Catalog::bundled().types();
        assert_eq!(closest(written, types), expected, "{written}");
    }

    #[test]
    fn typos_suggest_the_closest_type() {
        assert_suggests("charge.succeded", &["charge.succeeded"]);
        assert_suggests("charge.suceeded", &["charge.succeeded"]);
        assert_suggests("invoice.payed", &["invoice.paid"]);
        assert_suggests(
            "customer.subscription.update",
            &["customer.subscription.updated"],
        );
        assert_suggests(
            "chekcout.session.completed",
            &["checkout.session.completed"],
        );
    }

    #[test]
    fn a_missing_family_is_found_by_suffix() {
        assert_suggests("subscription.created", &["customer.subscription.created"]);
        assert_suggests("session.completed", &["checkout.session.completed"]);
        assert_suggests("dispute.created", &["charge.dispute.created"]);
    }

    #[test]
    fn a_word_too_many_or_too_few_is_found() {
        assert_suggests(
            "payment_method.card_automatically_updated",
            &["payment_method.automatically_updated"],
        );
        assert_suggests("invoice.payment_paid", &["invoice_payment.paid"]);
    }

    #[test]
    fn nothing_close_suggests_nothing() {
        assert_suggests("issuing_card.brand_new", &[]);
        assert_suggests("zzz", &[]);
    }

    #[test]
    fn families_are_suggested_among_families() {
        let families = Catalog::bundled().families();
        assert_eq!(closest("subscription", families), ["customer.subscription"]);
        assert_eq!(closest("invoices", families), ["invoice"]);
    }
}
