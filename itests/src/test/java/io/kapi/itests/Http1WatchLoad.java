package io.kapi.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The watch load of {@code Http1WatchersBenchmark}, run in its own JVM so that its CPU is measured apart
 * from the benchmark's writer and from Kapi: {@code watchers} HTTP/1.1 watches, each on its own TCP
 * connection with its own TLS handshake and its own thread, from one resourceVersion. Each event's
 * delivery time is the time it arrived minus the {@code kapi.bench/sent} annotation the writer put in
 * the object (microseconds since the epoch, the same clock on one machine). Found in the raw bytes, not
 * by parsing JSON, so the client costs what reading TLS costs. A watch the server ends (as kube's, Kapi
 * closes a watcher it waited on for 10 s) is opened again from the last resourceVersion seen, as
 * client-go's reflector does; the result counts those resumes.
 *
 * <p>Arguments: port, token, watchers, namespace, resourceVersion, events expected, result file. Prints
 * {@code READY} once every watch answered 200; writes the result file (with its own CPU time at READY and at
 * the end) once every watcher has every event, or 30 s after the last one arrived.
 */
public final class Http1WatchLoad {
    private static final byte[] SENT = "\"kapi.bench/sent\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RV = "\"resourceVersion\":\"".getBytes(StandardCharsets.US_ASCII);

    private Http1WatchLoad() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String token = args[1];
        int watchers = Integer.parseInt(args[2]);
        String namespace = args[3];
        String rv = args[4];
        int events = Integer.parseInt(args[5]);
        Path result = Path.of(args[6]);
        SSLSocketFactory tls = Distribution.trustingAnyCertificate().getSocketFactory();
        long[] latencies = new long[watchers * events]; // µs; each watcher writes its own slice
        AtomicInteger[] received = new AtomicInteger[watchers];
        CountDownLatch opened = new CountDownLatch(watchers);
        CountDownLatch complete = new CountDownLatch(watchers);
        AtomicLong lastArrival = new AtomicLong(System.nanoTime());
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger resumes = new AtomicInteger();
        AtomicInteger refusals = new AtomicInteger();
        for (int w = 0; w < watchers; w++) {
            int index = w;
            received[w] = new AtomicInteger();
            Thread t = new Thread(() -> {
                String from = rv;
                boolean first = true;
                // as a reflector: a watch the server ends is opened again from the last resourceVersion seen
                while (received[index].get() < events) {
                    Reader in = null;
                    try (Socket raw = new Socket()) {
                        raw.connect(new InetSocketAddress("127.0.0.1", port), 60_000);
                        SSLSocket s = (SSLSocket) tls.createSocket(raw, "127.0.0.1", port, true);
                        s.startHandshake();
                        OutputStream out = s.getOutputStream();
                        out.write(("GET /api/v1/namespaces/" + namespace + "/configmaps?watch=1&timeoutSeconds=3600&resourceVersion=" + from
                                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        in = new Reader(s.getInputStream());
                        String status = in.line();
                        while (!in.line().isEmpty()) {
                            // headers
                        }
                        if (status.startsWith("HTTP/1.1 503") || status.startsWith("HTTP/1.1 429")) {
                            // "try again", as client-go's reflector does after a pause
                            if (refusals.getAndIncrement() == 0) {
                                s.setSoTimeout(1000);
                                System.err.println("first refusal: " + status + " " + in.available());
                            }
                            throw new IOException(status);
                        }
                        if (!status.startsWith("HTTP/1.1 200")) {
                            throw new IllegalStateException(status);
                        }
                        if (first) {
                            first = false;
                            opened.countDown();
                        }
                        while (received[index].get() < events) {
                            long sent = in.nextEvent();
                            if (sent > 0) {
                                long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
                                int k = received[index].getAndIncrement();
                                if (k < events) {
                                    latencies[index * events + k] = now - sent;
                                }
                                lastArrival.set(System.nanoTime());
                            }
                        }
                    } catch (IOException e) {
                        if (in != null && in.resourceVersion != null) {
                            from = in.resourceVersion;
                        }
                        resumes.incrementAndGet();
                        try {
                            Thread.sleep(100);
                        } catch (InterruptedException stop) {
                            break;
                        }
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                        System.err.println("watcher " + index + ": " + e);
                        if (first) {
                            opened.countDown();
                        }
                        break;
                    }
                }
                complete.countDown();
            }, "watch-" + w);
            t.setDaemon(true);
            t.start();
        }
        opened.await(5, TimeUnit.MINUTES);
        long cpuAtReady = cpuMillis();
        System.out.println("READY");
        System.out.flush();
        while (!complete.await(1, TimeUnit.SECONDS)) {
            boolean started = Arrays.stream(received).anyMatch(r -> r.get() > 0);
            if (started && System.nanoTime() - lastArrival.get() > TimeUnit.SECONDS.toNanos(30)) {
                break;
            }
        }
        long got = 0;
        int n = 0;
        long[] all = new long[latencies.length];
        for (int w = 0; w < watchers; w++) {
            int r = Math.min(received[w].get(), events);
            got += r;
            System.arraycopy(latencies, w * events, all, n, r);
            n += r;
        }
        long[] sorted = Arrays.copyOf(all, n);
        Arrays.sort(sorted);
        Files.writeString(result, "received=" + got + "\nexpected=" + (long) watchers * events + "\nfailures=" + failures.get() + "\nresumes=" + resumes.get() + "\nrefusals=" + refusals.get()
                + "\ncpuAtReadyMs=" + cpuAtReady + "\ncpuAtEndMs=" + cpuMillis()
                + "\np50us=" + pct(sorted, 0.5) + "\np99us=" + pct(sorted, 0.99) + "\nmaxus=" + (n == 0 ? -1 : sorted[n - 1]) + "\n");
        System.exit(0);
    }

    /** This JVM's CPU time so far. */
    private static long cpuMillis() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1_000_000;
    }

    private static long pct(long[] sorted, double p) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /**
     * A watch's chunked body read from one connection without a lock per byte (BufferedInputStream's read()
     * takes one): the chunk framing is skipped and each event line scanned for its sent time.
     */
    private static final class Reader {
        private final InputStream in;
        private final byte[] buf = new byte[16384];
        private int pos;
        private int end;
        /** Bytes of the current chunk's data still to come. */
        private int chunkLeft;
        /** The resourceVersion of the last whole event read (the first one in its line: the object's). */
        String resourceVersion;

        Reader(InputStream in) {
            this.in = in;
        }

        private int read() throws IOException {
            if (pos == end) {
                end = in.read(buf, 0, buf.length);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    throw new IOException("connection closed");
                }
            }
            return buf[pos++] & 0xff;
        }

        /** Up to 300 bytes of what follows (an error's body), as text. */
        String available() {
            StringBuilder b = new StringBuilder();
            try {
                for (int i = 0; i < 300; i++) {
                    b.append((char) read());
                }
            } catch (IOException e) {
                // what came is all there is
            }
            return b.toString();
        }

        String line() throws IOException {
            StringBuilder b = new StringBuilder();
            for (int c = read(); c != '\n'; c = read()) {
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }

        /** The event line being put together from chunks (an event may span chunks, or a chunk hold several). */
        private byte[] pending = new byte[4096];
        private int pendingLength;

        /** Reads one event line; its {@code "kapi.bench/sent":"} number, or -1 when it has none. */
        long nextEvent() throws IOException {
            while (true) {
                for (int i = 0; i < pendingLength; i++) {
                    if (pending[i] == '\n') {
                        long sent = number(pending, i, SENT);
                        long rv = number(pending, i, RV);
                        if (rv >= 0) {
                            resourceVersion = Long.toString(rv);
                        }
                        System.arraycopy(pending, i + 1, pending, 0, pendingLength - i - 1);
                        pendingLength -= i + 1;
                        return sent;
                    }
                }
                if (chunkLeft == 0) {
                    String size = line();
                    if (size.isEmpty()) {
                        continue; // the CRLF that closed the previous chunk
                    }
                    chunkLeft = Integer.parseInt(size.split(";")[0].trim(), 16);
                    if (chunkLeft == 0) {
                        throw new IOException("the watch ended");
                    }
                }
                if (pos == end) {
                    end = in.read(buf, 0, buf.length);
                    pos = 0;
                    if (end <= 0) {
                        end = 0;
                        throw new IOException("connection closed");
                    }
                }
                int n = Math.min(chunkLeft, end - pos);
                if (pendingLength + n > pending.length) {
                    pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + n));
                }
                System.arraycopy(buf, pos, pending, pendingLength, n);
                pendingLength += n;
                pos += n;
                chunkLeft -= n;
            }
        }

        /** The digits after the first {@code pattern} in {@code line[0, length)}, or -1. */
        private static long number(byte[] line, int length, byte[] pattern) {
            outer:
            for (int i = 0; i + pattern.length < length; i++) {
                for (int j = 0; j < pattern.length; j++) {
                    if (line[i + j] != pattern[j]) {
                        continue outer;
                    }
                }
                long v = 0;
                for (int k = i + pattern.length; k < length && line[k] >= '0' && line[k] <= '9'; k++) {
                    v = v * 10 + (line[k] - '0');
                }
                return v;
            }
            return -1;
        }
    }
}
