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
 * <p>After a chunk with data has been written, Jetty calls the generator again with nothing more to
 * send; that call now writes the CRLF (one extra write of two bytes per flushed chunk). The next
 * chunk header Jetty makes starts with the CRLF it believes it still owes: those two bytes are skipped.
 * Not thread-safe, as Jetty's generator: one per connection, used by its sending side.
 */
final class EagerChunkGenerator extends HttpGenerator {
    /** A chunk's data went out and its closing CRLF has not: Jetty puts it before its next chunk header. */
    private boolean owed;
    /** The owed CRLF was sent here: the one Jetty puts first in its next chunk header is skipped. */
    private boolean paid;

    EagerChunkGenerator(boolean sendServerVersion, boolean sendXPoweredBy) {
        super(sendServerVersion, sendXPoweredBy);
    }

    @Override
    public void reset() {
        super.reset();
        owed = false;
        paid = false;
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
        if (result == Result.FLUSH && isChunking()) {
            if (hasContent) {
                owed = true; // its size and data go out now, its CRLF later
            } else if (chunkWritten) {
                owed = false; // the last chunk: nothing more is owed
            }
        }
        return result;
    }
}
