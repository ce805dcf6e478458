package io.kapi.core.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WriteCoalescerTest {
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        ticks.shutdownNow();
    }

    @Test
    void aStreamWrittenWithinTheIntervalWaitsAndOneQuietLongerDoesNot() {
        WriteCoalescer c = new WriteCoalescer(TimeUnit.MILLISECONDS.toNanos(200), ticks, Runnable::run);
        assertFalse(c.mustWait(c.longAgo()));
        assertTrue(c.mustWait(System.nanoTime()));
        assertFalse(c.mustWait(System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(201)));
        WriteCoalescer none = new WriteCoalescer(0, ticks, Runnable::run);
        assertFalse(none.mustWait(System.nanoTime()), "an interval of 0 writes at once");
    }

    @Test
    void everyWaitingWriterRunsOnceAtTheNextTickAndTheTicksStopWhenNothingWaits() throws Exception {
        long interval = TimeUnit.MILLISECONDS.toNanos(100);
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch three = new CountDownLatch(3);
        WriteCoalescer c = new WriteCoalescer(interval, ticks, Runnable::run);
        long start = System.nanoTime();
        for (String s : List.of("a", "b", "c")) {
            c.later(() -> {
                ran.add(s + "@" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                three.countDown();
            });
        }
        assertTrue(ran.isEmpty(), "nothing before the tick");
        assertTrue(three.await(5, TimeUnit.SECONDS));
        assertEquals(3, ran.size(), ran.toString());
        for (String r : ran) {
            long at = Long.parseLong(r.substring(2));
            assertTrue(at >= 95 && at < 1000, "at the tick, one interval later: " + ran);
        }
        // a later writer after the ticks stopped starts them again
        CountDownLatch again = new CountDownLatch(1);
        Thread.sleep(300);
        c.later(again::countDown);
        assertTrue(again.await(5, TimeUnit.SECONDS));
        Thread.sleep(300);
        assertEquals(3, ran.size(), "each ran once");
    }
}
