package io.kapi.core.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kapi.api.rest.StatusException;
import io.kapi.api.server.PostStartHook;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A hook that fails (its storage unreachable for a moment) runs again by itself until it is done, while its owner contributes it. */
class PostStartHooksTest {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private static PostStartHook failing(String name, int failures, AtomicInteger runs) {
        return new PostStartHook() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void run() {
                if (runs.incrementAndGet() <= failures) {
                    throw StatusException.serviceUnavailable("storage is not available", 1);
                }
            }
        };
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); !condition.getAsBoolean(); ) {
            assertTrue(System.nanoTime() < end, "not within 10 s");
            Thread.sleep(5);
        }
    }

    @Test
    void aFailedHookRunsAgainUntilItIsDone() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        PostStartHook hook = failing("bootstrap", 3, runs);
        Contributions contributions = new Contributions();
        contributions.addHook(new Contribution<>(hook, 1, 0, 1, "b", Map.of()));
        PostStartHooks hooks = new PostStartHooks(executor, null, () -> { }, 10);
        hooks.run(contributions);
        await(() -> hooks.done(hook));
        assertEquals(4, runs.get(), "three failures, then done");
        assertEquals("done", hooks.infos().get(0).state());
    }

    @Test
    void aHookWhoseClassesCannotBeLoadedFailsAndRunsAgain() throws Exception {
        // a hook that reads its data on its first run meets a class of a bundle being refreshed: failed, not left running
        AtomicInteger runs = new AtomicInteger();
        PostStartHook hook = new PostStartHook() {
            @Override
            public String name() {
                return "rbac/bootstrap-roles";
            }

            @Override
            public void run() {
                if (runs.incrementAndGet() == 1) {
                    throw new NoClassDefFoundError("com/fasterxml/jackson/dataformat/yaml/YAMLFactory");
                }
            }
        };
        Contributions contributions = new Contributions();
        contributions.addHook(new Contribution<>(hook, 1, 0, 1, "b", Map.of()));
        PostStartHooks hooks = new PostStartHooks(executor, null, () -> { }, 10);
        hooks.run(contributions);
        await(() -> hooks.done(hook));
        assertEquals(2, runs.get(), "the linkage error failed the first attempt; the second is done");
    }

    @Test
    void aHookWhoseOwnerLeftIsNotRunAgain() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        PostStartHook hook = failing("bootstrap", Integer.MAX_VALUE, runs);
        Contributions contributions = new Contributions();
        contributions.addHook(new Contribution<>(hook, 1, 0, 1, "b", Map.of()));
        PostStartHooks hooks = new PostStartHooks(executor, null, () -> { }, 10);
        hooks.run(contributions);
        // between two attempts it shows as failed (while an attempt runs, as running)
        await(() -> runs.get() >= 2 && "failed".equals(hooks.infos().get(0).state()));
        contributions.removeHook(1);
        hooks.run(contributions);
        Thread.sleep(200);
        int after = runs.get();
        Thread.sleep(300);
        assertEquals(after, runs.get(), "no more runs once the owner left");
        assertTrue(hooks.infos().isEmpty());
    }

    @Test
    void aRestartRunsEveryHookAgainAndAnAttemptOfBeforeCannotMarkItDone() throws Exception {
        ScheduledExecutorService two = Executors.newScheduledThreadPool(2);
        try {
            java.util.concurrent.CountDownLatch firstRunning = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch releaseFirst = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch secondMayEnd = new java.util.concurrent.CountDownLatch(1);
            AtomicInteger runs = new AtomicInteger();
            PostStartHook hook = new PostStartHook() {
                @Override
                public String name() {
                    return "bootstrap";
                }

                @Override
                public void run() {
                    try {
                        if (runs.incrementAndGet() == 1) {
                            // the first attempt, against the old backend, is still running when the backend changes
                            firstRunning.countDown();
                            releaseFirst.await();
                        } else {
                            secondMayEnd.await();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            Contributions contributions = new Contributions();
            contributions.addHook(new Contribution<>(hook, 1, 0, 1, "b", Map.of()));
            PostStartHooks hooks = new PostStartHooks(two, null, () -> { }, 10);
            hooks.run(contributions);
            assertTrue(firstRunning.await(10, TimeUnit.SECONDS));
            hooks.restart();
            hooks.run(contributions);
            await(() -> runs.get() == 2);
            releaseFirst.countDown();
            Thread.sleep(200);
            assertEquals("running", hooks.infos().get(0).state(), "the attempt of before the restart does not count");
            assertTrue(!hooks.done(hook));
            secondMayEnd.countDown();
            await(() -> hooks.done(hook));
            hooks.run(contributions);
            Thread.sleep(100);
            assertEquals(2, runs.get(), "done once per start");
        } finally {
            two.shutdownNow();
        }
    }
}
