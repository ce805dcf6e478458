package io.kapi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.server.KapiRuntime;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * Boots the Kapi distribution and checks the dynamics: the chain, the groups, hot deploy of a group
 * bundle (routes and discovery go, data and watches behave), and ranked conflicts. Every wait is on
 * the runtime service's change count, never a sleep.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KapiRuntimeIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    BundleContext context;

    @Inject
    KapiRuntime runtime;

    @Inject
    org.apache.karaf.shell.api.console.SessionFactory sessionFactory;

    @Configuration
    public Option[] config() {
        return KapiContainer.options();
    }

    /** The probe imports what the tests touch (the Karaf console API included) at run time. */
    @org.ops4j.pax.exam.ProbeBuilder
    public org.ops4j.pax.exam.TestProbeBuilder probe(org.ops4j.pax.exam.TestProbeBuilder probe) {
        probe.setHeader(Constants.DYNAMICIMPORT_PACKAGE, "*");
        return probe;
    }

    private void awaitRuntime(String what, BooleanSupplier condition) throws Exception {
        RuntimeWaits.await(context, runtime, what, condition);
    }

    /**
     * Waits for the API to answer: the HTTPS listener comes up once the generated keystore is configured,
     * and the default namespace once the system-namespaces hook ran.
     */
    private void awaitApi(ApiClient api) throws Exception {
        awaitRuntime("default namespace", () -> {
            try {
                return api.get("/api/v1/namespaces/default").statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private ApiClient client() throws Exception {
        return new ApiClient(Integer.parseInt(System.getProperty("kapi.test.securePort")));
    }

    private boolean serving(String group, String resource) {
        return runtime.resources().stream().anyMatch(r -> r.group().equals(group) && r.resource().equals(resource) && !r.shadowed());
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    @Test
    public void chainFiltersAndGroupsAreAsExpected() throws Exception {
        awaitRuntime("ready with leases", () -> runtime.ready() && serving("coordination.k8s.io", "leases"));
        List<String> servers = runtime.servers().stream().map(KapiRuntime.ServerInfo::name).collect(Collectors.toList());
        assertEquals(List.of("aggregator", "kube", "apiextensions"), servers);
        List<String> filters = runtime.filters().stream().map(KapiRuntime.FilterInfo::name).collect(Collectors.toList());
        assertEquals(List.of("panic-recovery", "request-info", "metrics", "timeout", "authentication", "impersonation", "max-in-flight", "authorization"), filters);
        for (String r : List.of("namespaces", "configmaps", "secrets", "serviceaccounts", "events")) {
            assertTrue(r, serving("", r));
        }
        assertEquals("kapi-group-core", runtime.resources().stream().filter(r -> r.resource().equals("configmaps"))
                .findFirst().orElseThrow().bundle());
        ServiceReference<KapiRuntime> ref = context.getServiceReference(KapiRuntime.class);
        assertEquals(runtime.generation(), ((Long) ref.getProperty(Constants.SERVICE_CHANGECOUNT)).longValue());
    }

    /**
     * A group bundle can only build on what Kapi exports, so what it exports is its API: kapi-api, kapi-machinery,
     * the protobuf codec, the security and storage packages that carry a version — never the core's, a server's
     * or a group's internals.
     */
    @Test
    public void kapiBundlesExportOnlyTheirVersionedApiPackages() {
        java.util.regex.Pattern api = java.util.regex.Pattern.compile(
                "io\\.kapi\\.(api|machinery)\\..+|io\\.kapi\\.protobuf|io\\.kapi\\.security\\.(authn|authz|pki)"
                        + "|io\\.kapi\\.storage\\.(embedded|etcd|testsupport)");
        List<String> exported = new ArrayList<>();
        int kapiBundles = 0;
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() == null || !b.getSymbolicName().startsWith("kapi-")) {
                continue;
            }
            kapiBundles++;
            org.osgi.framework.wiring.BundleRevision revision = b.adapt(org.osgi.framework.wiring.BundleRevision.class);
            for (org.osgi.framework.wiring.BundleCapability c
                    : revision.getDeclaredCapabilities(org.osgi.framework.wiring.BundleRevision.PACKAGE_NAMESPACE)) {
                String pkg = (String) c.getAttributes().get(org.osgi.framework.wiring.BundleRevision.PACKAGE_NAMESPACE);
                if (pkg.startsWith("io.kapi.")) {
                    exported.add(b.getSymbolicName() + ": " + pkg);
                    // versioned: a version of its own (1.0.0 or later), not the bundle's 0.x
                    org.osgi.framework.Version v = (org.osgi.framework.Version) c.getAttributes().get("version");
                    assertTrue(pkg + " " + v, v != null && v.getMajor() >= 1);
                }
            }
        }
        assertTrue("kapi bundles installed: " + kapiBundles, kapiBundles > 10);
        assertTrue("the API is exported: " + exported, exported.stream().anyMatch(e -> e.startsWith("kapi-api: io.kapi.api.rest")));
        assertEquals(List.of(), exported.stream().filter(e -> !api.matcher(e.substring(e.indexOf(": ") + 2)).matches())
                .collect(Collectors.toList()));
    }

    @Test
    public void hotDeployOfTheCoordinationGroup() throws Exception {
        awaitRuntime("ready with leases", () -> runtime.ready() && serving("coordination.k8s.io", "leases"));
        ApiClient api = client();
        awaitApi(api);
        HttpResponse<String> created = api.post("/apis/coordination.k8s.io/v1/namespaces/default/leases",
                "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"hot\"},\"spec\":{\"holderIdentity\":\"me\"}}");
        assertEquals(created.body(), 201, created.statusCode());
        JsonNode lease = JSON.readTree(created.body());

        // an open watch on leases must end cleanly when the group leaves
        HttpResponse<InputStream> watch = api.stream("/apis/coordination.k8s.io/v1/namespaces/default/leases?watch=true&resourceVersion="
                + lease.path("metadata").path("resourceVersion").asText());
        assertEquals(200, watch.statusCode());
        CompletableFuture<List<String>> watchLines = CompletableFuture.supplyAsync(() -> {
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (Exception e) {
                lines.add("EXCEPTION " + e);
            }
            return lines;
        });

        Bundle coordination = bundle("kapi-group-coordination");
        coordination.stop();
        awaitRuntime("leases gone", () -> !serving("coordination.k8s.io", "leases"));
        // the group may be on its way back (a bundle update): 503 for a few seconds, then kube's 404
        int status = api.get("/apis/coordination.k8s.io/v1/namespaces/default/leases/hot").statusCode();
        assertTrue("503 or 404: " + status, status == 503 || status == 404);
        awaitRuntime("leases answer 404", () -> {
            try {
                return api.get("/apis/coordination.k8s.io/v1/namespaces/default/leases/hot").statusCode() == 404;
            } catch (Exception e) {
                return false;
            }
        });
        assertFalse(api.get("/apis").body().contains("coordination.k8s.io"));
        assertEquals(200, api.get("/api/v1/namespaces/default/configmaps").statusCode());
        List<String> lines = watchLines.get(30, TimeUnit.SECONDS);
        assertTrue("watch ended with an error: " + lines, lines.stream().noneMatch(l -> l.startsWith("EXCEPTION") || l.contains("\"ERROR\"")));

        coordination.start();
        awaitRuntime("leases back", () -> serving("coordination.k8s.io", "leases"));
        HttpResponse<String> again = api.get("/apis/coordination.k8s.io/v1/namespaces/default/leases/hot");
        assertEquals(again.body(), 200, again.statusCode());
        JsonNode back = JSON.readTree(again.body());
        assertEquals(lease.path("metadata").path("uid"), back.path("metadata").path("uid"));
        assertEquals(lease.path("metadata").path("resourceVersion"), back.path("metadata").path("resourceVersion"));
    }

    /**
     * bundle:update of a group keeps its open watches streaming: no end, no ERROR, no event lost — also of the writes
     * made while the bundle is replaced, which are answered (201, or 503 "try again" while the group is away), never
     * failed.
     */
    @Test
    public void aBundleUpdateKeepsTheGroupsWatchesStreaming() throws Exception {
        awaitRuntime("ready with leases", () -> runtime.ready() && serving("coordination.k8s.io", "leases"));
        ApiClient api = client();
        awaitApi(api);
        HttpResponse<String> first = api.post("/apis/coordination.k8s.io/v1/namespaces/default/leases",
                "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"up-1\"}}");
        assertEquals(first.body(), 201, first.statusCode());
        String rv = JSON.readTree(first.body()).path("metadata").path("resourceVersion").asText();
        HttpResponse<InputStream> watch = api.stream("/apis/coordination.k8s.io/v1/namespaces/default/leases?watch=true&resourceVersion=" + rv);
        assertEquals(200, watch.statusCode());
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.Map<String, Integer> added = new java.util.concurrent.ConcurrentHashMap<>();
        CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                    JsonNode event = JSON.readTree(l);
                    if (event.path("type").asText().equals("ADDED")) {
                        added.merge(event.path("object").path("metadata").path("name").asText(), 1, Integer::sum);
                    }
                }
            } catch (Exception e) {
                lines.add("EXCEPTION " + e);
            }
        });
        // a writer all along: what it was told is created must reach the watch, once
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int n = 0; writing.get(); n++) {
                String name = "during-" + n;
                try {
                    HttpResponse<String> w = api.post("/apis/coordination.k8s.io/v1/namespaces/default/leases",
                            "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"" + name + "\"}}");
                    if (w.statusCode() == 201) {
                        acknowledged.add(name);
                    } else if (w.statusCode() == 503) {
                        Thread.sleep(20);
                    } else {
                        failures.add(name + ": " + w.statusCode() + " " + w.body());
                    }
                } catch (Exception e) {
                    failures.add(name + ": " + e);
                }
            }
        });
        RuntimeWaits.poll("the writer writing", () -> acknowledged.size() >= 3);
        Bundle coordination = bundle("kapi-group-coordination");
        for (int round = 0; round < 3; round++) {
            long before = runtime.generation();
            coordination.update();
            awaitRuntime("leases served again", () -> runtime.generation() > before && serving("coordination.k8s.io", "leases"));
            String name = "up-after-" + round;
            HttpResponse<String> created = api.post("/apis/coordination.k8s.io/v1/namespaces/default/leases",
                    "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"" + name + "\"}}");
            assertEquals(created.body(), 201, created.statusCode());
            RuntimeWaits.poll("the watch sees " + name + " after update " + round, () -> added.containsKey(name));
        }
        int written = acknowledged.size();
        RuntimeWaits.poll("the writer writing after the updates", () -> acknowledged.size() >= written + 3);
        writing.set(false);
        writer.get(60, TimeUnit.SECONDS);
        assertEquals("writes during the updates answered other than 201 or 503", List.of(), failures);
        RuntimeWaits.poll("every acknowledged write seen by the watch", () -> acknowledged.stream().allMatch(added::containsKey));
        assertTrue("each seen once: " + added, added.values().stream().allMatch(c -> c == 1));
        assertFalse("the watch goes on", ended.isDone());
        synchronized (lines) {
            assertTrue("no ERROR: " + lines, lines.stream().noneMatch(l -> l.contains("\"ERROR\"") || l.startsWith("EXCEPTION")));
        }
    }

    @Test
    public void aSecondClaimOnTheSameResourceIsShadowed() throws Exception {
        awaitRuntime("ready with leases", () -> runtime.ready() && serving("coordination.k8s.io", "leases"));
        APIGroupProvider rival = new APIGroupProvider() {
            @Override
            public String group() {
                return "coordination.k8s.io";
            }

            @Override
            public List<String> versions() {
                return List.of("v1");
            }

            @Override
            public List<ResourceDefinition> resources() {
                return List.of(new ResourceDefinition("v1", "leases", "lease", "Lease", true, List.of(), List.of(), null, null, null));
            }
        };
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_RANKING, -10);
        ServiceRegistration<APIGroupProvider> reg = context.registerService(APIGroupProvider.class, rival, props);
        try {
            awaitRuntime("rival shadowed", () -> runtime.resources().stream()
                    .anyMatch(r -> r.resource().equals("leases") && r.shadowed()));
            KapiRuntime.GroupResourceInfo shadowed = runtime.resources().stream()
                    .filter(r -> r.resource().equals("leases") && r.shadowed()).findFirst().orElseThrow();
            assertEquals("kapi-group-coordination", shadowed.shadowedBy());
            assertNotNull(shadowed.bundle());
        } finally {
            reg.unregister();
        }
        awaitRuntime("rival gone", () -> runtime.resources().stream().noneMatch(KapiRuntime.GroupResourceInfo::shadowed));
    }

    /** Runs a console command as the operator would and returns what it printed. */
    private String shell(String command) throws Exception {
        return new KarafConsole(sessionFactory).run(command);
    }

    @Test
    public void shellCommandsDescribeTheServer() throws Exception {
        awaitRuntime("ready with leases", () -> runtime.ready() && serving("coordination.k8s.io", "leases"));
        String servers = shell("kapi:servers");
        assertTrue(servers, servers.indexOf("aggregator") < servers.indexOf("kube ") && servers.contains("apiextensions"));
        String groups = shell("kapi:groups");
        assertTrue(groups, groups.contains("coordination.k8s.io") && groups.contains("kapi-group-core") && groups.contains("configmaps"));
        String filters = shell("kapi:filters");
        assertTrue(filters, filters.indexOf("panic-recovery") < filters.indexOf("authorization"));
        String namespaces = shell("kapi:get namespaces");
        assertTrue(namespaces, namespaces.contains("kube-system"));
        String yaml = shell("kapi:get -o yaml namespaces default");
        assertTrue(yaml, yaml.contains("name: \"default\"") || yaml.contains("name: default"));
        String resolved = shell("kapi:resolve GET /apis/coordination.k8s.io/v1/namespaces/default/leases?watch=true");
        assertTrue(resolved, resolved.contains("verb:     watch") && resolved.contains("server:   kube")
                && resolved.contains("bundle:   kapi-group-coordination"));
        String storage = shell("kapi:storage");
        assertTrue(storage, storage.contains("backend:   embedded") && storage.contains("namespaces") && storage.contains("revision:"));
        String health = shell("kapi:health");
        assertTrue(health, health.contains("ready:      yes") && health.contains("start-system-namespaces-controller"));
        // a watch of this test's own: its row (group, resource, user) and the total count it adds
        ApiClient api = client();
        awaitApi(api);
        HttpResponse<InputStream> watch = api.stream("/apis/coordination.k8s.io/v1/namespaces/default/leases?watch=true");
        try {
            assertEquals(200, watch.statusCode());
            String[] seen = new String[1];
            RuntimeWaits.poll("the watch listed by kapi:watchers", () -> {
                try {
                    seen[0] = shell("kapi:watchers");
                } catch (Exception e) {
                    return false;
                }
                return seen[0].lines().anyMatch(l -> l.contains("coordination.k8s.io") && l.contains("leases") && l.contains("v1"))
                        && java.util.regex.Pattern.compile("(?m)^[1-9][0-9]* open watches").matcher(seen[0]).find();
            });
        } finally {
            watch.body().close();
        }
    }
}
