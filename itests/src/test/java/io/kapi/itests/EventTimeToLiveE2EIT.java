package io.kapi.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Events expire as kube-apiserver's do (its {@code --event-ttl}, {@code eventTTL} in {@code etc/io.kapi.group.core.cfg}):
 * an event goes its time to live after its last write, and kubectl's watch sees it {@code DELETED}; a write restarts
 * its time; other kinds stay. The distribution runs with a time to live of a few seconds. Nothing here asserts that
 * the server is fast: only that nothing goes before its time, and that it goes within half a minute.
 */
public class EventTimeToLiveE2EIT {
    private static final int TTL_SECONDS = 6;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Distribution dist;
    private static Path work;

    @BeforeClass
    public static void start() throws Exception {
        dist = new Distribution("event-ttl");
        Files.writeString(dist.home.resolve("etc/io.kapi.group.core.cfg"), "eventTTL = " + TTL_SECONDS + "s\n");
        dist.start();
        dist.awaitReady(System.nanoTime());
        work = Files.createTempDirectory("kapi-event-ttl");
        // the server's first sweep comes a while after its start: once a first event has gone, sweeps run every second
        Path probe = work.resolve("probe.yaml");
        Files.writeString(probe, event("probe"));
        Distribution.Result created = dist.kubectl("create", "-f", probe.toString());
        assertEquals(created.out(), 0, created.code());
        awaitGone("event", "probe");
    }

    @AfterClass
    public static void stop() throws Exception {
        if (dist != null) {
            dist.close();
        }
    }

    private static String event(String name) {
        return """
                apiVersion: v1
                kind: Event
                metadata: {name: %s, namespace: default}
                involvedObject: {kind: Pod, name: web, namespace: default}
                reason: Started
                message: Started container web
                type: Normal
                count: 1
                """.formatted(name);
    }

    /** Polls until {@code kubectl get <what>} answers NotFound; returns when that was first seen (System.nanoTime). */
    private static long awaitGone(String... what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String[] args = new String[what.length + 1];
            args[0] = "get";
            System.arraycopy(what, 0, args, 1, what.length);
            Distribution.Result r = dist.kubectl(args);
            if (r.code() != 0) {
                assertTrue(r.out(), r.out().contains("NotFound"));
                return System.nanoTime();
            }
            Thread.sleep(200);
        }
        throw new AssertionError(String.join(" ", what) + " still there 30 s later");
    }

    /** Whether kubectl's {@code --output-watch-events -o json} lines hold a DELETED event of {@code name}. */
    private static boolean deletedInWatch(String out, String name) {
        for (String line : out.split("\n")) {
            try {
                JsonNode event = JSON.readTree(line);
                if (event.path("type").asText().equals("DELETED") && event.path("object").path("metadata").path("name").asText().equals(name)) {
                    return true;
                }
            } catch (IOException partial) {
                // the line kubectl is still writing
            }
        }
        return false;
    }

    @Test
    public void anEventGoesItsTimeToLiveAfterItsLastWriteAndWatchersSeeItDeleted() throws Exception {
        File watched = work.resolve("watch.json").toFile();
        Process watch = dist.kubectlBackground(watched, "get", "events", "--watch", "--output-watch-events", "-o", "json");
        try {
            Path manifest = work.resolve("objects.yaml");
            Files.writeString(manifest, event("started") + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: stays, namespace: default}\n");
            long before = System.nanoTime();
            Distribution.Result created = dist.kubectl("create", "-f", manifest.toString());
            assertEquals(created.out(), 0, created.code());
            assertEquals(0, dist.kubectl("get", "event", "started").code());

            long gone = awaitGone("event", "started");
            long lived = TimeUnit.NANOSECONDS.toMillis(gone - before);
            assertTrue("gone " + lived + " ms after its create was sent, before its " + TTL_SECONDS + " s", lived >= TTL_SECONDS * 1000L);
            assertEquals("a ConfigMap has no time to live", 0, dist.kubectl("get", "configmap", "stays").code());

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String out = "";
            while (System.nanoTime() < deadline && !deletedInWatch(out, "started")) {
                Thread.sleep(200);
                out = Files.readString(watched.toPath());
            }
            assertTrue("kubectl's watch: " + out, deletedInWatch(out, "started"));
        } finally {
            watch.destroyForcibly();
            watch.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    public void aWriteStartsTheTimeAgain() throws Exception {
        Path manifest = work.resolve("renewed.yaml");
        Files.writeString(manifest, event("renewed"));
        Distribution.Result created = dist.kubectl("create", "-f", manifest.toString());
        assertEquals(created.out(), 0, created.code());
        Thread.sleep(2_000);
        // what an event recorder does when the same event happens again
        long patched = System.nanoTime();
        Distribution.Result patch = dist.kubectl("patch", "event", "renewed", "--type=merge", "-p", "{\"count\":2}");
        assertEquals(patch.out(), 0, patch.code());
        long gone = awaitGone("event", "renewed");
        long lived = TimeUnit.NANOSECONDS.toMillis(gone - patched);
        assertTrue("gone " + lived + " ms after the patch was sent, before its " + TTL_SECONDS + " s from then", lived >= TTL_SECONDS * 1000L);
    }
}
