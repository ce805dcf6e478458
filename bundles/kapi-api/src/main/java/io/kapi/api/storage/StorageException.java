package io.kapi.api.storage;

/** A storage failure with the cause that the API layer maps to a kube {@code Status}. */
public class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Code {
        /** The key does not exist (kube: NotFound). */
        NOT_FOUND,
        /** The key already exists (kube: AlreadyExists). */
        EXISTS,
        /** The expected revision did not match (kube: Conflict). */
        CONFLICT,
        /** The requested revision was compacted away (kube: Expired, 410). */
        COMPACTED,
        /** A requested revision is newer than the store has (kube: Timeout / TooLargeResourceVersion). */
        FUTURE_REVISION,
        /** The backend cannot be reached or is closed (kube: ServiceUnavailable). */
        UNAVAILABLE,
        /** The value exceeds the backend's size limit (kube: RequestEntityTooLarge). */
        TOO_LARGE,
        /** Anything else (kube: InternalError). */
        INTERNAL
    }

    private final Code code;
    private final String key;
    private final long revision;

    public StorageException(Code code, String key, long revision, String message) {
        super(message);
        this.code = code;
        this.key = key;
        this.revision = revision;
    }

    public StorageException(Code code, String key, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.key = key;
        this.revision = 0;
    }

    public Code code() {
        return code;
    }

    public String key() {
        return key;
    }

    /** The revision relevant to the error (current revision for CONFLICT/FUTURE, compacted one for COMPACTED). */
    public long revision() {
        return revision;
    }

    public static StorageException notFound(String key) {
        return new StorageException(Code.NOT_FOUND, key, 0, "key not found: " + key);
    }

    public static StorageException exists(String key) {
        return new StorageException(Code.EXISTS, key, 0, "key exists: " + key);
    }

    public static StorageException conflict(String key, long current) {
        return new StorageException(Code.CONFLICT, key, current, "revision mismatch for " + key);
    }

    public static StorageException compacted(long compactedRevision) {
        return new StorageException(Code.COMPACTED, null, compactedRevision,
                "required revision has been compacted");
    }
}
