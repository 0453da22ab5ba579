//! Rebuilds the binary when anything under themes/default/ changes, files added included:
//! the built-in theme embeds that folder whole, and the embedding macro only tracks the
//! files that existed when it last ran.

fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=build.rs");
}
