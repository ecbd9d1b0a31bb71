//! The one binary: `danvan serve | demo | migrate | user | units | backup | restore | audit | generate | healthcheck`.

fn main() -> std::process::ExitCode {
    danvan::cli::main()
}
