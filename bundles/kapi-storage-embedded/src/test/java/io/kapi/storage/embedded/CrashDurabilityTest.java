package io.kapi.storage.embedded;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.StorageException;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchEvent;
import io.kapi.api.storage.WatchListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * kill -9 in the middle of concurrent writes, several times on the same directory: every write the
 * child acknowledged must be there after reopening, and revisions must stay unique and increasing.
 */
class CrashDurabilityTest {

    // A soak run: -Dkapi.crash.cycles=40 -Dkapi.crash.acks=100000000 -Dkapi.crash.maxSeconds=90 kills each child
    // at a random moment of up to 90 s, long enough for file compaction and chunk reuse to happen in between.
    private static final int CYCLES = Integer.getInteger("kapi.crash.cycles", 6);
    /**
     * Even cycles checkpoint every few milliseconds, so the kill lands amid checkpoints; odd cycles
     * are killed right after they started writing, before any checkpoint of their own.
     */
    private static final long CHECKPOINT_MILLIS = Long.getLong("kapi.crash.checkpointMillis", 5);
    private static final int ACKS_BEFORE_KILL = Integer.getInteger("kapi.crash.acks", 400);
    private static final int MAX_SECONDS = Integer.getInteger("kapi.crash.maxSeconds", 20);

    @TempDir
    Path dir;

    @Test
    void acknowledgedWritesSurviveKillNine() throws Exception {
        Path store = dir.resolve("crash");
        Map<String, Long> lastCounter = new HashMap<>();
        long revisionAfterLastRecovery = 0;
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            Process child = startChild(store, cycle);
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (Exception ignored) {
                    // the child was killed
                }
            });
            reader.start();
            String ready = lines.poll(30, TimeUnit.SECONDS);
            assertNotNull(ready, "child did not start");
            assertTrue(ready.startsWith("READY "), ready);
            assertEquals(revisionAfterLastRecovery, Long.parseLong(ready.substring(6)),
                    "the child opens at the revision the last recovery saw");
            long runMillis = MAX_SECONDS <= 20 ? MAX_SECONDS * 1000L
                    : ThreadLocalRandom.current().nextLong(1000, MAX_SECONDS * 1000L);
            long started = System.nanoTime();
            long deadline = started + TimeUnit.MILLISECONDS.toNanos(runMillis);
            // every other cycle is killed right after it started writing: before its second checkpoint
            int acks = cycle % 2 == 0 ? ACKS_BEFORE_KILL : 3;
            while (lines.size() < acks && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            // SIGKILL through the handle: Process.destroyForcibly() would also close our end of the child's
            // stdout and drop the acknowledgements still in the pipe
            child.toHandle().destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            reader.join(10_000);
            System.out.printf("cycle %d: %d acknowledged in %d ms%n", cycle, lines.size() - 1,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));

            Map<String, Long> created = new HashMap<>();
            Map<String, long[]> updated = new HashMap<>();
            for (String line : lines) {
                String[] f = line.split(" ");
                if (f[0].equals("C")) {
                    created.put(f[1], Long.parseLong(f[2]));
                } else if (f[0].equals("U")) {
                    updated.put(f[1], new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
                }
            }
            assertTrue(created.size() + updated.size() > 0, "child acknowledged nothing");

            try (EmbeddedStorage s = EmbeddedStorage.open(store)) {
                long current = s.currentRevision();
                for (Map.Entry<String, Long> e : created.entrySet()) {
                    KeyValue kv = s.get(e.getKey());
                    assertNotNull(kv, "acknowledged create lost: " + e.getKey() + " at " + e.getValue());
                    assertEquals((long) e.getValue(), kv.modRevision());
                    assertTrue(e.getValue() > revisionAfterLastRecovery, "revision reused after a crash");
                }
                for (Map.Entry<String, long[]> e : updated.entrySet()) {
                    KeyValue kv = s.get(e.getKey());
                    assertNotNull(kv);
                    long value = Long.parseLong(new String(kv.value(), StandardCharsets.UTF_8));
                    assertTrue(kv.modRevision() >= e.getValue()[0], "acknowledged update lost: " + e.getKey());
                    assertTrue(value >= e.getValue()[1], "counter went back: " + e.getKey());
                    // at most the one update in flight at the kill landed unacknowledged
                    assertTrue(value <= e.getValue()[1] + 1, "counter jumped: " + e.getKey() + " holds " + value + " at " + kv.modRevision() + ", acknowledged " + e.getValue()[1] + " at " + e.getValue()[0]
                            + " in cycle " + cycle + "; its acknowledgements: " + lines.stream().filter(l -> l.startsWith("U " + e.getKey() + " ")).toList());
                    Long before = lastCounter.put(e.getKey(), value);
                    assertTrue(before == null || value >= before);
                }
                ListResult all = s.list("/registry/", 0, null, 0);
                Set<Long> revisions = new HashSet<>();
                for (KeyValue kv : all.items()) {
                    assertTrue(revisions.add(kv.modRevision()), "two keys with revision " + kv.modRevision());
                    assertTrue(kv.modRevision() <= current);
                }
                assertTrue(current >= revisionAfterLastRecovery);
                assertHistoryContiguous(s, revisionAfterLastRecovery, current);
                revisionAfterLastRecovery = current;
            }
        }
    }

    private Process startChild(Path store, int cycle) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CrashWorker.class.getName(), store.toString(), Integer.toString(cycle), "6", "3",
                Long.toString(cycle % 2 == 0 ? CHECKPOINT_MILLIS : 600_000));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        return pb.start();
    }

    /** The change log must hold every revision of the cycle exactly once, in order. */
    private static void assertHistoryContiguous(EmbeddedStorage s, long from, long to) throws Exception {
        LinkedBlockingQueue<WatchEvent> events = new LinkedBlockingQueue<>();
        // revision 0 would mean "from now"; on the first cycle start after revision 1 instead
        long start = Math.max(from, 1);
        try (Watch w = s.watch("/registry/", start, new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                events.add(event);
            }

            @Override
            public void onClose(StorageException error) {
            }
        })) {
            for (long expected = start + 1; expected <= to; expected++) {
                WatchEvent e = events.poll(10, TimeUnit.SECONDS);
                if (e == null) {
                    fail("history ends at " + (expected - 1) + ", expected up to " + to);
                }
                assertEquals(expected, e.revision());
            }
        }
    }
}
