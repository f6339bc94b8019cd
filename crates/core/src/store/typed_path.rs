//! A path a person typed or picked in the app (a USB folder, a bundle, a join file, an export
//! destination): kept exactly as given, trimmed of surrounding spaces only, and refused when it
//! does not start at the root or a drive. The app has no working folder a person could know of,
//! so `media/usb` would land in some folder they never chose. The command line keeps relative
//! paths: there they mean the shell's current folder.

use std::path::{Path, PathBuf};

use crate::error::{Error, Refusal, Result};

/// The path typed in a box of the app: trimmed, and full (from the root or a drive).
pub fn typed_path(text: &str) -> Result<PathBuf> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::Refused(Refusal::NoPath));
    }
    let path = Path::new(text);
    if !path.is_absolute() {
        return Err(Error::Refused(Refusal::RelativePath {
            path: text.to_string(),
        }));
    }
    Ok(path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> &'static str {
        match typed_path(text) {
            Ok(_) => "ok",
            Err(e) => e.code(),
        }
    }

    #[test]
    fn a_full_path_is_kept_as_typed_and_trimmed() {
        let full = if cfg!(windows) {
            r"E:\terrain"
        } else {
            "/media/usb"
        };
        let typed = typed_path(&format!("  {full} ")).expect("a full path");
        assert_eq!(typed, PathBuf::from(full));
    }

    #[test]
    fn relative_and_empty_paths_are_refused_with_their_code() {
        for relative in ["media/usb", "usb", "./x", "../x", "~/Documents"] {
            assert_eq!(code(relative), "relative_path", "{relative}");
        }
        assert_eq!(code(""), "no_path");
        assert_eq!(code("   "), "no_path");
    }

    #[test]
    fn the_refusal_names_the_path_typed() {
        let e = typed_path("media/usb").expect_err("relative");
        let fr = e.message(crate::lang::Lang::Fr);
        assert!(
            fr.contains("« media/usb »") && fr.contains("Parcourir"),
            "{fr}"
        );
        let en = e.message(crate::lang::Lang::En);
        assert!(
            en.contains("\"media/usb\"") && en.contains("Browse"),
            "{en}"
        );
    }
}
