//! The `sluice` binary: parse the command line and hand over to the library.

/// mimalloc instead of the system allocator: per-thread free lists suit a server whose requests
/// allocate and free many small objects on one worker thread (see bench/README.md for figures).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    sluice::run()
}
