// sqlx::migrate! embeds the migration folders at compile time; without this, adding a
// migration file would not rebuild the binary that carries them.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
