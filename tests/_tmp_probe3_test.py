import json
from tests.conftest import auth

def test_p(client):
    hits = 0
    for i in range(8):
        r = client.post("/v1/chat?stream=false", json={"message": "按70%给C000003做结清方案"}, headers=auth("collector"))
        a = r.json()["answer"]
        iid = r.json()["interrupts"][0]["interrupt_id"]
        bad = iid not in a["text"]
        hits += bad
        print(iid, "scrubbed" if bad else "ok", a["removed"], iid in a["zh"], iid in a["en"])
