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
complete -c charts -n "__fish_charts_needs_command" -f -a "lint" -d 'Check charts for problems: metadata, rendering, object shape, names, values schema'
complete -c charts -n "__fish_charts_needs_command" -f -a "show" -d 'Show a chart\'s metadata, values, README or CRDs'
complete -c charts -n "__fish_charts_needs_command" -f -a "create" -d 'Create a new chart with a ready-to-use scaffold'
complete -c charts -n "__fish_charts_needs_command" -f -a "package" -d 'Package charts into reproducible `.tgz` archives'
complete -c charts -n "__fish_charts_needs_command" -f -a "completion" -d 'Print a shell completion script'
complete -c charts -n "__fish_charts_needs_command" -f -a "version" -d 'Print the version of charts'
complete -c charts -n "__fish_charts_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand template" -s f -l values -d 'Values file (YAML); repeat for more, later files win; `-` reads stdin' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l set -d 'Set values: `a.b=c,list[0]=x`; integers and booleans are typed, never floats' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l set-string -d 'Set values as strings, whatever they look like' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l set-file -d 'Set a value to the content of a file: `key=path`' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l set-json -d 'Set values from JSON: `key=<json>`, or a whole JSON object' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l set-literal -d 'Set one value verbatim (no commas or escapes are parsed)' -r
complete -c charts -n "__fish_charts_using_subcommand template" -s s -l show-only -d 'Only show objects from these templates (e.g. `templates/deployment.yaml`)' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l output-dir -d 'Write each template\'s objects to files under this directory instead of stdout' -r -F
complete -c charts -n "__fish_charts_using_subcommand template" -l kube-version -d 'Kubernetes version for `Capabilities.KubeVersion` [default: v1.35.0]' -r
complete -c charts -n "__fish_charts_using_subcommand template" -s a -l api-versions -d 'Extra API versions for `Capabilities.APIVersions` (e.g. `monitoring.coreos.com/v1`)' -r
complete -c charts -n "__fish_charts_using_subcommand template" -s n -l namespace -d 'Namespace to work in [default: from the kube context, else `default`]' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l kube-context -d 'Kubeconfig context to use' -r
complete -c charts -n "__fish_charts_using_subcommand template" -l kubeconfig -d 'Path to the kubeconfig file [default: $KUBECONFIG, else ~/.kube/config]' -r -F
complete -c charts -n "__fish_charts_using_subcommand template" -l include-crds -d 'Include the CRDs from `crds/` in the output'
complete -c charts -n "__fish_charts_using_subcommand template" -l skip-tests -d 'Leave out test hooks (`templates/tests/`)'
complete -c charts -n "__fish_charts_using_subcommand template" -l is-upgrade -d 'Render as an upgrade (`Release.IsUpgrade` true)'
complete -c charts -n "__fish_charts_using_subcommand template" -l skip-schema-validation -d 'Do not check the values against `values.schema.json`'
complete -c charts -n "__fish_charts_using_subcommand template" -s h -l help -d 'Print help'
complete -c charts -n "__fish_charts_using_subcommand template" -s V -l version -d 'Print version'
complete -c charts -n "__fish_charts_using_subcommand lint" -s f -l values -d 'Values file (YAML); repeat for more, later files win; `-` reads stdin' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l set -d 'Set values: `a.b=c,list[0]=x`; integers and booleans are typed, never floats' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l set-string -d 'Set values as strings, whatever they look like' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l set-file -d 'Set a value to the content of a file: `key=path`' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l set-json -d 'Set values from JSON: `key=<json>`, or a whole JSON object' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l set-literal -d 'Set one value verbatim (no commas or escapes are parsed)' -r
complete -c charts -n "__fish_charts_using_subcommand lint" -l kube-version -d 'Kubernetes version for `Capabilities.KubeVersion` [default: v1.35.0]' -r
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
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template lint show create package completion version help" -f -a "template" -d 'Render a chart\'s objects locally and print them'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template lint show create package completion version help" -f -a "lint" -d 'Check charts for problems: metadata, rendering, object shape, names, values schema'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template lint show create package completion version help" -f -a "show" -d 'Show a chart\'s metadata, values, README or CRDs'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template lint show create package completion version help" -f -a "create" -d 'Create a new chart with a ready-to-use scaffold'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template lint show create package completion version help" -f -a "package" -d 'Package charts into reproducible `.tgz` archives'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template lint show create package completion version help" -f -a "completion" -d 'Print a shell completion script'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template lint show create package completion version help" -f -a "version" -d 'Print the version of charts'
complete -c charts -n "__fish_charts_using_subcommand help; and not __fish_seen_subcommand_from template lint show create package completion version help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from show" -f -a "chart" -d 'Show Chart.yaml'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from show" -f -a "values" -d 'Show values.yaml as written (comments kept)'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from show" -f -a "readme" -d 'Show the README'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from show" -f -a "crds" -d 'Show the CRDs from `crds/`'
complete -c charts -n "__fish_charts_using_subcommand help; and __fish_seen_subcommand_from show" -f -a "all" -d 'Show all of the above'
