package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.List;

/**
 * The schema part of apiextensions' {@code ValidateCustomResourceDefinition} and its update (v0.32.0) for the
 * versions of a v1 definition. As kube's conversion to its internal version does, a schema all versions share
 * (always so with one version) is checked once at {@code spec.validation}, shared selectable fields at
 * {@code spec.selectableFields}; others per version. Per schema, {@code validateCustomResourceDefinitionValidation} (the root's
 * rules when the status subresource is on, no nullable root, the schema structural ({@link StructuralRules}),
 * then its defaults ({@link DefaultRules}), the OpenAPI rules ({@link OpenApiSchemaRules}), and kube's
 * conversion error only when nothing else is wrong) and the version's selectable fields
 * ({@link SelectableFieldRules}). On update, as kube does, a rule the stored definition already breaks is
 * not enforced (valid types, pruned defaults, atomic set items, map list keys). CEL rules are not part of
 * this. Stateless.
 */
final class CrdSchemaChecks {
    /** kube's {@code allowedFieldsAtRootSchema}. */
    private static final List<String> ALLOWED_AT_ROOT = List.of("Description", "Type", "Format", "Title", "Maximum",
            "ExclusiveMaximum", "Minimum", "ExclusiveMinimum", "MaxLength", "MinLength", "Pattern", "MaxItems", "MinItems",
            "UniqueItems", "MultipleOf", "Required", "Items", "Properties", "ExternalDocs", "Example", "XPreserveUnknownFields",
            "XValidations");

    private CrdSchemaChecks() {
    }

    /** The errors of every version's schema and selectable fields; {@code oldSpec} null on create. */
    static List<FieldCause> validate(JsonNode spec, JsonNode oldSpec) {
        SchemaCheckOptions opts = oldSpec == null ? SchemaCheckOptions.CREATE : SchemaCheckOptions.forUpdate(oldSpec);
        List<FieldCause> errs = new ArrayList<>();
        JsonNode versions = spec.path("versions");
        if (versions.isEmpty()) {
            return errs;
        }
        // kube's v1 conversion moves a schema (selectable fields) all versions share to the top level, where
        // kube validates it once, at spec.validation (spec.selectableFields)
        boolean schemaShared = identical(versions, "schema");
        boolean selectableShared = identical(versions, "selectableFields");
        JsonNode sharedSchema = schemaShared ? openApiSchema(versions.get(0)) : null;
        if (sharedSchema != null) {
            boolean anyStatus = false;
            for (JsonNode v : versions) {
                anyStatus |= statusEnabled(v);
            }
            errs.addAll(validateSchema(sharedSchema, "spec.validation", anyStatus, opts));
        }
        for (int i = 0; i < versions.size(); i++) {
            JsonNode v = versions.get(i);
            String at = "spec.versions[" + i + "]";
            JsonNode schema = schemaShared ? null : openApiSchema(v);
            if (schema != null) {
                errs.addAll(validateSchema(schema, at + ".schema", statusEnabled(v), opts));
            }
            JsonNode selectable = v.path("selectableFields");
            if (!selectableShared && selectable.isArray() && !selectable.isEmpty()) {
                if (schema == null) {
                    errs.add(FieldCause.invalid(at + ".selectableFields", "", "selectableFields may only be set when version.schema.openAPIV3Schema is not included"));
                } else {
                    errs.addAll(selectableFields(selectable, schema, at + ".schema.openAPIV3Schema", at + ".selectableFields"));
                }
            }
        }
        JsonNode selectable = versions.get(0).path("selectableFields");
        if (selectableShared && selectable.isArray() && !selectable.isEmpty()) {
            if (sharedSchema == null) {
                errs.add(FieldCause.invalid("spec.selectableFields", "", "selectableFields may only be set when validations.schema is included"));
            } else {
                // kube names the schema's path so here
                errs.addAll(selectableFields(selectable, sharedSchema, "spec.schema.openAPIV3Schema", "spec.selectableFields"));
            }
        }
        return errs;
    }

    private static List<FieldCause> selectableFields(JsonNode fields, JsonNode schema, String schemaPath, String path) {
        List<FieldCause> errs = new ArrayList<>();
        String err = StructuralRules.conversionError(schema);
        if (err != null) {
            errs.add(FieldCause.invalid(schemaPath, "", err));
        }
        errs.addAll(SelectableFieldRules.validate(fields, err == null ? schema : null, path));
        return errs;
    }

    /** Whether every version has the same value of {@code field} (kube's {@code apiequality.Semantic.DeepEqual}). */
    private static boolean identical(JsonNode versions, String field) {
        JsonNode first = versions.get(0).get(field);
        for (JsonNode v : versions) {
            JsonNode x = v.get(field);
            boolean bothUnset = (x == null || x.isNull()) && (first == null || first.isNull());
            if (!bothUnset && (x == null || !x.equals(first))) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode openApiSchema(JsonNode version) {
        JsonNode s = version.path("schema").get("openAPIV3Schema");
        return s != null && s.isObject() ? s : null;
    }

    private static boolean statusEnabled(JsonNode version) {
        JsonNode status = version.path("subresources").get("status");
        return status != null && !status.isNull();
    }

    /** kube's {@code validateCustomResourceDefinitionValidation} of one version's {@code schema} at {@code path}. */
    static List<FieldCause> validateSchema(JsonNode schema, String path, boolean statusEnabled, SchemaCheckOptions opts) {
        List<FieldCause> errs = new ArrayList<>();
        String at = path + ".openAPIV3Schema";
        if (statusEnabled) {
            for (int f = 0; f < SchemaProps.FIELDS.size(); f++) {
                String name = SchemaProps.FIELDS.get(f);
                if (SchemaProps.isZero(schema, name)) {
                    continue;
                }
                String goName = SchemaProps.GO_NAMES.get(f);
                if (goName.equals("Type")) {
                    if (!SchemaProps.type(schema).equals("object")) {
                        errs.add(FieldCause.invalid(at + ".type", SchemaProps.type(schema),
                                "only \"object\" is allowed as the type at the root of the schema if the status subresource is enabled"));
                        break;
                    }
                    continue;
                }
                if (!ALLOWED_AT_ROOT.contains(goName)) {
                    // kube prints the whole schema as a Go value here; Kapi abbreviates it
                    errs.add(FieldCause.invalidRendered(at, "apiextensions.JSONSchemaProps{...}", "only [" + String.join(" ", ALLOWED_AT_ROOT)
                            + "] fields are allowed at the root of the schema if the status subresource is enabled"));
                    break;
                }
            }
        }
        if (SchemaProps.flag(schema, "nullable")) {
            errs.add(FieldCause.forbidden(at + ".nullable", "nullable cannot be true at the root"));
        }
        List<FieldCause> initErrs = new ArrayList<>();
        String conversion = opts.requireStructuralSchema() ? StructuralRules.conversionError(schema) : null;
        if (conversion != null) {
            initErrs.add(FieldCause.invalid(at, "", conversion));
        } else if (opts.requireStructuralSchema()) {
            List<FieldCause> structural = StructuralRules.validate(schema, at);
            errs.addAll(structural.isEmpty() ? DefaultRules.validate(schema, at, opts.requirePrunedDefaults()) : structural);
        }
        errs.addAll(OpenApiSchemaRules.validate(schema, at, opts));
        if (errs.isEmpty()) {
            errs.addAll(initErrs);
        }
        return errs;
    }
}
