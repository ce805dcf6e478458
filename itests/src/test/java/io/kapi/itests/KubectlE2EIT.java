package io.kapi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * Real kubectl (the one on the PATH, 1.32) against the started distribution with the generated admin
 * kubeconfig: discovery, OpenAPI validation, create/apply/get/watch/label/annotate/patch/delete,
 * paging, explain, health, secrets (kubectl 1.32 sends those in protobuf), namespaces.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class KubectlE2EIT {
    private static Distribution dist;
    private static Path work;

    @BeforeClass
    public static void start() throws Exception {
        dist = new Distribution("kubectl");
        long t0 = System.nanoTime();
        dist.start();
        long ms = dist.awaitReady(t0);
        System.out.println("kapi cold start to /readyz: " + ms + " ms");
        work = Files.createTempDirectory("kapi-e2e");
    }

    @AfterClass
    public static void stop() throws Exception {
        if (dist != null) {
            dist.close();
        }
    }

    private static String ok(String... args) throws Exception {
        Distribution.Result r = dist.kubectl(args);
        assertEquals(String.join(" ", args) + " -> " + r.out(), 0, r.code());
        return r.out();
    }

    private static Path file(String name, String content) throws Exception {
        Path p = work.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    public void a_namespacesAndDiscovery() throws Exception {
        String ns = ok("get", "ns");
        assertTrue(ns, ns.contains("default") && ns.contains("kube-system") && ns.contains("kube-public") && ns.contains("Active"));
        String resources = ok("api-resources");
        assertTrue(resources, resources.contains("configmaps") && resources.contains("cm") && resources.contains("leases")
                && resources.contains("coordination.k8s.io/v1") && resources.contains("serviceaccounts"));
        // kubectl 1.32 sends this SelfSubjectAccessReview in protobuf
        assertEquals("yes", ok("auth", "can-i", "list", "configmaps").trim());
        String health = ok("get", "--raw", "/readyz?verbose");
        assertTrue(health, health.contains("[+]ping ok") && health.contains("readyz check passed"));
    }

    @Test
    public void b_createApplyGet() throws Exception {
        Path cm = file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n  namespace: default\ndata:\n  a: \"1\"\n");
        assertTrue(ok("create", "-f", cm.toString()).contains("configmap/demo created"));
        Path applied = file("applied.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: default\ndata:\n  a: \"1\"\n");
        assertTrue(ok("apply", "-f", applied.toString()).contains("configmap/applied created"));
        assertTrue(ok("apply", "-f", applied.toString()).contains("configmap/applied unchanged"));
        file("applied.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: default\ndata:\n  a: \"2\"\n");
        assertTrue(ok("apply", "-f", applied.toString()).contains("configmap/applied configured"));
        assertEquals("2", ok("get", "cm", "applied", "-n", "default", "-o", "jsonpath={.data.a}"));
        String yaml = ok("get", "cm", "demo", "-n", "default", "-o", "yaml");
        assertTrue(yaml, yaml.contains("name: demo") && yaml.contains("resourceVersion:") && yaml.contains("uid:"));
        String json = ok("get", "cm", "demo", "-n", "default", "-o", "json");
        assertTrue(json, json.contains("\"kind\": \"ConfigMap\"") && json.contains("\"a\": \"1\""));
        String wide = ok("get", "cm", "-n", "default", "-o", "wide");
        assertTrue(wide, wide.contains("NAME") && wide.contains("DATA") && wide.contains("AGE") && wide.contains("demo"));
    }

    /**
     * kubectl diff of an object applied server-side: kubectl's client-side patch sends {@code annotations: {}}, which
     * kube leaves out (every ObjectMeta field is omitempty), so only the changed data shows.
     */
    @Test
    public void b_diffShowsOnlyTheChange() throws Exception {
        Path cm = file("diffed.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: diffed\n  namespace: default\ndata:\n  a: \"1\"\n");
        assertTrue(ok("apply", "--server-side", "-f", cm.toString()).contains("configmap/diffed serverside-applied"));
        file("diffed.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: diffed\n  namespace: default\ndata:\n  a: \"2\"\n");
        Distribution.Result diff = dist.kubectl("diff", "-f", cm.toString());
        assertEquals(diff.out(), 1, diff.code()); // kubectl diff: 1 when there are differences
        assertTrue(diff.out(), diff.out().contains("-  a: \"1\"") && diff.out().contains("+  a: \"2\""));
        assertTrue(diff.out(), !diff.out().contains("annotations"));
    }

    @Test
    public void c_labelAnnotatePatchDelete() throws Exception {
        ok("label", "cm", "demo", "-n", "default", "team=blue");
        assertEquals("blue", ok("get", "cm", "demo", "-n", "default", "-o", "jsonpath={.metadata.labels.team}"));
        assertTrue(ok("get", "cm", "-n", "default", "-l", "team=blue").contains("demo"));
        assertTrue(!ok("get", "cm", "-n", "default", "-l", "team!=blue").contains("demo "));
        ok("annotate", "cm", "demo", "-n", "default", "note=hello");
        assertEquals("hello", ok("get", "cm", "demo", "-n", "default", "-o", "jsonpath={.metadata.annotations.note}"));
        ok("patch", "cm", "demo", "-n", "default", "-p", "{\"data\":{\"b\":\"2\"}}");
        ok("patch", "cm", "demo", "-n", "default", "--type=merge", "-p", "{\"data\":{\"c\":\"3\"}}");
        ok("patch", "cm", "demo", "-n", "default", "--type=json", "-p", "[{\"op\":\"replace\",\"path\":\"/data/a\",\"value\":\"9\"}]");
        assertEquals("9 2 3", ok("get", "cm", "demo", "-n", "default", "-o", "jsonpath={.data.a} {.data.b} {.data.c}"));
        assertTrue(ok("delete", "cm", "demo", "-n", "default").contains("configmap \"demo\" deleted"));
        Distribution.Result gone = dist.kubectl("get", "cm", "demo", "-n", "default");
        assertTrue(gone.out(), gone.code() != 0 && gone.out().contains("NotFound"));
    }

    /**
     * A value of the wrong JSON type is refused as kube refuses a body it cannot decode into the kind's Go type, on
     * create (400) and on patch (422), whatever the field validation; nothing is written.
     */
    @Test
    public void c_valuesOfTheWrongTypeAreRefused() throws Exception {
        Path pod = file("typed-pod.json", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"typed\"},\"spec\":{"
                + "\"containers\":[{\"name\":\"c\",\"image\":\"x\",\"ports\":[{\"containerPort\":\"80\"}]}]}}");
        Distribution.Result created = dist.kubectl("create", "-f", pod.toString(), "--validate=false");
        assertTrue(created.out(), created.code() != 0 && created.out().contains("Pod in version \"v1\" cannot be handled as a Pod: json: "
                + "cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32"));
        assertTrue(dist.kubectl("get", "pod", "typed").code() != 0);
        ok("create", "deployment", "typed", "--image=x");
        Distribution.Result patched = dist.kubectl("patch", "deployment", "typed", "--type=merge", "-p", "{\"spec\":{\"replicas\":\"3\"}}");
        assertTrue(patched.out(), patched.code() != 0 && patched.out().contains("The request is invalid: patch: Invalid value: ")
                && patched.out().contains("json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"));
        ok("create", "configmap", "typed", "--from-literal=a=1");
        Distribution.Result data = dist.kubectl("patch", "configmap", "typed", "-p", "{\"data\":{\"b\":4}}");
        assertTrue(data.out(), data.code() != 0 && data.out().contains("json: cannot unmarshal number into Go struct field ConfigMap.data of type string"));
        assertEquals("1", ok("get", "deployment", "typed", "-o", "jsonpath={.spec.replicas}"));
        assertEquals("{\"a\":\"1\"}", ok("get", "configmap", "typed", "-o", "jsonpath={.data}"));
        ok("delete", "deployment,configmap", "typed");
    }

    /** {@code kubectl debug} patches pods/ephemeralcontainers (it was a 404); the oldest kubectl supported does the same. */
    @Test
    public void c_debugAddsAnEphemeralContainer() throws Exception {
        ok("run", "debugged", "--image=busybox", "--", "sleep", "1000");
        ok("debug", "debugged", "--image=busybox", "-c", "dbg", "--", "sh");
        Distribution.Result old = dist.kubectlVersion("1.27", "debug", "debugged", "--image=alpine", "-c", "dbg127", "--", "sh");
        assertEquals(old.out(), 0, old.code());
        assertEquals("dbg busybox Always;dbg127 alpine Always;",
                ok("get", "pod", "debugged", "-o", "jsonpath={range .spec.ephemeralContainers[*]}{.name} {.image} {.imagePullPolicy};{end}"));
        assertEquals("busybox", ok("get", "pod", "debugged", "-o", "jsonpath={.spec.containers[0].image}"));
        String managed = ok("get", "pod", "debugged", "-o", "jsonpath={.metadata.managedFields[*].subresource}");
        assertTrue(managed, managed.contains("ephemeralcontainers"));
        String discovery = ok("get", "--raw", "/api/v1");
        assertTrue(discovery, discovery.contains("{\"name\":\"pods/ephemeralcontainers\",\"singularName\":\"\",\"namespaced\":true,"
                + "\"kind\":\"Pod\",\"verbs\":[\"get\",\"patch\",\"update\"]}"));
        ok("delete", "pod", "debugged");
    }

    @Test
    public void d_watchSeesAddedModifiedDeleted() throws Exception {
        File out = work.resolve("watch.out").toFile();
        Process watch = dist.kubectlBackground(out, "get", "cm", "-n", "default", "-w", "--output-watch-events");
        try {
            // the watch is open once its initial list (applied, kube-root..., ...) is printed
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(out.toPath()).contains("applied") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            ok("create", "configmap", "watched", "-n", "default", "--from-literal=x=1");
            ok("label", "cm", "watched", "-n", "default", "seen=yes");
            ok("delete", "cm", "watched", "-n", "default");
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String text = "";
            while (System.nanoTime() < deadline) {
                text = Files.readString(out.toPath());
                if (text.contains("DELETED")) {
                    break;
                }
                Thread.sleep(100);
            }
            assertTrue(text, text.matches("(?s).*ADDED\\s+watched.*MODIFIED\\s+watched.*DELETED\\s+watched.*"));
        } finally {
            watch.destroy();
        }
    }

    @Test
    public void e_chunkedListAndExplain() throws Exception {
        ok("create", "namespace", "paging");
        for (int i = 0; i < 12; i++) {
            ok("create", "configmap", "page-" + i, "-n", "paging", "--from-literal=i=" + i);
        }
        String listed = ok("get", "cm", "-n", "paging", "--chunk-size=5", "-o", "name");
        assertEquals(listed, 12, listed.lines().filter(l -> l.startsWith("configmap/page-")).count());
        // deletecollection
        assertTrue(ok("delete", "cm", "--all", "-n", "paging").contains("configmap \"page-0\" deleted"));
        assertEquals("", ok("get", "cm", "-n", "paging", "-o", "name").trim());
        String explain = ok("explain", "configmap.data");
        assertTrue(explain, explain.contains("data") && explain.contains("map[string]string"));
    }

    @Test
    public void f_secretsFromLiterals() throws Exception {
        ok("create", "secret", "generic", "creds", "-n", "default", "--from-literal=user=admin", "--from-literal=pass=s3cret");
        String b64 = ok("get", "secret", "creds", "-n", "default", "-o", "jsonpath={.data.pass}");
        assertEquals("s3cret", new String(Base64.getDecoder().decode(b64.trim()), StandardCharsets.UTF_8));
        assertTrue(ok("get", "secret", "creds", "-n", "default").contains("Opaque"));
    }

    /**
     * A Secret of 768 KiB created by kubectl (in protobuf) and read back in protobuf, as client-go's typed
     * clients read it: the server encodes it from the stored JSON, decoding the data's base64 as it writes it;
     * the answer is the object a JSON GET gives, encoded whole.
     */
    @Test
    public void f_aLargeSecretReadInProtobuf() throws Exception {
        byte[] blob = new byte[768 * 1024];
        new java.util.Random(5).nextBytes(blob);
        Path file = Files.createTempFile("kapi-blob", ".bin");
        try {
            Files.write(file, blob);
            ok("create", "secret", "generic", "large", "-n", "default", "--from-file=blob=" + file);
        } finally {
            Files.delete(file);
        }
        HttpClient http = Distribution.insecureClient();
        URI uri = URI.create("https://127.0.0.1:" + dist.securePort + "/api/v1/namespaces/default/secrets/large");
        HttpResponse<byte[]> pb = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + dist.token())
                .header("Accept", "application/vnd.kubernetes.protobuf").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, pb.statusCode());
        assertEquals("application/vnd.kubernetes.protobuf", pb.headers().firstValue("Content-Type").orElse(""));
        HttpResponse<byte[]> json = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + dist.token())
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofByteArray());
        io.kapi.protobuf.KubeProtobuf codec = new io.kapi.protobuf.KubeProtobuf();
        com.fasterxml.jackson.databind.node.ObjectNode object = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.body());
        assertTrue("the protobuf GET is the JSON GET's object encoded", java.util.Arrays.equals(codec.encode(object), pb.body()));
        assertEquals(Base64.getEncoder().encodeToString(blob), codec.decode(pb.body()).at("/data/blob").asText());
    }

    @Test
    public void g_namespaceDeletionRemovesItsObjects() throws Exception {
        ok("create", "namespace", "doomed");
        ok("create", "configmap", "inside", "-n", "doomed", "--from-literal=a=1");
        ok("delete", "namespace", "doomed");
        Distribution.Result r = dist.kubectl("get", "ns", "doomed");
        assertTrue(r.out(), r.code() != 0 && r.out().contains("NotFound"));
        Distribution.Result refused = dist.kubectl("create", "configmap", "late", "-n", "doomed", "--from-literal=a=1");
        assertTrue(refused.out(), refused.code() != 0 && refused.out().contains("namespaces \"doomed\" not found"));
    }

    /**
     * kube's NamespaceLifecycle admission: default, kube-system and kube-public may not be deleted, not even in a dry
     * run; namespaces have no deletecollection (kubectl deletes them one by one).
     */
    @Test
    public void g_immortalNamespacesStay() throws Exception {
        for (String name : new String[] {"default", "kube-system", "kube-public"}) {
            for (String dryRun : new String[] {"--dry-run=server", "--dry-run=none"}) {
                Distribution.Result r = dist.kubectl("delete", "namespace", name, dryRun);
                assertTrue(name + " " + dryRun + ": " + r.out(), r.code() != 0 && r.out().contains("Error from server (Forbidden): namespaces \""
                        + name + "\" is forbidden: this namespace may not be deleted"));
            }
            assertTrue(ok("get", "namespace", name, "-o", "jsonpath={.status.phase}").equals("Active"));
        }
        String discovery = ok("get", "--raw", "/api/v1");
        int at = discovery.indexOf("\"name\":\"namespaces\"");
        String namespaces = discovery.substring(at, discovery.indexOf('}', at));
        assertTrue(namespaces, namespaces.contains("\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]"));
    }

    /**
     * kube's namespace finalizers: the namespace controller empties a namespace and takes only its own
     * {@code kubernetes} finalizer off; another finalizer keeps it Terminating until it is taken off through
     * {@code namespaces/finalize}, the way a stuck namespace is let go ({@code kubectl replace --raw .../finalize}).
     * Finalizer names are checked as kube checks them, on create and on finalize.
     */
    @Test
    public void g_finalizersHoldANamespaceUntilFinalized() throws Exception {
        Distribution.Result bad = dist.kubectl("create", "-f", file("bad-finalizer.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bad-finalizer\nspec:\n  finalizers: [hold]\n").toString());
        assertTrue(bad.out(), bad.code() != 0 && bad.out().contains("The Namespace \"bad-finalizer\" is invalid: spec.finalizers: Invalid value: "
                + "\"hold\": name is neither a standard finalizer name nor is it fully qualified"));
        ok("create", "-f", file("held.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: held\nspec:\n  finalizers: [example.com/hold]\n").toString());
        assertEquals("[\"example.com/hold\",\"kubernetes\"]", ok("get", "ns", "held", "-o", "jsonpath={.spec.finalizers}"));
        ok("create", "configmap", "inside", "-n", "held", "--from-literal=a=1");
        ok("delete", "namespace", "held", "--wait=false");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String finalizers = "";
        while (System.nanoTime() < deadline) {
            finalizers = ok("get", "ns", "held", "-o", "jsonpath={.spec.finalizers}");
            if (finalizers.equals("[\"example.com/hold\"]")) {
                break;
            }
            Thread.sleep(200);
        }
        assertEquals("the controller took its own finalizer off, once the namespace was empty", "[\"example.com/hold\"]", finalizers);
        assertEquals("", ok("get", "configmaps", "-n", "held", "-o", "name"));
        assertEquals("Terminating", ok("get", "ns", "held", "-o", "jsonpath={.status.phase}"));
        Thread.sleep(1500);
        assertEquals("still held by the other finalizer", "Terminating", ok("get", "ns", "held", "-o", "jsonpath={.status.phase}"));

        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode ns = (com.fasterxml.jackson.databind.node.ObjectNode)
                mapper.readTree(ok("get", "ns", "held", "-o", "json"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) ns.get("spec")).putArray("finalizers").add("hold");
        Distribution.Result refused = dist.kubectl("replace", "--raw", "/api/v1/namespaces/held/finalize", "-f",
                file("held-bad.json", mapper.writeValueAsString(ns)).toString());
        assertTrue(refused.out(), refused.code() != 0 && refused.out().contains("The Namespace \"held\" is invalid: spec.finalizers[0]: Invalid value: \"hold\": "
                + "name is neither a standard finalizer name nor is it fully qualified"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) ns.get("spec")).putArray("finalizers");
        String finalized = ok("replace", "--raw", "/api/v1/namespaces/held/finalize", "-f",
                file("held.json", mapper.writeValueAsString(ns)).toString());
        assertTrue(finalized, finalized.contains("\"name\":\"held\""));
        Distribution.Result gone = dist.kubectl("get", "ns", "held");
        assertTrue(gone.out(), gone.code() != 0 && gone.out().contains("NotFound"));

        String discovery = ok("get", "--raw", "/api/v1");
        int at = discovery.indexOf("\"name\":\"namespaces/finalize\"");
        assertTrue(discovery, at >= 0);
        String finalize = discovery.substring(at, discovery.indexOf('}', at));
        assertTrue(finalize, finalize.contains("\"kind\":\"Namespace\"") && finalize.contains("\"verbs\":[\"update\"]"));
    }

    /**
     * HTTP/2 over TLS (ALPN "h2") as kube-apiserver serves it, next to HTTP/1.1: the JDK's client, which
     * prefers h2 as client-go does, gets it, and multiplexes 50 watches over it; each sees the change.
     */
    @Test
    public void h_http2NextToHttp11() throws Exception {
        String base = "https://127.0.0.1:" + dist.securePort;
        String token = dist.token();
        HttpClient h1 = Distribution.insecureClient(HttpClient.Version.HTTP_1_1);
        HttpResponse<String> v1 = h1.send(HttpRequest.newBuilder(URI.create(base + "/version")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(v1.body(), HttpClient.Version.HTTP_1_1, v1.version());
        // /version reports the build: its git commit (this checkout's HEAD) and date, stamped by the build
        com.fasterxml.jackson.databind.JsonNode version = new com.fasterxml.jackson.databind.ObjectMapper().readTree(v1.body());
        Process git = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
        String head = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertTrue(v1.body(), version.path("buildDate").asText().matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z"));
        // built from this checkout (the tests run in it): its HEAD
        if (git.waitFor() == 0) {
            assertEquals(v1.body(), head, version.path("gitCommit").asText());
        } else if (new java.io.File("../.git").exists()) {
            // a checkout git will not read here (another owner): still a commit
            assertTrue(v1.body(), version.path("gitCommit").asText().matches("[0-9a-f]{40}"));
        }
        assertTrue(v1.body(), version.path("gitVersion").asText().startsWith("v1.32.0-kapi.0.1.0"));
        HttpClient h2 = Distribution.insecureClient();
        HttpResponse<String> v2 = h2.send(HttpRequest.newBuilder(URI.create(base + "/version")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(v2.body(), HttpClient.Version.HTTP_2, v2.version());
        int watches = 50;
        CountDownLatch seen = new CountDownLatch(watches);
        List<CompletableFuture<HttpResponse<Stream<String>>>> streams = new ArrayList<>();
        for (int i = 0; i < watches; i++) {
            streams.add(h2.sendAsync(HttpRequest.newBuilder(URI.create(base
                            + "/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=metadata.name%3Dh2-watched&timeoutSeconds=60"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofLines()));
        }
        ExecutorService readers = Executors.newFixedThreadPool(watches);
        try {
            for (var f : streams) {
                HttpResponse<Stream<String>> r = f.get(30, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode());
                assertEquals(HttpClient.Version.HTTP_2, r.version());
                readers.execute(() -> {
                    if (r.body().anyMatch(line -> line.contains("\"ADDED\"") && line.contains("h2-watched"))) {
                        seen.countDown();
                    }
                });
            }
            ok("create", "configmap", "h2-watched", "-n", "default", "--from-literal=x=1");
            assertTrue(seen.getCount() + " of " + watches + " watches did not see the ADDED event", seen.await(30, TimeUnit.SECONDS));
        } finally {
            readers.shutdownNow();
            streams.forEach(f -> f.thenAccept(r -> r.body().close()));
            dist.kubectl("delete", "configmap", "h2-watched", "-n", "default");
        }
    }

    /** The value of a sample of /metrics as Prometheus' own text-format parser (Python's prometheus_client) reads it. */
    private static double metric(String text, String name, String... labels) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-c",
                "import sys\n"
                + "from prometheus_client.parser import text_string_to_metric_families\n"
                + "want = dict(a.split('=', 1) for a in sys.argv[2:])\n"
                + "total = 0.0\n"
                + "for family in text_string_to_metric_families(sys.stdin.read()):\n"
                + "    for s in family.samples:\n"
                + "        if s.name == sys.argv[1] and all(s.labels.get(k) == v for k, v in want.items()):\n"
                + "            total += s.value\n"
                + "print(total)\n", name));
        cmd.addAll(List.of(labels));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(out, 0, p.waitFor());
        return Double.parseDouble(out);
    }

    private static String scrape() throws Exception {
        HttpResponse<String> r = Distribution.insecureClient().send(HttpRequest.newBuilder(URI.create(dist.baseUrl() + "/metrics"))
                .header("Authorization", "Bearer " + dist.token()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(r.body(), 200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse(""), r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        return r.body();
    }

    /** /metrics, parsed by Prometheus' parser: kube's names and labels, counts matching the requests made. */
    @Test
    public void i_metricsCountTheRequests() throws Exception {
        String[] leaseLists = {"verb=LIST", "group=coordination.k8s.io", "version=v1", "resource=leases", "scope=namespace",
            "component=apiserver", "code=200"};
        double before = metric(scrape(), "apiserver_request_total", leaseLists);
        for (int i = 0; i < 5; i++) {
            ok("get", "leases", "-n", "kube-system");
        }
        // a request is counted when its handler returns, which can be just after the client has read the
        // whole answer (kube-apiserver's instrumentation records it the same way): wait for the last one
        String text = scrape();
        for (long end = System.nanoTime() + 10_000_000_000L;
                metric(text, "apiserver_request_total", leaseLists) - before < 5 && System.nanoTime() < end; ) {
            Thread.sleep(100);
            text = scrape();
        }
        String leaseSeries = text.lines().filter(l -> l.contains("leases")).collect(java.util.stream.Collectors.joining("\n"));
        assertEquals("lease series:\n" + leaseSeries, 5.0, metric(text, "apiserver_request_total", leaseLists) - before, 0.0);
        assertTrue(metric(text, "apiserver_request_duration_seconds_count", "verb=LIST", "resource=leases") >= 5);
        assertTrue(metric(text, "apiserver_storage_objects", "resource=namespaces") >= 4);
        assertTrue(metric(text, "jvm_memory_used_bytes") > 0);
        assertTrue(metric(text, "kapi_snapshot_generation") >= 1);
        // anonymous: 401, as every path but the health and version ones
        HttpResponse<String> anonymous = Distribution.insecureClient().send(HttpRequest.newBuilder(URI.create(dist.baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
    }

    /**
     * The HTTPS listener's accept queue is Go's (kube-apiserver's): the system's somaxconn, not the JDK's 50,
     * so a storm of clients connecting at once is queued rather than refused ({@code ss} shows a listening
     * socket's backlog as its Send-Q).
     */
    @Test
    public void k_theListenBacklogIsSomaxconn() throws Exception {
        Process cat = new ProcessBuilder("cat", "/proc/sys/net/core/somaxconn").redirectErrorStream(true).start();
        int somaxconn = Integer.parseInt(new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        assertTrue("Kapi's listen backlog is larger than the JDK's 50 here", somaxconn > 50);
        Process ss = new ProcessBuilder("ss", "-Hltn", "sport = :" + dist.securePort).redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(out, 0, ss.waitFor());
        assertEquals(out, Integer.toString(Math.min(somaxconn, 65535)), out.split("\\s+")[2]);
    }

    /** kapi:kubeconfig: a kubeconfig for a named user whose certificate the x509 authenticator maps to that user and groups. */
    @Test
    public void j_kubeconfigForANamedUser() throws Exception {
        Path alice = work.resolve("alice.kubeconfig");
        Distribution.Result wrote = dist.client("kapi:kubeconfig -g dev -o " + alice + " alice");
        assertTrue(wrote.out(), wrote.out().contains("wrote " + alice));
        Process p = new ProcessBuilder("kubectl", "--kubeconfig=" + alice, "get", "ns").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // authenticated as alice in dev: the admin-only authorizer refuses her, by name
        assertEquals(out, 1, p.waitFor());
        assertTrue(out, out.contains("User \"alice\" cannot list resource \"namespaces\""));
        // /metrics is a non-resource URL she has no right to either
        Process m = new ProcessBuilder("kubectl", "--kubeconfig=" + alice, "get", "--raw", "/metrics").redirectErrorStream(true).start();
        String metrics = new String(m.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(metrics, 1, m.waitFor());
        assertTrue(metrics, metrics.contains("User \"alice\" cannot get path \"/metrics\""));
        Path admin2 = work.resolve("admin2.kubeconfig");
        dist.client("kapi:kubeconfig -g system:masters -o " + admin2 + " second-admin");
        Process q = new ProcessBuilder("kubectl", "--kubeconfig=" + admin2, "get", "ns", "default", "-o", "name").redirectErrorStream(true).start();
        String ok = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(ok, 0, q.waitFor());
        assertEquals("namespace/default", ok.trim());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(alice)));
    }

    /**
     * kube's impersonation ({@code kubectl --as}): the request runs as the user named once the authenticated user may
     * impersonate it, so a dry run of RBAC answers for that user; a user who may not impersonate gets kube's 403.
     */
    /** RBAC is enforced: a role binding grants its role in its namespace, and stops granting once deleted. */
    @Test
    public void j_rbacGrantsWhatRoleBindingsSay() throws Exception {
        ok("create", "namespace", "rbac-e2e");
        ok("create", "configmap", "settings", "-n", "rbac-e2e", "--from-literal=a=1");
        assertEquals("no", dist.kubectl("auth", "can-i", "list", "configmaps", "-n", "rbac-e2e", "--as=alice").out().trim());
        ok("create", "role", "reader", "-n", "rbac-e2e", "--verb=get,list", "--resource=configmaps");
        ok("create", "rolebinding", "alice-reads", "-n", "rbac-e2e", "--role=reader", "--user=alice");
        String allowed = "";
        for (int i = 0; i < 50 && !allowed.equals("yes"); i++) {
            Thread.sleep(100);
            allowed = dist.kubectl("auth", "can-i", "list", "configmaps", "-n", "rbac-e2e", "--as=alice").out().trim();
        }
        assertEquals("yes", allowed);
        assertEquals("settings", ok("get", "configmaps", "-n", "rbac-e2e", "--as=alice", "-o", "jsonpath={.items[*].metadata.name}"));
        Distribution.Result write = dist.kubectl("delete", "configmap", "settings", "-n", "rbac-e2e", "--as=alice");
        assertTrue(write.out(), write.code() != 0 && write.out().contains("configmaps \"settings\" is forbidden: User \"alice\" cannot delete "
                + "resource \"configmaps\" in API group \"\" in the namespace \"rbac-e2e\""));
        Distribution.Result elsewhere = dist.kubectl("get", "configmaps", "-n", "default", "--as=alice");
        assertTrue(elsewhere.out(), elsewhere.code() != 0 && elsewhere.out().contains("cannot list resource \"configmaps\" in API group \"\" "
                + "in the namespace \"default\""));
        String rules = ok("auth", "can-i", "--list", "-n", "rbac-e2e", "--as=alice");
        assertTrue(rules, rules.lines().anyMatch(l -> l.startsWith("configmaps ") && l.contains("[get list]")));
        // a Namespace's own path is in that namespace, as in kube: a role binding there may grant reading it
        ok("create", "role", "ns-reader", "-n", "rbac-e2e", "--verb=get", "--resource=namespaces");
        ok("create", "rolebinding", "alice-reads-ns", "-n", "rbac-e2e", "--role=ns-reader", "--user=alice");
        Distribution.Result own = dist.kubectl("get", "namespace", "rbac-e2e", "--as=alice", "-o", "name");
        for (int i = 0; i < 50 && own.code() != 0; i++) {
            Thread.sleep(100);
            own = dist.kubectl("get", "namespace", "rbac-e2e", "--as=alice", "-o", "name");
        }
        assertEquals(own.out(), "namespace/rbac-e2e", own.out().trim());
        Distribution.Result otherNs = dist.kubectl("get", "namespace", "default", "--as=alice");
        assertTrue(otherNs.out(), otherNs.code() != 0 && otherNs.out().contains("namespaces \"default\" is forbidden: User \"alice\" "
                + "cannot get resource \"namespaces\" in API group \"\" in the namespace \"default\""));
        // allowed to write roles, alice may grant what she holds, not more (kube's escalation check)
        ok("create", "role", "role-writer", "-n", "rbac-e2e", "--verb=create", "--resource=roles.rbac.authorization.k8s.io");
        ok("create", "rolebinding", "alice-writes-roles", "-n", "rbac-e2e", "--role=role-writer", "--user=alice");
        String narrow = "";
        for (int i = 0; i < 50 && !narrow.contains("created"); i++) {
            Thread.sleep(100);
            narrow = dist.kubectl("create", "role", "narrow", "-n", "rbac-e2e", "--verb=get", "--resource=configmaps", "--as=alice").out();
        }
        assertTrue(narrow, narrow.contains("role.rbac.authorization.k8s.io/narrow created"));
        Distribution.Result wide = dist.kubectl("create", "role", "wide", "-n", "rbac-e2e", "--verb=delete", "--resource=pods", "--as=alice");
        assertTrue(wide.out(), wide.code() != 0 && wide.out().contains("roles.rbac.authorization.k8s.io \"wide\" is forbidden: user \"alice\" "
                + "(groups=[\"system:authenticated\"]) is attempting to grant RBAC permissions not currently held:\n"
                + "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\"]}"));
        ok("delete", "rolebinding", "alice-reads", "-n", "rbac-e2e");
        String denied = "";
        for (int i = 0; i < 50 && !denied.equals("no"); i++) {
            Thread.sleep(100);
            denied = dist.kubectl("auth", "can-i", "list", "configmaps", "-n", "rbac-e2e", "--as=alice").out().trim();
        }
        assertEquals("no", denied);
        // a binding to a role that is not there: kube's 403 says so after its message
        ok("create", "rolebinding", "alice-missing", "-n", "rbac-e2e", "--clusterrole=missing", "--user=alice");
        String reason = "";
        for (int i = 0; i < 50 && !reason.contains("RBAC:"); i++) {
            Thread.sleep(100);
            reason = dist.kubectl("get", "configmaps", "-n", "rbac-e2e", "--as=alice").out();
        }
        assertTrue(reason, reason.contains("configmaps is forbidden: User \"alice\" cannot list resource \"configmaps\" in API group \"\" "
                + "in the namespace \"rbac-e2e\": RBAC: clusterrole.rbac.authorization.k8s.io \"missing\" not found"));
        ok("delete", "namespace", "rbac-e2e", "--wait=false");
    }

    /** kubectl with only a bearer token and the cluster CA, as an in-cluster client is configured. */
    private static Distribution.Result withToken(String token, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("kubectl", "--kubeconfig=/dev/null", "-s", dist.baseUrl(),
                "--certificate-authority=" + dist.home.resolve("etc/kapi/pki/ca.crt"), "--token=" + token));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Distribution.Result(p.waitFor(), out);
    }

    @Test
    public void j_serviceAccountTokens() throws Exception {
        ok("create", "namespace", "sa-e2e");
        ok("create", "serviceaccount", "builder", "-n", "sa-e2e");
        String token = ok("create", "token", "builder", "-n", "sa-e2e").trim();
        Distribution.Result who = withToken(token, "auth", "whoami", "-o", "json");
        assertEquals(who.out(), 0, who.code());
        com.fasterxml.jackson.databind.JsonNode user = new com.fasterxml.jackson.databind.ObjectMapper().readTree(who.out()).at("/status/userInfo");
        assertEquals(who.out(), "system:serviceaccount:sa-e2e:builder", user.path("username").asText());
        assertEquals(who.out(), "[\"system:serviceaccounts\",\"system:serviceaccounts:sa-e2e\",\"system:authenticated\"]",
                user.path("groups").toString());
        assertEquals(ok("get", "serviceaccount", "builder", "-n", "sa-e2e", "-o", "jsonpath={.metadata.uid}"), user.path("uid").asText());
        Distribution.Result refused = withToken(token, "get", "configmaps", "-n", "sa-e2e");
        assertTrue(refused.out(), refused.code() != 0 && refused.out().contains("User \"system:serviceaccount:sa-e2e:builder\" cannot list "
                + "resource \"configmaps\" in API group \"\" in the namespace \"sa-e2e\""));
        ok("create", "rolebinding", "builder-views", "-n", "sa-e2e", "--clusterrole=view", "--serviceaccount=sa-e2e:builder");
        Distribution.Result allowed = withToken(token, "get", "configmaps", "-n", "sa-e2e", "-o", "name");
        for (int i = 0; i < 50 && allowed.code() != 0; i++) {
            Thread.sleep(100);
            allowed = withToken(token, "get", "configmaps", "-n", "sa-e2e", "-o", "name");
        }
        assertEquals(allowed.out(), 0, allowed.code());
        // kube's refusals: too short, no such service account; a token of another audience is not the API's
        Distribution.Result shortLived = dist.kubectl("create", "token", "builder", "-n", "sa-e2e", "--duration=1m");
        assertTrue(shortLived.out(), shortLived.out().contains("TokenRequest.authentication.k8s.io \"\" is invalid: spec.expirationSeconds: "
                + "Invalid value: 60: may not specify a duration less than 10 minutes"));
        assertTrue(dist.kubectl("create", "token", "nobody", "-n", "sa-e2e").out().contains("serviceaccounts \"nobody\" not found"));
        String vault = ok("create", "token", "builder", "-n", "sa-e2e", "--audience=vault").trim();
        assertTrue(withToken(vault, "auth", "whoami").out().contains("Unauthorized"));
        // but a TokenReview asking for that audience accepts it, for that audience, as kube's does for Vault-like reviewers
        Path review = file("review.json", "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\","
                + "\"spec\":{\"token\":\"" + vault + "\",\"audiences\":[\"vault\"]}}");
        String reviewed = ok("create", "-f", review.toString(), "-o", "json");
        com.fasterxml.jackson.databind.JsonNode status = new com.fasterxml.jackson.databind.ObjectMapper().readTree(reviewed).path("status");
        assertTrue(reviewed, status.path("authenticated").asBoolean());
        assertEquals(reviewed, "system:serviceaccount:sa-e2e:builder", status.at("/user/username").asText());
        assertEquals(reviewed, "[\"vault\"]", status.path("audiences").toString());
        // the issuer's discovery documents, which kube's default RBAC lets every service account read
        Distribution.Result discovery = withToken(token, "get", "--raw", "/.well-known/openid-configuration");
        assertTrue(discovery.out(), discovery.code() == 0 && discovery.out().startsWith("{\"issuer\":\"https://kubernetes.default.svc.cluster.local\","
                + "\"jwks_uri\":\"https://127.0.0.1:" + dist.securePort + "/openid/v1/jwks\","));
        String kid = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
        kid = kid.replaceAll(".*\"kid\":\"([^\"]+)\".*", "$1");
        Distribution.Result jwks = withToken(token, "get", "--raw", "/openid/v1/jwks");
        assertTrue(jwks.out(), jwks.code() == 0 && jwks.out().contains("\"kid\":\"" + kid + "\"") && jwks.out().contains("\"crv\":\"P-256\""));
        // the token dies with its service account
        ok("delete", "serviceaccount", "builder", "-n", "sa-e2e");
        Distribution.Result gone = withToken(token, "auth", "whoami");
        assertTrue(gone.out(), gone.code() != 0 && gone.out().contains("Unauthorized"));
        ok("delete", "namespace", "sa-e2e", "--wait=false");
    }

    @Test
    public void j_impersonation() throws Exception {
        String whoami = ok("auth", "whoami", "--as=jane", "--as-group=devs", "--as-uid=u-1", "-o", "json");
        com.fasterxml.jackson.databind.JsonNode user = new com.fasterxml.jackson.databind.ObjectMapper().readTree(whoami).at("/status/userInfo");
        assertEquals(whoami, "jane", user.path("username").asText());
        assertEquals(whoami, "u-1", user.path("uid").asText());
        assertEquals(whoami, "[\"devs\",\"system:authenticated\"]", user.path("groups").toString());
        // jane is not in system:masters, and no role binding names her: refused, by her name
        Distribution.Result asJane = dist.kubectl("get", "configmaps", "--as=jane");
        assertTrue(asJane.out(), asJane.code() != 0 && asJane.out().contains("configmaps is forbidden: User \"jane\" cannot list resource "
                + "\"configmaps\" in API group \"\" in the namespace \"default\""));
        assertEquals("no", dist.kubectl("auth", "can-i", "create", "deployments", "--as=jane").out().trim());
        assertEquals("yes", ok("auth", "can-i", "create", "deployments", "--as=jane", "--as-group=system:masters").trim());
        // bob (a kubeconfig of his own, not an administrator) may not impersonate anyone, but may ask who he is
        Path bob = work.resolve("bob.kubeconfig");
        dist.client("kapi:kubeconfig -g dev -o " + bob + " bob");
        Process who = new ProcessBuilder("kubectl", "--kubeconfig=" + bob, "auth", "whoami").redirectErrorStream(true).start();
        String whoBob = new String(who.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(whoBob, 0, who.waitFor());
        assertTrue(whoBob, whoBob.contains("bob") && whoBob.contains("[dev system:authenticated]"));
        Process p = new ProcessBuilder("kubectl", "--kubeconfig=" + bob, "get", "ns", "--as=admin", "--as-group=system:masters")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(out, 1, p.waitFor());
        assertTrue(out, out.contains("users \"admin\" is forbidden: User \"bob\" cannot impersonate resource \"users\" in API group \"\" "
                + "at the cluster scope"));
    }
}
