//! The folder a benchmark builds its databases in: the one given with `--dir` (kept after), or
//! a new one in the system's temporary folder, removed when the benchmark ends.

use std::path::{Path, PathBuf};

pub struct Scratch {
    path: PathBuf,
    remove: bool,
}

impl Scratch {
    /// `dir`, or `terrain-bench-<bench>-<pid>` in the temporary folder; created if missing.
    pub fn new(dir: Option<PathBuf>, bench: &str) -> std::io::Result<Scratch> {
        let (path, remove) = match dir {
            Some(d) => (d, false),
            None => {
                let name = format!("terrain-bench-{bench}-{}", std::process::id());
                (std::env::temp_dir().join(name), true)
            }
        };
        std::fs::create_dir_all(&path)?;
        Ok(Scratch { path, remove })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The subfolder `name`, emptied of what an earlier round left there.
    pub fn fresh(&self, name: &str) -> std::io::Result<PathBuf> {
        let dir = self.join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        Ok(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.remove {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_folder_goes_when_dropped_and_a_given_one_stays() {
        let scratch = Scratch::new(None, "scratch-test").expect("scratch");
        let path = scratch.path().to_path_buf();
        std::fs::write(scratch.join("a"), "x").expect("write");
        drop(scratch);
        assert!(!path.exists());

        let parent = tempfile::tempdir().expect("tempdir");
        let given = parent.path().join("given");
        let scratch = Scratch::new(Some(given.clone()), "unused").expect("scratch");
        let round = scratch.fresh("round").expect("fresh");
        std::fs::create_dir_all(&round).expect("mkdir");
        assert!(scratch
            .fresh("round")
            .expect("fresh again")
            .read_dir()
            .is_err());
        drop(scratch);
        assert!(given.exists());
    }
}
