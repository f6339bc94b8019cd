//! The `terrain` command's integration tests: one binary, one module per part of the command.

mod sync;
