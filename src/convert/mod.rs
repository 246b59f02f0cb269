//! `charts convert`: a Helm chart (Go templates and Sprig) to a `charts` chart (Tera), its
//! subcharts included. Templates are parsed with a real Go template parser ([`gotmpl`]) and
//! translated ([`translate`]); what cannot be translated is written as a located
//! `fail("cannot convert: ...")` and listed in the [`Report`].

pub mod gotmpl;
pub mod translate;
mod write;

pub use write::{Report, convert};

use translate::{Defines, Translator};

/// Translates Go template `text` (a `tpl` argument at render time) to Tera: with the root
/// context as the dot, or (`dot_var`) with the dot in the variable `dot`. `include`s name
/// components by their converted names.
pub fn translate_text(text: &str, dot_var: bool) -> Result<String, String> {
    let nodes =
        gotmpl::parse(text).map_err(|e| format!("{}:{}: {}", e.pos.line, e.pos.col, e.message))?;
    let defines = Defines::new();
    let mut translator = Translator::new(&defines, "tpl", dot_var.then_some("dot"));
    translator.lenient_defines = true;
    let (out, issues) = translator.translate(&nodes);
    match issues.first() {
        Some(issue) => Err(format!(
            "{}:{}: cannot convert: {}",
            issue.line, issue.col, issue.message
        )),
        None => Ok(out),
    }
}
