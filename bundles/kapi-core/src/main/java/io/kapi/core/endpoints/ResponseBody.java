package io.kapi.core.endpoints;

import java.io.IOException;
import java.io.OutputStream;
import javax.servlet.http.HttpServletResponse;

/**
 * A response's body as it is encoded: held until it passes {@link #HOLD_BYTES}, so that a small answer
 * goes out whole with its Content-Length and a failure while encoding it can still be answered with a
 * Status; past that, status and headers go out without a length (chunked) and the body streams through
 * a write buffer of the same size. {@link #flush} does nothing: the servlet container sends its buffer
 * when full, {@link #finish} the rest.
 */
final class ResponseBody extends OutputStream {
    static final int HOLD_BYTES = 64 * 1024;

    private final HttpServletResponse resp;
    private final int code;
    private final String mediaType;
    private byte[] buffer = new byte[1024];
    private int count;
    private OutputStream direct; // once the body streams
    private boolean done;

    ResponseBody(HttpServletResponse resp, int code, String mediaType) {
        this.resp = resp;
        this.code = code;
        this.mediaType = mediaType;
    }

    /** Whether status and headers (and part of the body) have been handed to the response. */
    boolean started() {
        return direct != null;
    }

    @Override
    public void write(int b) throws IOException {
        if (count == buffer.length) {
            make(1);
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (done) {
            throw new IOException("the response body is finished");
        }
        if (len <= buffer.length - count) {
            System.arraycopy(b, off, buffer, count, len);
            count += len;
            return;
        }
        make(len);
        if (direct != null && len >= buffer.length) {
            direct.write(b, off, len);
            return;
        }
        System.arraycopy(b, off, buffer, count, len);
        count += len;
    }

    /** Room for {@code len} more bytes: the held buffer grows up to its limit, past it the body streams. */
    private void make(int len) throws IOException {
        if (direct == null && count + len <= HOLD_BYTES) {
            int size = buffer.length;
            while (size < count + len) {
                size *= 2;
            }
            buffer = java.util.Arrays.copyOf(buffer, Math.min(size, HOLD_BYTES));
            return;
        }
        if (direct == null) {
            resp.setStatus(code);
            resp.setContentType(mediaType);
            direct = resp.getOutputStream();
            if (buffer.length < HOLD_BYTES) {
                buffer = java.util.Arrays.copyOf(buffer, HOLD_BYTES);
            }
        }
        direct.write(buffer, 0, count);
        count = 0;
    }

    @Override
    public void flush() {
        // the body's bytes go out as the container's buffer fills; finish sends the rest
    }

    /** Sends what is held (the whole body with its length when it never streamed) and ends the body. */
    void finish() throws IOException {
        if (done) {
            return;
        }
        done = true;
        if (direct == null) {
            resp.setStatus(code);
            resp.setContentType(mediaType);
            resp.setContentLength(count);
            direct = resp.getOutputStream();
        }
        try (OutputStream out = direct) {
            out.write(buffer, 0, count);
        }
        buffer = null;
    }

    /** Drops what is held; nothing more is written (the answer becomes an error instead). */
    void abandon() {
        done = true;
        buffer = null;
    }
}
