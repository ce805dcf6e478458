package io.kapi.core.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kapi.api.rest.StatusException;
import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.RequestInfo;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

class FiltersTest {
    static ApiRequest request(String verb, String timeoutParam) {
        HttpServletRequest http = (HttpServletRequest) Proxy.newProxyInstance(FiltersTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> m.getName().equals("getParameter") && "timeout".equals(a[0])
                        ? timeoutParam : m.getReturnType() == boolean.class ? false : null);
        return new ApiRequest(http, new RequestInfo(true, "/api/v1/configmaps", verb, "api", "", "v1", "", "configmaps", "", "", List.of()), null);
    }

    static HttpServletResponse response() {
        return (HttpServletResponse) Proxy.newProxyInstance(FiltersTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> null);
    }

    @Test
    void maxInFlightAnswers429WhenTheBudgetIsSpentButNotForWatches() throws Exception {
        MaxInFlight filter = new MaxInFlight(1, 1);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> busy = pool.submit(() -> {
            filter.filter(request("list", null), response(), (r, s) -> {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            return null;
        });
        inside.await(5, TimeUnit.SECONDS);
        StatusException e = assertThrows(StatusException.class, () -> filter.filter(request("get", null), response(), (r, s) -> { }));
        assertEquals(429, e.code());
        assertEquals(1, e.retryAfterSeconds());
        filter.filter(request("create", null), response(), (r, s) -> { });
        filter.filter(request("watch", null), response(), (r, s) -> { });
        release.countDown();
        busy.get(5, TimeUnit.SECONDS);
        pool.shutdown();
    }

    @Test
    void timeoutAnswers504() {
        Timeout filter = new Timeout(Duration.ofSeconds(60), Executors.newCachedThreadPool());
        StatusException e = assertThrows(StatusException.class, () -> filter.filter(request("list", "200ms"), response(), (r, s) -> {
            try {
                Thread.sleep(5000);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }));
        assertEquals(504, e.code());
        assertEquals("Timeout", e.reason());
        assertEquals(Duration.ofMillis(1500), Timeout.parseGoDuration("1.5s"));
        assertEquals(Duration.ofMinutes(2).plusSeconds(3), Timeout.parseGoDuration("2m3s"));
        assertThrows(StatusException.class, () -> filter.filter(request("list", "soon"), response(), (r, s) -> { }));
    }

    /** A response that records its status and body, as the container's would. */
    static final class Recorded {
        final java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        volatile int status;
        final HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(FiltersTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "setStatus" -> status = (Integer) a[0];
                        case "getOutputStream" -> {
                            return new javax.servlet.ServletOutputStream() {
                                @Override
                                public boolean isReady() {
                                    return true;
                                }

                                @Override
                                public void setWriteListener(javax.servlet.WriteListener l) {
                                }

                                @Override
                                public void write(int b) {
                                    synchronized (body) {
                                        body.write(b);
                                    }
                                }
                            };
                        }
                        default -> {
                        }
                    }
                    return m.getReturnType() == boolean.class ? false : null;
                });
    }

    @Test
    void aLargeAnswerStreamsAndIsNotReplacedByA504WhenTheTimeoutStrikesMidway() throws Exception {
        Timeout filter = new Timeout(Duration.ofSeconds(60), Executors.newCachedThreadPool());
        Recorded out = new Recorded();
        byte[] chunk = new byte[64 * 1024];
        int chunks = 3 * Timeout.BufferedResponse.STREAM_AFTER_BYTES / chunk.length;
        filter.filter(request("list", "300ms"), out.response, (r, s) -> {
            s.setStatus(200);
            for (int i = 0; i < chunks; i++) {
                s.getOutputStream().write(chunk);
                if (i == chunks / 2) {
                    try {
                        Thread.sleep(1000); // past the timeout, with more than the threshold already out
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        assertEquals(200, out.status);
        assertEquals(chunks * chunk.length, out.body.size(), "the whole answer, not cut off");
    }

    @Test
    void aSmallAnswerStillTimesOutWithA504AndNothingOfItIsSent() throws Exception {
        Timeout filter = new Timeout(Duration.ofSeconds(60), Executors.newCachedThreadPool());
        Recorded out = new Recorded();
        CountDownLatch done = new CountDownLatch(1);
        StatusException e = assertThrows(StatusException.class, () -> filter.filter(request("list", "200ms"), out.response, (r, s) -> {
            s.setStatus(200);
            s.getOutputStream().write(new byte[1000]);
            try {
                Thread.sleep(600);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            s.getOutputStream().write(new byte[2 * Timeout.BufferedResponse.STREAM_AFTER_BYTES]);
            done.countDown();
        }));
        assertEquals(504, e.code());
        done.await(5, TimeUnit.SECONDS);
        assertEquals(0, out.body.size(), "what the abandoned handler wrote later is dropped");
        assertEquals(0, out.status);
    }
}
