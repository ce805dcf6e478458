package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The objects a conversion webhook has converted, by what was sent: kube-apiserver's watch cache
 * holds each custom resource decoded in every served version, so a LIST or a watch event in a version
 * other than the storage version does not call the webhook again for an object that has not changed.
 * Kapi converts as it reads; this cache gives the same: an object whose stored form and wanted
 * version were converted before is answered from here.
 *
 * <p>Keyed by the converter (one per definition generation: a changed {@code spec.conversion} starts
 * afresh), the wanted version and a SHA-256 of the object as sent (its stored JSON: no
 * resourceVersion), so a changed object misses. Bounded by the converted objects' JSON size
 * ({@code maxBytes}), least recently used first out. Only successful conversions are kept. Thread-safe.
 */
final class ConversionCache {
    private final long maxBytes;
    private final Map<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
    private long bytes;
    private long hits;
    private long misses;

    private record Entry(ObjectNode converted, long size) {
    }

    ConversionCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * {@code object} in {@code toVersion} as {@code converter} converts it: a copy of what {@code convert} gave for the same object
     * before, else what {@code convert} gives now (kept when it fits). {@code convert} may throw; then
     * nothing is kept.
     */
    ObjectNode get(String converter, ObjectNode object, String toVersion, Supplier<ObjectNode> convert) {
        String key = key(converter, object, toVersion);
        synchronized (this) {
            Entry e = entries.get(key);
            if (e != null) {
                hits++;
                return e.converted.deepCopy();
            }
            misses++;
        }
        ObjectNode converted = convert.get();
        long size = converted.toString().length(); // its JSON, in chars
        if (size <= maxBytes / 4) {
            synchronized (this) {
                Entry previous = entries.put(key, new Entry(converted.deepCopy(), size));
                bytes += size - (previous == null ? 0 : previous.size);
                for (Iterator<Entry> it = entries.values().iterator(); bytes > maxBytes && it.hasNext(); ) {
                    bytes -= it.next().size;
                    it.remove();
                }
            }
        }
        return converted;
    }

    private static String key(String converter, ObjectNode object, String toVersion) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(object.toString().getBytes(StandardCharsets.UTF_8));
            return converter + '/' + toVersion + '/' + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    synchronized long hits() {
        return hits;
    }

    synchronized long misses() {
        return misses;
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized long bytes() {
        return bytes;
    }
}
