package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.schema.Correlation;
import io.kapi.machinery.schema.Defaulting;
import io.kapi.machinery.schema.ListSetsAndMaps;
import io.kapi.machinery.schema.ObjectMetaCoercion;
import io.kapi.machinery.schema.Pruning;
import io.kapi.machinery.schema.ResourceRules;
import io.kapi.machinery.schema.SchemaValidator;
import io.kapi.machinery.schema.StructuralSchema;
import io.kapi.server.apiextensions.cel.RuleValidator;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The custom resources of one version of a CustomResourceDefinition, as kube's apiextensions-apiserver
 * handles them: metadata cut down to ObjectMeta, unknown fields pruned, the schema's defaults applied
 * (in that order, as kube's decoder does), then the type meta, the structural schema and embedded
 * resources validated with kube's messages. A status subresource, when the version declares one, is
 * the core's generic one (the resource itself then ignores status). The version's {@code selectableFields}
 * are its field selectors beside the metadata's (kube's {@code GetAttrs}: the value printed as Go's
 * {@code fmt.Sprint} does, {@code ""} where the object has none). While the definition is terminating, a
 * create is refused with kube's 405, as its handler refuses it before the store. The schema's
 * {@code x-kubernetes-validations} rules run last, as kube's strategy runs them: not at all (one error
 * saying so) after a blocking schema error, with {@code oldSelf} on update and on status writes.
 * An update ratchets as kube 1.32's does (CRDValidationRatcheting, on by default): the schema's and
 * the rules' errors of values left unchanged are dropped (see {@link Correlation}), and duplicate set
 * items or map keys only count when the stored object had none. Status writes ratchet the duplicates
 * only: kube 1.32 validates their status and rules without ratcheting.
 */
final class CustomResourceStrategy implements Strategy, io.kapi.api.rest.Unstructured {
    private final String group;
    private final String version;
    private final String kind;
    private final StructuralSchema schema;
    private final SchemaValidator validator;
    private final TableConvertor table;
    private final String plural;
    /** Each selectable field's name (its JSONPath without the leading dot) and path. */
    private final Map<String, String> selectable;
    private final boolean terminating;
    /** The compiled CEL rules, or null; set by {@link #withRules} before the strategy is shared. */
    private RuleValidator rules;

    CustomResourceStrategy(String group, String version, String kind, StructuralSchema schema, TableConvertor table) {
        this(group, version, kind, null, schema, table, List.of(), false);
    }

    /**
     * @param selectableFields the version's selectable fields' JSONPaths ({@code .spec.color})
     * @param terminating whether the definition is being deleted: creates are refused
     */
    CustomResourceStrategy(String group, String version, String kind, String plural, StructuralSchema schema,
                           TableConvertor table, List<String> selectableFields, boolean terminating) {
        this.plural = plural;
        this.terminating = terminating;
        Map<String, String> fields = new LinkedHashMap<>();
        for (String path : selectableFields) {
            fields.put(path.startsWith(".") ? path.substring(1) : path, path);
        }
        this.selectable = Map.copyOf(fields);
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

    /**
     * Sets the version's {@code x-kubernetes-validations} rules from its {@code openAPIV3Schema} (null or
     * a schema without rules: none). Called once, right after construction, before the strategy is shared.
     */
    CustomResourceStrategy withRules(JsonNode openAPIV3Schema) {
        this.rules = schema == null || openAPIV3Schema == null ? null : RuleValidator.of(openAPIV3Schema);
        return this;
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        return withRules(schemaCauses(object, null), object, null, null);
    }

    /**
     * The type meta, schema (ratcheted with {@code correlation} on update, else null), embedded
     * resources and list invariants; the CEL rules come after.
     */
    private List<FieldCause> schemaCauses(ObjectNode object, Correlation correlation) {
        List<FieldCause> typeMeta = ResourceRules.validateTypeMeta(object, group, version, kind);
        if (!typeMeta.isEmpty()) {
            return typeMeta;
        }
        List<FieldCause> causes = new ArrayList<>();
        if (validator != null) {
            causes.addAll(correlation == null ? validator.validate(object) : validator.validateUpdate(correlation));
            causes.addAll(ResourceRules.validateEmbeddedResources(object, schema, false));
            causes.addAll(ListSetsAndMaps.validate(object, schema));
        }
        return causes;
    }

    /**
     * The status subresource's validation (kube 1.32's status strategy): the status against its schema,
     * duplicates in sets and map lists where the stored object had none, then the rules over the whole
     * object with the stored one as {@code oldSelf}; neither schema nor rules ratchet (kube 1.33 does).
     */
    List<FieldCause> validateStatusUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = new ArrayList<>();
        StructuralSchema status = schema == null ? null : schema.properties().get("status");
        if (status != null && object.has("status")) {
            causes.addAll(new SchemaValidator(status).validate(object.get("status"), "status"));
        }
        causes.addAll(newDuplicates(object, old));
        return withRules(causes, object, old, null);
    }

    /** kube's ratcheting of list sets and maps: the object's duplicates, none when the stored object had some. */
    private List<FieldCause> newDuplicates(ObjectNode object, ObjectNode old) {
        List<FieldCause> duplicates = ListSetsAndMaps.validate(object, schema);
        return duplicates.isEmpty() || !ListSetsAndMaps.validate(old, schema).isEmpty() ? List.of() : duplicates;
    }

    /**
     * kube's strategy after the schema validation: with a blocking error (kube's {@code hasBlockingErr})
     * one error saying the rules were not checked, else the CEL rules' errors.
     */
    private List<FieldCause> withRules(List<FieldCause> causes, ObjectNode object, ObjectNode old, Correlation correlation) {
        if (rules == null) {
            return causes;
        }
        for (FieldCause c : causes) {
            if (BLOCKING.contains(c.type())) {
                causes.add(FieldCause.invalid("<nil>", "null", "some validation rules were not checked because the object was "
                        + "invalid; correct the existing errors to complete validation"));
                return causes;
            }
        }
        causes.addAll(rules.validate(object, old, correlation));
        return causes;
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        if (terminating) {
            throw new StatusException(405, "MethodNotAllowed", "create not allowed while custom resource definition is terminating",
                    group, plural, null, null, 0);
        }
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        if (selectable.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        selectable.forEach((name, path) -> {
            com.fasterxml.jackson.databind.JsonNode v = PrinterColumns.find(object, path);
            out.put(name, v == null || v.isNull() || v.isMissingNode() ? "" : v.isValueNode() ? v.asText() : v.toString());
        });
        return out;
    }

    @Override
    public String unsupportedFieldSelector(String field) {
        return "field label not supported: " + field;
    }

    /**
     * As {@link #validate}, ratcheted as kube's strategy does: one correlation of the object with the
     * stored one for the schema and the rules, and duplicates in sets and map lists only when the stored
     * object had none.
     */
    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        Correlation correlation = schema == null ? null : Correlation.of(object, old, schema);
        List<FieldCause> causes = schemaCauses(object, correlation);
        if (schema != null && !ListSetsAndMaps.validate(old, schema).isEmpty()) {
            causes.removeAll(ListSetsAndMaps.validate(object, schema));
        }
        return withRules(causes, object, old, correlation);
    }

    private static final List<String> BLOCKING = List.of("FieldValueNotSupported", "FieldValueRequired",
            "FieldValueTooLong", "FieldValueTooMany", "FieldValueTypeInvalid");

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
