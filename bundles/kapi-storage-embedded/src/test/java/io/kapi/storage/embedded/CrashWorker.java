package io.kapi.storage.embedded;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.StorageException;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;

/**
 * Child process of {@link CrashDurabilityTest}: writes from several threads and prints every
 * acknowledged write ("C key revision" for creates, "U key revision value" for CAS updates of a
 * per-thread counter) until it is killed.
 */
public final class CrashWorker {

    private CrashWorker() {
    }

    public static void main(String[] args) throws Exception {
        String dir = args[0];
        String cycle = args[1];
        int creators = Integer.parseInt(args[2]);
        int updaters = Integer.parseInt(args[3]);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        long checkpointMillis = args.length > 4 ? Long.parseLong(args[4]) : 2000;
        EmbeddedStorage store = EmbeddedStorage.open(Paths.get(dir),
                new EmbeddedStorage.Options().checkpointIntervalMillis(checkpointMillis));
        synchronized (out) {
            out.println("READY " + store.currentRevision());
            out.flush();
        }
        for (int t = 0; t < creators; t++) {
            int id = t;
            start(() -> {
                for (int seq = 0; ; seq++) {
                    String key = "/registry/crash/c" + cycle + "-" + id + "-" + seq;
                    KeyValue kv = store.create(key, ("v" + seq).getBytes(StandardCharsets.UTF_8));
                    ack(out, "C " + key + " " + kv.modRevision());
                }
            });
        }
        for (int t = 0; t < updaters; t++) {
            String key = "/registry/counter/u" + t;
            start(() -> {
                KeyValue kv = store.get(key);
                if (kv == null) {
                    try {
                        kv = store.create(key, "0".getBytes(StandardCharsets.UTF_8));
                    } catch (StorageException e) {
                        kv = store.get(key);
                    }
                }
                while (true) {
                    long next = Long.parseLong(new String(kv.value(), StandardCharsets.UTF_8)) + 1;
                    kv = store.update(key, kv.modRevision(), Long.toString(next).getBytes(StandardCharsets.UTF_8));
                    ack(out, "U " + key + " " + kv.modRevision() + " " + next);
                }
            });
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void ack(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
    }
}
