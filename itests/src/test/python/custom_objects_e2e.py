"""Custom resources through the official Kubernetes Python client (Debian's python3-kubernetes).

Run by ClientFidelityE2EIT with the distribution's admin kubeconfig as argv[1] and a namespace as
argv[2], once the test's CustomResourceDefinition (gizmos.python.example.com, v1, namespaced, a status
subresource) is Established. Uses CustomObjectsApi and the dynamic client; prints one line per check and
exits non-zero on the first failure.
"""
import sys

from kubernetes import client, config, dynamic
from kubernetes.client.rest import ApiException

config.load_kube_config(config_file=sys.argv[1])
ns = sys.argv[2]
GROUP, VERSION, PLURAL = "python.example.com", "v1", "gizmos"


def check(cond, what):
    if not cond:
        print("FAILED: " + what, flush=True)
        sys.exit(1)
    print("ok: " + what, flush=True)


api = client.CustomObjectsApi()
created = api.create_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, {
    "apiVersion": GROUP + "/" + VERSION, "kind": "Gizmo", "metadata": {"name": "g1"},
    "spec": {"size": 2, "unknown": "pruned"}})
check(created["spec"] == {"size": 2, "mode": "auto"}, "create: pruned and defaulted %s" % created["spec"])
got = api.get_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, "g1")
check(got["metadata"]["uid"] == created["metadata"]["uid"], "get")
patched = api.patch_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, "g1", {"spec": {"size": 5}})
check(patched["spec"]["size"] == 5, "patch (merge): %s" % patched["spec"])
status = api.patch_namespaced_custom_object_status(GROUP, VERSION, ns, PLURAL, "g1", {"status": {"ready": True}})
check(status["status"] == {"ready": True} and status["spec"]["size"] == 5, "status subresource")
try:
    api.create_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, {
        "apiVersion": GROUP + "/" + VERSION, "kind": "Gizmo", "metadata": {"name": "bad"}, "spec": {"size": -1}})
    check(False, "an invalid object is refused")
except ApiException as e:
    check(e.status == 422 and "spec.size in body should be greater than or equal to 0" in e.body, "422: %s" % e.body)
listed = api.list_namespaced_custom_object(GROUP, VERSION, ns, PLURAL)
check([i["metadata"]["name"] for i in listed["items"]] == ["g1"], "list")

# the dynamic client discovers the group and serves the same objects
dyn = dynamic.DynamicClient(client.ApiClient())
gizmos = dyn.resources.get(api_version=GROUP + "/" + VERSION, kind="Gizmo")
check(gizmos.namespaced and gizmos.name == PLURAL, "dynamic discovery")
dyn_obj = gizmos.create(namespace=ns, body={"apiVersion": GROUP + "/" + VERSION, "kind": "Gizmo",
                                            "metadata": {"name": "g2"}, "spec": {"size": 1}})
check(dyn_obj.spec.mode == "auto", "dynamic create")
names = sorted(i.metadata.name for i in gizmos.get(namespace=ns).items)
check(names == ["g1", "g2"], "dynamic list: %s" % names)
gizmos.delete(namespace=ns, name="g2")
api.delete_namespaced_custom_object(GROUP, VERSION, ns, PLURAL, "g1")
check(api.list_namespaced_custom_object(GROUP, VERSION, ns, PLURAL)["items"] == [], "deleted")
print("done", flush=True)
