//! The use cases, each composed from the modules below it, one file per use case: `deploy`
//! (install and upgrade), `rollback`, `uninstall`, `status`, `records` (list, history, get),
//! `lint`, and `render_chart` here for `template`; `recover` is `--rollback-on-failure`; `operation` holds what the release use cases
//! share (the lock, interruption, the inventory, the apply → wait → record step), `chart` finds
//! and loads the chart a command names. Actions never print: they return results for the CLI
//! layer to show.

pub mod adopt;
pub mod chart;
pub mod chart_snapshot;
pub mod deploy;
pub mod env;
pub mod environments;
pub mod hooks;
pub mod lint;
pub mod operation;
pub mod plan;
pub mod promote;
pub mod records;
pub mod recover;
pub mod repo;
pub mod rollback;
pub mod search;
pub mod status;
pub mod test;
pub mod uninstall;

use crate::chart::Chart;
use crate::error::Result;
use crate::render::{self, RenderOptions, Rendered};
use crate::values::{self, SourceReader, UserValueOptions};

/// What to render: a chart, the user's values, and the render options.
#[derive(Debug, Clone)]
pub struct RenderSettings {
    pub chart: chart::ChartSettings,
    pub values: UserValueOptions,
    pub options: RenderOptions,
}

/// Finds and loads the chart, composes the user's values and renders the whole tree.
///
/// The templates of the first subchart loaded are compiled on another thread while the rest of
/// the tree loads (see [`render::prefetch_sources`]): in an umbrella of subcharts made from one starter,
/// that is the one compile every chart of the render waits for.
pub async fn render_chart(
    settings: &RenderSettings,
    reader: &dyn SourceReader,
) -> Result<(Chart, Rendered)> {
    let resolved = chart::resolve(&settings.chart).await?;
    let engines = render::EngineCache::default();
    std::thread::scope(|scope| {
        let mut prefetching = false;
        let chart = crate::chart::load_observed(&resolved.path, &mut |chart: &Chart| {
            if !prefetching && let Some(sources) = render::prefetch_sources(chart) {
                prefetching = true;
                let engines = &engines;
                scope.spawn(move || engines.prefetch(sources));
            }
        })?;
        let user_values = values::compose_user_values(&settings.values, reader)?;
        let rendered = render::render_with(&chart, user_values, &settings.options, &engines)?;
        Ok((chart, rendered))
    })
}
