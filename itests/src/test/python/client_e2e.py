"""The official Kubernetes Python client (Debian's python3-kubernetes) against Kapi.

Run by ClientFidelityE2EIT with the distribution's admin kubeconfig as argv[1] and a namespace as
argv[2]; prints one line per check and exits non-zero on the first failure.
"""
import json
import sys
import threading
import time

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

config.load_kube_config(config_file=sys.argv[1])
ns = sys.argv[2]
v1 = client.CoreV1Api()


def check(cond, what):
    if not cond:
        print("FAILED: " + what, flush=True)
        sys.exit(1)
    print("ok: " + what, flush=True)


v1.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name=ns)))
for i in range(3):
    v1.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-%d" % i), data={"i": str(i)}))
listed = v1.list_namespaced_config_map(ns)
names = sorted(cm.metadata.name for cm in listed.items if cm.metadata.name.startswith("py-"))
check(names == ["py-0", "py-1", "py-2"], "list: %s" % names)
list_rv = listed.metadata.resource_version

# a watch from the list's resourceVersion sees exactly the later changes (the client sends watch=True)
events = []


def watcher():
    w = watch.Watch()
    for e in w.stream(v1.list_namespaced_config_map, ns, resource_version=list_rv, timeout_seconds=20):
        events.append((e["type"], e["object"].metadata.name, e["object"].metadata.resource_version))
        if e["type"] == "DELETED":
            w.stop()


t = threading.Thread(target=watcher)
t.start()
time.sleep(1)
v1.patch_namespaced_config_map("py-1", ns, {"data": {"i": "one"}})
v1.delete_namespaced_config_map("py-2", ns)
t.join(30)
check([(e[0], e[1]) for e in events] == [("MODIFIED", "py-1"), ("DELETED", "py-2")], "watch from the list's resourceVersion: %s" % events)

# resume after the first event: only what came after it
resumed = []
w = watch.Watch()
for e in w.stream(v1.list_namespaced_config_map, ns, resource_version=events[0][2], timeout_seconds=3):
    resumed.append((e["type"], e["object"].metadata.name))
check(resumed == [("DELETED", "py-2")], "watch resumed from a resourceVersion: %s" % resumed)

# an update with a stale resourceVersion is a 409 Conflict
stale = v1.read_namespaced_config_map("py-0", ns)
v1.patch_namespaced_config_map("py-0", ns, {"data": {"i": "zero"}})
stale.data = {"i": "stale"}
try:
    v1.replace_namespaced_config_map("py-0", ns, stale)
    check(False, "stale update refused")
except ApiException as e:
    check(e.status == 409 and "the object has been modified" in e.body, "stale update: 409 %s" % e.reason)

# server-side apply through the client's dynamic client (application/apply-patch+yaml, fieldManager, force)
from kubernetes import dynamic

cms = dynamic.DynamicClient(client.ApiClient()).resources.get(api_version="v1", kind="ConfigMap")
body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "py-ssa", "namespace": ns}, "data": {"a": "1"}}
# this client sends a body of a content type without "json" in it only as text: the configuration as JSON (which is YAML)
cms.server_side_apply(body=json.dumps(body), name="py-ssa", namespace=ns, field_manager="py-one")
body["data"]["a"] = "2"
try:
    cms.server_side_apply(body=json.dumps(body), name="py-ssa", namespace=ns, field_manager="py-two")
    check(False, "apply conflict")
except dynamic.exceptions.ConflictError as e:
    text = e.body.decode() if isinstance(e.body, bytes) else str(e.body)
    check(e.status == 409 and 'conflict with \\"py-one\\": .data.a' in text, "apply conflict: 409 " + text[:120])
applied = cms.server_side_apply(body=json.dumps(body), name="py-ssa", namespace=ns, field_manager="py-two", force_conflicts=True)
check(applied.data["a"] == "2" and any(m["manager"] == "py-two" and m["operation"] == "Apply" for m in applied.metadata.managedFields),
      "forced apply owns .data.a")

v1.delete_namespace(ns)
print("done", flush=True)
