#!/usr/bin/env python3
"""Lets real Helm (v4, as a library) install chart/ into the charts sandbox, then upgrade it
twice, and writes what Helm stored and applied: the fixture of the `charts adopt helm` tests.

Not run by `cargo test`. Run it again after changing the chart:

    python3 -m venv /tmp/helm-venv && /tmp/helm-venv/bin/pip install helm-python-sdk
    cargo build -p charts-sandbox
    /tmp/helm-venv/bin/python testdata/helm/adopt/make-fixture.py

Writes:
- secrets.json: Helm's release Secrets `sh.helm.release.v1.shop.v{1,2,3}` (namespace `shop`)
  exactly as the API server returns them (`kubectl get secrets -o json`, server-set fields
  removed);
- configmaps.json: release `legacy` installed with the ConfigMap storage driver (HELM_DRIVER=configmap);
- live.json: the objects Helm applied for revision 3 as they are in the cluster, with Helm's
  ownership marks and managedFields;
- history.json: Helm's own view of the three revisions (the SDK's `history`), to check decoding.
"""

import json
import pathlib
import subprocess
import tempfile
import time

import helm_python as helm

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SERVER_FIELDS = ("uid", "resourceVersion", "creationTimestamp", "generation", "managedFields")


def kubectl(kubeconfig, *args):
    out = subprocess.run(
        ["kubectl", "--kubeconfig", str(kubeconfig), *args],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout) if "json" in args else out.stdout


def strip(item, keep_managed=False):
    for field in SERVER_FIELDS:
        if keep_managed and field == "managedFields":
            continue
        item["metadata"].pop(field, None)
    return item


def main():
    tmp = pathlib.Path(tempfile.mkdtemp())
    kubeconfig = tmp / "kubeconfig"
    sandbox = subprocess.Popen(
        [str(ROOT / "target/debug/charts-sandbox"), "serve", "--port", "0",
         "--kubeconfig", str(kubeconfig), "--namespace", "shop"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        sandbox.stdout.readline()
        kubectl(kubeconfig, "create", "namespace", "shop")
        chart = helm.Chart.load(str(HERE / "chart"))
        cfg = helm.Config(kubeconfig_path=str(kubeconfig), namespace="shop")
        cfg.install(chart, "shop", {}, namespace="shop", description="first install")
        time.sleep(1)
        cfg.upgrade(chart, "shop", {"replicas": 2, "greeting": "hi"}, namespace="shop")
        time.sleep(1)
        cfg.upgrade(chart, "shop", {"replicas": 2, "greeting": "hi", "image": "nginx:1.28"},
                    namespace="shop", description="new image")
        history = cfg.history("shop")
        legacy = helm.Config(kubeconfig_path=str(kubeconfig), namespace="shop",
                             storage_driver="configmap")
        legacy.install(chart, "legacy", {"greeting": "old"}, namespace="shop")

        secrets = kubectl(kubeconfig, "-n", "shop", "get", "secrets", "-l", "owner=helm", "-o", "json")
        secrets["items"] = [strip(s) for s in secrets["items"]]
        configmaps = kubectl(kubeconfig, "-n", "shop", "get", "configmaps", "-l", "owner=helm", "-o", "json")
        configmaps["items"] = [strip(c) for c in configmaps["items"]]
        live = []
        for kind, name in [("configmap", "shop-config"), ("service", "shop-web"),
                           ("deployment", "shop-web"), ("configmap", "shop-migrate")]:
            live.append(kubectl(kubeconfig, "-n", "shop", "get", kind, name, "--show-managed-fields", "-o", "json"))
        header = {"generatedBy": "make-fixture.py", "helm": helm.helm_sdk_version()}
        for name, body in [("secrets.json", secrets), ("configmaps.json", configmaps),
                           ("live.json", {"items": live}), ("history.json", history)]:
            body = dict(body) if isinstance(body, dict) else {"items": body}
            body["_fixture"] = header
            (HERE / name).write_text(json.dumps(body, indent=2, sort_keys=True, default=str) + "\n")
    finally:
        sandbox.terminate()
        sandbox.wait()


if __name__ == "__main__":
    main()
