package io.kapi.jetty.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpGenerator;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.util.BufferUtil;
import org.junit.jupiter.api.Test;

/** The generator driven as Jetty's HttpConnection drives it: each FLUSH is one write on the wire. */
class EagerChunkGeneratorTest {
    private final EagerChunkGenerator generator = new EagerChunkGenerator(false, false);
    private final MetaData.Response info = new MetaData.Response(HttpVersion.HTTP_1_1, 200, new HttpFields(), -1);
    private ByteBuffer header;
    private ByteBuffer chunk;

    /** The writes (FLUSH results) one call of the connection makes for {@code content}. */
    private List<String> send(ByteBuffer content, boolean last) throws Exception {
        List<String> writes = new ArrayList<>();
        while (true) {
            HttpGenerator.Result r = generator.generateResponse(generator.isCommitted() ? null : info, false, header, chunk, content, last);
            switch (r) {
                case NEED_HEADER -> header = BufferUtil.allocate(8192);
                case NEED_CHUNK -> chunk = BufferUtil.allocate(HttpGenerator.CHUNK_SIZE);
                case NEED_CHUNK_TRAILER -> chunk = BufferUtil.allocate(8192);
                case FLUSH -> writes.add(written(content));
                case SHUTDOWN_OUT, DONE -> {
                    return writes;
                }
                case CONTINUE -> {
                }
                default -> throw new IllegalStateException("unexpected " + r);
            }
            if (r == HttpGenerator.Result.FLUSH && !last && !BufferUtil.hasContent(content)) {
                // the connection calls again once the write is done; with nothing left to send it is idle
                HttpGenerator.Result again = generator.generateResponse(null, false, header, chunk, content, false);
                if (again == HttpGenerator.Result.FLUSH) {
                    writes.add(written(content));
                } else if (again == HttpGenerator.Result.NEED_CHUNK) {
                    chunk = BufferUtil.allocate(HttpGenerator.CHUNK_SIZE);
                    continue;
                }
                return writes;
            }
        }
    }

    /** What one gathering write of the header, the chunk and the content sends; the buffers are emptied. */
    private String written(ByteBuffer content) {
        StringBuilder w = new StringBuilder();
        for (ByteBuffer b : new ByteBuffer[] {header, chunk, content}) {
            if (BufferUtil.hasContent(b)) {
                w.append(BufferUtil.toString(b, StandardCharsets.US_ASCII));
                BufferUtil.clear(b);
            }
        }
        return w.toString();
    }

    private static ByteBuffer wrapped(byte[] array, int length) {
        return ByteBuffer.wrap(array, 0, length);
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String body(List<String> writes) {
        String all = String.join("", writes);
        return all.substring(all.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void aChunkAfterTheFirstLeavesWithItsCrlfInOneWrite() throws Exception {
        List<String> first = send(text("event-1\n"), false);
        assertEquals("8\r\nevent-1\n\r\n", body(first), "the first, with the headers, as Jetty writes it, then its CRLF");
        assertEquals(2, first.size(), first.toString());
        byte[] app = "event-2\nAPPLICATION".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer content = wrapped(app, 8);
        assertEquals(List.of("8\r\nevent-2\n\r\n"), send(content, false), "size, data and CRLF in one write, no CRLF twice");
        assertEquals("event-2\nAPPLICATION", new String(app, StandardCharsets.US_ASCII), "the application's bytes only read");
        assertEquals(0, content.remaining(), "consumed, as a write consumes it");
        assertEquals(List.of("8\r\nevent-3\n\r\n"), send(text("event-3\n"), false));
        assertEquals(List.of("0\r\n\r\n"), send(BufferUtil.EMPTY_BUFFER, true));
    }

    @Test
    void aLastWriteWithDataAfterAnInlinedChunkEndsTheStreamOnce() throws Exception {
        send(text("event-1\n"), false);
        assertEquals(List.of("8\r\nevent-2\n\r\n"), send(text("event-2\n"), false));
        assertEquals("4\r\nend\n\r\n0\r\n\r\n", String.join("", send(text("end\n"), true)));
    }

    @Test
    void aChunkLargerThanTheChunkBufferIsWrittenAsJettyWritesIt() throws Exception {
        send(text("event-1\n"), false);
        String large = "x".repeat(9000) + "\n";
        List<String> writes = send(text(large), false);
        assertEquals(List.of(Integer.toHexString(large.length()) + "\r\n" + large, "\r\n"), writes, "its CRLF in a write of its own");
        assertEquals(List.of("8\r\nevent-2\n\r\n"), send(text("event-2\n"), false));
        assertEquals(List.of("0\r\n\r\n"), send(BufferUtil.EMPTY_BUFFER, true));
    }
}
