#!/usr/bin/env python3
"""Throwaway recorder for the protobuf request bodies kubectl sends (fixture generation only).

Run by hand, never from the tests:
    python3 kubectl-recorder.py OUTDIR [PORT]      # listens on 127.0.0.1 only
    kubectl --server=http://127.0.0.1:PORT --insecure-skip-tls-verify create configmap cm1 -n default --from-literal=a=1
    kill <pid>

It answers just enough discovery for kubectl (legacy /api, /apis, /api/v1 JSON lists) and saves
every POST body as OUTDIR/NNN-<last path segment>.pb plus a line in OUTDIR/requests.log with the
method, path, Content-Type and Accept headers. POSTs are answered with a small JSON object of the
kind kubectl sent so that kubectl exits normally.
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

OUT = sys.argv[1]
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 18080

def res(name, kind, namespaced, verbs=("create", "get", "list")):
    return {"name": name, "singularName": "", "namespaced": namespaced, "kind": kind, "verbs": list(verbs)}

DISCOVERY = {
    "/api": {"kind": "APIVersions", "versions": ["v1"],
             "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:%d" % PORT}]},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": "authorization.k8s.io",
         "versions": [{"groupVersion": "authorization.k8s.io/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": "authorization.k8s.io/v1", "version": "v1"}}]},
    "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
        res("configmaps", "ConfigMap", True), res("namespaces", "Namespace", False),
        res("secrets", "Secret", True)]},
    "/apis/authorization.k8s.io/v1": {"kind": "APIResourceList", "apiVersion": "v1",
        "groupVersion": "authorization.k8s.io/v1", "resources": [
        res("selfsubjectaccessreviews", "SelfSubjectAccessReview", False, ("create",))]},
}

REPLIES = {
    "configmaps": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm1", "namespace": "default"}},
    "namespaces": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ns1"}},
    "secrets": {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s1", "namespace": "default"}},
    "selfsubjectaccessreviews": {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
                                 "spec": {}, "status": {"allowed": True}},
}

count = [0]

class Handler(BaseHTTPRequestHandler):
    def log_request(self, code="-", size="-"):
        with open(os.path.join(OUT, "requests.log"), "a") as log:
            log.write("%s %s -> %s | Content-Type: %s | Accept: %s\n" % (
                self.command, self.path, code, self.headers.get("Content-Type"), self.headers.get("Accept")))

    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path in DISCOVERY:
            self.reply(200, DISCOVERY[path])
        else:
            self.reply(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound",
                             "code": 404, "message": "the server could not find the requested resource"})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        resource = self.path.split("?")[0].rstrip("/").split("/")[-1]
        count[0] += 1
        with open(os.path.join(OUT, "%03d-%s.pb" % (count[0], resource)), "wb") as f:
            f.write(body)
        self.reply(201, REPLIES.get(resource, {"apiVersion": "v1", "kind": "Status", "status": "Success"}))

os.makedirs(OUT, exist_ok=True)
HTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
