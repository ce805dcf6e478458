package io.kapi.storage.embedded;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteAheadLogTest {

    @TempDir
    Path dir;

    private static WriteAheadLog.Entry put(long rev, String key, String value) {
        return new WriteAheadLog.Entry(rev, (byte) 0, rev, key, value.getBytes(StandardCharsets.UTF_8));
    }

    private List<WriteAheadLog.Entry> reopen() throws IOException {
        List<WriteAheadLog.Entry> read = new ArrayList<>();
        WriteAheadLog.open(dir, read::add).close();
        return read;
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("wal-")).sorted().toList();
        }
    }

    @Test
    void appendedEntriesComeBackInOrderAfterReopening() throws IOException {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, e -> { })) {
            wal.append(List.of(put(1, "/a", "1"), put(2, "/b", "2")));
            wal.append(List.of(new WriteAheadLog.Entry(3, (byte) 1, 1, "/a", null)));
            wal.sync();
        }
        List<WriteAheadLog.Entry> read = reopen();
        assertEquals(3, read.size());
        assertEquals("/b", read.get(1).key());
        assertArrayEquals("2".getBytes(StandardCharsets.UTF_8), read.get(1).value());
        assertNull(read.get(2).value());
        assertEquals(1, read.get(2).createRevision());
    }

    @Test
    void aTornTailIsCutOffAndTheLogGoesOn() throws IOException {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, e -> { })) {
            wal.append(List.of(put(1, "/a", "1"), put(2, "/b", "2")));
            wal.sync();
        }
        Path newest = segments().get(segments().size() - 1);
        long intact = Files.size(newest);
        // half of a third record: its length says more than is there
        Files.write(newest, new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 9, 9}, StandardOpenOption.APPEND);
        assertEquals(2, reopen().size());
        assertEquals(intact, Files.size(newest), "the torn record is cut off");
        // and a record that is all there but whose checksum does not match
        try (WriteAheadLog wal = WriteAheadLog.open(dir, e -> { })) {
            wal.append(List.of(put(3, "/c", "3")));
        }
        newest = segments().get(segments().size() - 1);
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 1] ^= 1;
        Files.write(newest, bytes);
        assertEquals(2, reopen().size());
    }

    @Test
    void recordsAcrossTheReadBufferAndLargerThanItComeBackWhole() throws IOException {
        // the log is read through a buffer of 1 MiB: records straddle it, and one is three times its size
        List<WriteAheadLog.Entry> written = new ArrayList<>();
        String small = "v".repeat(700);
        for (int i = 1; i <= 3000; i++) {
            written.add(put(i, "/k/" + i, i == 1500 ? "L".repeat(3 * 1024 * 1024 + 17) : small + i));
        }
        try (WriteAheadLog wal = WriteAheadLog.open(dir, e -> { })) {
            wal.append(written);
            wal.sync();
        }
        List<WriteAheadLog.Entry> read = reopen();
        assertEquals(written.size(), read.size());
        for (int i = 0; i < written.size(); i++) {
            assertEquals(written.get(i).revision(), read.get(i).revision());
            assertEquals(written.get(i).key(), read.get(i).key());
            assertArrayEquals(written.get(i).value(), read.get(i).value(), "the value of revision " + (i + 1));
        }
        // a large record torn at its end is still a torn tail
        try (WriteAheadLog wal = WriteAheadLog.open(dir, e -> { })) {
            wal.append(List.of(put(3001, "/big", "B".repeat(2 * 1024 * 1024))));
        }
        Path newest = segments().get(segments().size() - 1);
        long intact = Files.size(newest);
        try (var ch = java.nio.channels.FileChannel.open(newest, StandardOpenOption.WRITE)) {
            ch.truncate(intact - 100);
        }
        assertEquals(3000, reopen().size());
        assertEquals(0, Files.size(newest), "the torn record is cut off");
    }

    @Test
    void aRecordHeaderAcrossTheReadBufferOrARecordEndingOnItComesBackWhole() throws IOException {
        // the first record fills the 1 MiB buffer but for k bytes: the second record's header starts k bytes before
        // its end (k = 4: the header straddles it; k = 0: the first record ends exactly on it)
        for (int k : new int[] {0, 4, 8, 13}) {
            Path d = Files.createDirectory(dir.resolve("k" + k));
            int value = 1024 * 1024 - k - 33 - "/first".length(); // a record is 33 bytes and its key and value
            List<WriteAheadLog.Entry> written = new ArrayList<>();
            written.add(put(1, "/first", "f".repeat(value)));
            for (int i = 2; i <= 50; i++) {
                written.add(put(i, "/k/" + i, "v" + i));
            }
            try (WriteAheadLog wal = WriteAheadLog.open(d, e -> { })) {
                wal.append(written);
            }
            List<WriteAheadLog.Entry> read = new ArrayList<>();
            WriteAheadLog.open(d, read::add).close();
            assertEquals(50, read.size(), "k = " + k);
            assertEquals(value, read.get(0).value().length);
            for (int i = 1; i < 50; i++) {
                assertEquals("/k/" + (i + 1), read.get(i).key(), "k = " + k);
                assertArrayEquals(written.get(i).value(), read.get(i).value(), "k = " + k);
            }
        }
    }

    @Test
    void aDamagedLargeRecordIsCutOffInTheNewestSegmentAndRefusedInAnOlderOne() throws IOException {
        String big = "B".repeat(2 * 1024 * 1024);
        for (boolean newest : new boolean[] {true, false}) {
            Path d = Files.createDirectory(dir.resolve("newest-" + newest));
            try (WriteAheadLog wal = WriteAheadLog.open(d, e -> { })) {
                wal.append(List.of(put(1, "/a", "1"), put(2, "/big", big), put(3, "/c", "3")));
            }
            Path written;
            try (Stream<Path> files = Files.list(d)) {
                written = files.sorted().reduce((a, b) -> b).orElseThrow();
            }
            if (!newest) {
                // a record in a newer segment: the damaged one is no longer in the newest
                try (WriteAheadLog wal = WriteAheadLog.open(d, e -> { })) {
                    wal.append(List.of(put(4, "/d", "4")));
                }
            }
            byte[] bytes = Files.readAllBytes(written);
            bytes[bytes.length / 2] ^= 1; // inside the large record's value
            Files.write(written, bytes);
            List<WriteAheadLog.Entry> read = new ArrayList<>();
            if (newest) {
                WriteAheadLog.open(d, read::add).close();
                assertEquals(1, read.size(), "the damaged record and what follows it are cut off");
            } else {
                assertThrows(WriteAheadLog.CorruptLogException.class, () -> WriteAheadLog.open(d, read::add).close());
            }
        }
    }

    @Test
    void aTornTailBeforeAnEmptyNewerSegmentIsStillATornTail() throws IOException {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, e -> { })) {
            wal.append(List.of(put(1, "/a", "1"), put(2, "/b", "2")));
        }
        List<Path> before = segments();
        Path written = before.get(before.size() - 1);
        Files.write(written, new byte[] {0, 0, 0, 40, 1, 2}, StandardOpenOption.APPEND);
        // a segment started by a checkpoint just before the crash, nothing appended to it yet
        String name = written.getFileName().toString();
        long seq = Long.parseLong(name.substring(4, name.length() - 4), 16);
        Files.createFile(dir.resolve(String.format("wal-%016x.log", seq + 1)));
        assertEquals(2, reopen().size());
    }

    @Test
    void damageBeforeTheNewestSegmentIsRefused() throws IOException {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, e -> { })) {
            wal.append(List.of(put(1, "/a", "1"), put(2, "/b", "2")));
        }
        try (WriteAheadLog wal = WriteAheadLog.open(dir, e -> { })) {
            wal.append(List.of(put(3, "/c", "3")));
        }
        Path first = segments().get(0);
        byte[] bytes = Files.readAllBytes(first);
        bytes[12] ^= 1;
        Files.write(first, bytes);
        WriteAheadLog.CorruptLogException e = assertThrows(WriteAheadLog.CorruptLogException.class, this::reopen);
        assertTrue(e.getMessage().contains("not the newest segment"), e.getMessage());
    }

    @Test
    void checkpointsKeepTheLogBackToTheCheckpointBefore() throws IOException {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, e -> { })) {
            wal.append(List.of(put(1, "/a", "1"), put(2, "/b", "2")));
            wal.checkpointed(2);
            wal.append(List.of(put(3, "/c", "3")));
            wal.checkpointed(3);
            // revisions above the checkpoint before the last (2) are all still there
            wal.append(List.of(put(4, "/d", "4")));
            wal.checkpointed(4);
            wal.append(List.of(put(5, "/e", "5")));
        }
        List<WriteAheadLog.Entry> read = reopen();
        assertEquals(4, read.get(0).revision(), "the log starts right after the checkpoint before the last");
        assertEquals(5, read.get(read.size() - 1).revision());
    }

    @Test
    void anInterruptedWriterDoesNotCloseTheLog() throws IOException {
        try (WriteAheadLog wal = WriteAheadLog.open(dir, e -> { })) {
            Thread.currentThread().interrupt();
            try {
                wal.append(List.of(put(1, "/a", "1")));
                wal.sync();
            } finally {
                assertTrue(Thread.interrupted(), "the interrupt is left for the caller");
            }
            wal.append(List.of(put(2, "/b", "2")));
            wal.sync();
        }
        assertEquals(2, reopen().size());
    }

    // ---------------------------------------------------------------- through EmbeddedStorage

    @Test
    void writesAndReadsFromInterruptedThreadsLeaveTheStoreWorking() throws IOException {
        Path store = dir.resolve("store");
        try (EmbeddedStorage s = EmbeddedStorage.open(store)) {
            Thread.currentThread().interrupt();
            try {
                s.create("/registry/x/a", v("a"));
                assertNotNull(s.get("/registry/x/a"));
            } finally {
                Thread.interrupted();
            }
            s.create("/registry/x/b", v("b"));
        }
        try (EmbeddedStorage s = EmbeddedStorage.open(store)) {
            assertEquals(2, s.count("/registry/x/"));
        }
    }

    private static byte[] v(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aStoreFileThatCameBackOlderIsCompletedFromTheLog() throws IOException {
        Path store = dir.resolve("store");
        KeyValue a;
        try (EmbeddedStorage s = EmbeddedStorage.open(store)) {
            a = s.create("/registry/x/a", v("a"));
        }
        Path file = store.resolve(EmbeddedStorage.FILE_NAME);
        Path older = dir.resolve("older.mv.db");
        Files.copy(file, older);
        KeyValue b;
        KeyValue c;
        try (EmbeddedStorage s = EmbeddedStorage.open(store)) {
            b = s.create("/registry/x/b", v("b"));
            c = s.update("/registry/x/a", a.modRevision(), v("a2"));
        }
        // what MVStore's crash recovery was seen to do: come back without its last commits
        Files.copy(older, file, StandardCopyOption.REPLACE_EXISTING);
        try (EmbeddedStorage s = EmbeddedStorage.open(store)) {
            assertEquals(c.modRevision(), s.currentRevision());
            assertNotNull(s.get("/registry/x/b"));
            assertEquals(b.modRevision(), s.get("/registry/x/b").modRevision());
            assertArrayEquals(v("a2"), s.get("/registry/x/a").value());
            assertEquals(a.modRevision(), s.get("/registry/x/a").createRevision());
        }
    }

    @Test
    void aStoreFileOlderThanTheLogReachesIsRefused() throws IOException {
        Path store = dir.resolve("store");
        try (EmbeddedStorage s = EmbeddedStorage.open(store)) {
            s.create("/registry/x/seed", v("seed"));
        }
        Path file = store.resolve(EmbeddedStorage.FILE_NAME);
        Path older = dir.resolve("older.mv.db");
        Files.copy(file, older);
        // enough checkpoints that the log no longer reaches back to the copied file
        for (int i = 0; i < 3; i++) {
            try (EmbeddedStorage s = EmbeddedStorage.open(store)) {
                s.create("/registry/x/k" + i, v("v"));
            }
        }
        Files.copy(older, file, StandardCopyOption.REPLACE_EXISTING);
        StorageException e = assertThrows(StorageException.class, () -> EmbeddedStorage.open(store));
        assertEquals(StorageException.Code.UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("are missing"), e.getMessage());
    }

    @Test
    void aStoreFileFromAnotherHistoryIsRefused() throws IOException {
        Path one = dir.resolve("one");
        Path other = dir.resolve("other");
        try (EmbeddedStorage s = EmbeddedStorage.open(one)) {
            s.create("/registry/x/a", v("a"));
        }
        try (EmbeddedStorage s = EmbeddedStorage.open(other)) {
            s.create("/registry/x/b", v("b"));
        }
        // same revisions, different changes: the log must not be skipped as if the file had them
        Files.copy(other.resolve(EmbeddedStorage.FILE_NAME), one.resolve(EmbeddedStorage.FILE_NAME),
                StandardCopyOption.REPLACE_EXISTING);
        StorageException e = assertThrows(StorageException.class, () -> EmbeddedStorage.open(one));
        assertTrue(e.getMessage().contains("disagree at revision 1"), e.getMessage());
    }

    @Test
    void aStoreFileThatAgreesAtFirstAndDisagreesLaterIsRefused() throws IOException {
        // the file's log map is read forward alongside the write-ahead log: a disagreement after agreements is found too
        Path one = dir.resolve("one");
        Path other = dir.resolve("other");
        try (EmbeddedStorage s = EmbeddedStorage.open(one)) {
            s.create("/registry/x/a", v("a"));
            s.create("/registry/x/b", v("b"));
            s.create("/registry/x/c", v("c"));
        }
        try (EmbeddedStorage s = EmbeddedStorage.open(other)) {
            s.create("/registry/x/a", v("a"));
            s.create("/registry/x/b", v("b"));
            s.create("/registry/x/other", v("o"));
        }
        Files.copy(other.resolve(EmbeddedStorage.FILE_NAME), one.resolve(EmbeddedStorage.FILE_NAME),
                StandardCopyOption.REPLACE_EXISTING);
        StorageException e = assertThrows(StorageException.class, () -> EmbeddedStorage.open(one));
        assertTrue(e.getMessage().contains("disagree at revision 3"), e.getMessage());
    }
}
