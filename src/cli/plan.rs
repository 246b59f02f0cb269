//! `charts plan NAME CHART`: what `charts upgrade --install NAME CHART` with the same flags would
//! change, from a server-side dry run; nothing is changed. `upgrade --plan` prints the same.

use crate::action::deploy::DeploySettings;
use crate::action::plan::{self, Action, Plan};
use crate::cli::GlobalArgs;
use crate::cli::install::DeployArgs;
use crate::cli::output::{self, Format};
use crate::error::{Error, Result};
use crate::release::store::SecretStore;

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The release to plan for (it may not exist yet: then everything is created)
    pub name: String,
    /// The chart: a directory, a `.tgz`, `repo/name`, a URL or `oci://...`
    pub chart: String,
    /// Lay the previous revision's user values under this command's values, as `upgrade
    /// --reuse-values` would
    #[arg(long)]
    pub reuse_values: bool,
    #[command(flatten)]
    pub plan: PlanFlags,
    #[command(flatten)]
    pub deploy: DeployArgs,
}

/// What `plan` and `upgrade --plan` share.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Plan")]
pub struct PlanFlags {
    /// Exit code 2 when the plan has changes (0 when none, 1 on errors)
    #[arg(long)]
    pub exit_code: bool,
    /// List unchanged objects too
    #[arg(long)]
    pub show_unchanged: bool,
}

pub fn plan(global: &GlobalArgs, args: PlanArgs) -> Result<()> {
    let mut settings = args.deploy.settings(args.name.clone(), &args.chart)?;
    settings.reuse_values = args.reuse_values;
    run_plan(global, &args.deploy, settings, &args.plan)
}

/// Plans the deploy `settings` describe and prints the plan; with `--exit-code`, changes make
/// the exit code 2.
pub fn run_plan(
    global: &GlobalArgs,
    args: &DeployArgs,
    mut settings: DeploySettings,
    flags: &PlanFlags,
) -> Result<()> {
    let mut global = global.clone();
    if args.env.up_settings()?.is_some() {
        // The environment's namespace and `Env.*`, as a deploy into it would have them; a plan
        // does not create or renew the environment.
        let (namespace, env) = args.env.offline_target(&global)?;
        global.namespace = Some(namespace);
        settings.env = env;
    }
    let spinner = output::Spinner::start();
    settings.progress = spinner.progress();
    let reader = crate::values::FsReader;
    let planned = crate::support::block_on(async {
        let cluster = crate::cluster::connect(&global.cluster_settings()).await?;
        let store = SecretStore::new(cluster.clone());
        plan::plan(&cluster, &store, &settings, &reader).await
    });
    drop(spinner);
    let planned = planned?;
    print_plan(&planned, args.output, flags)
}

/// Prints a plan (table, JSON or YAML, the summary line on stderr for machines); with
/// `--exit-code`, changes make the exit code 2. `plan`, `upgrade --plan` and `promote --plan`.
pub fn print_plan(planned: &Plan, format: Format, flags: &PlanFlags) -> Result<()> {
    output::show(
        format,
        || Ok(plan_json(planned)),
        || Ok(plan_text(planned, flags.show_unchanged)),
    )?;
    if format != Format::Table {
        output::note(&planned.summary_line());
    }
    if flags.exit_code && planned.has_changes() {
        return Err(Error::ExitCode(2));
    }
    Ok(())
}

/// The plan as pipelines read it (README "charts plan"): every object, unchanged ones too.
fn plan_json(plan: &Plan) -> serde_json::Value {
    serde_json::to_value(plan).unwrap_or_default()
}

fn marker(action: Action) -> &'static str {
    match action {
        Action::Create => "+",
        Action::Update => "~",
        Action::Replace => "-/+",
        Action::Delete => "-",
        Action::Unchanged => "=",
    }
}

/// At most this many characters of an API message in the text output.
const MESSAGE_WIDTH: usize = 160;

fn shortened(message: &str) -> String {
    match message.char_indices().nth(MESSAGE_WIDTH) {
        Some((at, _)) => format!("{}...", &message[..at]),
        None => message.to_string(),
    }
}

/// The plan for people: one line per object that changes, diffs indented under updates.
fn plan_text(plan: &Plan, show_unchanged: bool) -> String {
    let mut text = format!(
        "Release `{}` in namespace `{}`: {} (revision {})\n\n",
        plan.release,
        plan.namespace,
        if plan.install { "install" } else { "upgrade" },
        plan.revision
    );
    for change in &plan.changes {
        if change.action == Action::Unchanged && !show_unchanged {
            continue;
        }
        let object = match &change.namespace {
            Some(namespace) => format!("{} {namespace}/{}", change.kind, change.name),
            None => format!("{} {}", change.kind, change.name),
        };
        text.push_str(&format!(
            "  {:<3} {:<9} {object}",
            marker(change.action),
            change.action.as_str()
        ));
        if change.action == Action::Replace {
            let fields: Vec<&str> = change.fields.iter().map(|f| f.field.as_str()).collect();
            text.push_str(&format!(
                " (cannot change {}; {})",
                fields.join(", "),
                if change.replace_on_change {
                    "replaced: charts.dev/replace-on-change"
                } else {
                    "needs --force-replace"
                }
            ));
        }
        if !change.changed_keys.is_empty() {
            text.push_str(&format!(
                " (Secret keys changed: {}; values masked)",
                change.changed_keys.join(", ")
            ));
        }
        text.push('\n');
        for field in &change.fields {
            text.push_str(&format!(
                "        {}: {}\n",
                field.field,
                shortened(&field.message)
            ));
        }
        if let Some(diff) = &change.diff {
            for line in diff.lines() {
                text.push_str("        ");
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    if !plan.hooks.is_empty() {
        text.push_str("\nHooks that would run (not checked with the server):\n");
        for hook in &plan.hooks {
            text.push_str(&format!(
                "  {} {} ({})\n",
                hook.kind,
                hook.name,
                hook.events.join(", ")
            ));
        }
    }
    text.push('\n');
    text.push_str(&plan.summary_line());
    text.push('\n');
    text
}
