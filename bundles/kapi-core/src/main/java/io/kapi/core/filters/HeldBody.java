package io.kapi.core.filters;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A body held in memory in chunks that are never copied as it grows (a ByteArrayOutputStream doubles and
 * copies its array: up to twice the body held, three times allocated). Chunks start small, for the many
 * small answers, and double up to 64 KiB.
 */
final class HeldBody extends OutputStream {
    private static final int FIRST_CHUNK = 1024;
    private static final int LARGEST_CHUNK = 64 * 1024;

    private final List<byte[]> chunks = new ArrayList<>();
    private int used; // bytes used in the last chunk
    private long size;

    @Override
    public void write(int b) {
        room()[used++] = (byte) b;
        size++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        while (len > 0) {
            byte[] chunk = room();
            int n = Math.min(len, chunk.length - used);
            System.arraycopy(b, off, chunk, used, n);
            used += n;
            off += n;
            len -= n;
            size += n;
        }
    }

    /** The last chunk, with room for at least one byte. */
    private byte[] room() {
        byte[] last = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
        if (last == null || used == last.length) {
            last = new byte[last == null ? FIRST_CHUNK : Math.min(last.length * 2, LARGEST_CHUNK)];
            chunks.add(last);
            used = 0;
        }
        return last;
    }

    long size() {
        return size;
    }

    void writeTo(OutputStream out) throws IOException {
        for (int i = 0; i < chunks.size(); i++) {
            byte[] chunk = chunks.get(i);
            out.write(chunk, 0, i == chunks.size() - 1 ? used : chunk.length);
        }
    }

    void reset() {
        chunks.clear();
        used = 0;
        size = 0;
    }
}
