//! Helpers shared by the integration tests.

pub mod stats_fixture;
