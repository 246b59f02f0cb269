// mimalloc: `charts template` allocates many small values (one per YAML node); with the system
// allocator a fifth of a large render went to malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    charts::main_entry()
}
