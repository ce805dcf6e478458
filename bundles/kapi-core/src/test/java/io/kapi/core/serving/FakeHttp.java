package io.kapi.core.serving;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.ReadListener;
import javax.servlet.ServletInputStream;
import javax.servlet.ServletOutputStream;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/** Just enough of the servlet API, through dynamic proxies, to drive KapiServer.service in unit tests. */
final class FakeHttp {
    private FakeHttp() {
    }

    static HttpServletRequest request(String method, String uri, Map<String, String> headers, String body) {
        return request(method, uri, headers, body, null);
    }

    /** A request that supports {@code startAsync} through {@code async} (none when null). */
    static HttpServletRequest request(String method, String uri, Map<String, String> headers, String body, Async async) {
        String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        // every value of a repeated parameter, in order, as the servlet container keeps them
        Map<String, List<String>> params = new HashMap<>();
        if (uri.contains("?")) {
            for (String kv : uri.substring(uri.indexOf('?') + 1).split("&")) {
                String[] p = kv.split("=", 2);
                params.computeIfAbsent(p[0], k -> new ArrayList<>())
                        .add(p.length > 1 ? java.net.URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
            }
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        ServletInputStream sis = new ServletInputStream() {
            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener readListener) {
            }

            @Override
            public int read() {
                return in.read();
            }
        };
        return (HttpServletRequest) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getRequestURI" -> path;
                    case "getContextPath" -> "";
                    case "getParameter" -> params.containsKey((String) args[0]) ? params.get((String) args[0]).get(0) : null;
                    case "getParameterValues" -> params.containsKey((String) args[0])
                            ? params.get((String) args[0]).toArray(new String[0]) : null;
                    case "getHeader" -> headers.get((String) args[0]);
                    case "getContentType" -> headers.get("Content-Type");
                    case "getContentLengthLong" -> (long) bytes.length;
                    case "getContentLength" -> bytes.length;
                    case "getInputStream" -> sis;
                    case "getAttribute" -> null;
                    case "getHeaderNames" -> Collections.enumeration(headers.keySet());
                    case "isAsyncSupported" -> async != null;
                    case "isAsyncStarted" -> async != null && async.started;
                    case "startAsync" -> {
                        if (async == null) {
                            throw new IllegalStateException("async not supported");
                        }
                        yield async.start();
                    }
                    default -> null;
                });
    }

    /** A response recording status, headers and body. */
    static final class Response {
        int status = 200;
        final Map<String, String> headers = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final HttpServletResponse proxy;

        Response() {
            this(null);
        }

        /** A response whose body goes to {@code sink} instead of {@link #body} (a measurement that keeps nothing). */
        Response(java.io.OutputStream sink) {
            ServletOutputStream out = new ServletOutputStream() {
                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener writeListener) {
                    // always ready: the container would call onWritePossible once the dispatch returned
                    Thread t = new Thread(() -> {
                        try {
                            writeListener.onWritePossible();
                        } catch (java.io.IOException e) {
                            writeListener.onError(e);
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                }

                @Override
                public void write(int b) throws java.io.IOException {
                    if (sink != null) {
                        sink.write(b);
                    } else {
                        body.write(b);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) throws java.io.IOException {
                    if (sink != null) {
                        sink.write(b, off, len);
                    } else {
                        body.write(b, off, len);
                    }
                }
            };
            proxy = (HttpServletResponse) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class},
                    (p, m, args) -> {
                        switch (m.getName()) {
                            case "setStatus" -> status = (Integer) args[0];
                            case "setHeader", "addHeader" -> headers.put((String) args[0], (String) args[1]);
                            case "setContentType" -> headers.put("Content-Type", (String) args[0]);
                            case "setContentLength", "setContentLengthLong" -> headers.put("Content-Length", String.valueOf(args[0]));
                            case "getOutputStream" -> {
                                return out;
                            }
                            case "isCommitted" -> {
                                return false;
                            }
                            case "getStatus" -> {
                                return status;
                            }
                            default -> { }
                        }
                        return null;
                    });
        }

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    /** Just enough of an AsyncContext: the timeout fires the listeners' onTimeout, complete() ends the exchange. */
    static final class Async implements AsyncContext {
        volatile boolean started;
        private final java.util.List<AsyncListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.atomic.AtomicBoolean completed = new java.util.concurrent.atomic.AtomicBoolean();
        private final java.util.concurrent.CountDownLatch armed = new java.util.concurrent.CountDownLatch(1);
        private volatile long timeout = 30_000;

        AsyncContext start() {
            started = true;
            Thread timer = new Thread(() -> {
                try {
                    armed.await(); // the handler sets the timeout right after startAsync
                    if (!done.await(timeout, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                        for (AsyncListener l : listeners) {
                            l.onTimeout(new AsyncEvent(this));
                        }
                        complete();
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            });
            timer.setDaemon(true);
            timer.start();
            return this;
        }

        /** Waits until an async exchange is complete (at once when none was started). */
        void awaitCompletion() throws InterruptedException {
            if (started && !done.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new AssertionError("async request did not complete");
            }
        }

        boolean isComplete() {
            return done.getCount() == 0;
        }

        @Override
        public void complete() {
            if (completed.compareAndSet(false, true)) {
                for (AsyncListener l : listeners) {
                    try {
                        l.onComplete(new AsyncEvent(this));
                    } catch (java.io.IOException ignored) {
                        // test helper
                    }
                }
                done.countDown();
            }
        }

        @Override
        public void addListener(AsyncListener listener) {
            listeners.add(listener);
        }

        @Override
        public void addListener(AsyncListener listener, javax.servlet.ServletRequest req, javax.servlet.ServletResponse resp) {
            listeners.add(listener);
        }

        @Override
        public void setTimeout(long millis) {
            timeout = millis;
            armed.countDown();
        }

        @Override
        public long getTimeout() {
            return timeout;
        }

        @Override
        public javax.servlet.ServletRequest getRequest() {
            return null;
        }

        @Override
        public javax.servlet.ServletResponse getResponse() {
            return null;
        }

        @Override
        public boolean hasOriginalRequestAndResponse() {
            return true;
        }

        @Override
        public void dispatch() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void dispatch(String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void dispatch(javax.servlet.ServletContext context, String path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void start(Runnable run) {
            new Thread(run).start();
        }

        @Override
        public <T extends AsyncListener> T createListener(Class<T> clazz) {
            throw new UnsupportedOperationException();
        }
    }
}
