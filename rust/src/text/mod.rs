//! The text pipeline: tokenize → MurmurHash3 feature hashing → weight →
//! project to `d` dimensions (with topic-lexicon evidence); with the
//! semantic text model, also WordPiece → static token embeddings (distilled
//! from all-MiniLM-L6-v2) → pool, mixed with the other two.

pub mod embed;
pub mod hashing;
pub mod semantic;
pub mod tokenize;
pub mod topics;
pub mod weights;
mod word_chars;
pub mod wordpiece;
