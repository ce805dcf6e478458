package io.kapi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * Unmodified clients of several versions against the started distribution, on what makes them tell
 * a server from kube-apiserver: dry runs that never write (kubectl 1.27, 1.30, 1.32, 1.33); the
 * generated kubeconfig as fabric8 and the official Python client load it; the Python client's list,
 * watch (it sends {@code watch=True}), resume and conflict; field validation as kubectl asks for it;
 * YAML bodies with aliases, and a billion-laughs body refused; any Host served whatever the TLS server name.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ClientFidelityE2EIT {
    private static final List<String> KUBECTL_VERSIONS = List.of("1.27", "1.30", "1.32", "1.33");
    private static Distribution dist;
    private static Path work;

    @BeforeClass
    public static void start() throws Exception {
        dist = new Distribution("fidelity");
        dist.start();
        dist.awaitReady(System.nanoTime());
        work = Files.createTempDirectory("kapi-fidelity");
    }

    @AfterClass
    public static void stop() throws Exception {
        if (dist != null) {
            dist.close();
        }
    }

    private static Path file(String name, String content) throws Exception {
        Path p = work.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    /**
     * Every object of the kinds served, each list with its resourceVersion (the store's revision when read:
     * any write anywhere changes it).
     */
    private static String store() throws Exception {
        StringBuilder b = new StringBuilder();
        for (String r : List.of("namespaces", "configmaps", "secrets", "serviceaccounts")) {
            b.append(dist.ok("", "get", "--raw", "/api/v1/" + r)).append('\n');
        }
        b.append(dist.ok("", "get", "--raw", "/apis/coordination.k8s.io/v1/leases"));
        return b.toString();
    }

    @Test
    public void a_dryRunOnEveryVerbLeavesTheStoreAsItWas() throws Exception {
        dist.ok("", "create", "namespace", "dry");
        dist.ok("", "create", "configmap", "c1", "-n", "dry", "--from-literal=a=1");
        dist.ok("", "create", "configmap", "c2", "-n", "dry", "--from-literal=a=1");
        Path fresh = file("fresh.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fresh\n  namespace: dry\ndata:\n  a: \"1\"\n");
        Path changed = file("c1.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\n  namespace: dry\ndata:\n  a: \"2\"\n");
        String before = store();
        for (String v : KUBECTL_VERSIONS) {
            // kubectl 1.27 looks its field validation up in /openapi/v2 (protobuf), the later ones in /openapi/v3
            String validate = "--validate=strict";
            assertTrue(dist.ok(v, "create", "configmap", "new", "-n", "dry", "--from-literal=a=1", "--dry-run=server")
                    .contains("configmap/new created (server dry run)"));
            assertTrue(dist.ok(v, "create", "-f", fresh.toString(), validate, "--dry-run=server").contains("(server dry run)"));
            assertTrue(dist.ok(v, "apply", "-f", changed.toString(), validate, "--dry-run=server").contains("configured (server dry run)"));
            assertTrue(dist.ok(v, "replace", "-f", changed.toString(), validate, "--dry-run=server").contains("replaced (server dry run)"));
            assertTrue(dist.ok(v, "label", "cm", "c1", "-n", "dry", "x=y", "--dry-run=server").contains("labeled (server dry run)"));
            dist.ok(v, "annotate", "cm", "c1", "-n", "dry", "x=y", "--dry-run=server");
            dist.ok(v, "patch", "cm", "c1", "-n", "dry", "-p", "{\"data\":{\"b\":\"2\"}}", "--dry-run=server");
            dist.ok(v, "patch", "cm", "c1", "-n", "dry", "--type=json", "-p", "[{\"op\":\"remove\",\"path\":\"/data/a\"}]", "--dry-run=server");
            assertTrue(dist.ok(v, "delete", "cm", "c1", "-n", "dry", "--dry-run=server").contains("deleted (server dry run)"));
            assertTrue(dist.ok(v, "delete", "cm", "--all", "-n", "dry", "--dry-run=server").contains("configmap \"c2\" deleted (server dry run)"));
            assertTrue(dist.ok(v, "delete", "namespace", "dry", "--dry-run=server").contains("deleted (server dry run)"));
            dist.ok(v, "create", "secret", "generic", "s", "-n", "dry", "--from-literal=a=b", "--dry-run=server");
            dist.ok(v, "create", "namespace", "other", "--dry-run=server");
            assertEquals("kubectl " + v + ": the store is unchanged, same resourceVersions", before, store());
        }
        assertEquals("configmap/c1\nconfigmap/c2", dist.ok("", "get", "cm", "c1", "c2", "-n", "dry", "-o", "name").trim());
        assertEquals("Active", dist.ok("", "get", "namespace", "dry", "-o", "jsonpath={.status.phase}"));
    }

    @Test
    public void b_anUnknownDryRunValueIsRefused() throws Exception {
        Distribution.Result r = dist.kubectl("get", "--raw", "/api/v1/namespaces/default/configmaps?dryRun=Yes");
        assertEquals(r.out(), 0, r.code()); // a read carries no dryRun: kube ignores the parameter there
        String out = dist.ok("", "create", "configmap", "probe", "-n", "default", "--from-literal=a=1", "-o", "name");
        assertEquals("configmap/probe", out.trim());
        Distribution.Result bad = dist.kubectl("delete", "--raw", "/api/v1/namespaces/default/configmaps/probe?dryRun=Yes");
        assertTrue(bad.out(), bad.code() != 0 && bad.out().contains("Unsupported value: []string{\"Yes\"}: supported values: \"All\""));
        assertEquals("configmap/probe", dist.ok("", "get", "cm", "probe", "-n", "default", "-o", "name").trim());
    }

    private static KubernetesClient fabric8() throws Exception {
        // the generated kubeconfig as it is: CA, client certificate and its SEC1 EC key
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(dist.kubeconfig()))).build();
    }

    @Test
    public void c_fabric8LoadsTheKubeconfigAndWritesAndReads() throws Exception {
        try (KubernetesClient k = fabric8()) {
            k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("fabric8").endMetadata().build()).create();
            ConfigMap created = k.configMaps().inNamespace("fabric8").resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("f1").endMetadata().withData(Map.of("a", "1")).build()).create();
            assertTrue(created.getMetadata().getResourceVersion() != null && created.getMetadata().getUid() != null);
            ConfigMap edited = k.configMaps().inNamespace("fabric8").withName("f1").edit(cm -> new ConfigMapBuilder(cm).addToData("b", "2").build());
            assertEquals(Map.of("a", "1", "b", "2"), edited.getData());
            assertTrue(k.configMaps().inNamespace("fabric8").list().getItems().stream().anyMatch(cm -> cm.getMetadata().getName().equals("f1")));
            ConfigMap stale = new ConfigMapBuilder(created).addToData("c", "3").build();
            try {
                k.configMaps().inNamespace("fabric8").resource(stale).update();
                throw new AssertionError("a stale update went through");
            } catch (KubernetesClientException e) {
                assertEquals(409, e.getCode());
            }
            assertEquals(1, k.configMaps().inNamespace("fabric8").withName("f1").delete().size());
            assertEquals(null, k.configMaps().inNamespace("fabric8").withName("f1").get());
        }
    }

    @Test
    public void d_pythonClientListsWatchesResumesAndConflicts() throws Exception {
        Path script = Path.of("src/test/python/client_e2e.py").toAbsolutePath();
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), dist.kubeconfig().toString(), "python")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("python client timed out: " + out, p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(out, 0, p.exitValue());
        assertTrue(out, out.contains("done"));
    }

    @Test
    public void e_fieldValidationStrictWarnIgnore() throws Exception {
        Path unknown = file("unknown.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fv\n  namespace: default\n"
                + "  labelz: {a: b}\ndata:\n  a: \"1\"\nextra: field\n");
        for (String v : KUBECTL_VERSIONS) {
            Distribution.Result strict = dist.kubectlVersion(v, "create", "-f", unknown.toString(), "--validate=strict");
            assertTrue(v + ": " + strict.out(), strict.code() != 0 && strict.out().contains(
                    "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: "
                            + "unknown field \"extra\", unknown field \"metadata.labelz\""));
            assertTrue(dist.kubectl("get", "cm", "fv", "-n", "default").code() != 0);
            String warned = dist.ok(v, "create", "-f", unknown.toString(), "--validate=warn");
            assertTrue(v + ": " + warned, warned.contains("Warning: unknown field \"extra\"")
                    && warned.contains("Warning: unknown field \"metadata.labelz\"") && warned.contains("configmap/fv created"));
            String stored = dist.ok("", "get", "cm", "fv", "-n", "default", "-o", "json");
            assertTrue(stored, !stored.contains("extra") && !stored.contains("labelz"));
            dist.ok("", "delete", "cm", "fv", "-n", "default");
            String ignored = dist.ok(v, "create", "-f", unknown.toString(), "--validate=ignore");
            assertTrue(v + ": " + ignored, !ignored.contains("Warning"));
            assertTrue(!dist.ok("", "get", "cm", "fv", "-n", "default", "-o", "json").contains("extra"));
            dist.ok("", "delete", "cm", "fv", "-n", "default");
        }
        Distribution.Result selector = dist.kubectl("get", "cm", "-n", "default", "--field-selector", "data.a=1");
        assertTrue(selector.out(), selector.code() != 0 && selector.out().contains("field label not supported: data.a"));
    }

    @Test
    public void f_yamlBodiesWithAliasesAndABillionLaughs() throws Exception {
        java.net.http.HttpClient http = Distribution.insecureClient();
        String url = dist.baseUrl() + "/api/v1/namespaces/default/configmaps";
        String aliases = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aliased\n  labels: &l {team: blue}\n"
                + "  annotations: *l\ndata:\n  a: &v shared\n  b: *v\n";
        java.net.http.HttpResponse<String> created = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .header("Authorization", "Bearer " + dist.token()).header("Content-Type", "application/yaml")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(aliases)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(created.body(), 201, created.statusCode());
        assertEquals("shared shared blue", dist.ok("", "get", "cm", "aliased", "-n", "default", "-o",
                "jsonpath={.data.a} {.data.b} {.metadata.annotations.team}"));
        StringBuilder bomb = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml-bomb\n  namespace: default\ndata:\n"
                + "  a: &a [\"web\",\"web\",\"web\",\"web\",\"web\",\"web\",\"web\",\"web\",\"web\"]\n");
        String prev = "a";
        for (char c = 'b'; c <= 'i'; c++) {
            bomb.append("  ").append(c).append(": &").append(c).append(" [").append(String.join(",", java.util.Collections.nCopies(9, "*" + prev))).append("]\n");
            prev = String.valueOf(c);
        }
        java.net.http.HttpResponse<String> refused = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .header("Authorization", "Bearer " + dist.token()).header("Content-Type", "application/yaml")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(bomb.toString())).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(refused.body(), 400, refused.statusCode());
        assertTrue(refused.body(), refused.body().contains("document contains excessive aliasing"));
        assertTrue(dist.kubectl("get", "cm", "yaml-bomb", "-n", "default").code() != 0);
        assertEquals(200, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(dist.baseUrl() + "/readyz")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    public void g_fabric8WatchAndInformer() throws Exception {
        try (KubernetesClient k = fabric8()) {
            k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("informed").endMetadata().build()).create();
            java.util.concurrent.BlockingQueue<String> watched = new java.util.concurrent.LinkedBlockingQueue<>();
            java.util.concurrent.BlockingQueue<String> informed = new java.util.concurrent.LinkedBlockingQueue<>();
            try (io.fabric8.kubernetes.client.Watch w = k.configMaps().inNamespace("informed").watch(new io.fabric8.kubernetes.client.Watcher<>() {
                @Override
                public void eventReceived(Action action, ConfigMap cm) {
                    watched.add(action + " " + cm.getMetadata().getName());
                }

                @Override
                public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
                    watched.add("CLOSED " + cause);
                }
            })) {
                var informer = k.configMaps().inNamespace("informed").inform(new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
                    @Override
                    public void onAdd(ConfigMap cm) {
                        informed.add("add " + cm.getMetadata().getName());
                    }

                    @Override
                    public void onUpdate(ConfigMap old, ConfigMap cm) {
                        if (!old.getMetadata().getResourceVersion().equals(cm.getMetadata().getResourceVersion())) {
                            informed.add("update " + cm.getMetadata().getName() + " " + cm.getData());
                        }
                    }

                    @Override
                    public void onDelete(ConfigMap cm, boolean unknownFinalState) {
                        informed.add("delete " + cm.getMetadata().getName());
                    }
                });
                try {
                    informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
                    assertTrue("informer synced", informer.hasSynced());
                    k.configMaps().inNamespace("informed").resource(new ConfigMapBuilder().withNewMetadata().withName("i1").endMetadata()
                            .withData(Map.of("a", "1")).build()).create();
                    k.configMaps().inNamespace("informed").withName("i1").edit(cm -> new ConfigMapBuilder(cm).withData(Map.of("a", "2")).build());
                    k.configMaps().inNamespace("informed").withName("i1").delete();
                    for (String expected : List.of("ADDED i1", "MODIFIED i1", "DELETED i1")) {
                        assertEquals(expected, watched.poll(30, TimeUnit.SECONDS));
                    }
                    for (String expected : List.of("add i1", "update i1 {a=2}", "delete i1")) {
                        assertEquals(expected, informed.poll(30, TimeUnit.SECONDS));
                    }
                } finally {
                    informer.close();
                }
            }
        }
    }

    /**
     * kube's HandleWS: one event per text message (the JSON frame with its newline), a normal close at
     * the end; the bearer token as a subprotocol; a handshake without Origin refused with 403.
     */
    @Test
    public void h_webSocketWatchAsKubeServesIt() throws Exception {
        dist.ok("", "create", "configmap", "ws-1", "-n", "default", "--from-literal=a=1");
        java.util.concurrent.BlockingQueue<String> messages = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
        java.net.URI watch = java.net.URI.create("wss://127.0.0.1:" + dist.securePort
                + "/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Dws-1&timeoutSeconds=3");
        // x/net/websocket's handshake: no Origin, a bare 403
        java.util.concurrent.ExecutionException refused = org.junit.Assert.assertThrows(java.util.concurrent.ExecutionException.class,
                () -> Distribution.insecureClient().newWebSocketBuilder()
                        .header("Authorization", "Bearer " + dist.token())
                        .buildAsync(watch, new java.net.http.WebSocket.Listener() { }).get(10, TimeUnit.SECONDS));
        assertTrue(String.valueOf(refused.getCause()), refused.getCause() instanceof java.net.http.WebSocketHandshakeException
                && ((java.net.http.WebSocketHandshakeException) refused.getCause()).getResponse().statusCode() == 403);
        // the token as kube's subprotocol, beside the one the server echoes; no Authorization header
        String tokenProtocol = "base64url.bearer.authorization.k8s.io."
                + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(dist.token().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.net.http.WebSocket ws = Distribution.insecureClient().newWebSocketBuilder()
                .header("Origin", "https://127.0.0.1:" + dist.securePort)
                .subprotocols("watch.kapi.test", tokenProtocol)
                .buildAsync(watch,
                        new java.net.http.WebSocket.Listener() {
                            private final StringBuilder partial = new StringBuilder();

                            @Override
                            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                                partial.append(data);
                                if (last) {
                                    messages.add(partial.toString());
                                    partial.setLength(0);
                                }
                                w.request(1);
                                return null;
                            }

                            @Override
                            public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket w, int statusCode, String reason) {
                                closed.complete(statusCode);
                                return null;
                            }
                        }).get(10, TimeUnit.SECONDS);
        assertEquals("watch.kapi.test", ws.getSubprotocol());
        String first = messages.poll(10, TimeUnit.SECONDS);
        assertTrue(first, first != null && first.startsWith("{\"type\":\"ADDED\"") && first.contains("\"name\":\"ws-1\"")
                && first.endsWith("}\n") && first.indexOf('\n') == first.length() - 1);
        dist.ok("", "label", "cm", "ws-1", "-n", "default", "seen=yes");
        String second = messages.poll(10, TimeUnit.SECONDS);
        assertTrue(second, second != null && second.startsWith("{\"type\":\"MODIFIED\""));
        assertEquals("the watch's timeout closes the socket normally", Integer.valueOf(1000), closed.get(15, TimeUnit.SECONDS));
        ws.abort();
    }

    /** kubectl 1.27 reads /openapi/v2 in protobuf for create, apply, diff and explain. */
    @Test
    public void i_openApiV2ForOlderKubectl() throws Exception {
        String v = "1.27";
        Path cm = file("v2.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: v2\n  namespace: default\ndata:\n  a: \"1\"\n");
        assertTrue(dist.ok(v, "apply", "-f", cm.toString()).contains("configmap/v2 created"));
        Path changed = file("v2.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: v2\n  namespace: default\ndata:\n  a: \"2\"\n");
        Distribution.Result diff = dist.kubectlVersion(v, "diff", "-f", changed.toString());
        assertEquals(diff.out(), 1, diff.code()); // kubectl diff: 1 when there are differences
        assertTrue(diff.out(), diff.out().contains("-  a: \"1\"") && diff.out().contains("+  a: \"2\""));
        assertTrue(dist.ok(v, "apply", "-f", changed.toString()).contains("configmap/v2 configured"));
        assertEquals("2", dist.ok(v, "get", "cm", "v2", "-n", "default", "-o", "jsonpath={.data.a}"));
        String explain = dist.ok(v, "explain", "configmap.data", "--output", "plaintext-openapiv2");
        assertTrue(explain, explain.contains("map[string]string"));
        for (String version : List.of("1.27", "1.30", "1.33")) {
            String raw = dist.ok(version, "get", "--raw", "/openapi/v2");
            assertTrue(version, raw.startsWith("{\"swagger\":\"2.0\""));
            assertTrue(version, raw.contains("\"io.k8s.api.core.v1.ConfigMap\""));
        }
    }

    /** A strategic merge patch takes its merge keys from the kind's schema: a ServiceAccount's secrets merge by name. */
    @Test
    public void j_strategicMergePatchFromTheSchema() throws Exception {
        dist.ok("", "create", "serviceaccount", "smp", "-n", "default");
        dist.ok("", "patch", "sa", "smp", "-n", "default", "-p", "{\"secrets\":[{\"name\":\"one\"}]}");
        dist.ok("", "patch", "sa", "smp", "-n", "default", "-p", "{\"secrets\":[{\"name\":\"two\"}]}");
        String names = dist.ok("", "get", "sa", "smp", "-n", "default", "-o", "jsonpath={.secrets[*].name}");
        assertTrue(names, names.contains("one") && names.contains("two"));
    }

    /** Server-side apply as kubectl runs it: apply, a conflict from a second manager, --force-conflicts, the CSA upgrade. */
    @Test
    public void k_serverSideApplyWithKubectl() throws Exception {
        for (String v : KUBECTL_VERSIONS) {
            String name = "ssa-" + v.replace('.', '-');
            Path mine = file(name + ".yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: default\n"
                    + "data:\n  a: \"1\"\n  b: \"1\"\n");
            assertTrue(dist.ok(v, "apply", "--server-side", "-f", mine.toString()).contains("serverside-applied"));
            Path theirs = file(name + "-other.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: default\n"
                    + "data:\n  a: \"2\"\n");
            Distribution.Result conflict = dist.kubectlVersion(v, "apply", "--server-side", "--field-manager=other", "-f", theirs.toString());
            assertTrue(v + ": " + conflict.out(), conflict.code() != 0
                    && conflict.out().contains("Apply failed with 1 conflict: conflict with \"kubectl\": .data.a"));
            assertEquals("1", dist.ok("", "get", "cm", name, "-n", "default", "-o", "jsonpath={.data.a}"));
            dist.ok(v, "apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", theirs.toString());
            assertEquals("2 1", dist.ok("", "get", "cm", name, "-n", "default", "-o", "jsonpath={.data.a} {.data.b}"));
            String managed = dist.ok("", "get", "cm", name, "-n", "default", "-o", "json", "--show-managed-fields");
            assertTrue(managed, managed.contains("\"manager\": \"other\"") && managed.contains("\"operation\": \"Apply\""));
            // the applier drops b: nobody else owns it, so it goes
            file(name + ".yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: default\ndata: {}\n");
            dist.ok(v, "apply", "--server-side", "-f", mine.toString());
            assertEquals("2 ", dist.ok("", "get", "cm", name, "-n", "default", "-o", "jsonpath={.data.a} {.data.b}"));
            // from client-side apply to server-side apply: kubectl moves the ownership, no conflict
            Path csa = file(name + "-csa.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "-csa\n  namespace: default\n"
                    + "data:\n  a: \"1\"\n");
            dist.ok(v, "apply", "-f", csa.toString());
            file(name + "-csa.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "-csa\n  namespace: default\n"
                    + "data:\n  a: \"3\"\n");
            assertTrue(dist.ok(v, "apply", "--server-side", "-f", csa.toString()).contains("serverside-applied"));
            assertEquals("3", dist.ok("", "get", "cm", name + "-csa", "-n", "default", "-o", "jsonpath={.data.a}"));
            // a server-side dry run of an apply writes nothing
            String rv = dist.ok("", "get", "cm", name + "-csa", "-n", "default", "-o", "jsonpath={.metadata.resourceVersion}");
            file(name + "-csa.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "-csa\n  namespace: default\n"
                    + "data:\n  a: \"4\"\n");
            dist.ok(v, "apply", "--server-side", "--dry-run=server", "-f", csa.toString());
            assertEquals(rv + " 3", dist.ok("", "get", "cm", name + "-csa", "-n", "default", "-o", "jsonpath={.metadata.resourceVersion} {.data.a}"));
        }
    }

    /** fabric8's server-side apply, with a conflict and force. */
    @Test
    public void l_fabric8ServerSideApply() throws Exception {
        try (KubernetesClient k = fabric8()) {
            ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName("f8-ssa").withNamespace("default").endMetadata()
                    .withData(Map.of("a", "1")).build();
            k.resource(cm).fieldManager("fabric8-one").serverSideApply();
            ConfigMap other = new ConfigMapBuilder(cm).withData(Map.of("a", "2")).build();
            try {
                k.resource(other).fieldManager("fabric8-two").serverSideApply();
                throw new AssertionError("no conflict");
            } catch (KubernetesClientException e) {
                assertEquals(409, e.getCode());
                assertTrue(e.getMessage(), e.getMessage().contains("conflict with \"fabric8-one\": .data.a"));
            }
            ConfigMap forced = k.resource(other).fieldManager("fabric8-two").forceConflicts().serverSideApply();
            assertEquals("2", forced.getData().get("a"));
        }
    }

    private static final String GIZMO_CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: gizmos.python.example.com}
            spec:
              group: python.example.com
              scope: Namespaced
              names: {plural: gizmos, kind: Gizmo}
              versions:
              - name: v1
                served: true
                storage: true
                subresources: {status: {}}
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        properties:
                          size: {type: integer, minimum: 0}
                          mode: {type: string, default: auto}
                      status:
                        type: object
                        properties:
                          ready: {type: boolean}
            """;

    /**
     * Custom resources through the other clients: fabric8's GenericKubernetesResource CRUD and an informer, the
     * Python client's CustomObjectsApi and dynamic client.
     */
    @Test
    public void m_customResourcesThroughFabric8AndPython() throws Exception {
        dist.ok("", "apply", "-f", file("gizmos-crd.yaml", GIZMO_CRD).toString());
        dist.ok("", "wait", "--for=condition=Established", "crd/gizmos.python.example.com", "--timeout=30s");
        dist.ok("", "create", "namespace", "gizmos-f8");
        // Established is set as the group is handed to the server: serving follows within moments
        dist.retry("", r -> r.code() == 0, 20, "get", "gizmos", "-n", "gizmos-f8");
        var context = new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder().withGroup("python.example.com")
                .withVersion("v1").withPlural("gizmos").withKind("Gizmo").withNamespaced(true).build();
        try (KubernetesClient k = fabric8()) {
            var gizmos = k.genericKubernetesResources(context).inNamespace("gizmos-f8");
            java.util.concurrent.BlockingQueue<String> informed = new java.util.concurrent.LinkedBlockingQueue<>();
            var informer = gizmos.inform(new io.fabric8.kubernetes.client.informers.ResourceEventHandler<>() {
                @Override
                public void onAdd(io.fabric8.kubernetes.api.model.GenericKubernetesResource g) {
                    informed.add("add " + g.getMetadata().getName());
                }

                @Override
                public void onUpdate(io.fabric8.kubernetes.api.model.GenericKubernetesResource old,
                                     io.fabric8.kubernetes.api.model.GenericKubernetesResource g) {
                    if (!old.getMetadata().getResourceVersion().equals(g.getMetadata().getResourceVersion())) {
                        informed.add("update " + g.getMetadata().getName() + " " + g.getAdditionalProperties().get("spec"));
                    }
                }

                @Override
                public void onDelete(io.fabric8.kubernetes.api.model.GenericKubernetesResource g, boolean unknownFinalState) {
                    informed.add("delete " + g.getMetadata().getName());
                }
            });
            try {
                informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
                var g = new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder().withApiVersion("python.example.com/v1")
                        .withKind("Gizmo").withNewMetadata().withName("f1").endMetadata()
                        .addToAdditionalProperties("spec", Map.of("size", 1, "extra", true)).build();
                var created = gizmos.resource(g).create();
                assertEquals("pruned and defaulted", Map.of("size", 1, "mode", "auto"), created.getAdditionalProperties().get("spec"));
                gizmos.withName("f1").edit(x -> {
                    x.setAdditionalProperty("spec", Map.of("size", 2, "mode", "manual"));
                    return x;
                });
                try {
                    gizmos.resource(new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder(g).withNewMetadata().withName("bad")
                            .endMetadata().addToAdditionalProperties("spec", Map.of("size", -3)).build()).create();
                    throw new AssertionError("an invalid gizmo was created");
                } catch (KubernetesClientException e) {
                    assertEquals(422, e.getCode());
                    assertTrue(e.getMessage(), e.getMessage().contains("spec.size in body should be greater than or equal to 0"));
                }
                assertEquals(1, gizmos.list().getItems().size());
                assertEquals(1, gizmos.withName("f1").delete().size());
                for (String expected : List.of("add f1", "update f1 {mode=manual, size=2}", "delete f1")) {
                    String got = informed.poll(30, TimeUnit.SECONDS);
                    if (got != null && got.startsWith("update")) {
                        // the map's order is the server's JSON order; compare as sets of entries
                        assertTrue(got, got.contains("mode=manual") && got.contains("size=2"));
                    } else {
                        assertEquals(expected, got);
                    }
                }
            } finally {
                informer.close();
            }
        }
        Path script = Path.of("src/test/python/custom_objects_e2e.py").toAbsolutePath();
        dist.ok("", "create", "namespace", "gizmos-py");
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), dist.kubeconfig().toString(), "gizmos-py")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("python client timed out: " + out, p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(out, 0, p.exitValue());
        assertTrue(out, out.contains("done"));
    }

    /**
     * A client that keeps the TLS server name but sends another Host (a tunnel, a proxy) is served, as Go serves
     * kube-apiserver's clients: Jetty answered {@code 400 Host does not match SNI}, an HTML page with a stack trace.
     */
    @Test
    public void n_anyHostWhateverTheTlsServerName() throws Exception {
        javax.net.ssl.SSLSocketFactory tls = Distribution.trustingAnyCertificate().getSocketFactory();
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) tls.createSocket("127.0.0.1", dist.securePort)) {
            javax.net.ssl.SSLParameters params = s.getSSLParameters();
            params.setServerNames(List.of(new javax.net.ssl.SNIHostName("localhost")));
            s.setSSLParameters(params);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /readyz HTTP/1.1\r\nHost: kapi.example.com\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer, answer.startsWith("HTTP/1.1 200 ") && answer.endsWith("ok"));
        }
    }
}
