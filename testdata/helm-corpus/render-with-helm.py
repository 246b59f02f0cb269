#!/usr/bin/env python3
"""Renders every chart of the corpus with real Helm to write the expected objects.

Not run by `cargo test`: tests/it/convert_corpus.rs converts each chart with `charts convert`,
renders the result with `charts template` and compares the objects with the files this writes.
Run it again after changing a chart or its values:

    python3 -m venv /tmp/helm-venv && /tmp/helm-venv/bin/pip install helm-python-sdk pyyaml
    /tmp/helm-venv/bin/python testdata/helm-corpus/render-with-helm.py [CHART...]

helm-python-sdk (PyPI) bundles Helm v4 as a library; `Chart.render` is `helm template r CHART
-n ns` without a cluster (`lookup` returns nothing), with the Kubernetes version the library was
built for (written in each file's header; the test passes it to `charts template
--kube-version`). `values_from_yaml` reads a `-f` file as Helm does (YAML 1.1).

For each chart directory (one holding Chart.yaml) this writes:
- `expected.yaml`: the chart with its own values;
- `expected-<variant>.yaml`: with `-f ci/<variant>.yaml`, for each file in its `ci/`.
The output is what `helm template` prints: `---`, `# Source: <template>` and the rendered text of
each template that rendered something, in template path order, NOTES.txt left out.
"""

import pathlib
import sys
import tempfile

import helm_python as helm
import yaml

HERE = pathlib.Path(__file__).resolve().parent
RELEASE = "r"
NAMESPACE = "ns"


def kube_version():
    """The Kubernetes version Helm's offline render reports, read from a one-template chart."""
    with tempfile.TemporaryDirectory() as tmp:
        chart = pathlib.Path(tmp) / "probe"
        (chart / "templates").mkdir(parents=True)
        (chart / "Chart.yaml").write_text("apiVersion: v2\nname: probe\nversion: 0.1.0\n")
        (chart / "templates" / "v.txt").write_text("{{ .Capabilities.KubeVersion.Version }}")
        return helm.Chart.load(str(chart)).render(None, name=RELEASE)["probe/templates/v.txt"]


def render(chart_dir, values_file):
    chart = helm.Chart.load(str(chart_dir))
    values = None
    if values_file is not None:
        values = helm.values_from_yaml(values_file.read_text())
    manifests = chart.render(values, name=RELEASE, namespace=NAMESPACE)
    out = []
    for path in sorted(manifests):
        text = manifests[path]
        if path.endswith("NOTES.txt") or not text.strip():
            continue
        try:
            list(yaml.safe_load_all(text))
        except yaml.YAMLError as err:
            sys.exit("{}: not YAML: {}".format(path, err))
        out.append("---\n# Source: {}\n{}".format(path, text.rstrip("\n") + "\n"))
    return "".join(out)


def main(names):
    header = "# Rendered by Helm {} (KubeVersion {}) with render-with-helm.py; do not edit.\n"
    header = header.format(helm.helm_sdk_version(), kube_version())
    charts = sorted(p.parent for p in HERE.glob("*/Chart.yaml"))
    if names:
        charts = [c for c in charts if c.name in names]
    for chart_dir in charts:
        variants = [(None, "expected.yaml")]
        for ci in sorted((chart_dir / "ci").glob("*.yaml")):
            variants.append((ci, "expected-{}.yaml".format(ci.stem)))
        for values_file, target in variants:
            try:
                text = render(chart_dir, values_file)
            except helm.HelmError as err:
                sys.exit("{} ({}): {}".format(chart_dir.name, target, err))
            (chart_dir / target).write_text(header + text)
            print("{}: {}".format(chart_dir.name, target))


if __name__ == "__main__":
    main(sys.argv[1:])
