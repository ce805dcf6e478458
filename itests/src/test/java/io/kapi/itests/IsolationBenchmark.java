package io.kapi.itests;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.APIGroupProvider;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.ResourceDefinition;
import io.kapi.api.rest.Strategy;
import io.kapi.api.server.KapiRuntime;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * Isolation's figure (not a test: {@code mvn -pl itests verify -Dit.test=IsolationBenchmark}; writes
 * {@code itests/target/isolation-benchmark.md}): the p50/p99 of core/v1 GETs on their own, then while a
 * misbehaving group — whose code takes 500 ms per write — is sent 150 concurrent writers (more than
 * its share of in-flight writes, so part of them hear 429).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class IsolationBenchmark {
    @Inject
    BundleContext context;

    @Inject
    KapiRuntime runtime;

    @Configuration
    public Option[] config() {
        return KapiContainer.benchmarkOptions();
    }

    @org.ops4j.pax.exam.ProbeBuilder
    public org.ops4j.pax.exam.TestProbeBuilder probe(org.ops4j.pax.exam.TestProbeBuilder probe) {
        probe.setHeader(Constants.DYNAMICIMPORT_PACKAGE, "*");
        return probe;
    }

    /** 1 500 sequential GETs of one configmap: their latencies in ns, sorted. */
    private static List<Long> gets(ApiClient api) throws Exception {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = api.get("/api/v1/namespaces/default/configmaps/isolation");
            if (r.statusCode() != 200) {
                throw new AssertionError(r.statusCode() + " " + r.body());
            }
            out.add(System.nanoTime() - t0);
        }
        Collections.sort(out);
        return out;
    }

    private static String ms(List<Long> sorted, double q) {
        return String.format("%.1f", sorted.get((int) Math.ceil(q * sorted.size()) - 1) / 1e6);
    }

    @Test
    public void figures() throws Exception {
        int port = Integer.parseInt(System.getProperty("kapi.test.securePort"));
        ApiClient api = new ApiClient(port);
        RuntimeWaits.await(context, runtime, "ready", () -> {
            try {
                return runtime.ready() && api.get("/api/v1/namespaces/default").statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        api.post("/api/v1/namespaces/default/configmaps", "{\"metadata\":{\"name\":\"isolation\"},\"data\":{\"a\":\"1\"}}");
        Strategy slow = new Strategy() {
            @Override
            public List<FieldCause> validate(ObjectNode object) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return List.of();
            }
        };
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(APIGroupProvider.SERVER, "kube");
        context.registerService(APIGroupProvider.class, new APIGroupProvider() {
            @Override
            public String group() {
                return "slow.bench.example.com";
            }

            @Override
            public List<String> versions() {
                return List.of("v1");
            }

            @Override
            public List<ResourceDefinition> resources() {
                return List.of(new ResourceDefinition("v1", "snails", "snail", "Snail", true, List.of(), List.of(), null, slow, null));
            }
        }, props);
        RuntimeWaits.await(context, runtime, "snails served", () -> runtime.resources().stream().anyMatch(r -> r.resource().equals("snails")));
        gets(api); // warm-up
        List<Long> alone = gets(api);

        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentHashMap<Integer, Integer> codes = new ConcurrentHashMap<>();
        List<Thread> writers = new ArrayList<>();
        List<ApiClient> clients = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            clients.add(new ApiClient(port)); // 25 streams each: under Jetty's 128 per HTTP/2 connection
        }
        for (int w = 0; w < 150; w++) {
            ApiClient client = clients.get(w % clients.size());
            int id = w;
            Thread t = new Thread(() -> {
                int n = 0;
                while (running.get()) {
                    try {
                        int code = client.post("/apis/slow.bench.example.com/v1/namespaces/default/snails",
                                "{\"metadata\":{\"name\":\"s" + id + "-" + (n++) + "\"}}").statusCode();
                        codes.merge(code, 1, Integer::sum);
                        if (code == 429) {
                            Thread.sleep(50);
                        }
                    } catch (Exception e) {
                        codes.merge(-1, 1, Integer::sum);
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            writers.add(t);
        }
        Thread.sleep(3000); // the slow group's share fills
        List<Long> during = gets(api);
        running.set(false);
        for (Thread t : writers) {
            t.join(10_000);
        }
        String report = "| core/v1 GETs | p50 (ms) | p99 (ms) |\n|---|---|---|\n"
                + "| alone | " + ms(alone, 0.5) + " | " + ms(alone, 0.99) + " |\n"
                + "| while 150 writers hold a 500 ms group | " + ms(during, 0.5) + " | " + ms(during, 0.99) + " |\n\n"
                + "The slow group's answers meanwhile (HTTP code: count; -1: client error): " + new java.util.TreeMap<>(codes) + "\n";
        Path out = Path.of(System.getProperty("kapi.benchmark.dir", "target"), "isolation-benchmark.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println(report);
    }
}
