// mimalloc: `charts template` allocates many small values (one per YAML node); with the system
// allocator a fifth of a large render went to malloc and free. It also asks for transparent huge
// pages for its arenas (see Cargo.toml), so a render takes a few hundred page faults, not
// thousands.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    charts::main_entry()
}
