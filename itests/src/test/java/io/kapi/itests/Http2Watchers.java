package io.kapi.itests;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FuturePromise;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Many watches over a few HTTP/2 connections, as informers in one process share a connection with
 * client-go: Jetty's low-level HTTP/2 client, each watch's body split into lines and handed over as
 * the bytes of one line. A load generator that spends little per event, so that a fan-out benchmark on
 * the server's own two CPUs measures the server more than its client.
 */
final class Http2Watchers implements AutoCloseable {
    private final HTTP2Client client = new HTTP2Client();
    private final SslContextFactory.Client ssl = new SslContextFactory.Client(true); // the benchmark checks the API, not the chain
    private final List<Session> sessions = new ArrayList<>();
    private final int port;
    private final String token;
    private final AtomicLong received = new AtomicLong();

    Http2Watchers(int port, String token) throws Exception {
        this.port = port;
        this.token = token;
        client.addBean(ssl);
        client.start();
    }

    /** A new connection (one HTTP/2 session), to open watches on. */
    Session connect() throws Exception {
        FuturePromise<Session> promise = new FuturePromise<>();
        client.connect(ssl, new InetSocketAddress("127.0.0.1", port), new Session.Listener.Adapter(), promise);
        Session session = promise.get(30, TimeUnit.SECONDS);
        synchronized (sessions) {
            sessions.add(session);
        }
        return session;
    }

    /**
     * Opens a watch on {@code session}; {@code lines} gets each line of its body (a watch event) as bytes;
     * {@code opened} is counted down once the answer's headers say 200.
     */
    void watch(Session session, String pathAndQuery, Consumer<byte[]> lines, CountDownLatch opened) {
        HttpFields fields = new HttpFields();
        fields.put("Authorization", "Bearer " + token);
        fields.put("Accept", "application/json");
        MetaData.Request request = new MetaData.Request("GET", new HttpURI("https://127.0.0.1:" + port + pathAndQuery), HttpVersion.HTTP_2, fields);
        session.newStream(new HeadersFrame(request, null, true), new Promise.Adapter<>(), new Stream.Listener.Adapter() {
            private byte[] line = new byte[4096];
            private int length;

            @Override
            public void onHeaders(Stream stream, HeadersFrame frame) {
                if (frame.getMetaData() instanceof MetaData.Response r && r.getStatus() == 200) {
                    opened.countDown();
                }
            }

            @Override
            public void onData(Stream stream, DataFrame frame, Callback callback) {
                ByteBuffer data = frame.getData();
                int n = data.remaining();
                if (length + n > line.length) {
                    line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
                }
                data.get(line, length, n);
                int from = 0;
                for (int i = length; i < length + n; i++) {
                    if (line[i] == '\n') {
                        lines.accept(Arrays.copyOfRange(line, from, i));
                        from = i + 1;
                    }
                }
                length += n;
                if (from > 0) {
                    System.arraycopy(line, from, line, 0, length - from);
                    length -= from;
                }
                received.addAndGet(n);
                callback.succeeded();
            }
        });
    }

    /** Bytes of watch bodies received so far. */
    long bytesReceived() {
        return received.get();
    }

    /**
     * For a watch event whose object is named {@code prefix} followed by a number (the first
     * {@code "name":"…"} of the line, the object's name), that number; -1 for any other line.
     * Reads the bytes in place: the fan-out calls it for every event at every watcher.
     */
    static int numberAfter(byte[] line, byte[] prefix) {
        for (int i = 0; i + NAME_KEY.length < line.length; i++) {
            if (line[i] == '"' && line[i + 1] == 'n' && Arrays.equals(line, i, i + NAME_KEY.length, NAME_KEY, 0, NAME_KEY.length)) {
                int p = i + NAME_KEY.length;
                if (p + prefix.length >= line.length || !Arrays.equals(line, p, p + prefix.length, prefix, 0, prefix.length)) {
                    return -1;
                }
                int n = 0;
                int digits = 0;
                for (p += prefix.length; p < line.length && line[p] >= '0' && line[p] <= '9'; p++, digits++) {
                    n = n * 10 + (line[p] - '0');
                }
                return digits > 0 && p < line.length && line[p] == '"' ? n : -1;
            }
        }
        return -1;
    }

    private static final byte[] NAME_KEY = "\"name\":\"".getBytes(StandardCharsets.US_ASCII);

    @Override
    public void close() throws Exception {
        synchronized (sessions) {
            for (Session s : sessions) {
                s.close(0, "benchmark done", Callback.NOOP);
            }
        }
        client.stop();
    }
}
