from pathlib import Path

import yaml

MANIFEST = Path(__file__).resolve().parents[2] / "deploy" / "qdrant" / "qdrant-cluster.yaml"


def test_cluster_manifest_is_three_replicated_nodes_with_consensus() -> None:
    docs = {d["kind"]: d for d in yaml.safe_load_all(MANIFEST.read_text())}
    sts = docs["StatefulSet"]
    assert sts["spec"]["replicas"] == 3 and sts["spec"]["serviceName"] == "qdrant-headless"
    config = yaml.safe_load(docs["ConfigMap"]["data"]["production.yaml"])
    assert config["cluster"]["enabled"] is True and config["cluster"]["p2p"]["port"] == 6335
    assert "--bootstrap" in docs["ConfigMap"]["data"]["start.sh"]
    assert docs["PodDisruptionBudget"]["spec"]["minAvailable"] == 2
    env = {e["name"] for e in sts["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert "QDRANT__SERVICE__API_KEY" in env
