//! One Tera engine per chart: its templates, the helper components of its library
//! dependencies, Helm-named filters, and the functions that need the chart itself
//! (`include`, `tpl`, `file`). A separate engine per chart keeps two subcharts' helpers with the
//! same name from overwriting each other (a long-standing Helm trap).

use std::cell::Cell;
use std::sync::{Arc, OnceLock, Weak};

use tera::{Context, Kwargs, State, Tera, TeraResult, Value};

use super::filters;

/// Everything a chart's templates can reach besides their context.
pub struct ChartEngine {
    tera: Arc<OnceLock<Tera>>,
    /// Template name prefix: `<root>/` or `<root>/charts/<sub>/`.
    pub prefix: String,
}

/// A template source added to the engine: its full name (used in errors) and its text.
pub struct Source {
    pub name: String,
    pub text: String,
}

thread_local! {
    static INCLUDE_DEPTH: Cell<usize> = const { Cell::new(0) };
}
const MAX_INCLUDE_DEPTH: usize = 64;

impl ChartEngine {
    /// Builds the engine. `files` are the chart's readable non-template files (for `file()`),
    /// `base_context` the chart's render context (for `include` and `tpl`).
    pub fn new(
        prefix: String,
        sources: Vec<Source>,
        files: Arc<Vec<(String, Vec<u8>)>>,
        base_context: Arc<Context>,
        chart_name: String,
    ) -> TeraResult<ChartEngine> {
        let cell: Arc<OnceLock<Tera>> = Arc::new(OnceLock::new());
        let mut tera = Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        register_filters(&mut tera);

        // The functions reach the engine that holds them through a weak pointer: a strong one
        // would make a cycle, and every chart's engine would stay in memory until exit.
        let for_include = Arc::downgrade(&cell);
        let include_context = base_context.clone();
        let include_prefix = prefix.clone();
        tera.register_function("include", move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let template: String = kwargs.must_get("template")?;
            let name = if template.starts_with(&include_prefix) {
                template
            } else {
                format!("{include_prefix}{}", template.trim_start_matches("./"))
            };
            let cell = engine_of(&for_include)?;
            let engine = cell.get().ok_or_else(|| tera::Error::message("engine not ready"))?;
            if !engine.contains_template(&name) {
                return Err(tera::Error::message(format!("include: no template `{name}` in this chart")));
            }
            let depth = INCLUDE_DEPTH.with(|d| d.get());
            if depth >= MAX_INCLUDE_DEPTH {
                return Err(tera::Error::message(format!(
                    "include: more than {MAX_INCLUDE_DEPTH} nested includes (does `{name}` include itself?)"
                )));
            }
            let mut context = (*include_context).clone();
            context.insert("Template", &template_object(&name, &include_prefix));
            INCLUDE_DEPTH.with(|d| d.set(depth + 1));
            let result = engine.render(&name, &context);
            INCLUDE_DEPTH.with(|d| d.set(depth));
            result
        });

        let for_tpl = Arc::downgrade(&cell);
        let tpl_context = base_context;
        tera.register_function(
            "tpl",
            move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
                let template: String = kwargs.must_get("template")?;
                let cell = engine_of(&for_tpl)?;
                let engine = cell
                    .get()
                    .ok_or_else(|| tera::Error::message("engine not ready"))?;
                engine.render_str(&template, &tpl_context, false)
            },
        );

        tera.register_function("file", move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            let path = path.trim_start_matches("./");
            match files.iter().find(|(name, _)| name == path) {
                Some((_, data)) => String::from_utf8(data.clone()).map_err(|_| {
                    tera::Error::message(format!("file: `{path}` in chart `{chart_name}` is not UTF-8 text"))
                }),
                None => Err(tera::Error::message(format!(
                    "file: no file `{path}` in chart `{chart_name}` (templates and Chart.yaml/values files are not readable)"
                ))),
            }
        });

        tera.add_raw_templates(sources.iter().map(|s| (s.name.as_str(), s.text.as_str())))?;
        let _ = cell.set(tera);
        Ok(ChartEngine { tera: cell, prefix })
    }

    pub fn tera(&self) -> &Tera {
        self.tera.get().expect("engine is set in new()")
    }

    pub fn render(&self, name: &str, base: &Context) -> TeraResult<String> {
        let mut context = base.clone();
        context.insert("Template", &template_object(name, &self.prefix));
        self.tera().render(name, &context)
    }
}

fn engine_of(weak: &Weak<OnceLock<Tera>>) -> TeraResult<Arc<OnceLock<Tera>>> {
    weak.upgrade()
        .ok_or_else(|| tera::Error::message("the chart's engine is gone"))
}

/// `Template.Name` and `Template.BasePath`, as Helm sets them.
pub fn template_object(name: &str, prefix: &str) -> serde_json::Value {
    serde_json::json!({
        "Name": name,
        "BasePath": format!("{prefix}templates"),
    })
}

fn register_filters(tera: &mut Tera) {
    tera.register_filter("toYaml", filters::to_yaml);
    tera.register_filter("toJson", filters::to_json_filter);
    tera.register_filter("toPrettyJson", filters::to_pretty_json);
    tera.register_filter("fromYaml", filters::from_yaml);
    tera.register_filter("fromJson", filters::from_json_filter);
    tera.register_filter("indent", filters::indent);
    tera.register_filter("nindent", filters::nindent);
    tera.register_filter("b64enc", filters::b64enc);
    tera.register_filter("b64dec", filters::b64dec);
    tera.register_filter("sha256sum", filters::sha256sum);
    tera.register_filter("quote", filters::quote);
    tera.register_filter("squote", filters::squote);
    tera.register_filter("trunc", filters::trunc);
    tera.register_filter("trimSuffix", filters::trim_suffix);
    tera.register_filter("trimPrefix", filters::trim_prefix);
    tera.register_filter("default", filters::default);
    tera.register_filter("required", filters::required);
    tera.register_filter("dns1123", filters::dns1123);
    tera.register_function("semverCompare", filters::semver_compare);
    tera.register_function("fail", filters::fail);
}

/// Turns a JSON value into a Tera value once, so each template render only clones it.
pub fn tera_value(value: &serde_json::Value) -> Value {
    Value::from_serializable(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `include` and `tpl` used to hold the engine strongly: a cycle that kept every chart's
    /// compiled templates in memory until the process ended.
    #[test]
    fn an_engine_is_freed_when_dropped() {
        let engine = ChartEngine::new(
            "web/".to_string(),
            vec![
                Source {
                    name: "web/templates/a.yaml".to_string(),
                    text: "a: {{ include(template=\"templates/b.yaml\") }}".to_string(),
                },
                Source {
                    name: "web/templates/b.yaml".to_string(),
                    text: "b".to_string(),
                },
            ],
            Arc::new(Vec::new()),
            Arc::new(Context::new()),
            "web".to_string(),
        )
        .unwrap();
        assert_eq!(
            engine
                .render("web/templates/a.yaml", &Context::new())
                .unwrap(),
            "a: b"
        );
        let weak = Arc::downgrade(&engine.tera);
        drop(engine);
        assert!(
            weak.upgrade().is_none(),
            "the engine outlived its ChartEngine"
        );
    }
}
