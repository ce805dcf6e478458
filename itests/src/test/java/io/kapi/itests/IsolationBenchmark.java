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
 * its share of in-flight writes, so part of them hear 429), or 20 (within its share), beside a control of
 * the same write rate to a well-behaved group.
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

    /** 3 000 sequential GETs of one configmap: their latencies in ns, sorted. */
    private static List<Long> gets(ApiClient api) throws Exception {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
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

    /** How many writers there are and how they behave. */
    private enum Writers {
        /** 150 to the slow group; on a 429, wait the answer's Retry-After seconds, as client-go does */
        WAIT_RETRY_AFTER(150),
        /** 150 to the slow group; on a 429, retry after 50 ms */
        RETRY_AFTER_50_MS(150),
        /**
         * the control: 150 to a group whose code is fast, each writer pausing 500 ms between its creates, so
         * that about as many writes arrive as the slow group admits, with no server thread held
         */
        PACED_TO_A_FAST_GROUP(150),
        /**
         * 20 to the slow group, within its share of in-flight writes (no 429): the server threads its slow
         * code holds, without the CPU of a flood
         */
        FEW_TO_THE_SLOW_GROUP(20);

        final int count;

        Writers(int count) {
            this.count = count;
        }
    }

    /**
     * The mode's writers (on 6 HTTP/2 connections) create snails for the whole measurement; on a 429 each
     * waits as {@code mode} says.
     */
    private static List<Long> whileFlooded(ApiClient api, int port, Writers mode,
                                           ConcurrentHashMap<Integer, Integer> codes, int round) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> writers = new ArrayList<>();
        List<ApiClient> clients = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            clients.add(new ApiClient(port)); // 25 streams each: under Jetty's 128 per HTTP/2 connection
        }
        for (int w = 0; w < mode.count; w++) {
            ApiClient client = clients.get(w % clients.size());
            String prefix = "m" + mode.ordinal() + "r" + (round + 1) + "-" + w + "-";
            String path = mode == Writers.PACED_TO_A_FAST_GROUP ? "/apis/fast.bench.example.com/v1/namespaces/default/snails"
                    : "/apis/slow.bench.example.com/v1/namespaces/default/snails";
            Thread t = new Thread(() -> {
                int n = 0;
                while (running.get()) {
                    try {
                        HttpResponse<String> r = client.post(path,
                                "{\"metadata\":{\"name\":\"" + prefix + (n++) + "\"}}");
                        codes.merge(r.statusCode(), 1, Integer::sum);
                        long wait = 0;
                        if (mode == Writers.PACED_TO_A_FAST_GROUP) {
                            wait = 500; // the slow group's 500 ms, spent in the client instead of the server
                        } else if (r.statusCode() == 429) {
                            wait = mode == Writers.WAIT_RETRY_AFTER
                                    ? 1000L * Long.parseLong(r.headers().firstValue("Retry-After").orElse("1"))
                                    : 50;
                        }
                        if (wait > 0) {
                            for (long end = System.currentTimeMillis() + wait; running.get() && System.currentTimeMillis() < end; ) {
                                Thread.sleep(10);
                            }
                        }
                    } catch (InterruptedException e) {
                        return;
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
        return during;
    }

    private static double p99(List<Long> sorted) {
        return sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1) / 1e6;
    }

    private static double median(List<List<Long>> rounds) {
        List<Double> p = new ArrayList<>();
        rounds.forEach(r -> p.add(p99(r)));
        Collections.sort(p);
        return p.get(p.size() / 2);
    }

    private static void row(StringBuilder out, String name, List<List<Long>> rounds, double base) {
        List<String> p50 = new ArrayList<>();
        List<String> p99 = new ArrayList<>();
        rounds.forEach(r -> {
            p50.add(ms(r, 0.5));
            p99.add(ms(r, 0.99));
        });
        double m = median(rounds);
        out.append("| ").append(name).append(" | ").append(String.join(", ", p50)).append(" | ").append(String.join(", ", p99))
                .append(" | ").append(String.format("%.1f", m)).append(" | ")
                .append(String.format("%+.0f %%", 100 * (m / base - 1))).append(" |\n");
    }

    private void register(String group, Strategy strategy) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(APIGroupProvider.SERVER, "kube");
        context.registerService(APIGroupProvider.class, new APIGroupProvider() {
            @Override
            public String group() {
                return group;
            }

            @Override
            public List<String> versions() {
                return List.of("v1");
            }

            @Override
            public List<ResourceDefinition> resources() {
                return List.of(ResourceDefinition.builder("v1", "snails", "Snail").namespaced(true).strategy(strategy).build());
            }
        }, props);
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
        register("slow.bench.example.com", slow);
        register("fast.bench.example.com", new Strategy() { });
        RuntimeWaits.await(context, runtime, "snails served", () -> runtime.resources().stream()
                .filter(r -> r.resource().equals("snails")).count() == 2);
        // warm-up: the GET path, and the slow group's write and refusal paths, compiled before measuring
        for (int i = 0; i < 3; i++) {
            gets(api);
        }
        for (Writers mode : Writers.values()) {
            whileFlooded(api, port, mode, new ConcurrentHashMap<>(), -1);
        }
        gets(api);
        // rounds alternate the conditions, so that a drift of the machine shows in every one of them
        java.util.Map<Writers, List<List<Long>>> during = new java.util.EnumMap<>(Writers.class);
        java.util.Map<Writers, ConcurrentHashMap<Integer, Integer>> codes = new java.util.EnumMap<>(Writers.class);
        List<List<Long>> alone = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            alone.add(gets(api));
            for (Writers mode : Writers.values()) {
                during.computeIfAbsent(mode, m -> new ArrayList<>())
                        .add(whileFlooded(api, port, mode, codes.computeIfAbsent(mode, m -> new ConcurrentHashMap<>()), round));
            }
        }
        StringBuilder report = new StringBuilder("| core/v1 GETs | p50 (ms), per round | p99 (ms), per round | median p99 | change |\n"
                + "|---|---|---|---|---|\n");
        double base = median(alone);
        row(report, "alone", alone, base);
        row(report, "150 writers to the 500 ms group, waiting Retry-After on a 429 (as client-go)", during.get(Writers.WAIT_RETRY_AFTER), base);
        row(report, "150 writers to the 500 ms group, retrying 50 ms after a 429", during.get(Writers.RETRY_AFTER_50_MS), base);
        row(report, "control: 150 writers to a fast group, pausing 500 ms between creates", during.get(Writers.PACED_TO_A_FAST_GROUP), base);
        row(report, "20 writers to the 500 ms group (within its share: no 429)", during.get(Writers.FEW_TO_THE_SLOW_GROUP), base);
        report.append("\nAnswers to the writers (HTTP code: count; -1: client error): ").append(codes).append("\n");
        codes.forEach((mode, answers) -> answers.keySet().forEach(code -> {
            if (code != 201 && code != 429) {
                throw new AssertionError(mode + " writers got " + code + ": " + codes);
            }
        }));
        Path out = Path.of(System.getProperty("kapi.benchmark.dir", "target"), "isolation-benchmark.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
        System.out.println(report);
    }
}
