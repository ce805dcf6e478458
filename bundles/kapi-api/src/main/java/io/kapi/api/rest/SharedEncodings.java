package io.kapi.api.rest;

import java.util.function.Supplier;

/**
 * The encodings of one watch event object that every watcher receiving it with the same event type
 * shares (kube's {@code cachingObject}): each encoding, named by an id chosen by the encoder (e.g. the
 * media type and output form), is produced once and the same bytes are handed to every caller.
 */
@FunctionalInterface
@org.osgi.annotation.versioning.ProviderType
public interface SharedEncodings {
    /**
     * The bytes of encoding {@code id}, made by {@code encode} the first time it is asked for. The
     * returned array is shared: callers must not modify it.
     */
    byte[] encode(String id, Supplier<byte[]> encode);

    /** Nothing shared: every call encodes (for an event delivered to one watcher only). */
    SharedEncodings NONE = (id, encode) -> encode.get();
}
