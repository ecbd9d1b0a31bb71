//! The one binary: `danvan serve | demo | migrate | user | units | backup | restore | audit | generate | healthcheck`.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    danvan::cli::main()
}
