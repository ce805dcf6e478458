package io.kapi.storage.testsupport;

import io.kapi.api.storage.KeyValue;
import io.kapi.api.storage.ListResult;
import io.kapi.api.storage.Storage;
import io.kapi.api.storage.Watch;
import io.kapi.api.storage.WatchListener;

import java.util.function.UnaryOperator;

/** A {@link Storage} that hands every call to another; test doubles override the calls they watch or break. */
public abstract class ForwardingStorage implements Storage {
    protected final Storage delegate;

    protected ForwardingStorage(Storage delegate) {
        this.delegate = delegate;
    }

    @Override
    public long currentRevision() {
        return delegate.currentRevision();
    }

    @Override
    public long compactedRevision() {
        return delegate.compactedRevision();
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        return delegate.create(key, value);
    }

    @Override
    public KeyValue get(String key) {
        return delegate.get(key);
    }

    @Override
    public ListResult list(String prefix, long revision, String startAfter, int limit) {
        return delegate.list(prefix, revision, startAfter, limit);
    }

    @Override
    public long count(String prefix) {
        return delegate.count(prefix);
    }

    @Override
    public KeyValue update(String key, long expectedModRevision, byte[] value) {
        return delegate.update(key, expectedModRevision, value);
    }

    @Override
    public KeyValue delete(String key, long expectedModRevision) {
        return delegate.delete(key, expectedModRevision);
    }

    @Override
    public KeyValue guaranteedUpdate(String key, UnaryOperator<KeyValue> update) {
        return delegate.guaranteedUpdate(key, update);
    }

    @Override
    public Watch watch(String keyOrPrefix, long fromRevision, WatchListener listener) {
        return delegate.watch(keyOrPrefix, fromRevision, listener);
    }

    @Override
    public void compact(long revision) {
        delegate.compact(revision);
    }
}
