//! Attacks by a member of a study (or anyone holding one of its files) on another member's
//! laptop: each is refused with its code, leaves the victim as it was, and the victim still
//! writes and imports normally afterwards.

mod authorship;
mod conflict_log;
mod decoder;
mod forms;
mod header;
mod received;
mod rekey;
mod review;
mod sealed;
mod seqs;
mod victim;
