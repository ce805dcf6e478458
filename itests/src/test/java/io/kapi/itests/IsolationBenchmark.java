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
import java.util.EnumMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * {@code itests/target/isolation-benchmark.md}): the p50/p99 of core/v1 GETs on their own and while creates
 * arrive at a fixed rate at a group whose code misbehaves — it takes 500 ms per write, throws, or blocks —
 * each compared with the same rate of creates to a group whose code is fast (a condition of its own). What the
 * misbehaviour costs the other groups is the difference from that control: the load's own CPU on the shared
 * machine is in both.
 *
 * <p>The creates are open-loop, as many clients are (each sent at its time whatever became of the ones
 * before), so that every group sees the same requests whatever it answers. The conditions alternate within
 * each round, their order rotating from round to round, and the GETs of all rounds are pooled per
 * condition, so that the machine's drift shows in all of them alike.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class IsolationBenchmark {
    private static final int ROUNDS = 6;
    private static final long SETTLE_MS = 3000;
    private static final long MEASURE_MS = 3000;

    @Inject
    BundleContext context;

    @Inject
    KapiRuntime runtime;

    /** What the blocking group's writes wait for: opened at the end of each of its conditions. */
    private volatile CountDownLatch gate = new CountDownLatch(1);

    @Configuration
    public Option[] config() {
        return KapiContainer.benchmarkOptions();
    }

    @org.ops4j.pax.exam.ProbeBuilder
    public org.ops4j.pax.exam.TestProbeBuilder probe(org.ops4j.pax.exam.TestProbeBuilder probe) {
        probe.setHeader(Constants.DYNAMICIMPORT_PACKAGE, "*");
        return probe;
    }

    /** Where the creates go, how many a second, and which answers that group may give. */
    private enum Load {
        ALONE(null, 0, "alone", Set.of()),
        HEALTHY_40("fast", 40, "40 creates/s to a group whose code is fast (control)", Set.of(201)),
        SLOW_40("slow", 40, "40 creates/s to a group whose code takes 500 ms per write", Set.of(201)),
        THROWING_40("throwing", 40, "40 creates/s to a group whose code throws (500)", Set.of(500)),
        BLOCKING_40("blocking", 40, "40 creates/s to a group whose code blocks (its share fills, then 429)",
                Set.of(201, 429)),
        HEALTHY_400("fast", 400, "400 creates/s to a group whose code is fast (control)", Set.of(201)),
        SLOW_400("slow", 400, "400 creates/s to the 500 ms group (over its share: 429 for the rest)",
                Set.of(201, 429));

        final String group;
        final int perSecond;
        final String title;
        final Set<Integer> answers;

        Load(String group, int perSecond, String title, Set<Integer> answers) {
            this.group = group;
            this.perSecond = perSecond;
            this.title = title;
            this.answers = answers;
        }

        /** The well-behaved group's condition at the same rate. */
        Load control() {
            for (Load l : values()) {
                if (l.perSecond == perSecond && "fast".equals(l.group)) {
                    return l;
                }
            }
            return ALONE;
        }
    }

    /** Sequential GETs of one configmap for {@code millis}: their latencies in ns. */
    private static List<Long> gets(ApiClient api, long millis) throws Exception {
        List<Long> out = new ArrayList<>();
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = api.get("/api/v1/namespaces/default/configmaps/isolation");
            if (r.statusCode() != 200) {
                throw new AssertionError(r.statusCode() + " " + r.body());
            }
            out.add(System.nanoTime() - t0);
        }
        return out;
    }

    /**
     * The load's creates sent at their rate over 6 HTTP/2 connections while the GETs are measured (after
     * {@code SETTLE_MS}, in which the slow and blocking groups fill what they hold); then every create's
     * answer awaited.
     */
    private List<Long> under(ApiClient api, List<ApiClient> writers, Load load, Map<Integer, Integer> codes,
                             String prefix) throws Exception {
        if (load == Load.ALONE) {
            return gets(api, MEASURE_MS);
        }
        gate = new CountDownLatch(1);
        String path = "/apis/" + load.group + ".bench.example.com/v1/namespaces/default/snails";
        List<CompletableFuture<?>> sent = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger n = new AtomicInteger();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(() -> {
            int i = n.getAndIncrement();
            sent.add(writers.get(i % writers.size()).postAsync(path, "{\"metadata\":{\"name\":\"" + prefix + i + "\"}}")
                    .whenComplete((r, e) -> codes.merge(e == null ? r.statusCode() : -1, 1, Integer::sum)));
        }, 0, 1_000_000 / load.perSecond, TimeUnit.MICROSECONDS);
        try {
            Thread.sleep(SETTLE_MS);
            return gets(api, MEASURE_MS);
        } finally {
            ticker.shutdownNow();
            ticker.awaitTermination(5, TimeUnit.SECONDS);
            gate.countDown();
            synchronized (sent) {
                CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0])).handle((v, e) -> null)
                        .get(30, TimeUnit.SECONDS);
            }
            Thread.sleep(500);
        }
    }

    private static double quantile(List<Long> sorted, double q) {
        return sorted.get((int) Math.ceil(q * sorted.size()) - 1) / 1e6;
    }

    private static List<Long> pooled(List<List<Long>> rounds) {
        List<Long> all = new ArrayList<>();
        rounds.forEach(all::addAll);
        Collections.sort(all);
        return all;
    }

    private static double p99(List<Long> unsorted) {
        List<Long> sorted = new ArrayList<>(unsorted);
        Collections.sort(sorted);
        return quantile(sorted, 0.99);
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
        register("fast.bench.example.com", new Strategy() { });
        register("slow.bench.example.com", new Strategy() {
            @Override
            public List<FieldCause> validate(ObjectNode object) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return List.of();
            }
        });
        register("throwing.bench.example.com", new Strategy() {
            @Override
            public List<FieldCause> validate(ObjectNode object) {
                throw new IllegalStateException("a bug in the group's validation");
            }
        });
        register("blocking.bench.example.com", new Strategy() {
            @Override
            public List<FieldCause> validate(ObjectNode object) {
                try {
                    gate.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return List.of();
            }
        });
        RuntimeWaits.await(context, runtime, "snails served", () -> runtime.resources().stream()
                .filter(r -> r.resource().equals("snails")).count() == 4);
        List<ApiClient> writers = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            writers.add(new ApiClient(port)); // at most ~20 streams each held: under Jetty's 128 per HTTP/2 connection
        }
        Load[] loads = Load.values();
        // warm-up: the GET path, and every group's write, refusal and failure paths, compiled before measuring
        for (Load load : loads) {
            under(api, writers, load, new ConcurrentHashMap<>(), "warm-" + load.ordinal() + "-");
        }
        Map<Load, List<List<Long>>> during = new EnumMap<>(Load.class);
        Map<Load, Map<Integer, Integer>> codes = new EnumMap<>(Load.class);
        for (int round = 0; round < ROUNDS; round++) {
            for (int k = 0; k < loads.length; k++) {
                Load load = loads[(k + round) % loads.length];
                during.computeIfAbsent(load, l -> new ArrayList<>()).add(under(api, writers, load,
                        codes.computeIfAbsent(load, l -> new ConcurrentHashMap<>()), "r" + round + "-" + load.ordinal() + "-"));
            }
        }
        StringBuilder report = new StringBuilder(
                "| core/v1 GETs | GETs | p50 (ms) | p99 (ms) | p99 per round (ms) | p99 against alone | p99 against the control |\n"
                        + "|---|---|---|---|---|---|---|\n");
        double alone = quantile(pooled(during.get(Load.ALONE)), 0.99);
        for (Load load : loads) {
            List<Long> all = pooled(during.get(load));
            double p99 = quantile(all, 0.99);
            List<String> perRound = new ArrayList<>();
            during.get(load).forEach(r -> perRound.add(String.format("%.2f", p99(r))));
            String against = load.control() == Load.ALONE || load.control() == load ? ""
                    : String.format("%+.0f %%", 100 * (p99 / quantile(pooled(during.get(load.control())), 0.99) - 1));
            report.append("| ").append(load.title).append(" | ").append(all.size())
                    .append(" | ").append(String.format("%.2f", quantile(all, 0.5)))
                    .append(" | ").append(String.format("%.2f", p99))
                    .append(" | ").append(String.join(", ", perRound))
                    .append(" | ").append(load == Load.ALONE ? "" : String.format("%+.0f %%", 100 * (p99 / alone - 1)))
                    .append(" | ").append(against).append(" |\n");
        }
        report.append("\nAnswers to the creates (HTTP code: count; -1: no answer): ").append(codes).append("\n");
        codes.forEach((load, answers) -> answers.keySet().forEach(code -> {
            if (!load.answers.contains(code)) {
                throw new AssertionError(load + " creates were answered " + code + ": " + codes);
            }
        }));
        Path out = Path.of(System.getProperty("kapi.benchmark.dir", "target"), "isolation-benchmark.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
        System.out.println(report);
    }
}
