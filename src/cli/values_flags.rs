//! The values flags shared by `template`, `lint`, `install` and `upgrade`.

use crate::values::UserValueOptions;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct ValuesArgs {
    /// Values file (YAML); repeat for more, later files win; `-` reads stdin
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<String>,
    /// Set values: `a.b=c,list[0]=x`; integers and booleans are typed, never floats
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Set values as strings, whatever they look like
    #[arg(long = "set-string", value_name = "KEY=VALUE")]
    pub set_string: Vec<String>,
    /// Set a value to the content of a file: `key=path`
    #[arg(long = "set-file", value_name = "KEY=PATH")]
    pub set_file: Vec<String>,
    /// Set values from JSON: `key=<json>`, or a whole JSON object
    #[arg(long = "set-json", value_name = "KEY=JSON")]
    pub set_json: Vec<String>,
    /// Set one value verbatim (no commas or escapes are parsed)
    #[arg(long = "set-literal", value_name = "KEY=VALUE")]
    pub set_literal: Vec<String>,
}

impl ValuesArgs {
    pub fn to_options(&self) -> UserValueOptions {
        UserValueOptions {
            values_files: self.values.clone(),
            set_json: self.set_json.clone(),
            set: self.set.clone(),
            set_string: self.set_string.clone(),
            set_file: self.set_file.clone(),
            set_literal: self.set_literal.clone(),
        }
    }
}
