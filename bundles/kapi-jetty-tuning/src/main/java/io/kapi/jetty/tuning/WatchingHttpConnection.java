package io.kapi.jetty.tuning;

import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnection;

/**
 * An HTTP/1.1 connection that notices its client going away while an asynchronous response (a watch)
 * waits for something to write.
 *
 * <p>Jetty reads a connection only while it expects a request or its content: once a request without a
 * body has been handed to an asynchronous servlet, nothing reads, so a client that closes its end is seen
 * only when the next write fails. A watch of a quiet resource writes nothing for minutes, and until its
 * timeout (30 to 60 minutes) it kept its socket (in CLOSE_WAIT), its store watch and its memory. Go's HTTP
 * server, and so kube-apiserver, reads in the background and cancels the request at once.
 *
 * <p>Here, when a request has been read whole and its response suspended, the connection asks to be told
 * when it becomes readable. The client closing its end then makes Jetty's own read see end-of-file, and
 * the response's {@link #CLIENT_GONE} hook ends it (the watch stream completes it). Nothing is read
 * that Jetty would not read itself; bytes of a pipelined request are left for after the response, as Jetty
 * leaves them.
 */
class WatchingHttpConnection extends HttpConnection {
    /**
     * The request attribute a suspended response sets to a {@link Runnable} that ends it when its client has gone
     * (Kapi's watch streams do). Jetty's own error path would only abort a committed response and cancel its
     * timeout, never telling the servlet, so the response is told directly.
     */
    static final String CLIENT_GONE = "io.kapi.clientGone";

    WatchingHttpConnection(HttpConfiguration config, Connector connector, EndPoint endPoint, HttpCompliance compliance,
            boolean recordComplianceViolations) {
        super(config, connector, endPoint, compliance, recordComplianceViolations);
    }

    /** The read interest of a suspended response, withdrawn as its response completes. */
    private static final Exception WITHDRAWN = new Exception("the response completed", null, false, false) {
    };

    /** Held while a suspended response's connection is read and while a response completes: they never overlap. */
    private final Object probeLock = new Object();

    @Override
    public void onFillable() {
        boolean gone;
        synchronized (probeLock) {
            if (waiting()) {
                // the read interest registered below fired
                if (!isRequestBufferEmpty()) {
                    return; // bytes of a pipelined request wait for the response to end, as Jetty leaves them
                }
                super.onFillable(); // Jetty's own read: end-of-file, or the bytes of a pipelined request
                if (!watchClient()) {
                    return;
                }
                gone = true;
            } else if (requestRead()) {
                // The read interest asked for while the response was suspended fired as that response completes on
                // another thread (its last bytes are out, its listeners run): that thread's onCompleted is about to
                // recycle the channel, reset the parser and release the request buffer, then asks to read again.
                // Reading the client's next request now would race it (the parser reset amid the request's headers
                // answered 400 "No Host"); it is read once onCompleted has run, which holds probeLock throughout.
                return;
            } else {
                gone = false;
            }
        }
        if (!gone) {
            super.onFillable(); // a request: read, parsed, handled
            synchronized (probeLock) {
                gone = waiting() && watchClient();
            }
        }
        if (gone) {
            ClientGoneNotice.tell(getHttpChannel().getRequest());
        }
    }

    /**
     * For a suspended response: whether its client has gone; if not, asks to be told when the connection becomes
     * readable. Holding probeLock.
     */
    private boolean watchClient() {
        if (!getParser().isComplete()) {
            // a request without a body leaves the parser before its (empty) content until the input is read: read
            // it now, as Jetty would once the response completes
            getHttpChannel().getRequest().getHttpInput().consumeAll();
        }
        if (!getEndPoint().isOpen() || getEndPoint().isInputShutdown()) {
            return true;
        }
        if (isRequestBufferEmpty()) {
            tryFillInterested();
        }
        return false;
    }

    /** Jetty takes a read still asked for when a response completes for a bug and closes the connection: withdrawn first. */
    @Override
    public void onCompleted() {
        synchronized (probeLock) {
            if (isFillInterested() && getEndPoint() instanceof AbstractEndPoint endPoint) {
                endPoint.getFillInterest().onFail(WITHDRAWN);
            }
            super.onCompleted();
        }
    }

    /**
     * The connection's idle timeout ends a read that waits: for a suspended response that read is only this
     * watch on the client, so it is asked for again; the watch's own timeout ends the response, as before.
     */
    @Override
    protected void onFillInterestedFailed(Throwable cause) {
        if (cause == WITHDRAWN) {
            return;
        }
        if (cause instanceof TimeoutException) {
            synchronized (probeLock) {
                if (getEndPoint().isOpen() && waiting()) {
                    tryFillInterested();
                    return;
                }
                if (isFillInterested()) {
                    return; // the response completed meanwhile and Jetty reads for the next request: the timeout was the probe's
                }
            }
        }
        super.onFillInterestedFailed(cause);
    }

    /**
     * While a response is suspended, Jetty's own read loop may ask again for the read interest the probe above
     * holds (asking twice throws ReadPendingException and closes the connection).
     */
    @Override
    public void fillInterested() {
        tryFillInterested();
    }

    /**
     * A request read whole, or without a body, whose response is suspended (an asynchronous servlet waits for
     * something to write).
     */
    private boolean waiting() {
        return requestRead() && getHttpChannel().getState().isSuspended();
    }

    /** Whether the current request has been read whole, or has no body (its response may still be under way). */
    private boolean requestRead() {
        HttpParser parser = getParser();
        return parser.isComplete() || parser.isState(HttpParser.State.CONTENT) && parser.getContentLength() <= 0 && !parser.isChunking();
    }
}
