//! Bundle files: a study's changes on a USB stick. `file` is the signed, encrypted container,
//! `header` what it says in clear and how that is authenticated, `codec` the change batches
//! inside it (which the hub sends too), `export` and `import` the two use cases.

pub(crate) mod codec;
pub(crate) mod export;
pub(crate) mod file;
pub(crate) mod header;
pub(crate) mod import;

pub use codec::{
    decode_batch, encode_batch, pack, unpack, MAX_BATCH_CHANGES, MAX_BATCH_PLAIN, WINDOW_LOG_MAX,
};
pub use export::{
    export_bundle, export_bundle_with, ExportReport, ExportTarget, BATCH_BYTES, BATCH_SIZE,
};
pub use file::{
    read_signed, Batches, BundleWriter, SignedBundle, FORMAT_VERSION, MAGIC, MAX_BUNDLE_BYTES,
};
pub use header::{Header, MAX_BATCHES, MAX_HEADER, MAX_VECTOR};
pub use import::{
    bundle_clock_offset, import_bundle, import_bundle_with, ImportOptions, ImportReport,
};
