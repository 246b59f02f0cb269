//! Command-line interface.
pub fn main_entry() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
