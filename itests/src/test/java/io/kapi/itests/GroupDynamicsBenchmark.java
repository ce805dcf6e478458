package io.kapi.itests;

import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.server.KapiRuntime;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
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
import org.osgi.framework.ServiceRegistration;

/**
 * The dynamics' figures (not a test: {@code mvn -pl itests verify -Dit.test=GroupDynamicsBenchmark};
 * writes {@code itests/target/group-dynamics-benchmark.md}):
 * <ul>
 *   <li>with 1, 10 and 50 groups installed, from a group's provider being registered (what a bundle's
 *       start does) to its resource answering, to its group in aggregated discovery, and to its
 *       OpenAPI v3 document being listed: p50 and p99 of 20 rounds each;</li>
 *   <li>with the distribution's groups and 10 and 50 more, from Karaf's {@code bundle:start} of the
 *       coordination group's bundle to its leases answering, to aggregated discovery and to the
 *       OpenAPI v3 index: p50 and p99 of 20 rounds each;</li>
 *   <li>bundle:update of the coordination bundle under an open watch while leases are created every
 *       20 ms: how many events were delayed, and the longest delay, against the same writes without
 *       an update.</li>
 * </ul>
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GroupDynamicsBenchmark {
    @Inject
    BundleContext context;

    @Inject
    KapiRuntime runtime;

    @Inject
    org.apache.karaf.shell.api.console.SessionFactory sessionFactory;

    private final StringBuilder report = new StringBuilder();

    @Configuration
    public Option[] config() {
        return KapiContainer.benchmarkOptions();
    }

    @org.ops4j.pax.exam.ProbeBuilder
    public org.ops4j.pax.exam.TestProbeBuilder probe(org.ops4j.pax.exam.TestProbeBuilder probe) {
        probe.setHeader(Constants.DYNAMICIMPORT_PACKAGE, "*");
        return probe;
    }

    private static APIGroupProvider group(String name) {
        return new APIGroupProvider() {
            @Override
            public String group() {
                return name;
            }

            @Override
            public List<String> versions() {
                return List.of("v1");
            }

            @Override
            public List<ResourceDefinition> resources() {
                return List.of(new ResourceDefinition("v1", "probes", "probe", "Probe", true, List.of(), List.of(), null, null, null));
            }
        };
    }

    private ServiceRegistration<APIGroupProvider> register(String name) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(APIGroupProvider.SERVER, "kube");
        return context.registerService(APIGroupProvider.class, group(name), props);
    }

    private static long until(BooleanSupplier condition) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s");
            }
            Thread.sleep(1);
        }
        return System.nanoTime() - t0;
    }

    private static String ms(List<Long> nanos, double q) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return String.format("%.1f", s.get(Math.min(s.size() - 1, (int) Math.ceil(q * s.size()) - 1)) / 1e6);
    }

    private static boolean ok(ApiClient api, String path, String accept, String contains) {
        try {
            HttpResponse<String> r = api.get(path, accept);
            return r.statusCode() == 200 && (contains == null || r.body().contains(contains));
        } catch (Exception e) {
            return false;
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    /**
     * 21 rounds (the first unmeasured) of the coordination group taken away ({@code remove}, then gone
     * from discovery and its leases no longer answering) and brought back ({@code add}): the table row
     * of the times from {@code add} to its leases answering, to aggregated discovery and to the
     * OpenAPI v3 index.
     */
    private String coordinationArrivals(ApiClient api, String aggregated, int groups, Step remove, Step add) throws Exception {
        String leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases";
        List<Long> served = new ArrayList<>();
        List<Long> discovered = new ArrayList<>();
        List<Long> openapi = new ArrayList<>();
        for (int round = 0; round < 21; round++) {
            remove.run();
            until(() -> !ok(api, "/apis", aggregated, "\"coordination.k8s.io\"") && !ok(api, leases, "application/json", null));
            long t0 = System.nanoTime();
            add.run();
            until(() -> ok(api, leases, "application/json", null));
            long s = System.nanoTime() - t0;
            until(() -> ok(api, "/apis", aggregated, "\"coordination.k8s.io\""));
            long d = System.nanoTime() - t0;
            until(() -> ok(api, "/openapi/v3", "application/json", "apis/coordination.k8s.io/v1"));
            long o = System.nanoTime() - t0;
            if (round > 0) {
                served.add(s);
                discovered.add(d);
                openapi.add(o);
            }
        }
        return "| " + groups + " | " + ms(served, 0.5) + " / " + ms(served, 0.99) + " | " + ms(discovered, 0.5) + " / "
                + ms(discovered, 0.99) + " | " + ms(openapi, 0.5) + " / " + ms(openapi, 0.99) + " |\n";
    }

    /** Runs a command in Karaf's shell, as a user at the console would; its error output fails the benchmark. */
    private void shell(String command) throws Exception {
        String out = new KarafConsole(sessionFactory).run(command);
        if (!out.isBlank()) {
            throw new AssertionError(command + ": " + out);
        }
    }

    private Bundle coordinationBundle() {
        for (org.osgi.framework.Bundle b : context.getBundles()) {
            if ("kapi-group-coordination".equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("kapi-group-coordination is not installed");
    }

    /** The API groups in aggregated discovery (/apis only: the legacy core group is one more). */
    private static int groupsServed(ApiClient api, String aggregated) {
        try {
            HttpResponse<String> r = api.get("/apis", aggregated);
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body()).path("items").size() + 1;
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    public void figures() throws Exception {
        ApiClient api = new ApiClient(Integer.parseInt(System.getProperty("kapi.test.securePort")));
        RuntimeWaits.await(context, runtime, "ready", () -> runtime.ready() && ok(api, "/api/v1/namespaces/default", "application/json", null));
        String aggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
        int before = groupsServed(api, aggregated);
        report.append("| groups served | to served p50 / p99 (ms) | to aggregated discovery p50 / p99 | to OpenAPI v3 index p50 / p99 |\n|---|---|---|---|\n");
        List<ServiceRegistration<APIGroupProvider>> installed = new ArrayList<>();
        for (int n : new int[] {1, 10, 50}) {
            while (installed.size() < n - 1) {
                installed.add(register("g" + installed.size() + ".bench.example.com"));
            }
            List<Long> served = new ArrayList<>();
            List<Long> discovered = new ArrayList<>();
            List<Long> openapi = new ArrayList<>();
            for (int round = 0; round < 21; round++) {
                String name = "probe" + n + "r" + round + ".bench.example.com";
                long t0 = System.nanoTime();
                ServiceRegistration<APIGroupProvider> reg = register(name);
                until(() -> ok(api, "/apis/" + name + "/v1/namespaces/default/probes", "application/json", null));
                long s = System.nanoTime() - t0;
                until(() -> ok(api, "/apis", aggregated, "\"" + name + "\""));
                long d = System.nanoTime() - t0;
                until(() -> ok(api, "/openapi/v3", "application/json", "apis/" + name + "/v1"));
                long o = System.nanoTime() - t0;
                if (round > 0) { // the first round warms up
                    served.add(s);
                    discovered.add(d);
                    openapi.add(o);
                }
                reg.unregister();
                until(() -> !ok(api, "/apis", aggregated, "\"" + name + "\""));
            }
            report.append("| ").append(before + n).append(" | ").append(ms(served, 0.5)).append(" / ").append(ms(served, 0.99))
                    .append(" | ").append(ms(discovered, 0.5)).append(" / ").append(ms(discovered, 0.99))
                    .append(" | ").append(ms(openapi, 0.5)).append(" / ").append(ms(openapi, 0.99)).append(" |\n");
        }
        installed.forEach(ServiceRegistration::unregister);
        installed.clear();
        until(() -> !ok(api, "/apis", aggregated, ".bench.example.com\""));
        int distribution = groupsServed(api, aggregated);

        report.append("\n| groups served | `bundle:start` to served p50 / p99 (ms) | to aggregated discovery p50 / p99 | to OpenAPI v3 index p50 / p99 |\n|---|---|---|---|\n");
        long coordination = coordinationBundle().getBundleId();
        for (int extra : new int[] {0, 10, 50}) {
            while (installed.size() < extra) {
                installed.add(register("x" + installed.size() + ".bench.example.com"));
            }
            until(() -> groupsServed(api, aggregated) == distribution + extra);
            int groups = groupsServed(api, aggregated);
            report.append(coordinationArrivals(api, aggregated, groups, () -> shell("bundle:stop " + coordination),
                    () -> shell("bundle:start " + coordination)));
        }
        installed.forEach(ServiceRegistration::unregister);

        report.append("\n| bundle:update under a watch | events | delayed over 50 ms | longest delay (ms) |\n|---|---|---|---|\n");
        report.append(watchDelays(api, false)).append(watchDelays(api, true));
        deployFolder(api, aggregated);
        Path out = Path.of(System.getProperty("kapi.benchmark.dir", "target"), "group-dynamics-benchmark.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
        System.out.println(report);
    }

    /**
     * The coordination group's jar (the feature's bundle uninstalled first) moved into Karaf's
     * {@code deploy/} folder, with 10 and 50 extra groups too: from the move to its leases answering,
     * to aggregated discovery and to the OpenAPI v3 index; the jar is deleted after each round and the
     * group gone before the next. Runs last: the feature's bundle does not come back.
     */
    private void deployFolder(ApiClient api, String aggregated) throws Exception {
        Bundle feature = coordinationBundle();
        byte[] jar;
        try (InputStream in = new java.net.URL(feature.getLocation()).openStream()) {
            jar = in.readAllBytes();
        }
        feature.uninstall();
        String leases = "/apis/coordination.k8s.io/v1/namespaces/default/leases";
        until(() -> !ok(api, "/apis", aggregated, "\"coordination.k8s.io\"") && !ok(api, leases, "application/json", null));
        int without = groupsServed(api, aggregated);
        Path deploy = Path.of(System.getProperty("karaf.base"), "deploy");
        Path staged = Path.of(System.getProperty("karaf.data"), "kapi-group-coordination.jar");
        Path dropped = deploy.resolve("kapi-group-coordination.jar");
        report.append("\n| groups served | jar moved into `deploy/` to served p50 / p99 (ms) | to aggregated discovery p50 / p99 | to OpenAPI v3 index p50 / p99 |\n|---|---|---|---|\n");
        List<ServiceRegistration<APIGroupProvider>> installed = new ArrayList<>();
        for (int extra : new int[] {0, 10, 50}) {
            while (installed.size() < extra) {
                installed.add(register("d" + installed.size() + ".bench.example.com"));
            }
            until(() -> groupsServed(api, aggregated) == without + extra);
            report.append(coordinationArrivals(api, aggregated, without + extra + 1, () -> Files.deleteIfExists(dropped), () -> {
                Files.write(staged, jar);
                Files.move(staged, dropped, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }));
        }
        installed.forEach(ServiceRegistration::unregister);
    }

    /** Creates a lease every 20 ms for 3 s under an open watch (with one bundle update in the middle, or not) and times each event. */
    private String watchDelays(ApiClient api, boolean update) throws Exception {
        String rv = new com.fasterxml.jackson.databind.ObjectMapper().readTree(api.get("/apis/coordination.k8s.io/v1/namespaces/default/leases").body())
                .path("metadata").path("resourceVersion").asText();
        HttpResponse<InputStream> watch = api.stream("/apis/coordination.k8s.io/v1/namespaces/default/leases?watch=true&resourceVersion=" + rv);
        Map<String, Long> seen = new ConcurrentHashMap<>();
        AtomicBoolean ended = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    int i = l.indexOf("\"name\":\"bench-");
                    if (i >= 0) {
                        seen.putIfAbsent(l.substring(i + 8, l.indexOf('"', i + 8)), System.nanoTime());
                    }
                }
            } catch (Exception e) {
                // the stream closes when the test ends
            }
            ended.set(true);
        });
        reader.setDaemon(true);
        reader.start();
        Map<String, Long> sent = new ConcurrentHashMap<>();
        String prefix = "bench-" + (update ? "u" : "n") + System.nanoTime() % 100000 + "-";
        Bundle coordination = null;
        for (Bundle b : context.getBundles()) {
            if ("kapi-group-coordination".equals(b.getSymbolicName())) {
                coordination = b;
            }
        }
        for (int i = 0; i < 150; i++) {
            if (update && i == 50) {
                Bundle c = coordination;
                new Thread(() -> {
                    try {
                        c.update();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).start();
            }
            String name = prefix + i;
            sent.put(name, System.nanoTime());
            for (int attempt = 0; attempt < 200; attempt++) {
                // while the group is between versions its writes answer 503: the writer retries, as clients do
                int code = api.post("/apis/coordination.k8s.io/v1/namespaces/default/leases",
                        "{\"metadata\":{\"name\":\"" + name + "\"}}").statusCode();
                if (code == 201) {
                    break;
                }
                Thread.sleep(10);
            }
            Thread.sleep(20);
        }
        until(() -> sent.keySet().stream().allMatch(seen::containsKey));
        long delayed = 0;
        long longest = 0;
        for (Map.Entry<String, Long> e : sent.entrySet()) {
            long d = seen.get(e.getKey()) - e.getValue();
            longest = Math.max(longest, d);
            if (d > 50_000_000L) {
                delayed++;
            }
        }
        return "| " + (update ? "one update" : "no update") + " | " + sent.size() + " (all delivered" + (ended.get() ? ", watch ended" : "")
                + ") | " + delayed + " | " + String.format("%.0f", longest / 1e6) + " |\n";
    }
}
