# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_charts_global_optspecs
    string join \n n/namespace= kube-context= kubeconfig= h/help V/version
end

function __fish_charts_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_charts_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_charts_using_subcommand
    set -l cmd (__fish_charts_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c charts -n "__fish_charts_needs_command" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_needs_command" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_needs_command" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_needs_command" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_needs_command" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_needs_command" -f -a "template" -d 'Render a chart\'s objects locally and print them'
complete -c charts -n "__fish_charts_needs_command" -f -a "install" -d 'Install a chart as a new release'
complete -c charts -n "__fish_charts_needs_command" -f -a "upgrade" -d 'Upgrade a release to a new chart version or new values'
complete -c charts -n "__fish_charts_needs_command" -f -a "plan" -d 'Show what an install or upgrade would change, without changing anything'
complete -c charts -n "__fish_charts_needs_command" -f -a "rollback" -d 'Roll a release back to an earlier revision (default: the last one that worked)'
complete -c charts -n "__fish_charts_needs_command" -f -a "uninstall" -d 'Uninstall releases: delete their objects and their history'
complete -c charts -n "__fish_charts_needs_command" -f -a "status" -d 'Show a release and whether each of its objects exists and is ready'
complete -c charts -n "__fish_charts_needs_command" -f -a "promote" -d 'Deploy a release\'s running chart snapshot from one namespace into another (staging to production), over the target\'s values, recording where it came from'
complete -c charts -n "__fish_charts_needs_command" -f -a "test" -d 'Run a release\'s tests (its `test` hooks); exit code 0 only when all pass'
complete -c charts -n "__fish_charts_needs_command" -f -a "lint" -d 'Check charts for problems: metadata, rendering, object shape, names, values schema'
complete -c charts -n "__fish_charts_needs_command" -f -a "show" -d 'Show a chart\'s metadata, values, README or CRDs'
complete -c charts -n "__fish_charts_needs_command" -f -a "create" -d 'Create a new chart with a ready-to-use scaffold'
complete -c charts -n "__fish_charts_needs_command" -f -a "package" -d 'Package charts into reproducible `.tgz` archives'
complete -c charts -n "__fish_charts_needs_command" -f -a "repo" -d 'Add, list, update and remove chart repositories; index a directory of packages'
complete -c charts -n "__fish_charts_needs_command" -f -a "search" -d 'Search the added repositories for charts'
complete -c charts -n "__fish_charts_needs_command" -f -a "pull" -d 'Download a chart from a repository, a URL or an OCI registry'
complete -c charts -n "__fish_charts_needs_command" -f -a "push" -d 'Upload a chart package to an OCI registry'
complete -c charts -n "__fish_charts_needs_command" -f -a "registry" -d 'Log in to or out of an OCI registry'
complete -c charts -n "__fish_charts_needs_command" -f -a "dependency" -d 'Manage a chart\'s dependencies (`charts/` and Chart.lock)'
complete -c charts -n "__fish_charts_needs_command" -f -a "list" -d 'List releases: the latest revision of each'
complete -c charts -n "__fish_charts_needs_command" -f -a "history" -d 'Show the revisions of a release'
complete -c charts -n "__fish_charts_needs_command" -f -a "get" -d 'Show what a release revision holds: values, manifest, notes, metadata'
complete -c charts -n "__fish_charts_needs_command" -f -a "env" -d 'Environments: namespaces on demand for branches and builds, with profiles and expiry'
complete -c charts -n "__fish_charts_needs_command" -f -a "adopt" -d 'Take over releases another tool manages (`charts adopt helm RELEASE`)'
complete -c charts -n "__fish_charts_needs_command" -f -a "convert" -d 'Convert a Helm chart (Go templates) into a charts chart (Tera); exit code 3 when some places could not be converted'
complete -c charts -n "__fish_charts_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c charts -n "__fish_charts_needs_command" -f -a "version" -d 'Print the version of charts'
complete -c charts -n "__fish_charts_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand template" -s f -l values -d 'Values file (YAML); repeat for more, later files win; `-` reads stdin' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l set -d 'Set values: `a.b=c,list[0]=x`; integers and booleans are typed, never floats' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l set-string -d 'Set values as strings, whatever they look like' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l set-file -d 'Set a value to the content of a file: `key=path`' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l set-json -d 'Set values from JSON: `key=<json>`, or a whole JSON object' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l set-literal -d 'Set one value verbatim (no commas or escapes are parsed)' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l version -d 'Chart version or constraint, for charts from repositories and registries' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l ca-file -d 'Verify servers with this CA bundle (PEM)' -r -F
complete -c charts -n "__fish_charts_using_subcommand template" -l env -d 'Deploy into this environment: its namespace, created (with the default profile) when missing, its expiry renewed; templates see `Env.Name`, `Env.Branch`, `Env.Namespace`' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l branch -d 'Deploy into the environment of this branch (see `charts env name`)' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l commit -d 'The commit being deployed: recorded on the environment, `Env.Commit` in templates' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l ttl -d 'Time to live from now: `3d`, `12h`, `1w`; `0` never expires [default: `env.ttl` of charts.yaml, else 7d]' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l profile -d 'The profile to apply [default: `env.profile` of charts.yaml, else `default` if the profiles file has one]' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l profiles -d 'The profiles file [default: `env.profiles` of charts.yaml, else charts-profiles.yaml]' -r -F
complete -c charts -n "__fish_charts_using_subcommand template" -l prefix -d 'Namespace prefix, e.g. `shop-` [default: `env.prefix` of charts.yaml, else none]' -r
complete -c charts -n "__fish_charts_using_subcommand template" -s s -l show-only -d 'Only show objects from these templates (e.g. `templates/deployment.yaml`)' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l output-dir -d 'Write each template\'s objects to files under this directory instead of stdout' -r -F
complete -c charts -n "__fish_charts_using_subcommand template" -l kube-version -d 'Kubernetes version for `Capabilities.KubeVersion` [default: v1.35.0]' -r
complete -c charts -n "__fish_charts_using_subcommand template" -s a -l api-versions -d 'Extra API versions for `Capabilities.APIVersions` (e.g. `monitoring.coreos.com/v1`)' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l post-renderer -d 'Pass the rendered objects (hooks included) through this command: it reads the manifest on stdin and prints the objects to use on stdout (e.g. `kustomize`, via a script)' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l post-renderer-args -d 'An argument for the post-renderer; repeat for more' -r
complete -c charts -n "__fish_charts_using_subcommand template" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand template" -l offline -d 'Use only the local cache; never touch the network'
complete -c charts -n "__fish_charts_using_subcommand template" -l plain-http -d 'Use plain HTTP for OCI registries (local registries)'
complete -c charts -n "__fish_charts_using_subcommand template" -l insecure-skip-tls-verify -d 'Skip TLS certificate checks (unsafe)'
complete -c charts -n "__fish_charts_using_subcommand template" -l include-crds -d 'Include the CRDs from `crds/` in the output'
complete -c charts -n "__fish_charts_using_subcommand template" -l skip-tests -d 'Leave out test hooks (`templates/tests/`)'
complete -c charts -n "__fish_charts_using_subcommand template" -l is-upgrade -d 'Render as an upgrade (`Release.IsUpgrade` true)'
complete -c charts -n "__fish_charts_using_subcommand template" -l skip-schema-validation -d 'Do not check the values against `values.schema.json`'
complete -c charts -n "__fish_charts_using_subcommand template" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand install" -s f -l values -d 'Values file (YAML); repeat for more, later files win; `-` reads stdin' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l set -d 'Set values: `a.b=c,list[0]=x`; integers and booleans are typed, never floats' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l set-string -d 'Set values as strings, whatever they look like' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l set-file -d 'Set a value to the content of a file: `key=path`' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l set-json -d 'Set values from JSON: `key=<json>`, or a whole JSON object' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l set-literal -d 'Set one value verbatim (no commas or escapes are parsed)' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l version -d 'Chart version or constraint, for charts from repositories and registries' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l ca-file -d 'Verify servers with this CA bundle (PEM)' -r -F
complete -c charts -n "__fish_charts_using_subcommand install" -l dry-run -d 'Show what would happen: `client` renders only; `server` has the API server validate every object without storing anything' -r -f -a "client\t''
server\t''
none\t''"
complete -c charts -n "__fish_charts_using_subcommand install" -l description -d 'Description of this revision, shown in `history`' -r
complete -c charts -n "__fish_charts_using_subcommand install" -s l -l label -d 'Release label for pipeline metadata (`commit=abc123`); repeat or separate with commas' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l timeout -d 'How long `--wait` waits, and each hook may take: `90s`, `5m`, `1h`' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l history-max -d 'Revisions to keep in the history (0 = all)' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l kube-version -d 'Kubernetes version for `Capabilities.KubeVersion` [default: v1.35.0]' -r
complete -c charts -n "__fish_charts_using_subcommand install" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand install" -l env -d 'Deploy into this environment: its namespace, created (with the default profile) when missing, its expiry renewed; templates see `Env.Name`, `Env.Branch`, `Env.Namespace`' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l branch -d 'Deploy into the environment of this branch (see `charts env name`)' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l commit -d 'The commit being deployed: recorded on the environment, `Env.Commit` in templates' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l ttl -d 'Time to live from now: `3d`, `12h`, `1w`; `0` never expires [default: `env.ttl` of charts.yaml, else 7d]' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l profile -d 'The profile to apply [default: `env.profile` of charts.yaml, else `default` if the profiles file has one]' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l profiles -d 'The profiles file [default: `env.profiles` of charts.yaml, else charts-profiles.yaml]' -r -F
complete -c charts -n "__fish_charts_using_subcommand install" -l prefix -d 'Namespace prefix, e.g. `shop-` [default: `env.prefix` of charts.yaml, else none]' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l post-renderer -d 'Pass the rendered objects (hooks included) through this command: it reads the manifest on stdin and prints the objects to use on stdout (e.g. `kustomize`, via a script)' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l post-renderer-args -d 'An argument for the post-renderer; repeat for more' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l notify -d 'Post a JSON event here when the command ends, successful or not (repeatable); `slack+https://…` posts a Slack message [default: $CHARTS_NOTIFY, else `notify:` of charts.yaml]' -r
complete -c charts -n "__fish_charts_using_subcommand install" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand install" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand install" -s g -l generate-name -d 'Name the release after the chart plus a timestamp'
complete -c charts -n "__fish_charts_using_subcommand install" -l offline -d 'Use only the local cache; never touch the network'
complete -c charts -n "__fish_charts_using_subcommand install" -l plain-http -d 'Use plain HTTP for OCI registries (local registries)'
complete -c charts -n "__fish_charts_using_subcommand install" -l insecure-skip-tls-verify -d 'Skip TLS certificate checks (unsafe)'
complete -c charts -n "__fish_charts_using_subcommand install" -l create-namespace -d 'Create the release namespace if it does not exist (it is marked as created for this release)'
complete -c charts -n "__fish_charts_using_subcommand install" -l take-ownership -d 'Adopt existing objects that belong to another release or to nobody'
complete -c charts -n "__fish_charts_using_subcommand install" -l force-conflicts -d 'Take over fields that other field managers own'
complete -c charts -n "__fish_charts_using_subcommand install" -l skip-crds -d 'Do not create the CRDs in the chart\'s `crds/` directories'
complete -c charts -n "__fish_charts_using_subcommand install" -l no-hooks -d 'Do not run the chart\'s hooks (test hooks run only with `charts test`)'
complete -c charts -n "__fish_charts_using_subcommand install" -l skip-schema-validation -d 'Do not check the values against `values.schema.json`'
complete -c charts -n "__fish_charts_using_subcommand install" -l wait -d 'Wait until every object is ready (Deployments available, Jobs complete, ...)'
complete -c charts -n "__fish_charts_using_subcommand install" -l rollback-on-failure -l atomic -d 'If the new revision fails (apply, hook or wait), go back to the last good revision; a failed install uninstalls what it created (implies `--wait`)'
complete -c charts -n "__fish_charts_using_subcommand install" -l hide-notes -d 'Do not print the chart\'s NOTES'
complete -c charts -n "__fish_charts_using_subcommand install" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -s f -l values -d 'Values file (YAML); repeat for more, later files win; `-` reads stdin' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l set -d 'Set values: `a.b=c,list[0]=x`; integers and booleans are typed, never floats' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l set-string -d 'Set values as strings, whatever they look like' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l set-file -d 'Set a value to the content of a file: `key=path`' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l set-json -d 'Set values from JSON: `key=<json>`, or a whole JSON object' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l set-literal -d 'Set one value verbatim (no commas or escapes are parsed)' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l version -d 'Chart version or constraint, for charts from repositories and registries' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l ca-file -d 'Verify servers with this CA bundle (PEM)' -r -F
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l dry-run -d 'Show what would happen: `client` renders only; `server` has the API server validate every object without storing anything' -r -f -a "client\t''
server\t''
none\t''"
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l description -d 'Description of this revision, shown in `history`' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -s l -l label -d 'Release label for pipeline metadata (`commit=abc123`); repeat or separate with commas' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l timeout -d 'How long `--wait` waits, and each hook may take: `90s`, `5m`, `1h`' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l history-max -d 'Revisions to keep in the history (0 = all)' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l kube-version -d 'Kubernetes version for `Capabilities.KubeVersion` [default: v1.35.0]' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l env -d 'Deploy into this environment: its namespace, created (with the default profile) when missing, its expiry renewed; templates see `Env.Name`, `Env.Branch`, `Env.Namespace`' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l branch -d 'Deploy into the environment of this branch (see `charts env name`)' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l commit -d 'The commit being deployed: recorded on the environment, `Env.Commit` in templates' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l ttl -d 'Time to live from now: `3d`, `12h`, `1w`; `0` never expires [default: `env.ttl` of charts.yaml, else 7d]' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l profile -d 'The profile to apply [default: `env.profile` of charts.yaml, else `default` if the profiles file has one]' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l profiles -d 'The profiles file [default: `env.profiles` of charts.yaml, else charts-profiles.yaml]' -r -F
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l prefix -d 'Namespace prefix, e.g. `shop-` [default: `env.prefix` of charts.yaml, else none]' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l post-renderer -d 'Pass the rendered objects (hooks included) through this command: it reads the manifest on stdin and prints the objects to use on stdout (e.g. `kustomize`, via a script)' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l post-renderer-args -d 'An argument for the post-renderer; repeat for more' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l notify -d 'Post a JSON event here when the command ends, successful or not (repeatable); `slack+https://…` posts a Slack message [default: $CHARTS_NOTIFY, else `notify:` of charts.yaml]' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand upgrade" -s i -l install -d 'Install the release if it does not exist'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l reuse-values -l reset-then-reuse-values -d 'Lay the previous revision\'s user values under this command\'s values (never its chart defaults, so it is also Helm\'s `--reset-then-reuse-values`)'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l reset-values -d 'Without a chart: use only the chart\'s defaults and this command\'s values, even when it gives none (the default when a chart is named)'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l force-replace -d 'Delete and recreate objects whose change hits a field that cannot change (a Deployment\'s selector, a Job\'s template...), waiting for the deletion; without it such an upgrade is refused before anything changes'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l plan -d 'Only show what the upgrade would change (as `charts plan`), and change nothing'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l exit-code -d 'Exit code 2 when the plan has changes (0 when none, 1 on errors)'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l show-unchanged -d 'List unchanged objects too'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l offline -d 'Use only the local cache; never touch the network'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l plain-http -d 'Use plain HTTP for OCI registries (local registries)'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l insecure-skip-tls-verify -d 'Skip TLS certificate checks (unsafe)'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l create-namespace -d 'Create the release namespace if it does not exist (it is marked as created for this release)'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l take-ownership -d 'Adopt existing objects that belong to another release or to nobody'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l force-conflicts -d 'Take over fields that other field managers own'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l skip-crds -d 'Do not create the CRDs in the chart\'s `crds/` directories'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l no-hooks -d 'Do not run the chart\'s hooks (test hooks run only with `charts test`)'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l skip-schema-validation -d 'Do not check the values against `values.schema.json`'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l wait -d 'Wait until every object is ready (Deployments available, Jobs complete, ...)'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l rollback-on-failure -l atomic -d 'If the new revision fails (apply, hook or wait), go back to the last good revision; a failed install uninstalls what it created (implies `--wait`)'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -l hide-notes -d 'Do not print the chart\'s NOTES'
complete -c charts -n "__fish_charts_using_subcommand upgrade" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand plan" -s f -l values -d 'Values file (YAML); repeat for more, later files win; `-` reads stdin' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l set -d 'Set values: `a.b=c,list[0]=x`; integers and booleans are typed, never floats' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l set-string -d 'Set values as strings, whatever they look like' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l set-file -d 'Set a value to the content of a file: `key=path`' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l set-json -d 'Set values from JSON: `key=<json>`, or a whole JSON object' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l set-literal -d 'Set one value verbatim (no commas or escapes are parsed)' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l version -d 'Chart version or constraint, for charts from repositories and registries' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l ca-file -d 'Verify servers with this CA bundle (PEM)' -r -F
complete -c charts -n "__fish_charts_using_subcommand plan" -l dry-run -d 'Show what would happen: `client` renders only; `server` has the API server validate every object without storing anything' -r -f -a "client\t''
server\t''
none\t''"
complete -c charts -n "__fish_charts_using_subcommand plan" -l description -d 'Description of this revision, shown in `history`' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -s l -l label -d 'Release label for pipeline metadata (`commit=abc123`); repeat or separate with commas' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l timeout -d 'How long `--wait` waits, and each hook may take: `90s`, `5m`, `1h`' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l history-max -d 'Revisions to keep in the history (0 = all)' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l kube-version -d 'Kubernetes version for `Capabilities.KubeVersion` [default: v1.35.0]' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand plan" -l env -d 'Deploy into this environment: its namespace, created (with the default profile) when missing, its expiry renewed; templates see `Env.Name`, `Env.Branch`, `Env.Namespace`' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l branch -d 'Deploy into the environment of this branch (see `charts env name`)' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l commit -d 'The commit being deployed: recorded on the environment, `Env.Commit` in templates' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l ttl -d 'Time to live from now: `3d`, `12h`, `1w`; `0` never expires [default: `env.ttl` of charts.yaml, else 7d]' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l profile -d 'The profile to apply [default: `env.profile` of charts.yaml, else `default` if the profiles file has one]' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l profiles -d 'The profiles file [default: `env.profiles` of charts.yaml, else charts-profiles.yaml]' -r -F
complete -c charts -n "__fish_charts_using_subcommand plan" -l prefix -d 'Namespace prefix, e.g. `shop-` [default: `env.prefix` of charts.yaml, else none]' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l post-renderer -d 'Pass the rendered objects (hooks included) through this command: it reads the manifest on stdin and prints the objects to use on stdout (e.g. `kustomize`, via a script)' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l post-renderer-args -d 'An argument for the post-renderer; repeat for more' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l notify -d 'Post a JSON event here when the command ends, successful or not (repeatable); `slack+https://…` posts a Slack message [default: $CHARTS_NOTIFY, else `notify:` of charts.yaml]' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand plan" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand plan" -l reuse-values -d 'Lay the previous revision\'s user values under this command\'s values, as `upgrade --reuse-values` would'
complete -c charts -n "__fish_charts_using_subcommand plan" -l exit-code -d 'Exit code 2 when the plan has changes (0 when none, 1 on errors)'
complete -c charts -n "__fish_charts_using_subcommand plan" -l show-unchanged -d 'List unchanged objects too'
complete -c charts -n "__fish_charts_using_subcommand plan" -l offline -d 'Use only the local cache; never touch the network'
complete -c charts -n "__fish_charts_using_subcommand plan" -l plain-http -d 'Use plain HTTP for OCI registries (local registries)'
complete -c charts -n "__fish_charts_using_subcommand plan" -l insecure-skip-tls-verify -d 'Skip TLS certificate checks (unsafe)'
complete -c charts -n "__fish_charts_using_subcommand plan" -l create-namespace -d 'Create the release namespace if it does not exist (it is marked as created for this release)'
complete -c charts -n "__fish_charts_using_subcommand plan" -l take-ownership -d 'Adopt existing objects that belong to another release or to nobody'
complete -c charts -n "__fish_charts_using_subcommand plan" -l force-conflicts -d 'Take over fields that other field managers own'
complete -c charts -n "__fish_charts_using_subcommand plan" -l skip-crds -d 'Do not create the CRDs in the chart\'s `crds/` directories'
complete -c charts -n "__fish_charts_using_subcommand plan" -l no-hooks -d 'Do not run the chart\'s hooks (test hooks run only with `charts test`)'
complete -c charts -n "__fish_charts_using_subcommand plan" -l skip-schema-validation -d 'Do not check the values against `values.schema.json`'
complete -c charts -n "__fish_charts_using_subcommand plan" -l wait -d 'Wait until every object is ready (Deployments available, Jobs complete, ...)'
complete -c charts -n "__fish_charts_using_subcommand plan" -l rollback-on-failure -l atomic -d 'If the new revision fails (apply, hook or wait), go back to the last good revision; a failed install uninstalls what it created (implies `--wait`)'
complete -c charts -n "__fish_charts_using_subcommand plan" -l hide-notes -d 'Do not print the chart\'s NOTES'
complete -c charts -n "__fish_charts_using_subcommand plan" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand rollback" -l description -d 'Description of the new revision [default: `Rollback to N`]' -r
complete -c charts -n "__fish_charts_using_subcommand rollback" -l timeout -d 'How long `--wait` waits, and each hook may take: `90s`, `5m`, `1h`' -r
complete -c charts -n "__fish_charts_using_subcommand rollback" -l history-max -d 'Revisions to keep in the history (0 = all)' -r
complete -c charts -n "__fish_charts_using_subcommand rollback" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand rollback" -l notify -d 'Post a JSON event here when the command ends, successful or not (repeatable); `slack+https://…` posts a Slack message [default: $CHARTS_NOTIFY, else `notify:` of charts.yaml]' -r
complete -c charts -n "__fish_charts_using_subcommand rollback" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand rollback" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand rollback" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand rollback" -l dry-run -d 'Have the API server validate the objects without changing anything'
complete -c charts -n "__fish_charts_using_subcommand rollback" -l wait -d 'Wait until every object is ready'
complete -c charts -n "__fish_charts_using_subcommand rollback" -l no-hooks -d 'Do not run the restored revision\'s pre-rollback and post-rollback hooks'
complete -c charts -n "__fish_charts_using_subcommand rollback" -l rollback-on-failure -l atomic -d 'If the rollback fails, go back to the revision that was deployed before it (implies `--wait`)'
complete -c charts -n "__fish_charts_using_subcommand rollback" -l force-conflicts -d 'Take over fields that other field managers own'
complete -c charts -n "__fish_charts_using_subcommand rollback" -l take-ownership -d 'Adopt existing objects that belong to another release or to nobody'
complete -c charts -n "__fish_charts_using_subcommand rollback" -l force-replace -d 'Delete and recreate objects whose change hits a field that cannot change (a Deployment\'s selector, a Job\'s template...), waiting for the deletion'
complete -c charts -n "__fish_charts_using_subcommand rollback" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand rollback" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand uninstall" -l timeout -d 'How long `--wait` waits, and each hook may take: `90s`, `5m`, `1h`' -r
complete -c charts -n "__fish_charts_using_subcommand uninstall" -l description -d 'Description recorded with `--keep-history`' -r
complete -c charts -n "__fish_charts_using_subcommand uninstall" -s o -l output -d 'Output format: `json` and `yaml` print one object per release (README "Pipeline conventions")' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand uninstall" -l notify -d 'Post a JSON event here when the command ends, successful or not (repeatable); `slack+https://…` posts a Slack message [default: $CHARTS_NOTIFY, else `notify:` of charts.yaml]' -r
complete -c charts -n "__fish_charts_using_subcommand uninstall" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand uninstall" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand uninstall" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand uninstall" -l keep-history -d 'Keep the release\'s history, marked `uninstalled` (a later install continues its numbering)'
complete -c charts -n "__fish_charts_using_subcommand uninstall" -l dry-run -d 'Show what would be deleted, and delete nothing'
complete -c charts -n "__fish_charts_using_subcommand uninstall" -l ignore-not-found -d 'Succeed when a release does not exist'
complete -c charts -n "__fish_charts_using_subcommand uninstall" -l wait -d 'Wait until the deleted objects are gone'
complete -c charts -n "__fish_charts_using_subcommand uninstall" -l no-hooks -d 'Do not run the release\'s pre-delete and post-delete hooks'
complete -c charts -n "__fish_charts_using_subcommand uninstall" -l delete-namespace -d 'Also delete the namespace, if this release created it (`--create-namespace`) and nothing else lives there'
complete -c charts -n "__fish_charts_using_subcommand uninstall" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand uninstall" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand status" -l revision -d 'Show this revision [default: the latest]' -r
complete -c charts -n "__fish_charts_using_subcommand status" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand status" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand status" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand status" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand status" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand status" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand promote" -l from -d 'The namespace to promote from: its release\'s last revision must be deployed' -r
complete -c charts -n "__fish_charts_using_subcommand promote" -l to -d 'The namespace to deploy into (installed there the first time, upgraded after); `-n` is not used' -r
complete -c charts -n "__fish_charts_using_subcommand promote" -s f -l values -d 'Values file (YAML); repeat for more, later files win; `-` reads stdin' -r
complete -c charts -n "__fish_charts_using_subcommand promote" -l set -d 'Set values: `a.b=c,list[0]=x`; integers and booleans are typed, never floats' -r
complete -c charts -n "__fish_charts_using_subcommand promote" -l set-string -d 'Set values as strings, whatever they look like' -r
complete -c charts -n "__fish_charts_using_subcommand promote" -l set-file -d 'Set a value to the content of a file: `key=path`' -r
complete -c charts -n "__fish_charts_using_subcommand promote" -l set-json -d 'Set values from JSON: `key=<json>`, or a whole JSON object' -r
complete -c charts -n "__fish_charts_using_subcommand promote" -l set-literal -d 'Set one value verbatim (no commas or escapes are parsed)' -r
complete -c charts -n "__fish_charts_using_subcommand promote" -l dry-run -d 'Show what would happen: `client` renders only; `server` has the API server validate every object without storing anything' -r -f -a "client\t''
server\t''
none\t''"
complete -c charts -n "__fish_charts_using_subcommand promote" -l description -d 'Description of the new revision [default: `Promoted from NS/NAME revision N`]' -r
complete -c charts -n "__fish_charts_using_subcommand promote" -s l -l label -d 'Release label for the new revision (`commit=abc123`), over the source\'s labels, which are carried; repeat or separate with commas' -r
complete -c charts -n "__fish_charts_using_subcommand promote" -l timeout -d 'How long `--wait` waits, and each hook may take: `90s`, `5m`, `1h`' -r
complete -c charts -n "__fish_charts_using_subcommand promote" -l history-max -d 'Revisions to keep in the target\'s history (0 = all)' -r
complete -c charts -n "__fish_charts_using_subcommand promote" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand promote" -l notify -d 'Post a JSON event here when the command ends, successful or not (repeatable); `slack+https://…` posts a Slack message [default: $CHARTS_NOTIFY, else `notify:` of charts.yaml]' -r
complete -c charts -n "__fish_charts_using_subcommand promote" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand promote" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand promote" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand promote" -l reuse-values -d 'Carry the source revision\'s user values too: over the target\'s, under this command\'s'
complete -c charts -n "__fish_charts_using_subcommand promote" -l create-namespace -d 'Create the target namespace if it does not exist'
complete -c charts -n "__fish_charts_using_subcommand promote" -l wait -d 'Wait until every object is ready'
complete -c charts -n "__fish_charts_using_subcommand promote" -l rollback-on-failure -l atomic -d 'If the new revision fails, go back to the target\'s last good revision (a first install is uninstalled; implies `--wait`)'
complete -c charts -n "__fish_charts_using_subcommand promote" -l force-conflicts -d 'Take over fields that other field managers own'
complete -c charts -n "__fish_charts_using_subcommand promote" -l no-hooks -d 'Do not run the chart\'s hooks'
complete -c charts -n "__fish_charts_using_subcommand promote" -l hide-notes -d 'Do not print the chart\'s NOTES'
complete -c charts -n "__fish_charts_using_subcommand promote" -l plan -d 'Only show what the promotion would change in the target (as `charts plan`), and change nothing'
complete -c charts -n "__fish_charts_using_subcommand promote" -l exit-code -d 'Exit code 2 when the plan has changes (0 when none, 1 on errors)'
complete -c charts -n "__fish_charts_using_subcommand promote" -l show-unchanged -d 'List unchanged objects too'
complete -c charts -n "__fish_charts_using_subcommand promote" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand promote" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand test" -l filter -d 'Run only these tests (`name=a,b`), or leave these out (`!name=c`); repeatable' -r
complete -c charts -n "__fish_charts_using_subcommand test" -l timeout -d 'How long each test may take: `90s`, `5m`, `1h`' -r
complete -c charts -n "__fish_charts_using_subcommand test" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand test" -l notify -d 'Post a JSON event here when the command ends, successful or not (repeatable); `slack+https://…` posts a Slack message [default: $CHARTS_NOTIFY, else `notify:` of charts.yaml]' -r
complete -c charts -n "__fish_charts_using_subcommand test" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand test" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand test" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand test" -l logs -d 'Print the logs of the tests\' Pods'
complete -c charts -n "__fish_charts_using_subcommand test" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand test" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand lint" -s f -l values -d 'Values file (YAML); repeat for more, later files win; `-` reads stdin' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l set -d 'Set values: `a.b=c,list[0]=x`; integers and booleans are typed, never floats' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l set-string -d 'Set values as strings, whatever they look like' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l set-file -d 'Set a value to the content of a file: `key=path`' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l set-json -d 'Set values from JSON: `key=<json>`, or a whole JSON object' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l set-literal -d 'Set one value verbatim (no commas or escapes are parsed)' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l kube-version -d 'Kubernetes version for `Capabilities.KubeVersion` [default: v1.35.0]' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l env -d 'Deploy into this environment: its namespace, created (with the default profile) when missing, its expiry renewed; templates see `Env.Name`, `Env.Branch`, `Env.Namespace`' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l branch -d 'Deploy into the environment of this branch (see `charts env name`)' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l commit -d 'The commit being deployed: recorded on the environment, `Env.Commit` in templates' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l ttl -d 'Time to live from now: `3d`, `12h`, `1w`; `0` never expires [default: `env.ttl` of charts.yaml, else 7d]' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l profile -d 'The profile to apply [default: `env.profile` of charts.yaml, else `default` if the profiles file has one]' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l profiles -d 'The profiles file [default: `env.profiles` of charts.yaml, else charts-profiles.yaml]' -r -F
complete -c charts -n "__fish_charts_using_subcommand lint" -l prefix -d 'Namespace prefix, e.g. `shop-` [default: `env.prefix` of charts.yaml, else none]' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand lint" -l strict -d 'Fail on warnings too'
complete -c charts -n "__fish_charts_using_subcommand lint" -l quiet -d 'Print only warnings and errors'
complete -c charts -n "__fish_charts_using_subcommand lint" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand lint" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand show; and not __fish_seen_subcommand_from chart values readme crds all help" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand show; and not __fish_seen_subcommand_from chart values readme crds all help" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand show; and not __fish_seen_subcommand_from chart values readme crds all help" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand show; and not __fish_seen_subcommand_from chart values readme crds all help" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand show; and not __fish_seen_subcommand_from chart values readme crds all help" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand show; and not __fish_seen_subcommand_from chart values readme crds all help" -f -a "chart" -d 'Show Chart.yaml'
complete -c charts -n "__fish_charts_using_subcommand show; and not __fish_seen_subcommand_from chart values readme crds all help" -f -a "values" -d 'Show values.yaml as written (comments kept)'
complete -c charts -n "__fish_charts_using_subcommand show; and not __fish_seen_subcommand_from chart values readme crds all help" -f -a "readme" -d 'Show the README'
complete -c charts -n "__fish_charts_using_subcommand show; and not __fish_seen_subcommand_from chart values readme crds all help" -f -a "crds" -d 'Show the CRDs from `crds/`'
complete -c charts -n "__fish_charts_using_subcommand show; and not __fish_seen_subcommand_from chart values readme crds all help" -f -a "all" -d 'Show all of the above'
complete -c charts -n "__fish_charts_using_subcommand show; and not __fish_seen_subcommand_from chart values readme crds all help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from chart" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from chart" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from chart" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from chart" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from chart" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from values" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from values" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from values" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from values" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from values" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from readme" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from readme" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from readme" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from readme" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from readme" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from crds" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from crds" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from crds" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from crds" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from crds" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from all" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from all" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from all" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from all" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from all" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from help" -f -a "chart" -d 'Show Chart.yaml'
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from help" -f -a "values" -d 'Show values.yaml as written (comments kept)'
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from help" -f -a "readme" -d 'Show the README'
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from help" -f -a "crds" -d 'Show the CRDs from `crds/`'
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from help" -f -a "all" -d 'Show all of the above'
complete -c charts -n "__fish_charts_using_subcommand show; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand create" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand create" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand create" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand create" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand create" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand package" -s d -l destination -d 'Directory to write the packages to' -r -F
complete -c charts -n "__fish_charts_using_subcommand package" -l version -d 'Set the chart version (SemVer 2)' -r
complete -c charts -n "__fish_charts_using_subcommand package" -l app-version -d 'Set the chart\'s appVersion' -r
complete -c charts -n "__fish_charts_using_subcommand package" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand package" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand package" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand package" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand repo; and not __fish_seen_subcommand_from add list update remove index help" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand repo; and not __fish_seen_subcommand_from add list update remove index help" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand repo; and not __fish_seen_subcommand_from add list update remove index help" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand repo; and not __fish_seen_subcommand_from add list update remove index help" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand repo; and not __fish_seen_subcommand_from add list update remove index help" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand repo; and not __fish_seen_subcommand_from add list update remove index help" -f -a "add" -d 'Add a chart repository and fetch its index'
complete -c charts -n "__fish_charts_using_subcommand repo; and not __fish_seen_subcommand_from add list update remove index help" -f -a "list" -d 'List the added repositories'
complete -c charts -n "__fish_charts_using_subcommand repo; and not __fish_seen_subcommand_from add list update remove index help" -f -a "update" -d 'Fetch the latest index of all (or the named) repositories'
complete -c charts -n "__fish_charts_using_subcommand repo; and not __fish_seen_subcommand_from add list update remove index help" -f -a "remove" -d 'Remove repositories'
complete -c charts -n "__fish_charts_using_subcommand repo; and not __fish_seen_subcommand_from add list update remove index help" -f -a "index" -d 'Write an `index.yaml` for a directory of chart packages'
complete -c charts -n "__fish_charts_using_subcommand repo; and not __fish_seen_subcommand_from add list update remove index help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from add" -l username -d 'Username for HTTP basic auth' -r
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from add" -l ca-file -d 'Verify the server with this CA bundle (PEM)' -r -F
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from add" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from add" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from add" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from add" -l password-stdin -d 'Read the password from stdin'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from add" -l insecure-skip-tls-verify -d 'Skip TLS certificate checks (unsafe)'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from add" -l pass-credentials -d 'Send the credentials to other hosts the index points to'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from add" -l force-update -d 'Replace a repository of the same name'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from list" -s o -l output -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from list" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from list" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from update" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from update" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from update" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from remove" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from remove" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from remove" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from index" -l url -d 'URL the directory will be served at' -r
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from index" -l merge -d 'Merge this existing index into the new one (the new entries win)' -r -F
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from index" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from index" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from index" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from index" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from index" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a chart repository and fetch its index'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the added repositories'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from help" -f -a "update" -d 'Fetch the latest index of all (or the named) repositories'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Remove repositories'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from help" -f -a "index" -d 'Write an `index.yaml` for a directory of chart packages'
complete -c charts -n "__fish_charts_using_subcommand repo; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand search; and not __fish_seen_subcommand_from repo help" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand search; and not __fish_seen_subcommand_from repo help" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand search; and not __fish_seen_subcommand_from repo help" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand search; and not __fish_seen_subcommand_from repo help" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand search; and not __fish_seen_subcommand_from repo help" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand search; and not __fish_seen_subcommand_from repo help" -f -a "repo" -d 'Search the added repositories (their cached indexes) for charts'
complete -c charts -n "__fish_charts_using_subcommand search; and not __fish_seen_subcommand_from repo help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand search; and __fish_seen_subcommand_from repo" -l version -d 'Only versions matching this constraint (e.g. `^1.2`)' -r
complete -c charts -n "__fish_charts_using_subcommand search; and __fish_seen_subcommand_from repo" -s o -l output -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand search; and __fish_seen_subcommand_from repo" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand search; and __fish_seen_subcommand_from repo" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand search; and __fish_seen_subcommand_from repo" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand search; and __fish_seen_subcommand_from repo" -s l -l versions -d 'Show every version, not only the newest'
complete -c charts -n "__fish_charts_using_subcommand search; and __fish_seen_subcommand_from repo" -l devel -d 'Include pre-release versions'
complete -c charts -n "__fish_charts_using_subcommand search; and __fish_seen_subcommand_from repo" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand search; and __fish_seen_subcommand_from help" -f -a "repo" -d 'Search the added repositories (their cached indexes) for charts'
complete -c charts -n "__fish_charts_using_subcommand search; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand pull" -l version -d 'Version or constraint [default: the newest stable version]' -r
complete -c charts -n "__fish_charts_using_subcommand pull" -s d -l destination -d 'Directory to write into' -r -F
complete -c charts -n "__fish_charts_using_subcommand pull" -l ca-file -d 'Verify servers with this CA bundle (PEM)' -r -F
complete -c charts -n "__fish_charts_using_subcommand pull" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand pull" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand pull" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand pull" -l untar -d 'Unpack the chart after downloading it'
complete -c charts -n "__fish_charts_using_subcommand pull" -l offline -d 'Use only the local cache; never touch the network'
complete -c charts -n "__fish_charts_using_subcommand pull" -l plain-http -d 'Use plain HTTP for OCI registries (local registries)'
complete -c charts -n "__fish_charts_using_subcommand pull" -l insecure-skip-tls-verify -d 'Skip TLS certificate checks (unsafe)'
complete -c charts -n "__fish_charts_using_subcommand pull" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand push" -l ca-file -d 'Verify servers with this CA bundle (PEM)' -r -F
complete -c charts -n "__fish_charts_using_subcommand push" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand push" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand push" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand push" -l offline -d 'Use only the local cache; never touch the network'
complete -c charts -n "__fish_charts_using_subcommand push" -l plain-http -d 'Use plain HTTP for OCI registries (local registries)'
complete -c charts -n "__fish_charts_using_subcommand push" -l insecure-skip-tls-verify -d 'Skip TLS certificate checks (unsafe)'
complete -c charts -n "__fish_charts_using_subcommand push" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand push" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand registry; and not __fish_seen_subcommand_from login logout help" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand registry; and not __fish_seen_subcommand_from login logout help" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand registry; and not __fish_seen_subcommand_from login logout help" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand registry; and not __fish_seen_subcommand_from login logout help" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand registry; and not __fish_seen_subcommand_from login logout help" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand registry; and not __fish_seen_subcommand_from login logout help" -f -a "login" -d 'Check credentials against a registry and save them'
complete -c charts -n "__fish_charts_using_subcommand registry; and not __fish_seen_subcommand_from login logout help" -f -a "logout" -d 'Forget the saved credentials of a registry'
complete -c charts -n "__fish_charts_using_subcommand registry; and not __fish_seen_subcommand_from login logout help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from login" -s u -l username -r
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from login" -l ca-file -d 'Verify servers with this CA bundle (PEM)' -r -F
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from login" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from login" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from login" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from login" -l password-stdin -d 'Read the password from stdin'
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from login" -l offline -d 'Use only the local cache; never touch the network'
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from login" -l plain-http -d 'Use plain HTTP for OCI registries (local registries)'
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from login" -l insecure-skip-tls-verify -d 'Skip TLS certificate checks (unsafe)'
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from login" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from login" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from logout" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from logout" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from logout" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from logout" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from logout" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from help" -f -a "login" -d 'Check credentials against a registry and save them'
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from help" -f -a "logout" -d 'Forget the saved credentials of a registry'
complete -c charts -n "__fish_charts_using_subcommand registry; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand dependency; and not __fish_seen_subcommand_from update build list help" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand dependency; and not __fish_seen_subcommand_from update build list help" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand dependency; and not __fish_seen_subcommand_from update build list help" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand dependency; and not __fish_seen_subcommand_from update build list help" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand dependency; and not __fish_seen_subcommand_from update build list help" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand dependency; and not __fish_seen_subcommand_from update build list help" -f -a "update" -d 'Resolve the newest matching versions, vendor them into `charts/`, write Chart.lock'
complete -c charts -n "__fish_charts_using_subcommand dependency; and not __fish_seen_subcommand_from update build list help" -f -a "build" -d 'Reproduce `charts/` exactly from Chart.lock'
complete -c charts -n "__fish_charts_using_subcommand dependency; and not __fish_seen_subcommand_from update build list help" -f -a "list" -d 'Show each dependency and whether `charts/` has it'
complete -c charts -n "__fish_charts_using_subcommand dependency; and not __fish_seen_subcommand_from update build list help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from update" -l ca-file -d 'Verify servers with this CA bundle (PEM)' -r -F
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from update" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from update" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from update" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from update" -l offline -d 'Use only the local cache; never touch the network'
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from update" -l plain-http -d 'Use plain HTTP for OCI registries (local registries)'
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from update" -l insecure-skip-tls-verify -d 'Skip TLS certificate checks (unsafe)'
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from update" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from build" -l ca-file -d 'Verify servers with this CA bundle (PEM)' -r -F
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from build" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from build" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from build" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from build" -l offline -d 'Use only the local cache; never touch the network'
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from build" -l plain-http -d 'Use plain HTTP for OCI registries (local registries)'
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from build" -l insecure-skip-tls-verify -d 'Skip TLS certificate checks (unsafe)'
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from build" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from build" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from list" -s o -l output -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from list" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from list" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from help" -f -a "update" -d 'Resolve the newest matching versions, vendor them into `charts/`, write Chart.lock'
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from help" -f -a "build" -d 'Reproduce `charts/` exactly from Chart.lock'
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from help" -f -a "list" -d 'Show each dependency and whether `charts/` has it'
complete -c charts -n "__fish_charts_using_subcommand dependency; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand list" -s f -l filter -d 'Only releases whose name matches this regular expression' -r
complete -c charts -n "__fish_charts_using_subcommand list" -s l -l selector -d 'Only revisions whose labels match this selector (e.g. `commit=abc,env in (prod)`); the newest matching revision of each release is shown' -r
complete -c charts -n "__fish_charts_using_subcommand list" -s m -l max -d 'Show at most this many releases [default: no limit]' -r
complete -c charts -n "__fish_charts_using_subcommand list" -l offset -d 'Skip this many releases first' -r
complete -c charts -n "__fish_charts_using_subcommand list" -s o -l output -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand list" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand list" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand list" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand list" -s A -l all-namespaces -d 'List releases in every namespace'
complete -c charts -n "__fish_charts_using_subcommand list" -l deployed -d 'Show deployed releases'
complete -c charts -n "__fish_charts_using_subcommand list" -l failed -d 'Show failed releases'
complete -c charts -n "__fish_charts_using_subcommand list" -l pending -d 'Show pending releases (pending-install, pending-upgrade, pending-rollback)'
complete -c charts -n "__fish_charts_using_subcommand list" -l superseded -d 'Show superseded revisions (alone: every superseded revision, not only the latest)'
complete -c charts -n "__fish_charts_using_subcommand list" -l uninstalled -d 'Show uninstalled releases (kept with `uninstall --keep-history`)'
complete -c charts -n "__fish_charts_using_subcommand list" -l uninstalling -d 'Show releases being uninstalled'
complete -c charts -n "__fish_charts_using_subcommand list" -s a -l all -d 'Show every status (the default when no status flag is given)'
complete -c charts -n "__fish_charts_using_subcommand list" -s q -l short -d 'Print release names only'
complete -c charts -n "__fish_charts_using_subcommand list" -s w -l wide -d 'Also show what each release runs and where it came from: subchart versions, container images, the commit label and the source of a promoted revision'
complete -c charts -n "__fish_charts_using_subcommand list" -l no-headers -d 'Leave out the header line of the table'
complete -c charts -n "__fish_charts_using_subcommand list" -s d -l date -d 'Sort by last update time instead of by name'
complete -c charts -n "__fish_charts_using_subcommand list" -s r -l reverse -d 'Reverse the order'
complete -c charts -n "__fish_charts_using_subcommand list" -l helm -d 'List the Helm releases (from Helm\'s Secrets and ConfigMaps) that `charts adopt helm` could take over, instead of ours'
complete -c charts -n "__fish_charts_using_subcommand list" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand list" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand history" -l max -d 'Show at most this many revisions, the newest ones (0: all)' -r
complete -c charts -n "__fish_charts_using_subcommand history" -s o -l output -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand history" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand history" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand history" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand history" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand history" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand get; and not __fish_seen_subcommand_from values manifest notes hooks metadata all chart help" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand get; and not __fish_seen_subcommand_from values manifest notes hooks metadata all chart help" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand get; and not __fish_seen_subcommand_from values manifest notes hooks metadata all chart help" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand get; and not __fish_seen_subcommand_from values manifest notes hooks metadata all chart help" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand get; and not __fish_seen_subcommand_from values manifest notes hooks metadata all chart help" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand get; and not __fish_seen_subcommand_from values manifest notes hooks metadata all chart help" -f -a "values" -d 'The values the user supplied (`--all`: every value the templates saw)'
complete -c charts -n "__fish_charts_using_subcommand get; and not __fish_seen_subcommand_from values manifest notes hooks metadata all chart help" -f -a "manifest" -d 'The rendered objects, as stored'
complete -c charts -n "__fish_charts_using_subcommand get; and not __fish_seen_subcommand_from values manifest notes hooks metadata all chart help" -f -a "notes" -d 'The rendered NOTES.txt'
complete -c charts -n "__fish_charts_using_subcommand get; and not __fish_seen_subcommand_from values manifest notes hooks metadata all chart help" -f -a "hooks" -d 'The hooks (tests included), as stored: what rollback and `charts test` run'
complete -c charts -n "__fish_charts_using_subcommand get; and not __fish_seen_subcommand_from values manifest notes hooks metadata all chart help" -f -a "metadata" -d 'Name, namespace, revision, status, chart, dates and labels'
complete -c charts -n "__fish_charts_using_subcommand get; and not __fish_seen_subcommand_from values manifest notes hooks metadata all chart help" -f -a "all" -d 'Everything: metadata, values, computed values, manifest and notes'
complete -c charts -n "__fish_charts_using_subcommand get; and not __fish_seen_subcommand_from values manifest notes hooks metadata all chart help" -f -a "chart" -d 'The chart the revision was rendered from, as stored with the release: a summary, or with `-d DIR` the package written back out byte for byte'
complete -c charts -n "__fish_charts_using_subcommand get; and not __fish_seen_subcommand_from values manifest notes hooks metadata all chart help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from values" -l revision -d 'This revision instead of the newest' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from values" -s o -l output -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from values" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from values" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from values" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from values" -s a -l all -d 'Every value the templates saw (chart defaults merged with the user\'s)'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from values" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from values" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from manifest" -l revision -d 'This revision instead of the newest' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from manifest" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from manifest" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from manifest" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from manifest" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from manifest" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from notes" -l revision -d 'This revision instead of the newest' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from notes" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from notes" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from notes" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from notes" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from notes" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from hooks" -l revision -d 'This revision instead of the newest' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from hooks" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from hooks" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from hooks" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from hooks" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from hooks" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from metadata" -l revision -d 'This revision instead of the newest' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from metadata" -s o -l output -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from metadata" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from metadata" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from metadata" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from metadata" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from metadata" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from all" -l revision -d 'This revision instead of the newest' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from all" -s o -l output -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from all" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from all" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from all" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from all" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from all" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from chart" -l revision -d 'This revision instead of the newest' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from chart" -s d -l destination -d 'Write the package to this directory as `<name>-<version>.tgz`, byte for byte as installed' -r -F
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from chart" -s o -l output -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from chart" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from chart" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from chart" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from chart" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from chart" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from help" -f -a "values" -d 'The values the user supplied (`--all`: every value the templates saw)'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from help" -f -a "manifest" -d 'The rendered objects, as stored'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from help" -f -a "notes" -d 'The rendered NOTES.txt'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from help" -f -a "hooks" -d 'The hooks (tests included), as stored: what rollback and `charts test` run'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from help" -f -a "metadata" -d 'Name, namespace, revision, status, chart, dates and labels'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from help" -f -a "all" -d 'Everything: metadata, values, computed values, manifest and notes'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from help" -f -a "chart" -d 'The chart the revision was rendered from, as stored with the release: a summary, or with `-d DIR` the package written back out byte for byte'
complete -c charts -n "__fish_charts_using_subcommand get; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand env; and not __fish_seen_subcommand_from name up list down gc pool claim release help" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and not __fish_seen_subcommand_from name up list down gc pool claim release help" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand env; and not __fish_seen_subcommand_from name up list down gc pool claim release help" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand env; and not __fish_seen_subcommand_from name up list down gc pool claim release help" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand env; and not __fish_seen_subcommand_from name up list down gc pool claim release help" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand env; and not __fish_seen_subcommand_from name up list down gc pool claim release help" -f -a "name" -d 'Print the environment name and namespace a branch or name maps to'
complete -c charts -n "__fish_charts_using_subcommand env; and not __fish_seen_subcommand_from name up list down gc pool claim release help" -f -a "up" -d 'Create an environment or renew it (safe on every push), and apply its profile'
complete -c charts -n "__fish_charts_using_subcommand env; and not __fish_seen_subcommand_from name up list down gc pool claim release help" -f -a "list" -d 'List environments and pools: releases, last deploy, age, expiry, state, who holds what'
complete -c charts -n "__fish_charts_using_subcommand env; and not __fish_seen_subcommand_from name up list down gc pool claim release help" -f -a "down" -d 'Tear an environment down: uninstall its releases (newest first), delete its namespace'
complete -c charts -n "__fish_charts_using_subcommand env; and not __fish_seen_subcommand_from name up list down gc pool claim release help" -f -a "gc" -d 'Tear down expired environments (and, with `--branches`, those whose branch is gone)'
complete -c charts -n "__fish_charts_using_subcommand env; and not __fish_seen_subcommand_from name up list down gc pool claim release help" -f -a "pool" -d 'Manage pools of namespaces that pipelines claim'
complete -c charts -n "__fish_charts_using_subcommand env; and not __fish_seen_subcommand_from name up list down gc pool claim release help" -f -a "claim" -d 'Take a free namespace of a pool for a build, and print it'
complete -c charts -n "__fish_charts_using_subcommand env; and not __fish_seen_subcommand_from name up list down gc pool claim release help" -f -a "release" -d 'Empty a claimed pool namespace (all but its profile) and give it back to the pool'
complete -c charts -n "__fish_charts_using_subcommand env; and not __fish_seen_subcommand_from name up list down gc pool claim release help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from name" -l branch -d 'A branch, mapped to an environment name: lowercased, other characters to `-`, and a hash of the branch appended when anything was changed or cut' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from name" -l prefix -d 'Namespace prefix, e.g. `shop-` [default: `env.prefix` of charts.yaml, else none]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from name" -s o -l output -d 'Output format: `table` prints the environment name only (`json` adds the namespace)' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from name" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from name" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from name" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from name" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from name" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from up" -l branch -d 'A branch, mapped to an environment name: lowercased, other characters to `-`, and a hash of the branch appended when anything was changed or cut' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from up" -l commit -d 'The commit being deployed, recorded on the namespace' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from up" -l ttl -d 'Time to live from now: `3d`, `12h`, `1w`; `0` never expires [default: `env.ttl` of charts.yaml, else 7d]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from up" -l profile -d 'The profile to apply [default: `env.profile` of charts.yaml, else `default` if the profiles file has one]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from up" -l profiles -d 'The profiles file [default: `env.profiles` of charts.yaml, else charts-profiles.yaml]' -r -F
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from up" -l label -d 'A label for the namespace (repeat, or separate with commas)' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from up" -l annotation -d 'An annotation for the namespace (repeatable)' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from up" -l prefix -d 'Namespace prefix, e.g. `shop-` [default: `env.prefix` of charts.yaml, else none]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from up" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from up" -l notify -d 'Post a JSON event here when the command ends, successful or not (repeatable); `slack+https://…` posts a Slack message [default: $CHARTS_NOTIFY, else `notify:` of charts.yaml]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from up" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from up" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from up" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from up" -l keep -d 'Keep the environment: `env gc` never removes it (until the `charts.dev/keep` annotation is removed)'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from up" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from up" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from list" -s l -l selector -d 'Only environments whose namespace labels match this selector (e.g. `team=shop`)' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from list" -s o -l output -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from list" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from list" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from list" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from down" -l branch -d 'A branch, mapped to an environment name: lowercased, other characters to `-`, and a hash of the branch appended when anything was changed or cut' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from down" -l prefix -d 'Namespace prefix, e.g. `shop-` [default: `env.prefix` of charts.yaml, else none]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from down" -l timeout -d 'How long `--wait` waits: `90s`, `5m`, `1h`' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from down" -s o -l output -d 'Output format: `json` and `yaml` print `{namespace, found, dryRun, skipped, releases, namespaceDeleted, namespaceGone}` (README "Pipeline conventions")' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from down" -l notify -d 'Post a JSON event here when the command ends, successful or not (repeatable); `slack+https://…` posts a Slack message [default: $CHARTS_NOTIFY, else `notify:` of charts.yaml]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from down" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from down" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from down" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from down" -l wait -d 'Wait until the namespace is really gone (it is `Terminating` until emptied)'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from down" -l dry-run -d 'Show what would go, and delete nothing'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from down" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from down" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from gc" -l branches -d 'The branches that still exist, one per line (`git branch -r` output works: `origin/` is stripped); `-` reads stdin. Environments of other branches are torn down too' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from gc" -l parallel -d 'How many environments to tear down at once' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from gc" -s o -l output -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from gc" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from gc" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from gc" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from gc" -l dry-run -d 'Show what would be torn down, and delete nothing'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from gc" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from gc" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from pool" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from pool" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from pool" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from pool" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from pool" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from pool" -f -a "create" -d 'Create (or grow) a pool of namespaces that pipelines claim: `<prefix><pool>-1..N`'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from pool" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from claim" -l pool -d 'The pool to take a namespace from [default: `env.pool` of charts.yaml]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from claim" -l branch -d 'The branch the build is for' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from claim" -l commit -d 'The commit the build is for' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from claim" -l ttl -d 'How long the claim holds before the next pipeline may take the namespace over: `2h`, `3d`; `0` never expires [default: `env.ttl` of charts.yaml]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from claim" -l prefix -d 'Namespace prefix, e.g. `shop-` [default: `env.prefix` of charts.yaml, else none]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from claim" -s o -l output -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from claim" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from claim" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from claim" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from claim" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from claim" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from release" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from release" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from release" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from release" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "name" -d 'Print the environment name and namespace a branch or name maps to'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "up" -d 'Create an environment or renew it (safe on every push), and apply its profile'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "list" -d 'List environments and pools: releases, last deploy, age, expiry, state, who holds what'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "down" -d 'Tear an environment down: uninstall its releases (newest first), delete its namespace'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "gc" -d 'Tear down expired environments (and, with `--branches`, those whose branch is gone)'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "pool" -d 'Manage pools of namespaces that pipelines claim'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "claim" -d 'Take a free namespace of a pool for a build, and print it'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "release" -d 'Empty a claimed pool namespace (all but its profile) and give it back to the pool'
complete -c charts -n "__fish_charts_using_subcommand env; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand adopt; and not __fish_seen_subcommand_from helm help" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand adopt; and not __fish_seen_subcommand_from helm help" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand adopt; and not __fish_seen_subcommand_from helm help" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand adopt; and not __fish_seen_subcommand_from helm help" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand adopt; and not __fish_seen_subcommand_from helm help" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand adopt; and not __fish_seen_subcommand_from helm help" -f -a "helm" -d 'Take over a Helm release in place: import its whole history as charts records, move its objects\' ownership marks to charts (metadata only: nothing restarts), then delete Helm\'s records. Running it again resumes an interrupted adoption; once done, it is a no-op'
complete -c charts -n "__fish_charts_using_subcommand adopt; and not __fish_seen_subcommand_from helm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand adopt; and __fish_seen_subcommand_from helm" -s o -l output -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand adopt; and __fish_seen_subcommand_from helm" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand adopt; and __fish_seen_subcommand_from helm" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand adopt; and __fish_seen_subcommand_from helm" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand adopt; and __fish_seen_subcommand_from helm" -l dry-run -d 'Show what adoption would do (revisions to import, objects whose marks change, Helm records to delete), and change nothing'
complete -c charts -n "__fish_charts_using_subcommand adopt; and __fish_seen_subcommand_from helm" -l keep-helm-records -d 'Leave Helm\'s release records in place (Helm still lists the release; its objects are ours all the same)'
complete -c charts -n "__fish_charts_using_subcommand adopt; and __fish_seen_subcommand_from helm" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand adopt; and __fish_seen_subcommand_from helm" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand adopt; and __fish_seen_subcommand_from help" -f -a "helm" -d 'Take over a Helm release in place: import its whole history as charts records, move its objects\' ownership marks to charts (metadata only: nothing restarts), then delete Helm\'s records. Running it again resumes an interrupted adoption; once done, it is a no-op'
complete -c charts -n "__fish_charts_using_subcommand adopt; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand convert" -s o -l output-dir -d 'Directory to write the converted chart to (must not exist, or be empty)' -r -F
complete -c charts -n "__fish_charts_using_subcommand convert" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand convert" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand convert" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand convert" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand convert" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand completion" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand completion" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand completion" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand completion" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand version" -s o -l output -d 'Output format' -r -f -a "table\t''
json\t''
yaml\t''"
complete -c charts -n "__fish_charts_using_subcommand version" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand version" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand version" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand version" -l short -d 'Print only the version number'
complete -c charts -n "__fish_charts_using_subcommand version" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand version" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "template" -d 'Render a chart\'s objects locally and print them'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "install" -d 'Install a chart as a new release'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "upgrade" -d 'Upgrade a release to a new chart version or new values'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "plan" -d 'Show what an install or upgrade would change, without changing anything'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "rollback" -d 'Roll a release back to an earlier revision (default: the last one that worked)'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "uninstall" -d 'Uninstall releases: delete their objects and their history'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "status" -d 'Show a release and whether each of its objects exists and is ready'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "promote" -d 'Deploy a release\'s running chart snapshot from one namespace into another (staging to production), over the target\'s values, recording where it came from'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "test" -d 'Run a release\'s tests (its `test` hooks); exit code 0 only when all pass'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "lint" -d 'Check charts for problems: metadata, rendering, object shape, names, values schema'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "show" -d 'Show a chart\'s metadata, values, README or CRDs'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "create" -d 'Create a new chart with a ready-to-use scaffold'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "package" -d 'Package charts into reproducible `.tgz` archives'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "repo" -d 'Add, list, update and remove chart repositories; index a directory of packages'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "search" -d 'Search the added repositories for charts'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "pull" -d 'Download a chart from a repository, a URL or an OCI registry'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "push" -d 'Upload a chart package to an OCI registry'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "registry" -d 'Log in to or out of an OCI registry'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "dependency" -d 'Manage a chart\'s dependencies (`charts/` and Chart.lock)'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "list" -d 'List releases: the latest revision of each'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "history" -d 'Show the revisions of a release'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "get" -d 'Show what a release revision holds: values, manifest, notes, metadata'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "env" -d 'Environments: namespaces on demand for branches and builds, with profiles and expiry'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "adopt" -d 'Take over releases another tool manages (`charts adopt helm RELEASE`)'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "convert" -d 'Convert a Helm chart (Go templates) into a charts chart (Tera); exit code 3 when some places could not be converted'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "completion" -d 'Print a shell completion script'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "version" -d 'Print the version of charts'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template install upgrade plan rollback uninstall status promote test lint show create package repo search pull push registry dependency list history get env adopt convert completion version help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from show" -f -a "chart" -d 'Show Chart.yaml'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from show" -f -a "values" -d 'Show values.yaml as written (comments kept)'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from show" -f -a "readme" -d 'Show the README'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from show" -f -a "crds" -d 'Show the CRDs from `crds/`'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from show" -f -a "all" -d 'Show all of the above'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from repo" -f -a "add" -d 'Add a chart repository and fetch its index'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from repo" -f -a "list" -d 'List the added repositories'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from repo" -f -a "update" -d 'Fetch the latest index of all (or the named) repositories'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from repo" -f -a "remove" -d 'Remove repositories'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from repo" -f -a "index" -d 'Write an `index.yaml` for a directory of chart packages'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from search" -f -a "repo" -d 'Search the added repositories (their cached indexes) for charts'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from registry" -f -a "login" -d 'Check credentials against a registry and save them'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from registry" -f -a "logout" -d 'Forget the saved credentials of a registry'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from dependency" -f -a "update" -d 'Resolve the newest matching versions, vendor them into `charts/`, write Chart.lock'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from dependency" -f -a "build" -d 'Reproduce `charts/` exactly from Chart.lock'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from dependency" -f -a "list" -d 'Show each dependency and whether `charts/` has it'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from get" -f -a "values" -d 'The values the user supplied (`--all`: every value the templates saw)'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from get" -f -a "manifest" -d 'The rendered objects, as stored'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from get" -f -a "notes" -d 'The rendered NOTES.txt'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from get" -f -a "hooks" -d 'The hooks (tests included), as stored: what rollback and `charts test` run'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from get" -f -a "metadata" -d 'Name, namespace, revision, status, chart, dates and labels'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from get" -f -a "all" -d 'Everything: metadata, values, computed values, manifest and notes'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from get" -f -a "chart" -d 'The chart the revision was rendered from, as stored with the release: a summary, or with `-d DIR` the package written back out byte for byte'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from env" -f -a "name" -d 'Print the environment name and namespace a branch or name maps to'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from env" -f -a "up" -d 'Create an environment or renew it (safe on every push), and apply its profile'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from env" -f -a "list" -d 'List environments and pools: releases, last deploy, age, expiry, state, who holds what'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from env" -f -a "down" -d 'Tear an environment down: uninstall its releases (newest first), delete its namespace'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from env" -f -a "gc" -d 'Tear down expired environments (and, with `--branches`, those whose branch is gone)'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from env" -f -a "pool" -d 'Manage pools of namespaces that pipelines claim'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from env" -f -a "claim" -d 'Take a free namespace of a pool for a build, and print it'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from env" -f -a "release" -d 'Empty a claimed pool namespace (all but its profile) and give it back to the pool'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from adopt" -f -a "helm" -d 'Take over a Helm release in place: import its whole history as charts records, move its objects\' ownership marks to charts (metadata only: nothing restarts), then delete Helm\'s records. Running it again resumes an interrupted adoption; once done, it is a no-op'
