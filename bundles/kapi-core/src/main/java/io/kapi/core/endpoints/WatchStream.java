package io.kapi.core.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.SharedEncodings;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.WatchSink;
import io.kapi.core.json.Json;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * One HTTP watch stream (kube's {@code WatchServer}): the frames of its events, queued, then written.
 *
 * <p>Frames ({@code {"type":..,"object":..}\n}, the object as the negotiated output form) are made
 * when an event arrives. An event the store shares among its watchers comes with its
 * {@link SharedEncodings}: the frame is then made once per change, type and output form and every
 * watcher writes the same bytes (kube's cachingObject); the object itself is never modified.
 *
 * <p>The stream does not hold a thread: it is served asynchronously (Servlet async, non-blocking
 * writes on a small shared executor), ended by the AsyncContext's timeout (the watch timeout), by
 * the store, by the resource leaving ({@code ServedResource.closeWatches}), or by the client going
 * away (seen at once through the {@link #CLIENT_GONE} hook, which Kapi's Jetty runs when an HTTP/1.1 client
 * closes its end or an HTTP/2 client resets the stream or closes the connection; else at the next write). A container without async support gets the same stream written from the request thread.
 *
 * <p>An HTTP/1.1 stream written less than {@link WatchThreads#COALESCER}'s interval ago writes what comes next at its next
 * tick, so that a busy watch leaves in one TLS record per interval instead of one per event (over HTTP/2 this
 * only delayed events: Jetty writes the frames of a connection's streams together already).
 *
 * <p>The queue is unbounded while the initial state is produced (it is sent before the stream
 * starts); live events are bounded: a watcher that falls behind is ended, as kube's cacher ends it,
 * without an ERROR, so the client resumes from its last resourceVersion. The end marker always fits.
 *
 * <p>Over a WebSocket ({@link #expectMessages}, {@link #connected}) the same frames go out one per message, one message in
 * flight at a time, and the end closes the connection normally, as kube's {@code HandleWS} does.
 */
final class WatchStream implements WatchSink, WriteListener, AsyncListener {
    static final int QUEUE = 1024;
    /** The request attribute of the hook that ends the watch when its client has gone (set for kapi-jetty-tuning's connections). */
    static final String CLIENT_GONE = "io.kapi.clientGone";

    /** Where a WebSocket watch sends its frames: one message each. */
    interface MessageSink {
        /** Sends one message without blocking; {@code written} or {@code failed} runs once it is done. */
        void send(byte[] message, Runnable written, Runnable failed);

        /** Closes the connection normally (status 1000). */
        void close();
    }

    private record Item(byte[] frame, StatusException error, boolean end) {
    }

    private volatile ServedResource resource;
    private final ObjectOutput.Negotiated form;
    /** The store watches feeding this stream, one after the other (a group's new version). */
    private final WatchFeeds feeds = new WatchFeeds(this);
    /** Frames are kube's protobuf watch events (a 4-byte length, then a WatchEvent) instead of JSON lines. */
    private final boolean protobuf;
    private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean live;

    // async serving
    private final Object writeLock = new Object();
    private final AtomicInteger wakeups = new AtomicInteger();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean writing; // the write listener is installed: the writers may write
    private AsyncContext async; // guarded by writeLock once set
    private ServletOutputStream out;
    private boolean completed; // guarded by writeLock
    private boolean unflushed; // guarded by writeLock
    private volatile long lastWriteNanos = WatchThreads.COALESCER.longAgo(); // when the last flush was
    private final Runnable pumpTask = this::pump;
    // HTTP/1.x only: each write of such a stream is a TLS record and a system call of its own, while HTTP/2
    // already writes the frames of a connection's streams together
    private volatile boolean coalesce;
    private Runnable cleanup = () -> { };
    private MessageSink messages; // guarded by writeLock once set: the stream goes out as WebSocket messages
    private boolean sending; // guarded by writeLock: a message is in flight
    private java.util.concurrent.ScheduledFuture<?> timeout;

    WatchStream(ServedResource resource, ObjectOutput.Negotiated form) {
        this.resource = resource;
        this.form = form;
        this.protobuf = form.media().equals(MediaType.PROTOBUF);
    }

    /** Whether the frames are protobuf (a WebSocket then sends them as binary messages, without their length). */
    boolean protobuf() {
        return protobuf;
    }

    // ---- frames

    /** The id of the frame form this stream writes, for the shared encodings of a change. */
    private String frameId() {
        String media = protobuf ? "protobuf" : "json";
        return switch (form.output()) {
            case OBJECT -> media;
            case METADATA -> media + ";as=PartialObjectMetadata";
            // a Table carries time-dependent cells (AGE): share it among the watchers of the same second
            case TABLE -> "json;as=Table;include=" + form.include() + ";t=" + (System.currentTimeMillis() / 1000);
        };
    }

    /** This stream's frame of an event: {@code {"type":..,"object":..}\n} or kube's protobuf event; {@code object} is only read. */
    private byte[] frame(String type, ObjectNode object) {
        ObjectNode o = type.equals("BOOKMARK") || type.equals("ERROR") ? object : ObjectOutput.transform(resource, form, object, false);
        if (protobuf) {
            return Codecs.PROTOBUF.encodeWatchEvent(type, o);
        }
        ObjectNode ev = Json.object();
        ev.put("type", type);
        ev.set("object", o);
        byte[] json = Json.bytes(ev);
        byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }

    // ---- store watches feeding this stream

    /** A sink for one store watch feeding this stream: see {@link WatchFeeds#attach}. */
    WatchSink attach() {
        return feeds.attach();
    }

    /** See {@link WatchFeeds#detachForResume}. */
    long detachForResume() {
        return feeds.detachForResume();
    }

    /** The resource whose output form frames the events from now on (a group's new version). */
    void resource(ServedResource next) {
        this.resource = next;
    }

    // ---- WatchSink

    @Override
    public void event(String type, ObjectNode object) {
        if (!ended.get()) {
            offer(frame(type, object));
        }
    }

    @Override
    public void event(String type, ObjectNode object, SharedEncodings shared) {
        if (!ended.get()) {
            offer(shared.encode(frameId(), () -> frame(type, object)));
        }
    }

    @Override
    public void closed(StatusException error) {
        end(error);
    }

    private void offer(byte[] frame) {
        if (live && queue.size() >= QUEUE) {
            end(null);
            return;
        }
        queue.add(new Item(frame, null, false));
        signal();
    }

    private void end(StatusException error) {
        if (ended.compareAndSet(false, true)) {
            if (error == null) {
                queue.clear();
            }
            queue.add(new Item(null, error, true));
            signal();
        }
    }

    /** Test hook: the next queued frame; null for the end marker or when none came in time. */
    byte[] nextFrame(long millis) throws InterruptedException {
        Item e = queue.poll(millis, TimeUnit.MILLISECONDS);
        return e == null || e.end ? null : e.frame;
    }

    /** Test hook: the stream has ended (its end marker is queued). */
    boolean hasEnded() {
        return ended.get();
    }

    /** From now on the queue is bounded: the initial state has been queued. */
    void goLive() {
        live = true;
    }

    // ---- serving

    /**
     * Sends the stream: headers now, events until it ends. Returns at once when served asynchronously;
     * {@code cleanup} runs once when the stream is over.
     */
    void serve(HttpServletRequest http, HttpServletResponse resp, long timeoutSeconds, Runnable cleanup) {
        this.cleanup = cleanup;
        boolean async = false;
        try {
            resp.setStatus(200);
            resp.setContentType(protobuf ? MediaType.PROTOBUF + ";stream=watch" : MediaType.JSON);
            resp.setHeader("Transfer-Encoding", "chunked");
            out = resp.getOutputStream();
            coalesce = http.getProtocol() != null && http.getProtocol().startsWith("HTTP/1");
            resp.flushBuffer();
            if (http.isAsyncSupported()) {
                AsyncContext ac = http.startAsync();
                ac.setTimeout(TimeUnit.SECONDS.toMillis(timeoutSeconds));
                ac.addListener(this);
                synchronized (writeLock) {
                    this.async = ac;
                }
                async = true;
                // Kapi's Jetty runs this once an HTTP/1.1 connection reads the client's end while the watch is quiet, or an
                // HTTP/2 client resets the stream or closes the connection (Jetty alone would tell the servlet nothing
                // until the next write): the watch ends at once, as kube's does
                http.setAttribute(CLIENT_GONE, (Runnable) this::clientGone);
                out.setWriteListener(this); // the container calls onWritePossible when the stream may be written
                return;
            }
        } catch (IOException clientGone) {
            finish();
            return;
        } catch (RuntimeException e) {
            if (async) {
                finish();
                throw e;
            }
            // startAsync refused (e.g. a wrapper without async support): serve from this thread
        }
        serveBlocking(timeoutSeconds);
    }

    /**
     * The upgrade to a WebSocket was accepted: from now on {@code cleanup} runs once when the watch is
     * over (its timeout, the store or the resource ending it, the client closing), also if the
     * connection never opens; frames go out once {@link #connected} hands over the socket.
     */
    void expectMessages(long timeoutSeconds, Runnable cleanup) {
        synchronized (writeLock) {
            this.cleanup = cleanup;
            this.timeout = WatchThreads.TIMEOUTS.schedule(() -> {
                end(null);
                synchronized (writeLock) {
                    if (messages == null) {
                        completeLocked(); // never connected
                    }
                }
            }, timeoutSeconds, TimeUnit.SECONDS);
        }
    }

    /** The WebSocket is open: queued frames and later ones go out as its messages. */
    void connected(MessageSink sink) {
        synchronized (writeLock) {
            this.messages = sink;
        }
        writing = true;
        signal();
    }

    /** The client closed the WebSocket or it failed: the watch is over. */
    void clientGone() {
        fail();
    }

    private void serveBlocking(long timeoutSeconds) {
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                Item e = queue.poll(Math.min(left, TimeUnit.SECONDS.toNanos(5)), TimeUnit.NANOSECONDS);
                if (e == null) {
                    continue;
                }
                if (e.end) {
                    if (e.error != null) {
                        out.write(frame("ERROR", Responses.status(e.error)));
                    }
                    break;
                }
                out.write(e.frame);
                if (queue.isEmpty()) {
                    out.flush();
                }
            }
            out.flush();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } catch (IOException clientGone) {
            // the client hung up: just stop watching
        } finally {
            finish();
        }
    }

    private void signal() {
        if (writing && wakeups.getAndIncrement() == 0) {
            try {
                schedulePump();
            } catch (java.util.concurrent.RejectedExecutionException e) {
                wakeups.set(0);
                fail();
            }
        }
    }

    /** Runs the pump now, or at the coalescer's next tick when the stream was written less than its interval ago. */
    private void schedulePump() {
        if (coalesce && messages == null && WatchThreads.COALESCER.mustWait(lastWriteNanos)) {
            WatchThreads.COALESCER.later(pumpTask);
        } else {
            WatchThreads.WRITERS.execute(pumpTask);
        }
    }

    /**
     * One writer at a time; every wake-up that arrived meanwhile makes it look again — at once, or, when
     * the connection was written less than the coalescer's interval ago, at its next tick, so that the
     * events arriving meanwhile leave in one write.
     */
    private void pump() {
        int seen = wakeups.get();
        while (true) {
            drain();
            if (wakeups.compareAndSet(seen, 0)) {
                return;
            }
            seen = wakeups.get();
            if (coalesce && messages == null && WatchThreads.COALESCER.mustWait(lastWriteNanos)) {
                // wakeups stays above zero: signals meanwhile only count, the pump at the tick takes them
                WatchThreads.COALESCER.later(pumpTask);
                return;
            }
        }
    }

    /** Writes what is queued while the output takes it without blocking; flushes when the queue is empty. */
    private void drain() {
        synchronized (writeLock) {
            if (completed) {
                return;
            }
            if (messages != null) {
                drainMessages();
                return;
            }
            try {
                while (out.isReady()) {
                    Item e = queue.poll();
                    if (e == null) {
                        if (unflushed) {
                            unflushed = false;
                            lastWriteNanos = System.nanoTime();
                            out.flush();
                            continue;
                        }
                        return;
                    }
                    if (e.end) {
                        if (e.error != null) {
                            out.write(frame("ERROR", Responses.status(e.error)));
                        }
                        completeLocked();
                        return;
                    }
                    out.write(e.frame);
                    unflushed = true;
                }
                // not ready: the container calls onWritePossible when the pending write is done
            } catch (IOException | RuntimeException clientGone) {
                completeLocked();
            }
        }
    }

    /** One message in flight; the next goes when it is written. Called holding writeLock. */
    private void drainMessages() {
        if (sending) {
            return;
        }
        Item e = queue.poll();
        if (e == null) {
            return;
        }
        byte[] frame = e.end ? (e.error == null ? null : frame("ERROR", Responses.status(e.error))) : e.frame;
        if (frame == null) {
            completeLocked();
            return;
        }
        sending = true;
        try {
            messages.send(frame, () -> {
                synchronized (writeLock) {
                    sending = false;
                    if (e.end) {
                        completeLocked();
                        return;
                    }
                }
                signal();
            }, this::fail);
        } catch (RuntimeException closed) {
            completeLocked();
        }
    }

    private void completeLocked() {
        if (!completed) {
            completed = true;
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (messages != null) {
                messages.close();
            } else if (async != null) {
                try {
                    async.complete(); // writes what is pending, then ends the chunked body
                } catch (IllegalStateException alreadyOver) {
                    // the container ended it (error, timeout)
                }
            }
        }
        finish();
    }

    private void fail() {
        synchronized (writeLock) {
            completeLocked();
        }
    }

    /** Once: the watch is over for the resource and the store. */
    private void finish() {
        if (finished.compareAndSet(false, true)) {
            ended.set(true);
            cleanup.run();
        }
    }

    // ---- WriteListener

    @Override
    public void onWritePossible() {
        writing = true;
        signal();
    }

    @Override
    public void onError(Throwable t) {
        fail(); // the client went away
    }

    // ---- AsyncListener

    @Override
    public void onTimeout(AsyncEvent event) {
        // the watch's timeout: end the stream cleanly with what is written, as the blocking loop's deadline did
        fail();
    }

    @Override
    public void onError(AsyncEvent event) {
        fail();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        synchronized (writeLock) {
            completed = true;
        }
        finish();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not re-started
    }
}
