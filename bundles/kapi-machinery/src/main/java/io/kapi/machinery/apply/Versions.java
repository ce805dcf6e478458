package io.kapi.machinery.apply;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The other versions of a kind, as SMD's updater sees them through its {@code Converter}: a
 * managedFields entry records the version its manager wrote in, and a write at one version takes from,
 * conflicts with and prunes for that manager what changes in the object converted to the manager's
 * version, read with that version's schema. Without one ({@link FieldManager#converting}), every
 * version is read as the field manager's own (kube's {@code None} conversion of a custom resource:
 * versions that differ only in their name).
 */
public interface Versions {

    /**
     * {@code object} (at version {@code from}, without managed fields) converted to version {@code to}.
     *
     * @throws MissingVersion when {@code to} is not served: its managers' entries are dropped, as kube
     *     drops the entries of a version it no longer serves
     */
    JsonNode convert(JsonNode object, String from, String to);

    /** The field manager of {@code version}: its schema and ignored fields. */
    FieldManager fieldManager(String version);

    /** A version that is not served (SMD's {@code IsMissingVersionError}). */
    final class MissingVersion extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MissingVersion(String version) {
            super("cannot convert to invalid version: " + version);
        }
    }
}
