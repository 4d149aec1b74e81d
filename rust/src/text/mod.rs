//! The text pipeline: tokenize → MurmurHash3 feature hashing → weight →
//! project to `d` dimensions (with topic-lexicon evidence).

pub mod embed;
pub mod hashing;
pub mod tokenize;
pub mod topics;
pub mod weights;
mod word_chars;
