package io.kapi.core.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kapi.api.rest.StatusException;
import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.RequestInfo;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.servlet.AsyncContext;
import javax.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The timeout of a request that can turn asynchronous (every request in the servlet container): its
 * handler runs on the calling thread, and the 504 goes out at the deadline from the watchdog.
 */
class TimeoutTest {
    private final Timeout filter = new Timeout(Duration.ofSeconds(60), Executors.newCachedThreadPool());

    @AfterEach
    void close() {
        filter.close();
    }

    /** A request that supports startAsync; {@code asyncStarted} and {@code completed} count the calls. */
    private static final class AsyncRequest {
        final AtomicInteger asyncStarted = new AtomicInteger();
        final AtomicInteger completed = new AtomicInteger();
        final boolean refuseAsync;
        final ApiRequest request;

        AsyncRequest(String timeoutParam, boolean refuseAsync) {
            this.refuseAsync = refuseAsync;
            AsyncContext async = (AsyncContext) Proxy.newProxyInstance(TimeoutTest.class.getClassLoader(),
                    new Class<?>[] {AsyncContext.class}, (p, m, a) -> {
                        if (m.getName().equals("complete")) {
                            completed.incrementAndGet();
                        }
                        return null;
                    });
            HttpServletRequest http = (HttpServletRequest) Proxy.newProxyInstance(TimeoutTest.class.getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
                        case "getParameter" -> "timeout".equals(a[0]) ? timeoutParam : null;
                        case "isAsyncSupported" -> true;
                        case "startAsync" -> {
                            if (this.refuseAsync) {
                                throw new IllegalStateException("not now");
                            }
                            asyncStarted.incrementAndGet();
                            yield async;
                        }
                        default -> m.getReturnType() == boolean.class ? false : null;
                    });
            this.request = new ApiRequest(http, new RequestInfo(true, "/api/v1/configmaps", "list", "api", "", "v1", "",
                    "configmaps", "", "", List.of()), null);
        }
    }

    @Test
    void aHandlerThatFinishesInTimeRunsOnTheCallingThreadAndIsAnsweredAsItWrote() throws Exception {
        AsyncRequest r = new AsyncRequest(null, false);
        FiltersTest.Recorded out = new FiltersTest.Recorded();
        Thread caller = Thread.currentThread();
        Thread[] ranOn = new Thread[1];
        filter.filter(r.request, out.response, (req, resp) -> {
            ranOn[0] = Thread.currentThread();
            resp.setStatus(201);
            resp.getOutputStream().write("made".getBytes(StandardCharsets.UTF_8));
        });
        assertSame(caller, ranOn[0], "no other thread");
        assertEquals(201, out.status);
        assertEquals("made", out.body.toString(StandardCharsets.UTF_8));
        assertEquals(0, r.asyncStarted.get(), "in time: never asynchronous");
    }

    @Test
    void theDeadlineAnswers504WhileTheHandlerStillRunsAndWhatItWritesLaterIsDropped() throws Exception {
        AsyncRequest r = new AsyncRequest("300ms", false);
        FiltersTest.Recorded out = new FiltersTest.Recorded();
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> handled = CompletableFuture.runAsync(() -> {
            try {
                filter.filter(r.request, out.response, (req, resp) -> {
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    resp.setStatus(200);
                    resp.getOutputStream().write("late".getBytes(StandardCharsets.UTF_8));
                });
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        // the watchdog sets the status, writes the Status and then completes: wait for the completion,
        // not the status, before reading the body
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); r.completed.get() == 0; ) {
            assertTrue(System.nanoTime() < end, "no 504 while the handler runs");
            Thread.sleep(10);
        }
        assertEquals(504, out.status, "answered at the deadline, the handler still blocked");
        String body;
        synchronized (out.body) {
            body = out.body.toString(StandardCharsets.UTF_8);
        }
        assertTrue(body.contains("\"reason\":\"Timeout\""), body);
        assertEquals(1, r.asyncStarted.get());
        assertEquals(1, r.completed.get());
        release.countDown();
        handled.get(10, TimeUnit.SECONDS); // returns without an error: the 504 is the answer
        synchronized (out.body) {
            assertEquals(body, out.body.toString(StandardCharsets.UTF_8), "nothing of the late answer");
        }
    }

    @Test
    void failuresOfAHandlerInTimeReachTheFiltersAbove() {
        AsyncRequest r = new AsyncRequest(null, false);
        StatusException e = assertThrows(StatusException.class, () -> filter.filter(r.request, FiltersTest.response(),
                (req, resp) -> {
                    throw StatusException.badRequest("no");
                }));
        assertEquals(400, e.code());
        assertThrows(IllegalStateException.class, () -> filter.filter(r.request, FiltersTest.response(), (req, resp) -> {
            throw new IllegalStateException("bug");
        }));
    }

    @Test
    void whenTheRequestCannotTurnAsynchronousThe504FollowsWhenTheHandlerReturns() {
        AsyncRequest r = new AsyncRequest("200ms", true);
        FiltersTest.Recorded out = new FiltersTest.Recorded();
        StatusException e = assertThrows(StatusException.class, () -> filter.filter(r.request, out.response, (req, resp) -> {
            try {
                Thread.sleep(700);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            resp.getOutputStream().write("late".getBytes(StandardCharsets.UTF_8));
        }));
        assertEquals(504, e.code());
        assertEquals(0, out.body.size(), "the handler's answer is dropped");
    }
}
