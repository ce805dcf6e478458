package io.kapi.storage.embedded;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The embedded store's write-ahead log: every change, appended and forced to disk before it is
 * acknowledged, in numbered segment files ({@code wal-<sequence>.log}) beside the MVStore file.
 *
 * <p>MVStore is only a checkpoint of this log. Its crash recovery can come back at an older commit
 * than the last one it wrote (seen under kill -9: the last commits of a run missing after reopening),
 * so the store keeps the log back to the checkpoint <em>before</em> the last one and, when it opens,
 * applies every logged change the recovered MVStore lacks. A recovered MVStore older than the log
 * reaches is refused, never served with a silent gap.
 *
 * <p>Record: {@code [int length][int crc32c][payload]}, payload {@code [long revision][byte kind]
 * [long createRevision][int keyLength][key][int valueLength (-1: none)][value]}. A torn or corrupt
 * record can only be the tail of the newest segment (a write whose append never completed, so never
 * acknowledged); it and what follows are cut off. Anywhere else it is corruption and opening fails.
 *
 * <p>Appends come from one committer at a time; {@link #checkpointed} may run concurrently with
 * them (the segment switch is under the log's lock).
 */
final class WriteAheadLog implements Closeable {

    /** One logged change. {@code value} is null for a delete. */
    record Entry(long revision, byte kind, long createRevision, String key, byte[] value) {
    }

    /** Thrown when the log cannot be read as written: not a torn tail, something damaged. */
    static final class CorruptLogException extends IOException {
        CorruptLogException(String message) {
            super(message);
        }
    }

    private static final String PREFIX = "wal-";
    private static final String SUFFIX = ".log";
    private static final int RECORD_HEADER = 8;
    /** Largest record payload; the store refuses larger values before they are applied. */
    static final int MAX_PAYLOAD = 1024 * 1024 * 1024;
    /** Appends are written in buffers of about this size. */
    private static final int WRITE_CHUNK = 4 * 1024 * 1024;

    private static final class Segment {
        final long sequence;
        final Path path;
        long lastRevision; // 0 when it holds no record

        Segment(long sequence, Path path) {
            this.sequence = sequence;
            this.path = path;
        }
    }

    private final Path directory;
    private final Object lock = new Object();
    private final List<Segment> segments = new ArrayList<>(); // guarded by lock; oldest first, last is current
    // RandomAccessFile, not FileChannel: an interrupted writer thread must not close the log
    private RandomAccessFile current; // guarded by lock
    private long bytesSinceCheckpoint; // guarded by lock
    private long previousCheckpoint; // guarded by lock

    private WriteAheadLog(Path directory) {
        this.directory = directory;
    }

    /**
     * Opens the log in {@code directory}, hands every intact record to {@code sink} in order, cuts
     * off a torn tail, and starts a new segment for the appends to come.
     */
    static WriteAheadLog open(Path directory, java.util.function.Consumer<Entry> sink) throws IOException {
        WriteAheadLog wal = new WriteAheadLog(directory);
        List<Segment> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                String digits = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
                try {
                    found.add(new Segment(Long.parseLong(digits, 16), p));
                } catch (NumberFormatException e) {
                    // not one of ours
                }
            }
        }
        found.sort((a, b) -> Long.compare(a.sequence, b.sequence));
        // appends went to the last segment that has any bytes (a segment started just before the crash is empty)
        int newest = found.size() - 1;
        while (newest > 0 && Files.size(found.get(newest).path) == 0) {
            newest--;
        }
        long lastRevision = 0;
        for (int i = 0; i < found.size(); i++) {
            lastRevision = read(found.get(i), i >= newest, lastRevision, sink);
        }
        wal.segments.addAll(found);
        long next = found.isEmpty() ? 1 : found.get(found.size() - 1).sequence + 1;
        wal.startSegment(next);
        return wal;
    }

    /**
     * Reads one segment; returns the last revision read. Records must follow each other by revision. The segment
     * is read through one buffer of {@link #READ_CHUNK} bytes, not a read per record: at a start, a log a
     * checkpoint back holds up to a checkpoint's worth of records (tens of MiB after a burst of writes).
     */
    private static long read(Segment s, boolean newest, long lastRevision, java.util.function.Consumer<Entry> sink)
            throws IOException {
        try (FileChannel ch = FileChannel.open(s.path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            Window window = new Window(ch, size);
            long pos = 0;
            while (pos < size) {
                String problem = null;
                Entry entry = null;
                long recordEnd = pos;
                if (size - pos < RECORD_HEADER) {
                    problem = "a record header cut short";
                } else {
                    ByteBuffer header = window.at(pos, RECORD_HEADER);
                    int length = header.getInt(header.position());
                    int crc = header.getInt(header.position() + 4);
                    if (length <= 0 || length > MAX_PAYLOAD || length > size - pos - RECORD_HEADER) {
                        problem = "a record of impossible length " + length;
                    } else {
                        ByteBuffer payload = window.at(pos + RECORD_HEADER, length);
                        CRC32C c = new CRC32C();
                        c.update(payload.duplicate());
                        if ((int) c.getValue() != crc) {
                            problem = "a record whose checksum does not match";
                        } else {
                            entry = decode(payload);
                            recordEnd = pos + RECORD_HEADER + length;
                        }
                    }
                }
                if (problem != null) {
                    if (!newest) {
                        throw new CorruptLogException(s.path + " holds " + problem + " at byte " + pos
                                + ", and it is not the newest segment");
                    }
                    // The tail of the newest segment: an append the crash cut off (never acknowledged).
                    ch.truncate(pos);
                    ch.force(true);
                    break;
                }
                if (lastRevision != 0 && entry.revision() != lastRevision + 1) {
                    throw new CorruptLogException(s.path + " holds revision " + entry.revision() + " after "
                            + lastRevision + " at byte " + pos);
                }
                lastRevision = entry.revision();
                s.lastRevision = lastRevision;
                sink.accept(entry);
                pos = recordEnd;
            }
        }
        return lastRevision;
    }

    /** Bytes read from a segment per read while it is opened. */
    private static final int READ_CHUNK = 1024 * 1024;

    /** A segment read from start to end through one buffer, refilled from where the next record starts. */
    private static final class Window {
        private final FileChannel ch;
        private ByteBuffer buf;
        private long start; // the file position of buf's first byte

        /** {@code size}: the segment's size (an empty one, as every start and checkpoint begins, takes no buffer). */
        Window(FileChannel ch, long size) {
            this.ch = ch;
            this.buf = ByteBuffer.allocate((int) Math.min(READ_CHUNK, size)).limit(0);
        }

        /** {@code length} bytes from file position {@code pos} on, as a buffer positioned at them (shared, do not keep). */
        ByteBuffer at(long pos, int length) throws IOException {
            if (pos < start || pos + length > start + buf.limit()) {
                if (length > buf.capacity()) {
                    buf = ByteBuffer.allocate(length);
                }
                buf.clear();
                start = pos;
                long size = ch.size();
                int want = (int) Math.min(buf.capacity(), size - pos);
                buf.limit(Math.max(want, length));
                readFully(ch, buf, pos);
                buf.flip();
            }
            return buf.duplicate().position((int) (pos - start)).limit((int) (pos - start) + length);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    /** Switches the appends to a new segment; under the lock, so no append is half done in the old one. */
    private void startSegment(long sequence) throws IOException {
        Path p = directory.resolve(String.format("%s%016x%s", PREFIX, sequence, SUFFIX));
        synchronized (lock) {
            if (current != null) {
                // what was appended there may not have been synced yet: the sync to come goes to the new segment
                current.getFD().sync();
            }
            Files.createFile(p);
            RandomAccessFile file = new RandomAccessFile(p.toFile(), "rw");
            syncDirectory();
            if (current != null) {
                current.close();
            }
            current = file;
            segments.add(new Segment(sequence, p));
        }
    }

    /** Makes the new segment's name itself durable (the file's entry in the directory). */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform can open a directory; the data itself is forced with the file.
        }
    }

    /** Appends {@code entries} (consecutive revisions) in one write; {@link #sync} makes them durable. */
    void append(List<Entry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(Math.min(WRITE_CHUNK, 64 * 1024));
        ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER);
        CRC32C c = new CRC32C();
        long total = 0;
        synchronized (lock) {
            for (Entry e : entries) {
                byte[] p = encode(e);
                if (p.length > MAX_PAYLOAD) {
                    throw new IOException("a change of " + p.length + " bytes is larger than the log takes");
                }
                c.reset();
                c.update(p, 0, p.length);
                header.clear();
                header.putInt(p.length).putInt((int) c.getValue());
                buf.write(header.array(), 0, RECORD_HEADER);
                buf.write(p, 0, p.length);
                total += RECORD_HEADER + p.length;
                if (buf.size() >= WRITE_CHUNK) {
                    buf.writeTo(fileOutput());
                    buf.reset();
                }
            }
            buf.writeTo(fileOutput());
            segments.get(segments.size() - 1).lastRevision = entries.get(entries.size() - 1).revision();
            bytesSinceCheckpoint += total;
        }
    }

    /** The current segment as an output stream positioned at its end (caller holds the lock). */
    private java.io.OutputStream fileOutput() throws IOException {
        RandomAccessFile file = current;
        file.seek(file.length());
        return new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                file.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                file.write(b, off, len);
            }
        };
    }

    /** Forces what was appended to disk. */
    void sync() throws IOException {
        synchronized (lock) {
            current.getFD().sync();
        }
    }

    /** Bytes appended since the last checkpoint. */
    long bytesSinceCheckpoint() {
        synchronized (lock) {
            return bytesSinceCheckpoint;
        }
    }

    /**
     * Called once MVStore holds, durably, every change up to {@code revision}: starts a new segment and
     * deletes the segments only the checkpoint before this one could still need, so the log always
     * reaches back to the previous checkpoint.
     */
    void checkpointed(long revision) throws IOException {
        long keepAfter;
        Segment last;
        synchronized (lock) {
            keepAfter = previousCheckpoint;
            previousCheckpoint = revision;
            bytesSinceCheckpoint = 0;
            last = segments.get(segments.size() - 1);
        }
        startSegment(last.sequence + 1);
        List<Segment> obsolete = new ArrayList<>();
        synchronized (lock) {
            // never the two newest: the one just started and the one the appends before it went to
            for (int i = 0; i < segments.size() - 2; i++) {
                Segment s = segments.get(i);
                if (s.lastRevision <= keepAfter) {
                    obsolete.add(s);
                }
            }
            segments.removeAll(obsolete);
        }
        for (Segment s : obsolete) {
            Files.deleteIfExists(s.path);
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (lock) {
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }

    private static byte[] encode(Entry e) {
        byte[] key = e.key().getBytes(StandardCharsets.UTF_8);
        int valueLength = e.value() == null ? 0 : e.value().length;
        ByteBuffer b = ByteBuffer.allocate(8 + 1 + 8 + 4 + key.length + 4 + valueLength);
        b.putLong(e.revision()).put(e.kind()).putLong(e.createRevision()).putInt(key.length).put(key);
        if (e.value() == null) {
            b.putInt(-1);
        } else {
            b.putInt(valueLength).put(e.value());
        }
        return b.array();
    }

    /** The record {@code b} holds from its position to its limit. */
    private static Entry decode(ByteBuffer b) throws CorruptLogException {
        try {
            long revision = b.getLong();
            byte kind = b.get();
            long create = b.getLong();
            byte[] key = new byte[b.getInt()];
            b.get(key);
            int valueLength = b.getInt();
            byte[] value = null;
            if (valueLength >= 0) {
                value = new byte[valueLength];
                b.get(value);
            }
            if (b.hasRemaining()) {
                throw new CorruptLogException("a record with " + b.remaining() + " bytes left over");
            }
            return new Entry(revision, kind, create, new String(key, StandardCharsets.UTF_8), value);
        } catch (RuntimeException e) {
            throw new CorruptLogException("a record that does not decode: " + e);
        }
    }
}
