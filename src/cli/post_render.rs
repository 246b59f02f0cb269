//! `--post-renderer CMD [--post-renderer-args ARG]...` on `template`, `install` and `upgrade`
//! (see [`crate::render::post_render`]).

use crate::render::post_render::PostRenderer;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct PostRenderArgs {
    /// Pass the rendered objects (hooks included) through this command: it reads the manifest
    /// on stdin and prints the objects to use on stdout (e.g. `kustomize`, via a script)
    #[arg(long, value_name = "CMD")]
    pub post_renderer: Option<String>,
    /// An argument for the post-renderer; repeat for more
    #[arg(
        long = "post-renderer-args",
        value_name = "ARG",
        requires = "post_renderer",
        allow_hyphen_values = true
    )]
    pub post_renderer_args: Vec<String>,
}

impl PostRenderArgs {
    pub fn post_renderer(&self) -> Option<PostRenderer> {
        self.post_renderer.as_ref().map(|command| PostRenderer {
            command: command.clone(),
            args: self.post_renderer_args.clone(),
        })
    }
}
