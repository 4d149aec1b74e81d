//! BERT uncased WordPiece, exactly as all-MiniLM-L6-v2's `tokenizer.json`
//! does it (`BertNormalizer` with lowercase, `BertPreTokenizer`, `WordPiece`
//! with `##` continuations and `[UNK]` for a word it cannot split), without
//! special tokens. Tested against the Hugging Face `tokenizers` package
//! (tests/test_semantic.py), as the hashing is tested against scikit-learn.
//!
//! Written here rather than taken from the `tokenizers` crate because a turn
//! has a 10 µs budget for its whole embedding: this needs no regex engine,
//! allocates nothing per word and has an ASCII fast path, and only ids are
//! wanted (no offsets, no `Encoding`).
//!
//! The steps, per character, in the teacher's order: drop NUL, U+FFFD and
//! control, format and private-use characters (unassigned ones stay); whitespace ends a word; a CJK ideograph is a
//! word of its own; canonical decomposition with nonspacing marks removed
//! (accents stripped), then lowercase; a punctuation character (ASCII
//! punctuation or Unicode P*) is a word of its own. Each word is split
//! greedily, longest piece first.
//!
//! Character classes come from current Unicode tables; the teacher's come
//! from older ones. The two agree on every character Unicode 3.2 assigned
//! (the test's random text); a mark or punctuation added since (U+0C84,
//! U+11943) may split differently, which affects only that word.

use rustc_hash::FxHashMap as HashMap;
use unicode_general_category::{get_general_category, GeneralCategory as Gc};

use crate::error::{CoreError, Result};

/// Words longer than this (in characters) become `[UNK]`, as in the teacher.
const MAX_CHARS_PER_WORD: usize = 100;

#[derive(Debug, Clone)]
pub struct WordPiece {
    /// Pieces that may start a word.
    start: HashMap<Box<str>, u32>,
    /// `##` pieces, stored without the prefix.
    cont: HashMap<Box<str>, u32>,
    /// The longest piece of each map, in bytes: no longer piece is looked up.
    max_start: usize,
    max_cont: usize,
    unk: u32,
    vocab_size: usize,
}

fn is_control(c: char) -> bool {
    if matches!(c, '\t' | '\n' | '\r') {
        return false;
    }
    matches!(
        get_general_category(c),
        Gc::Control | Gc::Format | Gc::Surrogate | Gc::PrivateUse
    )
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            get_general_category(c),
            Gc::ConnectorPunctuation
                | Gc::DashPunctuation
                | Gc::OpenPunctuation
                | Gc::ClosePunctuation
                | Gc::InitialPunctuation
                | Gc::FinalPunctuation
                | Gc::OtherPunctuation
        )
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF
        | 0x3400..=0x4DBF
        | 0x20000..=0x2A6DF
        | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F
        | 0x2B920..=0x2CEAF
        | 0xF900..=0xFAFF
        | 0x2F800..=0x2FA1F)
}

impl WordPiece {
    /// From a `vocab.txt` (one piece per line, line number = id).
    pub fn from_vocab(vocab: &str) -> Result<Self> {
        let mut start = HashMap::default();
        let mut cont = HashMap::default();
        let mut unk = None;
        let mut n = 0;
        for (id, piece) in vocab.lines().enumerate() {
            let id = id as u32;
            n += 1;
            if piece == "[UNK]" {
                unk = Some(id);
            }
            match piece.strip_prefix("##") {
                Some(rest) if !rest.is_empty() => {
                    cont.entry(rest.into()).or_insert(id);
                }
                _ => {
                    start.entry(piece.into()).or_insert(id);
                }
            }
        }
        let unk = unk.ok_or_else(|| CoreError::Internal("vocab has no [UNK]".into()))?;
        let longest = |m: &HashMap<Box<str>, u32>| m.keys().map(|k| k.len()).max().unwrap_or(0);
        Ok(Self {
            max_start: longest(&start),
            max_cont: longest(&cont),
            start,
            cont,
            unk,
            vocab_size: n,
        })
    }

    pub fn unk(&self) -> u32 {
        self.unk
    }

    pub fn vocab_size(&self) -> usize {
        self.vocab_size
    }

    /// Appends the ids of `text`'s pieces to `out`.
    pub fn tokenize(&self, text: &str, out: &mut Vec<u32>) {
        self.tokenize_in(text, &mut String::with_capacity(32), out);
    }

    /// The ids of one word of the hashing stage (a run of word characters), as
    /// [`WordPiece::tokenize`] gives them: a lowercase ASCII alphanumeric word
    /// needs no normalising or splitting and goes straight to the vocabulary;
    /// any other goes through the whole tokenizer (`buf` is its scratch).
    pub fn tokenize_word(&self, word: &str, buf: &mut String, out: &mut Vec<u32>) {
        if word
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        {
            if !word.is_empty() {
                self.split_word(word, word.len(), out);
            }
        } else {
            self.tokenize_in(word, buf, out);
        }
    }

    /// [`WordPiece::tokenize`] with `word` as its scratch buffer.
    fn tokenize_in(&self, text: &str, word: &mut String, out: &mut Vec<u32>) {
        word.clear();
        let mut chars = 0usize;
        let flush = |word: &mut String, chars: &mut usize, out: &mut Vec<u32>| {
            if !word.is_empty() {
                self.split_word(word, *chars, out);
                word.clear();
                *chars = 0;
            }
        };
        for c in text.chars() {
            if c.is_ascii() {
                let b = c as u8;
                if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                    flush(word, &mut chars, out);
                } else if b < 0x20 || b == 0x7F {
                    // Other control characters vanish (NUL, VT and FF too).
                } else if b.is_ascii_punctuation() {
                    flush(word, &mut chars, out);
                    word.push(c);
                    chars = 1;
                    flush(word, &mut chars, out);
                } else {
                    word.push(b.to_ascii_lowercase() as char);
                    chars += 1;
                }
                continue;
            }
            if c == '\u{FFFD}' || is_control(c) {
                continue;
            }
            if c.is_whitespace() {
                flush(word, &mut chars, out);
                continue;
            }
            if is_cjk(c) {
                flush(word, &mut chars, out);
                word.push(c);
                chars = 1;
                flush(word, &mut chars, out);
                continue;
            }
            unicode_normalization::char::decompose_canonical(c, |d| {
                if get_general_category(d) == Gc::NonspacingMark {
                    return;
                }
                for l in d.to_lowercase() {
                    if is_punctuation(l) {
                        flush(word, &mut chars, out);
                        word.push(l);
                        chars = 1;
                        flush(word, &mut chars, out);
                    } else if l.is_whitespace() {
                        flush(word, &mut chars, out);
                    } else {
                        word.push(l);
                        chars += 1;
                    }
                }
            });
        }
        flush(word, &mut chars, out);
    }

    /// Greedy longest-match-first split of one normalised word.
    fn split_word(&self, word: &str, chars: usize, out: &mut Vec<u32>) {
        if chars > MAX_CHARS_PER_WORD {
            out.push(self.unk);
            return;
        }
        let mark = out.len();
        let mut start = 0;
        while start < word.len() {
            let (map, longest) = if start == 0 {
                (&self.start, self.max_start)
            } else {
                (&self.cont, self.max_cont)
            };
            let mut end = word.len().min(start + longest);
            while !word.is_char_boundary(end) {
                end -= 1;
            }
            let mut found = None;
            while end > start {
                if let Some(&id) = map.get(&word[start..end]) {
                    found = Some(id);
                    break;
                }
                end -= 1;
                while !word.is_char_boundary(end) {
                    end -= 1;
                }
            }
            match found {
                Some(id) => {
                    out.push(id);
                    start = end;
                }
                None => {
                    out.truncate(mark);
                    out.push(self.unk);
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wp() -> WordPiece {
        let vocab = "[PAD]\n[UNK]\nhello\nworld\n##s\nplay\n##ing\n!\ncafe\nlis\n##bon\n,\n";
        WordPiece::from_vocab(vocab).unwrap()
    }

    fn ids(text: &str) -> Vec<u32> {
        let mut out = Vec::new();
        wp().tokenize(text, &mut out);
        out
    }

    #[test]
    fn splits_words_punctuation_and_pieces() {
        assert_eq!(ids("Hello, worlds!"), vec![2, 11, 3, 4, 7]);
        assert_eq!(ids("PLAYING"), vec![5, 6]);
        assert_eq!(ids("Lisbon"), vec![9, 10]);
    }

    #[test]
    fn strips_accents_and_controls() {
        assert_eq!(ids("Café"), vec![8]);
        assert_eq!(ids("ca\u{0301}fe\u{200B}"), vec![8]);
        assert_eq!(ids("caf\u{0000}e"), vec![8]);
        assert_eq!(ids("ca\u{000C}fe"), vec![8]);
    }

    #[test]
    fn unknown_word_is_one_unk() {
        assert_eq!(ids("hellox world"), vec![1, 3]);
        assert_eq!(ids(&"a".repeat(101)), vec![1]);
        assert!(ids("").is_empty() && ids("  \t\n").is_empty());
    }

    #[test]
    fn a_word_alone_gets_the_ids_the_whole_tokenizer_gives() {
        let t = wp();
        let long = "s".repeat(101);
        let words = [
            "hello",
            "worlds",
            "playing",
            "lisbon",
            "café",
            "Café",
            "CAFE",
            "ca\u{301}fe",
            "hellox",
            "x",
            "",
            "42",
            "play_ing",
            "東京",
            long.as_str(),
            "hello\u{200B}s",
        ];
        let mut buf = String::new();
        for w in words {
            let mut one = Vec::new();
            t.tokenize_word(w, &mut buf, &mut one);
            assert_eq!(one, ids(w), "{w:?}");
        }
    }
}
