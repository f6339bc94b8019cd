//! Attacks on a laptop by another member of a study: each one is refused, with its code,
//! and leaves the victim unchanged and working.

mod received;
