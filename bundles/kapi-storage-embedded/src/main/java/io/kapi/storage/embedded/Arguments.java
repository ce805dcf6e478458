package io.kapi.storage.embedded;

import io.kapi.api.storage.StorageException;

import static io.kapi.storage.embedded.VersionCodec.SEP;

/** Checks the keys, prefixes and values callers hand the embedded store. */
final class Arguments {

    private Arguments() {
    }

    static void checkKey(String key) {
        if (key == null || key.isEmpty() || key.endsWith("/") || key.indexOf(SEP) >= 0) {
            throw new IllegalArgumentException("invalid key: " + key);
        }
    }

    static void checkPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty() || prefix.indexOf(SEP) >= 0) {
            throw new IllegalArgumentException("invalid key or prefix: " + prefix);
        }
    }

    static void checkValue(String key, byte[] value, int maxValueBytes) {
        if (value == null) {
            throw new IllegalArgumentException("value is null");
        }
        if (value.length > maxValueBytes) {
            throw new StorageException(StorageException.Code.TOO_LARGE, key, 0,
                    "value of " + value.length + " bytes exceeds the limit of " + maxValueBytes + " bytes");
        }
    }
}
