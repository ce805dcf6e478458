package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * What is particular to one resource, as kube's {@code RESTCreateStrategy}/{@code RESTUpdateStrategy}:
 * the generic registry store does everything else (metadata, storage, watch, preconditions).
 * Every method has kube's generic default. Implementations are stateless and thread-safe. A strategy
 * that also implements {@link GracefulDeletion} has its deletes marked first.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface Strategy {

    /**
     * Sets the kind's defaults on an object being created or updated (kube's defaulting functions,
     * which run when a request body is decoded), before {@link #prepareForCreate} or
     * {@link #prepareForUpdate}. Unset fields only: what the client set is kept.
     */
    default void applyDefaults(ObjectNode object) {
    }

    /**
     * kube's name validation of the kind ({@code ValidateNameFunc}): the messages for an invalid
     * {@code metadata.name} (or, with {@code prefix}, {@code generateName}), empty when it is valid; null
     * for the server's default, a DNS-1123 subdomain. A StatefulSet or a Namespace, whose names must be
     * DNS-1123 labels, answers with {@code NameValidator.DNS1123_LABEL}'s messages.
     */
    default List<String> validateName(String name, boolean prefix) {
        return null;
    }

    /** Clears fields a client may not set on create (e.g. status) and sets defaults. */
    default void prepareForCreate(ObjectNode object) {
    }

    /** Carries over fields an update may not change (e.g. status on the main resource). */
    default void prepareForUpdate(ObjectNode object, ObjectNode old) {
    }

    /** Type-specific validation of a new object; metadata is validated by the store. */
    default List<FieldCause> validate(ObjectNode object) {
        return List.of();
    }

    /** Type-specific validation of an update. */
    default List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return validate(object);
    }

    /** Whether PUT of a missing object creates it (kube: true for a few types only). */
    default boolean allowCreateOnUpdate() {
        return false;
    }

    /** Whether an update without resourceVersion is accepted (kube: true for most types). */
    default boolean allowUnconditionalUpdate() {
        return true;
    }

    /**
     * Whether spec changes bump {@code metadata.generation} (types with a spec). The store bumps it
     * once after {@link #prepareForUpdate}, unless that already raised it (for changes beyond the spec).
     */
    default boolean tracksGeneration() {
        return false;
    }

    /**
     * Field-selector fields beyond {@code metadata.name} and {@code metadata.namespace}, as kube's
     * {@code GetAttrs} (e.g. {@code type} for Secrets). The keys are the same for every object, an
     * empty one too ({@code ""} for a value the object lacks): they are the fields the resource
     * supports, and a selector on any other field is refused with kube's 400
     * {@code field label not supported: <field>}.
     */
    default Map<String, String> selectableFields(ObjectNode object) {
        return Map.of();
    }

    /**
     * kube's message for a field selector on a field the resource does not support, or null for the
     * server's default (kube's conversion of a built-in kind's field labels: core/v1's
     * {@code field label not supported: <field>}, another group's default conversion error). Custom
     * resources answer {@code field label not supported: <field>} in every group.
     *
     * @since 2.4
     */
    default String unsupportedFieldSelector(String field) {
        return null;
    }

    /** The Table columns (kube's printers); null for kube's default (Name, Age). */
    default TableConvertor table() {
        return null;
    }

    /**
     * How long an object of this kind lives after its last write, in seconds; 0, the default, for ever. kube's
     * {@code TTLFunc}, which attaches an etcd lease to every write: core/v1 events live for kube-apiserver's
     * {@code --event-ttl}, an hour by default. The server deletes an object whose last write is that old straight
     * from storage, as etcd ends a lease: no finalizer or deletion timestamp holds it, and watchers see it
     * {@code DELETED}.
     *
     * @since 2.7
     */
    default long timeToLiveSeconds() {
        return 0;
    }
}
