//! Tokenization identical to scikit-learn's default word analyzer:
//! `str.lower()` then the pattern `(?u)\b\w\w+\b`, i.e. every maximal run of
//! Python word characters that is at least two code points long.

use super::word_chars::WORD_RANGES;

/// Whether Python's `re` (Unicode mode) matches `c` with `\w`.
#[inline]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    let cp = c as u32;
    WORD_RANGES
        .binary_search_by(|&(lo, hi)| {
            if hi < cp {
                std::cmp::Ordering::Less
            } else if lo > cp {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// `text` as runs of ASCII, each with the non-ASCII character that ends it
/// (`None` after the last run): the walk of every fast path over mostly-ASCII
/// text (the lowercasing here, the sensitive guard's normaliser).
pub fn ascii_runs(text: &str) -> impl Iterator<Item = (&str, Option<char>)> {
    let mut rest = Some(text).filter(|t| !t.is_empty());
    std::iter::from_fn(move || {
        let t = rest?;
        let (run, tail) = t.split_at(t.bytes().position(|b| !b.is_ascii()).unwrap_or(t.len()));
        let c = tail.chars().next();
        rest = c.map(|c| &tail[c.len_utf8()..]).filter(|t| !t.is_empty());
        Some((run, c))
    })
}

/// [`lowercase`] into `buf`, which a caller reuses from text to text (ASCII
/// text that is already lowercase is returned as it is).
pub fn lowercase_in<'a>(text: &'a str, buf: &'a mut String) -> &'a str {
    if text.is_ascii() {
        if !text.bytes().any(|b| b.is_ascii_uppercase()) {
            return text;
        }
        buf.clear();
        buf.push_str(text);
        buf.make_ascii_lowercase();
    } else if text.contains('Σ') {
        // `str::to_lowercase` keeps Python's final-sigma rule.
        *buf = text.to_lowercase();
    } else {
        // Runs of ASCII (most of a French turn) are copied and lowered as bytes;
        // only the other characters go through the Unicode tables.
        buf.clear();
        buf.reserve(text.len());
        for (run, c) in ascii_runs(text) {
            let from = buf.len();
            buf.push_str(run);
            buf[from..].make_ascii_lowercase();
            buf.extend(c.into_iter().flat_map(char::to_lowercase));
        }
    }
    buf
}

/// Lowercases like Python's `str.lower()` (full Unicode mapping, final sigma),
/// with an allocation-free fast path for ASCII text that is already lowercase.
pub fn lowercase(text: &str) -> std::borrow::Cow<'_, str> {
    let mut buf = String::new();
    if std::ptr::eq(lowercase_in(text, &mut buf), text) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(buf)
    }
}

/// Calls `f` with every token of an already lowercased text, in order.
#[inline]
pub fn for_each_token<'a>(lower: &'a str, mut f: impl FnMut(&'a str)) {
    let bytes = lower.as_bytes();
    if lower.is_ascii() {
        let mut i = 0;
        while i < bytes.len() {
            while i < bytes.len() && !is_ascii_word(bytes[i]) {
                i += 1;
            }
            let start = i;
            while i < bytes.len() && is_ascii_word(bytes[i]) {
                i += 1;
            }
            if i - start >= 2 {
                f(&lower[start..i]);
            }
        }
        return;
    }
    let mut start: Option<usize> = None;
    let mut chars_in_run = 0usize;
    for (pos, c) in lower.char_indices() {
        if is_word_char(c) {
            if start.is_none() {
                start = Some(pos);
                chars_in_run = 0;
            }
            chars_in_run += 1;
        } else if let Some(s) = start.take() {
            if chars_in_run >= 2 {
                f(&lower[s..pos]);
            }
        }
    }
    if let Some(s) = start {
        if chars_in_run >= 2 {
            f(&lower[s..]);
        }
    }
}

#[inline]
fn is_ascii_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Tokens of `text` (lowercased first when `lowercase` is true).
pub fn tokenize(text: &str, lowercase_first: bool) -> Vec<String> {
    let lower = if lowercase_first {
        lowercase(text)
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let mut out = Vec::new();
    for_each_token(&lower, |t| out.push(t.to_owned()));
    out
}

/// `text` cut into pieces of about `len` bytes (at character boundaries): the
/// corpus of the timing loops (`cargo test ... timing -- --ignored`).
#[cfg(test)]
pub(crate) fn chunks_for_timing(text: &str, len: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    while start + len < text.len() {
        let mut end = start + len;
        while !text.is_char_boundary(end) {
            end += 1;
        }
        out.push(&text[start..end]);
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_tokens_need_two_chars() {
        assert_eq!(
            tokenize("I'm a Runner, don't-stop 42!", true),
            ["runner", "don", "stop", "42"]
        );
    }

    #[test]
    fn unicode_word_chars_follow_python() {
        // U+0301 COMBINING ACUTE is not \w in Python: "cafe\u{301}" splits.
        assert_eq!(tokenize("cafe\u{301} crème", true), ["cafe", "crème"]);
        // Superscript two is numeric, hence \w in Python.
        assert_eq!(tokenize("m² x²y", true), ["m²", "x²y"]);
        assert!(is_word_char('_') && is_word_char('é') && !is_word_char('‿'));
        assert_eq!(
            tokenize("ΟΔΟΣ ok 🙂🙂 日本語", true),
            ["οδος", "ok", "日本語"]
        );
    }

    #[test]
    fn ascii_runs_cover_the_text() {
        let runs: Vec<_> = ascii_runs("ab é cd").collect();
        assert_eq!(runs, [("ab ", Some('é')), (" cd", None)]);
        assert_eq!(
            ascii_runs("éé").collect::<Vec<_>>(),
            [("", Some('é')), ("", Some('é'))]
        );
        assert_eq!(ascii_runs("x").collect::<Vec<_>>(), [("x", None)]);
        assert_eq!(ascii_runs("").count(), 0);
    }

    #[test]
    fn lowercase_is_unicode_lowercase() {
        let mut buf = String::new();
        for text in [
            "Où est l'Hôtel DE VILLE ?",
            "İstanbul ǅemal ẞ ΟΔΟΣ Ὰ",
            "ÉCOLE école ÉÉ a",
            "日本語 ABC ÀÉÎ z",
            "plain ascii",
            "MIXED ascii ünd",
        ] {
            assert_eq!(lowercase_in(text, &mut buf), text.to_lowercase(), "{text}");
        }
    }

    #[test]
    fn empty_and_punctuation_only() {
        assert!(tokenize("", true).is_empty());
        assert!(tokenize("?! a . b", true).is_empty());
    }
}
