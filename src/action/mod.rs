//! The use cases, each composed from the modules below it. Actions never print: they return
//! results for the CLI layer to show.

pub mod lint;
pub mod records;
pub mod release;

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
pub fn render_chart(
    settings: &RenderSettings,
    reader: &dyn SourceReader,
) -> Result<(Chart, Rendered)> {
    let chart = chart::load(&settings.chart)?;
    let user_values = values::compose_user_values(&settings.values, reader)?;
    let rendered = render::render(&chart, user_values, &settings.options)?;
    Ok((chart, rendered))
}
