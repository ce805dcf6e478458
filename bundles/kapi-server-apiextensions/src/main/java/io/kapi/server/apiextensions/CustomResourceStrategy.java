package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.schema.Defaulting;
import io.kapi.machinery.schema.ObjectMetaCoercion;
import io.kapi.machinery.schema.Pruning;
import io.kapi.machinery.schema.ResourceRules;
import io.kapi.machinery.schema.SchemaValidator;
import io.kapi.machinery.schema.StructuralSchema;
import java.util.ArrayList;
import java.util.List;

/**
 * The custom resources of one version of a CustomResourceDefinition, as kube's apiextensions-apiserver
 * handles them: metadata cut down to ObjectMeta, unknown fields pruned, the schema's defaults applied
 * (in that order, as kube's decoder does), then the type meta, the structural schema and embedded
 * resources validated with kube's messages. A status subresource, when the version declares one, is
 * the core's generic one (the resource itself then ignores status).
 */
final class CustomResourceStrategy implements Strategy {
    private final String group;
    private final String version;
    private final String kind;
    private final StructuralSchema schema;
    private final SchemaValidator validator;
    private final TableConvertor table;

    CustomResourceStrategy(String group, String version, String kind, StructuralSchema schema, TableConvertor table) {
        this.group = group;
        this.version = version;
        this.kind = kind;
        this.schema = schema;
        this.validator = schema == null ? null : new SchemaValidator(schema);
        this.table = table;
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        if (schema == null) {
            return;
        }
        ObjectMetaCoercion.coerce(object, schema, true);
        Pruning.prune(object, schema, true);
        Defaulting.apply(object, schema);
        Defaulting.pruneNonNullableNullsWithoutDefaults(object, schema);
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> typeMeta = ResourceRules.validateTypeMeta(object, group, version, kind);
        if (!typeMeta.isEmpty()) {
            return typeMeta;
        }
        List<FieldCause> causes = new ArrayList<>();
        if (validator != null) {
            causes.addAll(validator.validate(object));
            causes.addAll(ResourceRules.validateEmbeddedResources(object, schema, false));
        }
        return causes;
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public boolean allowCreateOnUpdate() {
        return false;
    }

    @Override
    public TableConvertor table() {
        return table;
    }
}
