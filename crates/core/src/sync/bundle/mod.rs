//! Bundle files: a study's changes on a USB stick. `file` is the signed, encrypted container,
//! `codec` the change batches inside it (which the hub sends too), `export` and `import` the
//! two use cases.

pub(crate) mod codec;
pub(crate) mod export;
pub(crate) mod file;
pub(crate) mod import;

pub use codec::{decode_batch, encode_batch, pack, unpack};
pub use export::{export_bundle, export_bundle_with, ExportReport, ExportTarget, BATCH_SIZE};
pub use file::{
    parse_signed, read_signed, BundleWriter, Header, SignedBundle, FORMAT_VERSION, MAGIC,
};
pub use import::{
    bundle_clock_offset, import_bundle, import_bundle_with, ImportOptions, ImportReport,
};
