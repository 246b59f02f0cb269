//! One Tera engine per set of template sources: a chart's templates, the helper components of
//! its library dependencies, Helm-named filters, and the functions that need the chart itself
//! (`include`, `tpl`, `file`). A separate engine per chart keeps two subcharts' helpers with the
//! same name from overwriting each other (a long-standing Helm trap).
//!
//! Compiling is the dearest part of a render, and umbrella charts often hold several subcharts
//! with byte-identical templates (made from one starter, or one chart under several aliases). So
//! templates are named relative to their chart ([`CHART_ROOT`] stands for the chart's prefix),
//! charts with the same sources share one compiled engine through an [`EngineCache`], and the
//! chart-specific functions find their chart through the chart being rendered on this thread.
//! Errors get the chart's prefix back in [`ChartEngine::error`].

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tera::{Context, Kwargs, State, Tera, TeraResult, Value};

use super::filters;

/// Stands for the chart's own prefix (`<root>/` or `<root>/charts/<sub>/`) in template names
/// inside an engine, so that the same sources compile to the same engine in every chart. A
/// private-use character: it cannot clash with a name or text a chart author writes.
pub const CHART_ROOT: &str = "\u{F8FF}/";

/// A template source added to the engine: its name relative to the chart being rendered
/// (`templates/x.yaml`, or `charts/<library>/templates/_helpers.tera` for a library's helpers)
/// and its text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    pub name: String,
    pub text: String,
}

/// Compiled engines of one render, by their sources. Charts are rendered on several threads;
/// a chart whose sources are being compiled by another thread waits for that engine rather
/// than compiling them again.
#[derive(Default)]
pub struct EngineCache {
    engines: Mutex<HashMap<Vec<Source>, Arc<Slot>>>,
}

/// An engine being compiled or compiled; `None` when its sources did not compile.
type Slot = OnceLock<Option<Arc<Tera>>>;

impl EngineCache {
    /// Compiles `sources` now (on this thread) for a chart that will ask for them later.
    pub fn prefetch(&self, sources: Vec<Source>) {
        let _ = self.engine(sources);
    }

    /// The engine of `sources`, compiled by the first chart that asks for it. A compile error is
    /// not shared: each chart compiles again, so that the error names its own files.
    fn engine(&self, sources: Vec<Source>) -> TeraResult<Arc<Tera>> {
        let slot = {
            let mut engines = self.engines.lock().unwrap_or_else(|e| e.into_inner());
            match engines.get(&sources) {
                Some(slot) => slot.clone(),
                None => {
                    let slot = Arc::new(Slot::new());
                    engines.insert(sources.clone(), slot.clone());
                    slot
                }
            }
        };
        let mut error = None;
        let shared = slot.get_or_init(|| match compile(&sources) {
            Ok(tera) => Some(Arc::new(tera)),
            Err(e) => {
                error = Some(e);
                None
            }
        });
        match (shared, error) {
            (_, Some(error)) => Err(error),
            (Some(tera), None) => Ok(tera.clone()),
            (None, None) => compile(&sources).map(Arc::new),
        }
    }
}

/// What the chart-specific functions need to know about the chart being rendered.
struct ChartScope {
    /// `<root>/` or `<root>/charts/<sub>/`.
    prefix: String,
    /// The chart's readable non-template files (for `file()`).
    files: Arc<Vec<(String, Vec<u8>)>>,
    /// The chart's render context (for `include` and `tpl`).
    base_context: Arc<Context>,
    chart_name: String,
}

/// One chart's view of an engine: the shared compiled templates and the chart they render for.
pub struct ChartEngine {
    tera: Arc<Tera>,
    scope: Arc<ChartScope>,
}

/// The engine and chart being rendered on this thread, for `include`, `tpl` and `file`. Set only
/// while a render runs, so the engine holds no pointer back to itself and is freed when the last
/// chart that uses it is dropped.
type Current = (Arc<Tera>, Arc<ChartScope>);

thread_local! {
    static CURRENT: RefCell<Option<Current>> = const { RefCell::new(None) };
    static NESTED_CALLS: Cell<usize> = const { Cell::new(0) };
    /// The message of the nesting limit once hit, handed up unchanged by every call around it.
    static TOO_DEEP: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Deepest nesting of `include` and `tpl` calls inside one another. Each level renders a
/// template on the stack of the one around it, so a template or value that renders itself
/// would overflow the stack and abort the process: it gets an error at this depth instead.
/// Helm has no explicit limit (Go grows its stacks); charts nest a few levels, and Tera itself
/// stops components calling themselves at 20.
pub const MAX_NESTED_CALLS: usize = 64;

/// Makes a chart the current one of this thread until dropped, then restores the previous one.
struct Entered(Option<Current>);

impl Entered {
    fn new(current: Current) -> Entered {
        Entered(CURRENT.with(|c| c.replace(Some(current))))
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        let previous = self.0.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

fn current() -> TeraResult<Current> {
    CURRENT
        .with(|c| c.borrow().clone())
        .ok_or_else(|| tera::Error::message("no chart is being rendered"))
}

impl ChartEngine {
    /// The engine of a chart: `sources` compiled (or taken from `cache` when another chart of
    /// the render has the same ones), `files` its readable non-template files (for `file()`),
    /// `base_context` its render context (for `include` and `tpl`).
    pub fn new(
        cache: &EngineCache,
        prefix: String,
        sources: Vec<Source>,
        files: Arc<Vec<(String, Vec<u8>)>>,
        base_context: Arc<Context>,
        chart_name: String,
    ) -> TeraResult<ChartEngine> {
        Ok(ChartEngine {
            tera: cache.engine(sources)?,
            scope: Arc::new(ChartScope {
                prefix,
                files,
                base_context,
                chart_name,
            }),
        })
    }

    /// Renders the chart's template `name` (relative to the chart: `templates/x.yaml`).
    pub fn render(&self, name: &str, base: &Context) -> TeraResult<String> {
        let mut context = base.clone();
        context.insert_value("Template", template_object(name, &self.scope.prefix));
        let _entered = Entered::new((self.tera.clone(), self.scope.clone()));
        self.tera.render(&[CHART_ROOT, name].concat(), &context)
    }

    /// A Tera error of this engine with the chart's prefix in every template name, as the
    /// chart's author knows them.
    pub fn error(&self, error: tera::Error) -> super::Error {
        super::Error::from_tera(error, &self.scope.prefix)
    }
}

/// Compiles `sources` with the filters and functions every chart has.
fn compile(sources: &[Source]) -> TeraResult<Tera> {
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    register_filters(&mut tera);
    tera.register_function("include", include);
    tera.register_function("tpl", tpl);
    tera.register_function("file", file);
    tera.add_raw_templates(
        sources
            .iter()
            .map(|s| (format!("{CHART_ROOT}{}", s.name), s.text.as_str())),
    )?;
    Ok(tera)
}

fn include(kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let template: String = kwargs.must_get("template")?;
    let (tera, scope) = current()?;
    let relative = template
        .strip_prefix(scope.prefix.as_str())
        .unwrap_or_else(|| template.trim_start_matches("./"));
    let name = format!("{CHART_ROOT}{relative}");
    if !tera.contains_template(&name) {
        return Err(tera::Error::message(format!(
            "include: no template `{}{relative}` in this chart",
            scope.prefix
        )));
    }
    let too_deep = || {
        format!(
            "include: more than {MAX_NESTED_CALLS} nested `include` and `tpl` calls (does `{}{relative}` include itself?)",
            scope.prefix
        )
    };
    nested(too_deep, || {
        let mut context = (*scope.base_context).clone();
        context.insert_value("Template", template_object(relative, &scope.prefix));
        tera.render(&name, &context)
    })
}

fn tpl(kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let template: String = kwargs.must_get("template")?;
    let (tera, scope) = current()?;
    let too_deep = || {
        let culprit = match scope
            .base_context
            .get("Values")
            .and_then(|values| path_of_string(values, &template, "Values"))
        {
            Some(path) => format!("the value `{path}`"),
            None => format!("the template `{}`", crate::error::quoted(&template)),
        };
        format!(
            "tpl: more than {MAX_NESTED_CALLS} nested `include` and `tpl` calls (does {culprit} render itself?)"
        )
    };
    nested(too_deep, || {
        tera.render_str(&template, &scope.base_context, false)
    })
}

/// Runs one `include` or `tpl` call one level deeper, or fails with `too_deep()` past
/// [`MAX_NESTED_CALLS`]. That error reaches the user once, from the outermost call, rather
/// than wrapped in every one of the 64 calls around it.
fn nested(
    too_deep: impl FnOnce() -> String,
    render: impl FnOnce() -> TeraResult<String>,
) -> TeraResult<String> {
    struct Level(usize);
    impl Drop for Level {
        fn drop(&mut self) {
            NESTED_CALLS.with(|calls| calls.set(self.0));
        }
    }
    let depth = NESTED_CALLS.with(Cell::get);
    if depth >= MAX_NESTED_CALLS {
        let message = too_deep();
        TOO_DEEP.with(|slot| *slot.borrow_mut() = Some(message.clone()));
        return Err(tera::Error::message(message));
    }
    NESTED_CALLS.with(|calls| calls.set(depth + 1));
    let _level = Level(depth);
    let result = render();
    let passed_up = TOO_DEEP.with(|slot| match depth {
        0 => slot.borrow_mut().take(),
        _ => slot.borrow().clone(),
    });
    match (result, passed_up) {
        (Err(_), Some(message)) => Err(tera::Error::message(message)),
        (result, _) => result,
    }
}

/// The path (`Values.a.b[0]`) of a string in `value` equal to `text`, if any: which value a
/// `tpl` call was rendering.
fn path_of_string(value: &Value, text: &str, path: &str) -> Option<String> {
    if let Some(string) = value.as_str() {
        return (string == text).then(|| path.to_string());
    }
    if let Some(map) = value.as_map() {
        return map
            .iter()
            .find_map(|(key, item)| path_of_string(item, text, &format!("{path}.{key}")));
    }
    value
        .as_array()?
        .iter()
        .enumerate()
        .find_map(|(index, item)| path_of_string(item, text, &format!("{path}[{index}]")))
}

fn file(kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let path: String = kwargs.must_get("path")?;
    let path = path.trim_start_matches("./");
    let (_, scope) = current()?;
    let chart_name = &scope.chart_name;
    match scope.files.iter().find(|(name, _)| name == path) {
        Some((_, data)) => String::from_utf8(data.clone()).map_err(|_| {
            tera::Error::message(format!(
                "file: `{path}` in chart `{chart_name}` is not UTF-8 text"
            ))
        }),
        None => Err(tera::Error::message(format!(
            "file: no file `{path}` in chart `{chart_name}` (templates and Chart.yaml/values files are not readable)"
        ))),
    }
}

/// `Template.Name` and `Template.BasePath`, as Helm sets them; `name` is relative to the chart.
/// Built as a Tera value directly: through `serde_json` it cost more than the rest of setting
/// up a render.
pub fn template_object(name: &str, prefix: &str) -> Value {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Template<'a> {
        name: &'a str,
        base_path: &'a str,
    }
    Value::from_serializable(&Template {
        name: &[prefix, name].concat(),
        base_path: &[prefix, "templates"].concat(),
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
    super::sprig::register(tera);
}

/// Registers the chart filters and functions on a bare engine (for tests of translations).
#[cfg(test)]
pub(crate) fn register_for_tests(tera: &mut Tera) {
    register_filters(tera);
}

/// A chart's readable non-template files: path and bytes.
pub(crate) type ChartFiles = Arc<Vec<(String, Vec<u8>)>>;

/// The readable non-template files of the chart being rendered (for `filesGet`/`filesGlob`).
pub(crate) fn chart_files() -> TeraResult<ChartFiles> {
    Ok(current()?.1.files.clone())
}

/// Renders Tera `text` with the chart being rendered: with its context, or with `dot` as the
/// only variable (a converted `tpl` whose Go dot is not the root). Counts as one nested
/// `include`/`tpl` level.
pub(crate) fn render_text(text: &str, dot: Option<Value>) -> TeraResult<String> {
    let (tera, scope) = current()?;
    let too_deep = || format!("tpl: more than {MAX_NESTED_CALLS} nested `include` and `tpl` calls");
    nested(too_deep, || match dot {
        Some(dot) => {
            let mut context = Context::new();
            context.insert_value("dot", dot);
            tera.render_str(text, &context, false)
        }
        None => tera.render_str(text, &scope.base_context, false),
    })
}

/// Turns a JSON value into a Tera value once, so each template render only clones it.
pub fn tera_value(value: &serde_json::Value) -> Value {
    Value::from_serializable(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(name: &str, text: &str) -> Source {
        Source {
            name: name.to_string(),
            text: text.to_string(),
        }
    }

    fn context_with(key: &'static str, value: &str) -> Arc<Context> {
        let mut context = Context::new();
        context.insert(key, value);
        Arc::new(context)
    }

    fn engine(cache: &EngineCache, chart: &str, sources: Vec<Source>, who: &str) -> ChartEngine {
        ChartEngine::new(
            cache,
            format!("umbrella/charts/{chart}/"),
            sources,
            Arc::new(vec![(
                "files/id.txt".to_string(),
                chart.as_bytes().to_vec(),
            )]),
            context_with("who", who),
            chart.to_string(),
        )
        .unwrap()
    }

    #[test]
    fn template_object_names_the_template_and_its_chart_templates_in_helm_order() {
        let object = template_object("templates/a.yaml", "umbrella/charts/wéb/");
        let entries: Vec<_> = object
            .as_map()
            .unwrap()
            .iter()
            .map(|(key, value)| (key.as_str().unwrap(), value.as_str().unwrap()))
            .collect();
        assert_eq!(
            entries,
            [
                ("Name", "umbrella/charts/wéb/templates/a.yaml"),
                ("BasePath", "umbrella/charts/wéb/templates"),
            ]
        );
    }

    /// `include` and `tpl` used to hold the engine strongly: a cycle that kept every chart's
    /// compiled templates in memory until the process ended.
    #[test]
    fn an_engine_is_freed_when_dropped() {
        let cache = EngineCache::default();
        let engine = engine(
            &cache,
            "web",
            vec![
                source(
                    "templates/a.yaml",
                    "a: {{ include(template=\"templates/b.yaml\") }}",
                ),
                source("templates/b.yaml", "b"),
            ],
            "web",
        );
        assert_eq!(
            engine.render("templates/a.yaml", &Context::new()).unwrap(),
            "a: b"
        );
        let weak = Arc::downgrade(&engine.tera);
        drop(engine);
        drop(cache);
        assert!(
            weak.upgrade().is_none(),
            "the engine outlived its ChartEngine"
        );
    }

    #[test]
    fn charts_with_the_same_sources_share_one_engine_but_render_their_own_chart() {
        let sources = vec![
            source(
                "templates/_helpers.tera",
                "{% component who(who) %}{{ who }}{% endcomponent who %}",
            ),
            source(
                "templates/a.yaml",
                "{{ <who who={who} /> }} {{ Template.Name }} {{ include(template=\"templates/b.yaml\") }} {{ file(path=\"files/id.txt\") }} {{ tpl(template=\"{{ who }}\") }}",
            ),
            source("templates/b.yaml", "{{ Template.Name }}"),
        ];
        let cache = EngineCache::default();
        let one = engine(&cache, "one", sources.clone(), "first");
        let two = engine(&cache, "two", sources.clone(), "second");
        assert!(Arc::ptr_eq(&one.tera, &two.tera), "compiled twice");
        let mut other = sources;
        other[2].text.push('!');
        let three = engine(&cache, "three", other, "third");
        assert!(
            !Arc::ptr_eq(&one.tera, &three.tera),
            "different sources shared an engine"
        );

        assert_eq!(
            one.render("templates/a.yaml", &context_with("who", "first"))
                .unwrap(),
            "first umbrella/charts/one/templates/a.yaml umbrella/charts/one/templates/b.yaml one first"
        );
        assert_eq!(
            two.render("templates/a.yaml", &context_with("who", "second"))
                .unwrap(),
            "second umbrella/charts/two/templates/a.yaml umbrella/charts/two/templates/b.yaml two second"
        );
    }

    #[test]
    fn errors_of_a_shared_engine_name_the_files_of_their_own_chart() {
        let sources = vec![
            source(
                "templates/_helpers.tera",
                "{% component boom() %}{{ nope }}{% endcomponent boom %}",
            ),
            source("templates/a.yaml", "a: {{ <boom /> }}"),
        ];
        let cache = EngineCache::default();
        let _one = engine(&cache, "one", sources.clone(), "first");
        let two = engine(&cache, "two", sources, "second");
        let error = two.error(two.render("templates/a.yaml", &Context::new()).unwrap_err());
        let super::super::Error::Template { name, report, .. } = &error else {
            panic!("not a template error: {error}");
        };
        assert_eq!(name, "umbrella/charts/two/templates/_helpers.tera");
        assert!(
            report.contains("--> umbrella/charts/two/templates/_helpers.tera:"),
            "{report}"
        );
        assert!(
            report.contains("umbrella/charts/two/templates/a.yaml:"),
            "{report}"
        );
        assert!(
            !report.contains(CHART_ROOT) && !report.contains("charts/one/"),
            "{report}"
        );

        let broken = vec![source("templates/a.yaml", "a: {{ nope ")];
        let Err(error) = ChartEngine::new(
            &cache,
            "umbrella/charts/three/".to_string(),
            broken,
            Arc::new(Vec::new()),
            Arc::new(Context::new()),
            "three".to_string(),
        ) else {
            panic!("a syntax error compiled");
        };
        let error = super::super::Error::from_tera(error, "umbrella/charts/three/");
        assert!(
            error
                .to_string()
                .contains("`umbrella/charts/three/templates/a.yaml`"),
            "{error}"
        );
    }
}
