package io.kapi.itests;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP watch stream of an {@link InstanceApi}, read on its own thread: each event goes to a {@link Sink}
 * ({@link Events} to take them one by one, {@link Revisions} to record their resourceVersions), which is told
 * when the stream ends (closed by the test, broken, or a line that is not JSON).
 */
final class InstanceWatch implements AutoCloseable {
    /** What is done with the events of a stream, on its reading thread. */
    interface Sink {
        /** One event: its line and that line parsed. */
        void event(String line, JsonNode event);

        /** The stream ended; no event follows. */
        void ended();
    }

    private final InputStream in;
    private final Thread reader;

    InstanceWatch(InstanceApi api, InputStream in, Sink sink) {
        this.in = in;
        this.reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        sink.event(line, InstanceApi.JSON.readTree(line));
                    }
                }
            } catch (IOException closed) {
                // closed by the test, or the stream broke: the sink is told
            } finally {
                sink.ended();
            }
        }, "watch-" + api.name);
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public void close() throws Exception {
        in.close();
        reader.join(TimeUnit.SECONDS.toMillis(10));
    }

    /** The events in a queue, taken in arrival order. */
    static final class Events implements Sink {
        private static final JsonNode END = InstanceApi.JSON.createObjectNode();
        private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();

        @Override
        public void event(String line, JsonNode event) {
            events.add(event);
        }

        @Override
        public void ended() {
            events.add(END);
        }

        /** The next event, or null when the stream ended or nothing came within the timeout. */
        JsonNode next(long timeoutSeconds) throws InterruptedException {
            JsonNode e = events.poll(timeoutSeconds, TimeUnit.SECONDS);
            return e == END ? null : e;
        }
    }

    /** The resourceVersion of every event but ERROR and BOOKMARK, in arrival order, and the ERROR events' lines. */
    static final class Revisions implements Sink {
        final InstanceApi api;
        private final List<Long> revisions = new CopyOnWriteArrayList<>();
        final List<String> errors = new CopyOnWriteArrayList<>();
        volatile boolean ended;

        /** The revisions of a watch on {@code api}. */
        Revisions(InstanceApi api) {
            this.api = api;
        }

        @Override
        public void event(String line, JsonNode event) {
            String type = event.path("type").asText();
            if (type.equals("ERROR")) {
                errors.add(line);
            } else if (!type.equals("BOOKMARK")) {
                revisions.add(InstanceApi.rv(event.path("object")));
            }
        }

        @Override
        public void ended() {
            ended = true;
        }

        List<Long> revisions() {
            return new ArrayList<>(revisions);
        }

        long newest() {
            return revisions.isEmpty() ? 0 : revisions.get(revisions.size() - 1);
        }

        boolean awaitRevision(long rv, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (newest() < rv && !ended && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            return newest() >= rv;
        }
    }
}
