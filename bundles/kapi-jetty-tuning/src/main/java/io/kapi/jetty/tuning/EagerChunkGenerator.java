package io.kapi.jetty.tuning;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpGenerator;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.util.BufferUtil;

/**
 * Jetty's HTTP/1.1 response generator, but a chunk's closing CRLF is sent right after the chunk, as
 * Go's chunked writer sends it, instead of in front of the next chunk's size. Jetty 9.4 holds that CRLF
 * back until the next chunk or the end of the response, and clients that read a chunk only once it
 * is complete (urllib3, so the official Python client's watches) then see a watch event only when
 * the next one, or a bookmark a minute later, is written.
 *
 * <p>A chunk of up to 8 KiB goes out whole in one write: its data is copied after the chunk size into
 * the connection's chunk buffer (asked for at the response header size), followed by the CRLF, so that
 * TLS makes one record of it rather than two. A larger chunk, or the first one (written with the
 * headers), is written as Jetty writes it; Jetty then calls the generator again with nothing more to
 * send, and that call writes the CRLF (one extra write of two bytes). Either way the next chunk header
 * Jetty makes starts with the CRLF it believes it still owes: those two bytes are skipped.
 * Not thread-safe, as Jetty's generator: one per connection, used by its sending side.
 */
final class EagerChunkGenerator extends HttpGenerator {
    /** A chunk's data went out and its closing CRLF has not: Jetty puts it before its next chunk header. */
    private boolean owed;
    /** The owed CRLF was sent here: the one Jetty puts first in its next chunk header is skipped. */
    private boolean paid;
    /** A chunk buffer with room for the data was asked for, since the last write (so asked once per chunk). */
    private boolean askedForRoom;

    /** Most data sent in its chunk's buffer; Jetty's chunk buffer for trailers is the response header size (8 KiB). */
    private static final int INLINE_MAX = 8192;
    /** Room a chunk's framing takes around its data: a CRLF owed, up to 8 hex digits, CRLF, and the closing CRLF. */
    private static final int CHUNK_FRAMING = 14;

    EagerChunkGenerator(boolean sendServerVersion, boolean sendXPoweredBy) {
        super(sendServerVersion, sendXPoweredBy);
    }

    @Override
    public void reset() {
        super.reset();
        owed = false;
        paid = false;
        askedForRoom = false;
    }

    @Override
    public Result generateResponse(MetaData.Response info, boolean head, ByteBuffer header, ByteBuffer chunk, ByteBuffer content,
                                   boolean last) throws IOException {
        boolean hasContent = BufferUtil.hasContent(content);
        if (owed && !paid && !last && !hasContent && isChunking() && isState(State.COMMITTED)) {
            if (chunk == null) {
                return Result.NEED_CHUNK;
            }
            BufferUtil.clearToFill(chunk);
            chunk.put((byte) '\r').put((byte) '\n');
            BufferUtil.flipToFlush(chunk, 0);
            paid = true;
            return Result.FLUSH;
        }
        boolean inline = hasContent && !last && isChunking() && isState(State.COMMITTED)
                && content.remaining() + CHUNK_FRAMING <= INLINE_MAX;
        if (inline && chunk != null && chunk.capacity() < content.remaining() + CHUNK_FRAMING) {
            if (!askedForRoom) {
                askedForRoom = true;
                return Result.NEED_CHUNK_TRAILER; // Jetty's way to a chunk buffer of the response header size
            }
            inline = false;
        }
        boolean chunkEmpty = !BufferUtil.hasContent(chunk);
        Result result = super.generateResponse(info, head, header, chunk, content, last);
        boolean chunkWritten = chunkEmpty && BufferUtil.hasContent(chunk);
        if (chunkWritten && paid) {
            int at = chunk.position();
            if (chunk.remaining() < 2 || chunk.get(at) != '\r' || chunk.get(at + 1) != '\n') {
                throw new IllegalStateException("Jetty's chunk header does not start with the CRLF it owed: "
                        + BufferUtil.toDetailString(chunk));
            }
            chunk.position(at + 2);
            paid = false;
        }
        if (result == Result.FLUSH) {
            askedForRoom = false;
        }
        if (result == Result.FLUSH && isChunking()) {
            if (inline && chunkWritten && withData(chunk, content)) {
                owed = false; // size, data and CRLF in this one write
                paid = true;
            } else if (hasContent) {
                owed = true; // its size and data go out now, its CRLF later
            } else if (chunkWritten) {
                owed = false; // the last chunk: nothing more is owed
            }
        }
        return result;
    }

    /**
     * Moves {@code content} into {@code chunk} after the chunk size Jetty wrote there, then the CRLF: the
     * connection's gathering write then sends one buffer, and TLS one record. The content buffer is only read
     * (and consumed, as writing it would); the chunk buffer is the connection's own. False when it does not fit.
     */
    private static boolean withData(ByteBuffer chunk, ByteBuffer content) {
        int data = content.remaining();
        if (chunk.capacity() - chunk.limit() < data + 2) {
            return false;
        }
        int start = chunk.position();
        int end = chunk.limit();
        chunk.limit(end + data + 2);
        chunk.position(end);
        chunk.put(content);
        chunk.put((byte) '\r').put((byte) '\n');
        chunk.position(start);
        return true;
    }
}
