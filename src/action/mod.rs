//! The use cases, each composed from the modules below it. Actions never print: they return
//! results for the CLI layer to show.

pub mod lint;
pub mod records;
pub mod release;
pub mod repo;
pub mod search;

use std::path::PathBuf;

use crate::chart::{self, Chart};
use crate::error::Result;
use crate::render::{self, RenderOptions, Rendered};
use crate::values::{self, SourceReader, UserValueOptions};

/// What to render: a chart on disk, the user's values, and the render options.
#[derive(Debug, Clone)]
pub struct RenderSettings {
    pub chart: PathBuf,
    pub values: UserValueOptions,
    pub options: RenderOptions,
}

/// Loads the chart, composes the user's values and renders the whole tree.
///
/// The templates of the first subchart loaded are compiled on another thread while the rest of
/// the tree loads (see [`render::prefetch_sources`]): in an umbrella of subcharts made from one starter,
/// that is the one compile every chart of the render waits for.
pub fn render_chart(
    settings: &RenderSettings,
    reader: &dyn SourceReader,
) -> Result<(Chart, Rendered)> {
    let engines = render::EngineCache::default();
    std::thread::scope(|scope| {
        let mut prefetching = false;
        let chart = chart::load_observed(&settings.chart, &mut |chart: &Chart| {
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
