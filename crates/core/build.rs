// The migrations are embedded with include_dir!, which does not tell cargo about new files:
// rebuild whenever the folder changes.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
