//! What the fuzz targets share: the study key the corpus was made with, so the fuzzer gets past
//! decryption to the decoders. The same bytes are in the corpus replay tests
//! (crates/core/tests/it/fuzz_corpus.rs).

/// The study key of every bundle in `corpus/bundle/`.
pub const STUDY_KEY: [u8; 32] = *b"terrain-fuzz-fixed-study-key-32b";
