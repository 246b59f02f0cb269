fn main() -> std::process::ExitCode {
    charts::main_entry()
}
