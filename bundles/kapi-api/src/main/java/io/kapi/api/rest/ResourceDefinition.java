package io.kapi.api.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One resource of an API group version, as kube's {@code APIResource} plus what serves it. Build one
 * with {@link #builder}.
 *
 * @param version the group version serving it (e.g. {@code v1})
 * @param plural the resource name in paths ({@code configmaps})
 * @param singular {@code configmap}
 * @param kind {@code ConfigMap}
 * @param namespaced whether objects live in namespaces
 * @param shortNames kubectl's short names ({@code cm})
 * @param categories e.g. {@code all}
 * @param schema the OpenAPI v3 schema of the kind (the whole object), or null
 * @param strategy the resource's strategy for the generic registry store
 * @param storage custom REST storage built from the storage binding, or null for the generic store
 * @param status the {@code status} subresource, or null for none
 * @param scale the {@code scale} subresource, or null for none
 * @param storageVersion the version objects of this resource are stored in, or null: the group's most
 *     preferred version that has the resource (as kube's default storage versions). Every version of a
 *     resource must name the same one
 * @param converter conversion between the versions of the resource, or null for kube's {@code None}
 *     strategy (only {@code apiVersion} changes)
 * @param definitions the named schemas {@code schema} refers to ({@code "$ref":
 *     "#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec"}), as an OpenAPI document's
 *     {@code components.schemas}; null when it refers only to kube's object and list metadata, which the
 *     server knows
 * @param subresources the subresources beyond {@code status} and {@code scale}
 * @param sharedStorage where the objects are stored when they are another resource's, or null
 * @param deprecationWarning the warning every request to this version of the resource answers in a
 *     {@code Warning} header, as kube's for a deprecated API ({@code v1 ComponentStatus is deprecated in
 *     v1.19+}), or null when it is not deprecated
 */
public record ResourceDefinition(String version, String plural, String singular, String kind, boolean namespaced,
                                 List<String> shortNames, List<String> categories, ObjectNode schema,
                                 Strategy strategy, RestStorageFactory storage, StatusStrategy status,
                                 ScaleSubresource scale, String storageVersion, VersionConverter converter,
                                 ObjectNode definitions, List<Subresource> subresources, SharedStorage sharedStorage,
                                 String deprecationWarning) {
    public ResourceDefinition {
        subresources = subresources == null ? List.of() : List.copyOf(subresources);
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(plural, "plural");
        Objects.requireNonNull(kind, "kind");
        shortNames = shortNames == null ? List.of() : List.copyOf(shortNames);
        categories = categories == null ? List.of() : List.copyOf(categories);
        if (strategy == null && storage == null) {
            strategy = new Strategy() { };
        }
        if (sharedStorage != null && (storageVersion != null || converter != null)) {
            throw new IllegalArgumentException(plural + " is stored as " + sharedStorage.resource()
                    + ": its storage version and conversion are that resource's");
        }
        if ((status != null || scale != null) && strategy == null) {
            throw new IllegalArgumentException("the status and scale subresources of " + plural
                    + " are served by the generic store: they need a strategy");
        }
    }

    /** A definition of an API that is not deprecated (the form of the API's 2.3 release). */
    public ResourceDefinition(String version, String plural, String singular, String kind, boolean namespaced,
                              List<String> shortNames, List<String> categories, ObjectNode schema,
                              Strategy strategy, RestStorageFactory storage, StatusStrategy status,
                              ScaleSubresource scale, String storageVersion, VersionConverter converter,
                              ObjectNode definitions, List<Subresource> subresources, SharedStorage sharedStorage) {
        this(version, plural, singular, kind, namespaced, shortNames, categories, schema, strategy, storage, status,
                scale, storageVersion, converter, definitions, subresources, sharedStorage, null);
    }

    /** A definition without subresources beyond status and scale (the form of the API's 2.2 release). */
    public ResourceDefinition(String version, String plural, String singular, String kind, boolean namespaced,
                              List<String> shortNames, List<String> categories, ObjectNode schema,
                              Strategy strategy, RestStorageFactory storage, StatusStrategy status,
                              ScaleSubresource scale, String storageVersion, VersionConverter converter,
                              ObjectNode definitions) {
        this(version, plural, singular, kind, namespaced, shortNames, categories, schema, strategy, storage, status,
                scale, storageVersion, converter, definitions, List.of(), null, null);
    }

    /** A resource without subresources, stored in its own version (the form of the API's 2.0 release). */
    public ResourceDefinition(String version, String plural, String singular, String kind, boolean namespaced,
                              List<String> shortNames, List<String> categories, ObjectNode schema,
                              Strategy strategy, RestStorageFactory storage) {
        this(version, plural, singular, kind, namespaced, shortNames, categories, schema, strategy, storage,
                null, null, null, null, null, List.of(), null, null);
    }

    /** Starts a definition of {@code plural} of kind {@code kind} in {@code version}: cluster-scoped, no subresources. */
    public static Builder builder(String version, String plural, String kind) {
        return new Builder(version, plural, kind);
    }

    /** Builds custom REST storage; the returned object implements the verb interfaces it supports. */
    @FunctionalInterface
    public interface RestStorageFactory {
        Object create(StorageBinding binding);
    }

    /** A {@link ResourceDefinition} step by step; unset parts take the record's defaults. */
    public static final class Builder {
        private final String version;
        private final String plural;
        private final String kind;
        private String singular;
        private boolean namespaced;
        private List<String> shortNames = List.of();
        private List<String> categories = List.of();
        private ObjectNode schema;
        private Strategy strategy;
        private RestStorageFactory storage;
        private StatusStrategy status;
        private ScaleSubresource scale;
        private String storageVersion;
        private VersionConverter converter;
        private ObjectNode definitions;
        private final java.util.List<Subresource> subresources = new java.util.ArrayList<>();
        private SharedStorage sharedStorage;
        private String deprecationWarning;

        private Builder(String version, String plural, String kind) {
            this.version = version;
            this.plural = plural;
            this.kind = kind;
        }

        /** Defaults to the kind in lower case. */
        public Builder singular(String singular) {
            this.singular = singular;
            return this;
        }

        public Builder namespaced(boolean namespaced) {
            this.namespaced = namespaced;
            return this;
        }

        public Builder shortNames(String... shortNames) {
            this.shortNames = List.of(shortNames);
            return this;
        }

        public Builder categories(String... categories) {
            this.categories = List.of(categories);
            return this;
        }

        public Builder schema(ObjectNode schema) {
            this.schema = schema;
            return this;
        }

        public Builder strategy(Strategy strategy) {
            this.strategy = strategy;
            return this;
        }

        public Builder storage(RestStorageFactory storage) {
            this.storage = storage;
            return this;
        }

        public Builder status(StatusStrategy status) {
            this.status = status;
            return this;
        }

        public Builder scale(ScaleSubresource scale) {
            this.scale = scale;
            return this;
        }

        public Builder storageVersion(String storageVersion) {
            this.storageVersion = storageVersion;
            return this;
        }

        public Builder converter(VersionConverter converter) {
            this.converter = converter;
            return this;
        }

        /** A subresource beyond status and scale; one per name. */
        public Builder subresource(Subresource subresource) {
            if (subresources.stream().anyMatch(s -> s.name().equals(subresource.name()))) {
                throw new IllegalArgumentException("subresource " + subresource.name() + " of " + plural + " is declared twice");
            }
            subresources.add(subresource);
            return this;
        }

        /** Stores the objects as another group's resource's ({@link SharedStorage}). */
        public Builder sharedStorage(SharedStorage sharedStorage) {
            this.sharedStorage = sharedStorage;
            return this;
        }

        /** Marks the resource deprecated in this version: each request answers {@code warning} in a {@code Warning} header. */
        public Builder deprecated(String warning) {
            this.deprecationWarning = warning;
            return this;
        }

        /** The named schemas {@link #schema(ObjectNode)} refers to. */
        public Builder definitions(ObjectNode definitions) {
            this.definitions = definitions;
            return this;
        }

        /**
         * The kind's schema from an OpenAPI document's {@code components.schemas} (as kube publishes them,
         * e.g. {@code io.k8s.api.apps.v1.Deployment}), with the document's other schemas as its definitions.
         *
         * @throws IllegalArgumentException when {@code components} has no schema of that name
         */
        public Builder openApi(ObjectNode components, String schemaName) {
            if (!(components.get(schemaName) instanceof ObjectNode kindSchema)) {
                throw new IllegalArgumentException("no schema " + schemaName + " among the components given");
            }
            this.schema = kindSchema;
            this.definitions = components;
            return this;
        }

        public ResourceDefinition build() {
            return new ResourceDefinition(version, plural,
                    singular != null ? singular : kind == null ? null : kind.toLowerCase(Locale.ROOT), kind, namespaced,
                    shortNames, categories, schema, strategy, storage, status, scale, storageVersion, converter,
                    definitions, subresources, sharedStorage, deprecationWarning);
        }
    }
}
