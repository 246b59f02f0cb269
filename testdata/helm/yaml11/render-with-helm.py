#!/usr/bin/env python3
"""Renders helm-chart/ with real Helm to write the expected outputs of the yaml11 tests.

Not run by `cargo test`: the tests compare `charts template` of ../chart (the Tera twin of
helm-chart/) with the files this writes. Run it again after changing the charts or values:

    python3 -m venv /tmp/helm-venv && /tmp/helm-venv/bin/pip install helm-python-sdk
    /tmp/helm-venv/bin/python testdata/helm/yaml11/render-with-helm.py

helm-python-sdk (PyPI) bundles Helm v4 as a library; `Chart.render` is `helm template`
without a cluster, and `values_from_yaml` reads a `-f` file as Helm does (YAML 1.1).
"""

import pathlib

import helm_python as helm

HERE = pathlib.Path(__file__).resolve().parent


def render(values_file):
    chart = helm.Chart.load(str(HERE / "helm-chart"))
    values = None
    if values_file is not None:
        values = helm.values_from_yaml((HERE / values_file).read_text())
    manifests = chart.render(values, name="r", namespace="default")
    return manifests["yaml11/templates/configmap.yaml"]


def main():
    header = "# Rendered by Helm {} with render-with-helm.py; do not edit.\n"
    header = header.format(helm.helm_sdk_version())
    (HERE / "expected.yaml").write_text(header + render(None))
    (HERE / "expected-yaml11.yaml").write_text(header + render("values-yaml11.yaml"))


if __name__ == "__main__":
    main()
