package io.kapi.storage.etcd;

import io.kapi.api.storage.KeyValue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Maps the contract's keys to etcd's and back: the configured prefix in front of every key, etcd's
 * prefix range ends, and etcd's key-values as the contract's.
 */
final class EtcdKeys {

    private final byte[] prefix;

    EtcdKeys(String prefix) {
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
    }

    byte[] fullBytes(String key) {
        return concat(prefix, key.getBytes(StandardCharsets.UTF_8));
    }

    ByteString full(String key) {
        return UnsafeByteOperations.unsafeWrap(fullBytes(key));
    }

    /** The key as the contract knows it: etcd's key without the configured prefix. */
    String strip(ByteString etcdKey) {
        int from = etcdKey.size() >= prefix.length
                && etcdKey.substring(0, prefix.length).equals(UnsafeByteOperations.unsafeWrap(prefix)) ? prefix.length : 0;
        return etcdKey.substring(from).toStringUtf8();
    }

    KeyValue keyValue(io.etcd.jetcd.api.KeyValue kv) {
        return new KeyValue(strip(kv.getKey()), kv.getValue().toByteArray(), kv.getCreateRevision(), kv.getModRevision());
    }

    /** etcd's prefix range end: the prefix with its last byte below 0xff incremented. */
    static byte[] rangeEnd(byte[] p) {
        byte[] end = p.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if ((end[i] & 0xff) < 0xff) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        // all 0xff (or empty): "to the end of the key space" is spelled as a single NUL byte
        return new byte[] {0};
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
