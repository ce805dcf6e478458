package io.kapi.core.filters;

import io.kapi.api.rest.StatusException;
import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.HandlerFilter;
import io.kapi.core.endpoints.Responses;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.servlet.AsyncContext;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpServletResponseWrapper;

/**
 * kube's {@code WithTimeoutForNonLongRunningRequests}: a request that does not finish within its
 * timeout (the {@code timeout} parameter, at most the default 60 s) gets 504. As kube's timeoutWriter,
 * the handler writes into a buffer that is dropped when the deadline has passed, so a late handler
 * cannot corrupt the 504 already sent. The 504 goes out at the deadline; the handler keeps its thread
 * (and its share of in-flight requests) until it returns, as kube's goroutine keeps its own.
 */
public final class Timeout implements HandlerFilter {
    private static final Logger LOG = Logger.getLogger(Timeout.class.getName());
    private static final String TIMED_OUT = "Timeout: request did not complete within requested timeout - context deadline exceeded";

    private final Duration defaultTimeout;
    private final ExecutorService executor;
    private final ScheduledThreadPoolExecutor watchdogs;

    /** @param executor runs the handlers of requests that cannot turn asynchronous (see {@link #filter}) */
    public Timeout(Duration defaultTimeout, ExecutorService executor) {
        this.defaultTimeout = defaultTimeout;
        this.executor = executor;
        this.watchdogs = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "kapi-request-deadline");
            t.setDaemon(true);
            return t;
        });
        // most requests finish in time: their cancelled deadlines leave the queue at once
        this.watchdogs.setRemoveOnCancelPolicy(true);
    }

    @Override
    public void filter(ApiRequest request, HttpServletResponse response, Chain next) throws IOException {
        if (LongRunning.is(request.info())) {
            next.proceed(request, response);
            return;
        }
        Duration timeout = requested(request.http().getParameter("timeout"));
        if (request.http().isAsyncSupported()) {
            onThisThread(request, response, next, timeout);
        } else {
            onAnotherThread(request, response, next, timeout);
        }
    }

    /**
     * The handler runs on the container's thread, and a watchdog answers 504 when the deadline passes
     * first: it turns the request asynchronous, which lets it write the answer from its own thread,
     * while the handler goes on writing into a buffer that is dropped. Handing every request to
     * another thread instead, and waiting for it, cost about as much CPU as serving a GET.
     */
    private void onThisThread(ApiRequest request, HttpServletResponse response, Chain next, Duration timeout) throws IOException {
        BufferedResponse buffered = new BufferedResponse(response);
        Deadline deadline = new Deadline(request, response, buffered);
        ScheduledFuture<?> watchdog;
        try {
            watchdog = watchdogs.schedule(deadline::strike, timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            throw StatusException.serviceUnavailable("The apiserver is shutting down, please try again later.", 1);
        }
        Throwable failure = null;
        try {
            next.proceed(request, buffered);
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
        }
        if (!buffered.finish()) {
            // the deadline struck first: the watchdog answers (or has answered) 504; what the handler did is dropped
            deadline.awaitAnswered();
            if (deadline.answeredHere()) {
                throw StatusException.timeout(TIMED_OUT, 0);
            }
            return;
        }
        watchdog.cancel(false);
        if (failure != null) {
            if (buffered.isCommitted()) {
                // part of the answer is out already: no Status can follow it, the connection is cut instead
                throw new IOException("the handler failed after its answer began streaming", failure);
            }
            if (failure instanceof IOException io) {
                throw io;
            }
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) failure;
        }
        buffered.commitTo(response);
    }

    /** The watchdog of one request handled on the container's thread. */
    private static final class Deadline {
        private final ApiRequest request;
        private final HttpServletResponse response;
        private final BufferedResponse buffered;
        private final java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);
        private volatile boolean answeredHere;

        Deadline(ApiRequest request, HttpServletResponse response, BufferedResponse buffered) {
            this.request = request;
            this.response = response;
            this.buffered = buffered;
        }

        /** The deadline passed: unless the handler finished or its answer streams, answer 504 now. */
        void strike() {
            if (!buffered.abandon()) {
                return;
            }
            try {
                AsyncContext async = request.http().startAsync();
                async.setTimeout(0);
                try {
                    Responses.writeError(response, request.http().getHeader("Accept"), StatusException.timeout(TIMED_OUT, 0));
                } finally {
                    async.complete();
                }
            } catch (IllegalStateException | UnsupportedOperationException cannotGoAsync) {
                // the handler's thread answers when it returns
                LOG.log(Level.FINE, "a timed-out request could not be answered before its handler returned", cannotGoAsync);
                answeredHere = true;
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "the 504 of a timed-out request could not be written", e);
            } finally {
                answered.countDown();
            }
        }

        void awaitAnswered() {
            try {
                answered.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        boolean answeredHere() {
            return answeredHere;
        }
    }

    /** A request that cannot turn asynchronous is handled on another thread, so that the 504 can still go out in time. */
    private void onAnotherThread(ApiRequest request, HttpServletResponse response, Chain next, Duration timeout) throws IOException {
        BufferedResponse buffered = new BufferedResponse(response);
        Future<?> f;
        try {
            f = executor.submit(() -> {
            try {
                next.proceed(request, buffered);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return null;
            });
        } catch (java.util.concurrent.RejectedExecutionException busy) {
            throw StatusException.tooManyRequests("Too many requests, please try again later.", 1);
        }
        try {
            try {
                f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (buffered.abandon()) {
                    // never interrupt the handler: kube abandons it too; what it writes from now on is dropped
                    f.cancel(false);
                    throw StatusException.timeout(TIMED_OUT, 0);
                }
                // the answer is already streaming to the client, so no 504 can replace it: let it finish
                // (kube would cut the connection instead)
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StatusException.timeout("Timeout: request was interrupted", 0);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (buffered.isCommitted()) {
                // part of the answer is out already: no Status can follow it, the connection is cut instead
                throw new IOException("the handler failed after its answer began streaming", cause);
            }
            if (cause instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
        buffered.commitTo(response);
    }

    /** Stops the watchdogs (the server stops). */
    public void close() {
        watchdogs.shutdownNow();
    }

    private Duration requested(String param) {
        if (param == null || param.isEmpty()) {
            return defaultTimeout;
        }
        try {
            Duration d = parseGoDuration(param);
            return d.isNegative() || d.isZero() || d.compareTo(defaultTimeout) > 0 ? defaultTimeout : d;
        } catch (IllegalArgumentException e) {
            throw StatusException.badRequest("invalid timeout specified in the request URL");
        }
    }

    /** Go's {@code time.ParseDuration} for the units clients send (h, m, s, ms). */
    static Duration parseGoDuration(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)").matcher(s);
        long nanos = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw new IllegalArgumentException(s);
            }
            double v = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos += (long) (v * unit);
            end = m.end();
        }
        if (end != s.length() || end == 0) {
            throw new IllegalArgumentException(s);
        }
        return Duration.ofNanos(nanos);
    }

    /**
     * Holds status, headers and body until the handler finished in time, so a timeout can still answer
     * 504 instead. A body that grows past {@link #STREAM_AFTER_BYTES} (a large LIST) is not held any
     * longer: status and headers go out and the body streams from then on, as kube's timeout writer does.
     */
    static final class BufferedResponse extends HttpServletResponseWrapper {
        static final int STREAM_AFTER_BYTES = 64 * 1024;
        private final HttpServletResponse response;
        private final Object lock = new Object();
        private boolean streaming; // guarded by lock: the body goes straight to the response
        private boolean abandoned; // guarded by lock: timed out before streaming; the handler's writes are dropped
        private boolean finished; // guarded by lock: the handler returned in time; no timeout can strike any more
        private java.io.OutputStream direct; // guarded by lock
        private final HeldBody body = new HeldBody();
        private final List<String[]> headers = new ArrayList<>();
        private int status = 200;
        private String contentType;
        private PrintWriter writer;
        private final ServletOutputStream stream = new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener writeListener) {
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                synchronized (lock) {
                    if (abandoned) {
                        return;
                    }
                    if (streaming) {
                        direct.write(b, off, len);
                        return;
                    }
                    body.write(b, off, len);
                    if (body.size() > STREAM_AFTER_BYTES && writer == null) {
                        startStreaming();
                    }
                }
            }

            @Override
            public void flush() throws IOException {
                synchronized (lock) {
                    if (streaming) {
                        direct.flush();
                    }
                }
            }
        };

        BufferedResponse(HttpServletResponse response) {
            super(response);
            this.response = response;
        }

        /** Sends status and headers, then what is held; from now on writes go straight out (caller holds lock). */
        private void startStreaming() throws IOException {
            commitHeaders(response);
            direct = response.getOutputStream();
            body.writeTo(direct);
            body.reset();
            streaming = true;
        }

        /**
         * The timeout struck: true when nothing was sent yet, and nothing will be; false when the body
         * streams or the handler finished in time.
         */
        boolean abandon() {
            synchronized (lock) {
                if (streaming || finished) {
                    return false;
                }
                abandoned = true;
                return true;
            }
        }

        /** The handler returned: true when in time (the timeout can no longer strike), false when it was abandoned. */
        boolean finish() {
            synchronized (lock) {
                if (abandoned) {
                    return false;
                }
                finished = true;
                return true;
            }
        }

        @Override
        public ServletOutputStream getOutputStream() {
            return stream;
        }

        @Override
        public PrintWriter getWriter() {
            if (writer == null) {
                writer = new PrintWriter(new java.io.OutputStreamWriter(body, StandardCharsets.UTF_8));
            }
            return writer;
        }

        @Override
        public void setStatus(int sc) {
            status = sc;
        }

        @Override
        public int getStatus() {
            return status;
        }

        @Override
        public void setContentType(String type) {
            contentType = type;
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        public void setContentLength(int len) {
        }

        @Override
        public void setContentLengthLong(long len) {
        }

        @Override
        public void setHeader(String name, String value) {
            headers.removeIf(h -> h[0].equalsIgnoreCase(name));
            headers.add(new String[] {name, value, "set"});
        }

        @Override
        public void addHeader(String name, String value) {
            headers.add(new String[] {name, value, "add"});
        }

        @Override
        public boolean isCommitted() {
            synchronized (lock) {
                return streaming;
            }
        }

        @Override
        public void resetBuffer() {
            checkNotStreaming();
            body.reset();
        }

        private void checkNotStreaming() {
            synchronized (lock) {
                if (streaming) {
                    throw new IllegalStateException("the response is committed");
                }
            }
        }

        @Override
        public void reset() {
            checkNotStreaming();
            body.reset();
            headers.clear();
            status = 200;
        }

        @Override
        public void flushBuffer() throws IOException {
            stream.flush();
        }

        void commitTo(HttpServletResponse response) throws IOException {
            synchronized (lock) {
                if (streaming) {
                    direct.flush();
                    return;
                }
            }
            if (writer != null) {
                writer.flush();
            }
            commitHeaders(response);
            if (status == 304 || status == 204) {
                return;
            }
            response.setContentLength((int) body.size());
            body.writeTo(response.getOutputStream());
        }

        private void commitHeaders(HttpServletResponse response) {
            response.setStatus(status);
            if (contentType != null) {
                response.setContentType(contentType);
            }
            for (String[] h : headers) {
                if (h[2].equals("set")) {
                    response.setHeader(h[0], h[1]);
                } else {
                    response.addHeader(h[0], h[1]);
                }
            }
        }
    }

}
