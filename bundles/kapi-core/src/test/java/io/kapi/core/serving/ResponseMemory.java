package io.kapi.core.serving;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Map;

/**
 * What serving one request costs in memory: the bytes the handling thread allocated
 * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}) and, sampled, the live heap
 * while the response is written, against the response's size. The body is counted, never kept.
 */
final class ResponseMemory {
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    /** One request's numbers: allocated and peak live bytes (above the heap before it) and the body's size. */
    record Cost(long allocated, long peakLive, long bodyBytes, String contentLength, int status) {
        double allocatedRatio() {
            return (double) allocated / bodyBytes;
        }

        double liveRatio() {
            return (double) peakLive / bodyBytes;
        }

        @Override
        public String toString() {
            return String.format("body %,d B, allocated %,d B (%.2fx), peak live %,d B (%.2fx), Content-Length %s",
                    bodyBytes, allocated, allocatedRatio(), peakLive, liveRatio(), contentLength);
        }
    }

    private ResponseMemory() {
    }

    /** A sink that counts bytes and, when sampling, measures the live heap (after a GC) every {@code every} bytes. */
    static final class Sink extends OutputStream {
        final long every;
        long count;
        long nextSample;
        long peakUsed;

        Sink(long every) {
            this.every = every;
            this.nextSample = every > 0 ? 1 : Long.MAX_VALUE;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
            if (count >= nextSample) {
                nextSample = count + every;
                peakUsed = Math.max(peakUsed, liveHeap());
            }
        }
    }

    /**
     * Bytes allocated by every thread, by id: the request is handled on the Timeout filter's executor, not
     * the calling thread, so the measurement sums all threads (the idle server's own threads add little).
     */
    static java.util.Map<Long, Long> allocatedByThread() {
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        java.util.Map<Long, Long> m = new java.util.HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            m.put(ids[i], Math.max(0, bytes[i]));
        }
        return m;
    }

    static long allocatedSince(java.util.Map<Long, Long> before) {
        long total = 0;
        for (java.util.Map.Entry<Long, Long> e : allocatedByThread().entrySet()) {
            total += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
        }
        return total;
    }

    static long liveHeap() {
        System.gc();
        System.gc();
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    /**
     * Serves {@code GET uri} with {@code accept} a few times and reports the cheapest run's allocation and,
     * from one more run that samples the heap as the body is written, the live heap's peak above its level before.
     */
    static Cost measure(KapiServer server, String uri, String accept, int runs) throws Exception {
        long allocated = Long.MAX_VALUE;
        long body = 0;
        FakeHttp.Response last = null;
        for (int i = 0; i < runs; i++) {
            Sink sink = new Sink(0);
            FakeHttp.Response resp = new FakeHttp.Response(sink);
            var req = FakeHttp.request("GET", uri, Map.of("Authorization", "Bearer t", "Accept", accept), null);
            java.util.Map<Long, Long> before = allocatedByThread();
            server.service(req, resp.proxy);
            long used = allocatedSince(before);
            allocated = Math.min(allocated, used);
            body = sink.count;
            last = resp;
        }
        Sink sampling = new Sink(Math.max(64 * 1024, body / 16));
        FakeHttp.Response resp = new FakeHttp.Response(sampling);
        var req = FakeHttp.request("GET", uri, Map.of("Authorization", "Bearer t", "Accept", accept), null);
        long base = liveHeap();
        server.service(req, resp.proxy);
        long peak = Math.max(0, sampling.peakUsed - base);
        return new Cost(allocated, peak, body, last.headers.get("Content-Length"), last.status);
    }
}
