package io.kapi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * A user's group from the archetype to kubectl, as the README walks it: generated outside the reactor
 * with kapi-group-archetype, built offline with its own unit tests and Pax Exam test, dropped into the running distribution's deploy/ and served; replaced by a new version while a
 * watch is open (the watch goes on, no event lost); removed (the group goes, its data stays).
 */
public class GroupArchetypeE2EIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GADGETS = "/apis/gadgets.example.com/v1/namespaces/default/gadgets";
    private static Distribution dist;
    private static Path work;

    @BeforeClass
    public static void start() throws Exception {
        dist = new Distribution("archetype");
        dist.start();
        dist.awaitReady(System.nanoTime());
        work = Path.of("target", "archetype-e2e").toAbsolutePath();
        if (Files.exists(work)) {
            new ProcessBuilder("rm", "-rf", work.toString()).start().waitFor();
        }
        Files.createDirectories(work);
    }

    @AfterClass
    public static void stop() throws Exception {
        if (dist != null) {
            dist.close();
        }
    }

    /**
     * Maven on a project outside the reactor, offline, with this build's local repository: building Kapi
     * (kapi-group-parent) put everything a group's build needs there.
     */
    private static void mvn(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-o", "-Dmaven.repo.local=" + System.getProperty("maven.repo.local")));
        cmd.addAll(List.of(args));
        Path log = work.resolve("mvn-" + System.nanoTime() + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        assertTrue("mvn " + String.join(" ", args) + " did not finish in 10 min", p.waitFor(10, TimeUnit.MINUTES));
        if (p.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log);
            throw new AssertionError("mvn " + String.join(" ", args) + " failed:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())));
        }
    }

    private static Distribution.Result kubectl(String... args) throws Exception {
        return dist.kubectl(args);
    }

    /** Waits (60 s at most) until {@code list} holds {@code count} entries. */
    private static void awaitCount(String what, List<String> list, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (list.size() < count) {
            assertTrue("timed out: " + what + " (" + list.size() + " of " + count + ")", System.nanoTime() < deadline);
            Thread.sleep(10);
        }
    }

    /** Lands a jar in deploy/ in one step (fileinstall never sees half a file). */
    private static void deploy(Path jar) throws Exception {
        Path staged = dist.home.resolve("gadgets.jar.staged");
        Files.copy(jar, staged, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, dist.home.resolve("deploy/gadgets.jar"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static long awaitKubectl(String what, boolean wantSuccess, String... args) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(90);
        Distribution.Result r;
        do {
            r = kubectl(args);
            if ((r.code() == 0) == wantSuccess) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(what + ": " + r.out());
    }

    private static HttpResponse<String> post(HttpClient http, String name) throws Exception {
        // retried while the group is between versions (503) or not yet served (404)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(dist.baseUrl() + GADGETS))
                    .header("Authorization", "Bearer " + dist.token()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"gadgets.example.com/v1\",\"kind\":\"Gadget\","
                            + "\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"color\":\"green\"}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if ((r.statusCode() != 503 && r.statusCode() != 404) || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(200);
        }
    }

    /** Version 1.1.0 of the user's provider: v2 added, capital colors, converted in Java; objects stay in v1. */
    private static final String PROVIDER_1_1 = """
            package com.example.gadgets;

            import com.fasterxml.jackson.databind.node.ObjectNode;
            import io.kapi.api.json.Json;
            import io.kapi.api.rest.APIGroupProvider;
            import io.kapi.api.rest.ResourceDefinition;
            import io.kapi.api.rest.ScaleSubresource;
            import io.kapi.api.rest.StatusStrategy;
            import io.kapi.api.rest.VersionConverter;
            import java.util.List;
            import java.util.Locale;
            import org.osgi.service.component.annotations.Component;

            @Component(service = APIGroupProvider.class, property = APIGroupProvider.SERVER + "=kube")
            public final class GadgetGroupProvider implements APIGroupProvider {
                static final String GROUP = "gadgets.example.com";

                static final VersionConverter CAPITALS = (object, toVersion) -> {
                    if (object.get("spec") instanceof ObjectNode spec && spec.has("color")) {
                        String color = spec.get("color").asText();
                        spec.put("color", toVersion.equals("v2") ? color.toUpperCase(Locale.ROOT) : color.toLowerCase(Locale.ROOT));
                    }
                    object.put("apiVersion", GROUP + "/" + toVersion);
                    return object;
                };

                private static ResourceDefinition gadgets(String version) {
                    return ResourceDefinition.builder(version, "gadgets", "Gadget").namespaced(true)
                            .schema(Json.resource(GadgetGroupProvider.class, "Gadget.json"))
                            .strategy(new GadgetStrategy())
                            .status(new StatusStrategy() { })
                            .scale(new ScaleSubresource(".spec.size", ".status.size", null))
                            .storageVersion("v1").converter(CAPITALS)
                            .build();
                }

                private static final List<ResourceDefinition> RESOURCES = List.of(gadgets("v1"), gadgets("v2"));

                @Override
                public String group() {
                    return GROUP;
                }

                @Override
                public List<String> versions() {
                    return List.of("v1", "v2");
                }

                @Override
                public List<ResourceDefinition> resources() {
                    return RESOURCES;
                }
            }
            """;

    @Test
    public void fromTheArchetypeToKubectlAndALiveUpgrade() throws Exception {
        mvn(work, "org.apache.maven.plugins:maven-archetype-plugin:3.2.1:generate", "-DinteractiveMode=false",
                "-DarchetypeGroupId=io.kapi", "-DarchetypeArtifactId=kapi-group-archetype",
                "-DarchetypeVersion=" + System.getProperty("kapi.version"),
                "-DgroupId=com.example", "-DartifactId=gadgets", "-Dversion=1.0.0", "-Dpackage=com.example.gadgets",
                "-DapiGroup=gadgets.example.com", "-Dkind=Gadget", "-Dplural=gadgets");
        Path project = work.resolve("gadgets");
        // the generated unit tests and Pax Exam test run, outside this reactor
        mvn(project, "verify");
        assertTrue(Files.readString(project.resolve("target/failsafe-reports/TEST-com.example.gadgets.GadgetGroupIT.xml"))
                .contains("tests=\"1\" errors=\"0\" skipped=\"0\" failures=\"0\""));

        // dropped into deploy/ of the running distribution: served without a restart
        deploy(project.resolve("target/gadgets-1.0.0.jar"));
        long servedMs = awaitKubectl("gadgets served", true, "get", "gadgets", "-n", "default");
        System.out.println("archetype group served " + servedMs + " ms after its jar landed in deploy/");
        Path yaml = work.resolve("first.yaml");
        Files.writeString(yaml, "apiVersion: gadgets.example.com/v1\nkind: Gadget\nmetadata:\n  name: first\n  namespace: default\nspec:\n  color: blue\n");
        Distribution.Result applied = kubectl("apply", "-f", yaml.toString());
        assertEquals(applied.out(), 0, applied.code());
        String table = kubectl("get", "gadgets", "-n", "default").out();
        assertTrue(table, table.contains("COLOR") && table.contains("SIZE") && table.contains("blue"));
        String selected = kubectl("get", "gadgets", "-n", "default", "--field-selector", "spec.color=blue", "-o", "name").out();
        assertEquals("gadget.gadgets.example.com/first", selected.trim());
        Path bad = work.resolve("bad.yaml");
        Files.writeString(bad, "apiVersion: gadgets.example.com/v1\nkind: Gadget\nmetadata:\n  name: bad\n  namespace: default\nspec:\n  color: red\n  size: 0\n");
        Distribution.Result invalid = kubectl("create", "-f", bad.toString());
        assertTrue(invalid.out(), invalid.code() != 0 && invalid.out().contains("spec.size: Invalid value: 0: must be between 1 and 100, inclusive"));
        String uid = kubectl("get", "gadget", "first", "-n", "default", "-o", "jsonpath={.metadata.uid}").out();

        // the scale subresource sets spec.size (kubectl scale), the status subresource takes status only
        Distribution.Result scaled = kubectl("scale", "gadget", "first", "-n", "default", "--replicas=3");
        assertEquals(scaled.out(), 0, scaled.code());
        assertEquals("3", kubectl("get", "gadget", "first", "-n", "default", "-o", "jsonpath={.spec.size}").out());
        Distribution.Result tooSmall = kubectl("scale", "gadget", "first", "-n", "default", "--replicas=0");
        assertTrue(tooSmall.out(), tooSmall.code() != 0
                && tooSmall.out().contains("spec.size: Invalid value: 0: must be between 1 and 100, inclusive"));
        Distribution.Result status = kubectl("patch", "gadget", "first", "-n", "default", "--subresource=status",
                "--type=merge", "-p", "{\"status\":{\"size\":3},\"spec\":{\"color\":\"ignored\"}}");
        assertEquals(status.out(), 0, status.code());
        assertEquals("3 blue", kubectl("get", "gadget", "first", "-n", "default", "-o",
                "jsonpath={.status.size} {.spec.color}").out());
        assertEquals("3", kubectl("get", "gadget", "first", "-n", "default", "--subresource=scale", "-o",
                "jsonpath={.status.replicas}").out());

        // a new version replaces the jar while a watch is open: the watch goes on, no event is lost
        HttpClient http = Distribution.insecureClient(HttpClient.Version.HTTP_1_1);
        // the list's own resourceVersion (kubectl's -o json wraps items in a List without one)
        String rv = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(dist.baseUrl() + GADGETS))
                        .header("Authorization", "Bearer " + dist.token()).build(), HttpResponse.BodyHandlers.ofString()).body())
                .path("metadata").path("resourceVersion").asText();
        assertFalse(rv.isEmpty());
        HttpResponse<InputStream> watch = http.send(HttpRequest.newBuilder(URI.create(dist.baseUrl() + GADGETS
                        + "?watch=true&resourceVersion=" + rv)).header("Authorization", "Bearer " + dist.token()).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, watch.statusCode());
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    events.add(l);
                }
            } catch (Exception e) {
                events.add("EXCEPTION " + e);
            }
        });
        Path pom = project.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom).replace("<version>1.0.0</version>", "<version>1.1.0</version>"));
        // the new version adds gadgets.example.com/v2, converted from the v1 objects in Java
        Files.writeString(project.resolve("src/main/java/com/example/gadgets/GadgetGroupProvider.java"), PROVIDER_1_1);
        mvn(project, "package", "-DskipTests");
        // a writer all through the replacement: every create it is told of reaches the watch, once
        List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        HttpClient writerHttp = Distribution.insecureClient(HttpClient.Version.HTTP_1_1);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int n = 0; writing.get(); n++) {
                String name = "during-" + n;
                try {
                    HttpResponse<String> w = writerHttp.send(HttpRequest.newBuilder(URI.create(dist.baseUrl() + GADGETS))
                            .header("Authorization", "Bearer " + dist.token()).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"gadgets.example.com/v1\",\"kind\":\"Gadget\","
                                    + "\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"color\":\"green\"}}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (w.statusCode() == 201) {
                        acknowledged.add(name);
                    } else if (w.statusCode() == 503) {
                        Thread.sleep(20); // between versions: kube's "try again"
                    } else {
                        failures.add(name + ": " + w.statusCode() + " " + w.body());
                    }
                    Thread.sleep(10);
                } catch (Exception e) {
                    failures.add(name + ": " + e);
                }
            }
        });
        awaitCount("the writer writing", acknowledged, 3);
        deploy(project.resolve("target/gadgets-1.1.0.jar"));
        Distribution.Result bundles;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        do {
            Thread.sleep(200);
            bundles = dist.client("bundle:list -s -t 0 gadgets");
        } while (!bundles.out().contains("1.1.0") && System.nanoTime() < deadline);
        assertTrue("the new version runs: " + bundles.out(), bundles.out().contains("1.1.0"));
        awaitCount("the writer writing to the new version", acknowledged, acknowledged.size() + 3);
        writing.set(false);
        writer.get(60, TimeUnit.SECONDS);
        assertEquals("creates during the replacement answered other than 201 or 503", List.of(), failures);
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        while (!seen.keySet().containsAll(acknowledged)) {
            String e = events.poll(30, TimeUnit.SECONDS);
            assertTrue("the watch sees every acknowledged create; missing: " + acknowledged.stream().filter(a -> !seen.containsKey(a)).toList(),
                    e != null && e.startsWith("{\"type\":\"ADDED\""));
            seen.merge(JSON.readTree(e).path("object").path("metadata").path("name").asText(), 1, Integer::sum);
        }
        assertEquals("each create seen once, nothing else: " + seen, java.util.Set.copyOf(acknowledged), seen.keySet());
        assertTrue("each create seen once: " + seen, seen.values().stream().allMatch(c -> c == 1));
        System.out.println("archetype group replaced under " + acknowledged.size() + " acknowledged creates, each seen once by the open watch");
        HttpResponse<String> created = post(http, "after-upgrade");
        assertEquals(created.body(), 201, created.statusCode());
        String event = events.poll(30, TimeUnit.SECONDS);
        assertTrue("the open watch sees the create after the upgrade: " + event,
                event != null && event.startsWith("{\"type\":\"ADDED\"") && event.contains("\"after-upgrade\""));
        assertFalse("the watch goes on", ended.isDone());
        JsonNode first = JSON.readTree(kubectl("get", "gadget", "first", "-n", "default", "-o", "json").out());
        assertEquals(uid, first.path("metadata").path("uid").asText());
        // v2 is served from the same objects, converted; a v2 write is stored as v1
        awaitKubectl("gadgets v2 served", true, "get", "gadgets.v2.gadgets.example.com", "-n", "default");
        assertEquals("gadgets.example.com/v2 BLUE", kubectl("get", "gadgets.v2.gadgets.example.com", "first", "-n", "default",
                "-o", "jsonpath={.apiVersion} {.spec.color}").out());
        Path v2 = work.resolve("v2.yaml");
        Files.writeString(v2, "apiVersion: gadgets.example.com/v2\nkind: Gadget\nmetadata:\n  name: second\n  namespace: default\n"
                + "spec:\n  color: RED\n");
        Distribution.Result appliedV2 = kubectl("apply", "-f", v2.toString());
        assertEquals(appliedV2.out(), 0, appliedV2.code());
        assertEquals("red", kubectl("get", "gadgets.v1.gadgets.example.com", "second", "-n", "default", "-o",
                "jsonpath={.spec.color}").out());
        String second = events.poll(30, TimeUnit.SECONDS);
        assertTrue("the v1 watch sees the v2 create in v1: " + second, second != null && second.contains("\"second\"")
                && second.contains("\"color\":\"red\"") && second.contains("\"apiVersion\":\"gadgets.example.com/v1\""));

        // removed: the group goes, its data stays and is served again when the jar comes back
        Files.delete(dist.home.resolve("deploy/gadgets.jar"));
        awaitKubectl("gadgets gone", false, "get", "gadgets", "-n", "default");
        deploy(project.resolve("target/gadgets-1.1.0.jar"));
        awaitKubectl("gadgets back", true, "get", "gadget", "first", "-n", "default");
        assertEquals(uid, kubectl("get", "gadget", "first", "-n", "default", "-o", "jsonpath={.metadata.uid}").out());
    }
}
