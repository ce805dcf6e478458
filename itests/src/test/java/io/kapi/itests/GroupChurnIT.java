package io.kapi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.kapi.api.server.KapiRuntime;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;

/**
 * Churn: 100 stop/start cycles and 20 uninstall/install cycles of the coordination group while a
 * writer and a reader work on core/v1, each uninstall refreshed as Karaf's tools refresh it: the other
 * group sees no error and no core bundle is stopped (refreshed). Then the same churn from a steady state without load: threads and heap after a full
 * GC come back to their baseline (within 5 %). (The load's writes grow the store's memory until its
 * caches are full, whatever the churn does; measured under load, that growth would be the load's.)
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GroupChurnIT {
    @Inject
    BundleContext context;

    @Inject
    KapiRuntime runtime;

    @Configuration
    public Option[] config() {
        return KapiContainer.options();
    }

    @org.ops4j.pax.exam.ProbeBuilder
    public org.ops4j.pax.exam.TestProbeBuilder probe(org.ops4j.pax.exam.TestProbeBuilder probe) {
        probe.setHeader(Constants.DYNAMICIMPORT_PACKAGE, "*");
        return probe;
    }

    private void await(String what, BooleanSupplier condition) throws Exception {
        RuntimeWaits.await(context, runtime, what, condition);
    }

    private boolean leasesServed() {
        return runtime.resources().stream().anyMatch(r -> r.resource().equals("leases") && !r.shadowed());
    }

    private Bundle coordination() {
        for (Bundle b : context.getBundles()) {
            if ("kapi-group-coordination".equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no coordination bundle");
    }

    /**
     * Compacts the store up to now, as its periodic compaction would: the old revisions the load's writes
     * left are the store's data, not the churn's cost.
     */
    private void compact() {
        org.osgi.framework.ServiceReference<io.kapi.api.storage.Storage> ref = context.getServiceReference(io.kapi.api.storage.Storage.class);
        io.kapi.api.storage.Storage storage = context.getService(ref);
        try {
            storage.compact(storage.currentRevision());
        } finally {
            context.ungetService(ref);
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static int threadsAfterSettling() throws InterruptedException {
        // idle pool threads go after their keep-alive; the lowest count over a few seconds is the settled one
        int threads = Integer.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            threads = Math.min(threads, ManagementFactory.getThreadMXBean().getThreadCount());
            Thread.sleep(500);
        }
        return threads;
    }

    /** {@code writes} merge patches of the load's object, from 4 threads. */
    private static void warmUp(ApiClient api, int writes, List<String> errors) throws InterruptedException {
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(writes);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                int n;
                while ((n = left.decrementAndGet()) >= 0) {
                    try {
                        HttpResponse<String> w = api.patch("/api/v1/namespaces/default/configmaps/churn", "application/merge-patch+json",
                                "{\"data\":{\"w\":\"" + n + "\"}}");
                        if (w.statusCode() != 200) {
                            errors.add("warm-up " + w.statusCode() + " " + w.body());
                        }
                    } catch (Exception e) {
                        errors.add("warm-up " + e);
                    }
                }
            }, "churn-warm-up-" + t);
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join(600_000);
        }
    }

    /** Merge-patches one configmap and lists configmaps, over and over, counting every answer that is not a 200. */
    private static void load(ApiClient api, AtomicBoolean running, List<String> errors, AtomicLong requests) {
        int n = 0;
        while (running.get()) {
            try {
                HttpResponse<String> w = api.patch("/api/v1/namespaces/default/configmaps/churn", "application/merge-patch+json",
                        "{\"data\":{\"n\":\"" + (++n) + "\"}}");
                HttpResponse<String> r = api.get("/api/v1/namespaces/default/configmaps?limit=20");
                requests.addAndGet(2);
                if (w.statusCode() != 200 || r.statusCode() != 200) {
                    errors.add(w.statusCode() + "/" + r.statusCode() + " " + w.body());
                }
            } catch (Exception e) {
                errors.add(String.valueOf(e));
            }
        }
    }

    /**
     * Refreshes the uninstalled bundle, as Karaf's tools do after an uninstall: the framework then stops and
     * rewires every bundle wired to it, which for a group bundle must be none of Kapi's.
     */
    private void refresh(Bundle removed) throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        context.getBundle(0).adapt(org.osgi.framework.wiring.FrameworkWiring.class)
                .refreshBundles(List.of(removed), e -> done.countDown());
        assertTrue("the refresh of the uninstalled group ends", done.await(60, java.util.concurrent.TimeUnit.SECONDS));
    }

    /** {@code stops} stop/start cycles, then {@code reinstalls} uninstall/install cycles of the coordination bundle. */
    private void churn(int stops, int reinstalls) throws Exception {
        Bundle b = coordination();
        for (int i = 0; i < stops; i++) {
            b.stop();
            await("leases gone (stop " + i + ")", () -> !leasesServed());
            b.start();
            await("leases back (start " + i + ")", this::leasesServed);
        }
        String location = b.getLocation();
        for (int i = 0; i < reinstalls; i++) {
            b.uninstall();
            await("leases gone (uninstall " + i + ")", () -> !leasesServed());
            refresh(b);
            b = context.installBundle(location);
            b.start();
            await("leases back (install " + i + ")", this::leasesServed);
        }
    }

    @Test
    public void stopStartAndReinstallUnderLoad() throws Exception {
        await("ready with leases", () -> runtime.ready() && leasesServed());
        ApiClient api = new ApiClient(Integer.parseInt(System.getProperty("kapi.test.securePort")));
        await("the API answers", () -> {
            try {
                return api.get("/api/v1/namespaces/default").statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        HttpResponse<String> target = api.post("/api/v1/namespaces/default/configmaps", "{\"metadata\":{\"name\":\"churn\"},\"data\":{\"n\":\"0\"}}");
        assertEquals(target.body(), 201, target.statusCode());
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        AtomicLong requests = new AtomicLong();

        // 1. the churn under load: the other group sees no error, no core bundle is refreshed
        List<String> coreStops = Collections.synchronizedList(new ArrayList<>());
        BundleListener refreshes = e -> {
            String name = e.getBundle().getSymbolicName();
            if (e.getType() == BundleEvent.STOPPED && name != null && name.startsWith("kapi-") && !name.equals("kapi-group-coordination")) {
                coreStops.add(name);
            }
        };
        context.addBundleListener(refreshes);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread load = new Thread(() -> load(api, running, errors, requests), "churn-load");
        load.start();
        try {
            churn(100, 20);
        } finally {
            running.set(false);
            load.join(30_000);
            context.removeBundleListener(refreshes);
        }
        System.out.println("churn: " + requests.get() + " core/v1 requests during 100 stop/start and 20 uninstall/install cycles");
        assertTrue("the load ran", requests.get() > 100);
        assertEquals("errors on core/v1: " + errors, List.of(), errors);
        assertEquals("core bundles stopped (refreshed): " + coreStops, List.of(), coreStops);

        // 2. the churn's own cost: from the state the load left (its data, the watch cache's history filled),
        // the same churn again, without load; threads and heap after a full GC must be back where they were
        warmUp(api, 11_000, errors);
        compact();
        int baseThreads = threadsAfterSettling();
        long baseHeap = heapAfterGc();
        churn(100, 20);
        compact();
        int threads = threadsAfterSettling();
        long heap = heapAfterGc();
        System.out.println("churn: threads " + baseThreads + " -> " + threads + ", heap after GC " + baseHeap / 1024 / 1024 + " MiB -> "
                + heap / 1024 / 1024 + " MiB");
        assertTrue("threads back to baseline: " + baseThreads + " -> " + threads, Math.abs(threads - baseThreads) <= Math.max(2, baseThreads * 0.05));
        assertTrue("heap back to baseline: " + baseHeap + " -> " + heap, Math.abs(heap - baseHeap) <= baseHeap * 0.05);
    }
}
