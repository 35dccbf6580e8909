//! The one "did you mean" helper, used by every unknown-name diagnostic.

/// The candidate closest to `name`, if it is close enough to be a plausible typo.
///
/// A case-insensitive exact match wins at once; otherwise the normalised Damerau-Levenshtein
/// similarity must reach 0.6 (below that, suggestions are more noise than help).
pub fn did_you_mean<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut best: Option<(&'a str, f64)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        if candidate.eq_ignore_ascii_case(name) {
            return Some(candidate);
        }
        let score = strsim::normalized_damerau_levenshtein(name, candidate);
        if score >= 0.6 && best.is_none_or(|(_, s)| score > s) {
            best = Some((candidate, score));
        }
    }
    best.map(|(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn close_names_are_suggested() {
        assert_eq!(did_you_mean("Hots", ["Host", "File"]), Some("Host"));
        assert_eq!(did_you_mean("host", ["Host", "File"]), Some("Host"));
        assert_eq!(did_you_mean("Zebra", ["Host", "File"]), None);
    }
}
