package io.kapi.server.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.GracefulDeletion;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.server.apiextensions.cel.CrdRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * CustomResourceDefinitions as kube's apiextensions-apiserver stores them (its
 * {@code customresourcedefinition} strategy and {@code ValidateCustomResourceDefinition}, v0.32.0), for
 * the part Kapi serves: v1 defaults (singular, listKind, conversion {@code None}), status cleared and
 * {@code storedVersions} started on create, the name {@code <plural>.<group>}, the group, scope, names,
 * versions (unique, exactly one storage version, a schema each), printer columns' names and types; a
 * delete marks the definition Terminating behind kube's {@code customresourcecleanup} finalizer, which
 * the controller removes once the custom resources are gone. {@code spec.conversion} is checked by
 * {@link ConversionRules}. The schemas (structural, OpenAPI rules, defaults) and selectable fields are checked by
 * {@link CrdSchemaChecks}; the schemas' CEL rules are checked and compiled by {@link CrdRules}.
 */
final class CrdStrategy implements Strategy, GracefulDeletion {
    static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";
    private static final List<String> COLUMN_TYPES = List.of("boolean", "date", "integer", "number", "string");

    @Override
    public void applyDefaults(ObjectNode crd) {
        ObjectNode spec = crd.with("spec");
        ObjectNode names = spec.with("names");
        String kind = names.path("kind").asText("");
        if (names.path("singular").asText("").isEmpty() && !kind.isEmpty()) {
            names.put("singular", kind.toLowerCase(Locale.ROOT));
        }
        if (names.path("listKind").asText("").isEmpty() && !kind.isEmpty()) {
            names.put("listKind", kind + "List");
        }
        ConversionRules.applyDefaults(spec);
    }

    @Override
    public List<String> validateName(String name, boolean prefix) {
        return null; // checked with the spec below, where kube's name function sees the plural and group
    }

    @Override
    public void prepareForCreate(ObjectNode crd) {
        ObjectNode status = crd.putObject("status");
        ArrayNode stored = status.putArray("storedVersions");
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("storage").asBoolean(false)) {
                stored.add(v.path("name").asText());
                break;
            }
        }
    }

    @Override
    public void prepareForUpdate(ObjectNode crd, ObjectNode old) {
        // the store has put the stored status back (the status is the status subresource's and the
        // controller's); a new storage version joins storedVersions, as kube's PrepareForUpdate does
        ArrayNode stored = crd.with("status").withArray("storedVersions");
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("storage").asBoolean(false)) {
                String name = v.path("name").asText();
                boolean present = false;
                for (JsonNode s : stored) {
                    present |= s.asText().equals(name);
                }
                if (!present) {
                    stored.add(name);
                }
            }
        }
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public List<FieldCause> validate(ObjectNode crd) {
        List<FieldCause> causes = definitionCauses(crd);
        JsonNode spec = crd.path("spec");
        List<FieldCause> schemaChecks = CrdSchemaChecks.validate(spec, null);
        // kube compiles the CEL rules only of schemas that are otherwise valid (its CELSchemaContext)
        causes.addAll(CrdRules.validate(spec, schemaChecks.isEmpty()));
        causes.addAll(schemaChecks);
        return causes;
    }

    /** Everything about a definition but its schemas and their rules. */
    private static List<FieldCause> definitionCauses(ObjectNode crd) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = crd.path("spec");
        String group = spec.path("group").asText("");
        JsonNode names = spec.path("names");
        String plural = names.path("plural").asText("");
        String name = Json.text(crd.get("metadata"), "name");
        if (!name.equals(plural + "." + group)) {
            causes.add(FieldCause.invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
        }
        if (group.isEmpty()) {
            causes.add(FieldCause.required("spec.group", ""));
        } else if (!NameValidation.isDNS1123Subdomain(group).isEmpty()) {
            causes.add(FieldCause.invalid("spec.group", group, String.join(",", NameValidation.isDNS1123Subdomain(group))));
        } else if (!group.contains(".")) {
            causes.add(FieldCause.invalid("spec.group", group, "should be a domain with at least one dot"));
        }
        String scope = spec.path("scope").asText("");
        if (scope.isEmpty()) {
            causes.add(FieldCause.required("spec.scope", ""));
        } else if (!scope.equals("Cluster") && !scope.equals("Namespaced")) {
            causes.add(FieldCause.notSupported("spec.scope", scope, List.of("Cluster", "Namespaced")));
        }
        validateVersions(spec.path("versions"), causes);
        for (String required : new String[] {"plural", "singular", "kind", "listKind"}) {
            if (names.path(required).asText("").isEmpty()) {
                causes.add(FieldCause.required("spec.names." + required, ""));
            }
        }
        validateNames(names, causes);
        causes.addAll(ConversionRules.validate(spec.path("conversion")));
        return causes;
    }

    private static void validateVersions(JsonNode versions, List<FieldCause> causes) {
        int storage = 0;
        Set<String> seen = new HashSet<>();
        boolean unique = true;
        for (int i = 0; i < versions.size(); i++) {
            JsonNode v = versions.get(i);
            String at = "spec.versions[" + i + "]";
            String name = v.path("name").asText("");
            storage += v.path("storage").asBoolean(false) ? 1 : 0;
            unique &= seen.add(name);
            List<String> errs = NameValidation.isDNS1035Label(name);
            if (!errs.isEmpty()) {
                causes.add(FieldCause.invalid(at + ".name", name, String.join(",", errs)));
            }
            if (!v.path("schema").path("openAPIV3Schema").isObject()) {
                causes.add(FieldCause.required(at + ".schema.openAPIV3Schema", "schemas are required"));
            }
            JsonNode columns = v.path("additionalPrinterColumns");
            for (int c = 0; c < columns.size(); c++) {
                JsonNode col = columns.get(c);
                String cat = at + ".additionalPrinterColumns[" + c + "]";
                if (col.path("name").asText("").isEmpty()) {
                    causes.add(FieldCause.required(cat + ".name", ""));
                }
                String type = col.path("type").asText("");
                if (type.isEmpty()) {
                    causes.add(FieldCause.required(cat + ".type", ""));
                } else if (!COLUMN_TYPES.contains(type)) {
                    causes.add(FieldCause.notSupported(cat + ".type", type, COLUMN_TYPES));
                }
                if (col.path("jsonPath").asText("").isEmpty()) {
                    causes.add(FieldCause.required(cat + ".jsonPath", ""));
                }
            }
        }
        // kube prints the whole versions list there as a Go value; Kapi abbreviates it
        String rendered = "[]apiextensions.CustomResourceDefinitionVersion{...}";
        if (versions.isEmpty()) {
            causes.add(FieldCause.invalidRendered("spec.versions", rendered, "must have exactly one version marked as storage version"));
            return;
        }
        if (!unique) {
            causes.add(FieldCause.invalidRendered("spec.versions", rendered, "must contain unique version names"));
        }
        if (storage != 1) {
            causes.add(FieldCause.invalidRendered("spec.versions", rendered, "must have exactly one version marked as storage version"));
        }
    }

    /** kube's {@code ValidateCustomResourceDefinitionNames}. */
    private static void validateNames(JsonNode names, List<FieldCause> causes) {
        for (String field : new String[] {"plural", "singular"}) {
            String v = names.path(field).asText("");
            if (!v.isEmpty() && !NameValidation.isDNS1035Label(v).isEmpty()) {
                causes.add(FieldCause.invalid("spec.names." + field, v, String.join(",", NameValidation.isDNS1035Label(v))));
            }
        }
        for (String field : new String[] {"kind", "listKind"}) {
            String v = names.path(field).asText("");
            List<String> errs = NameValidation.isDNS1035Label(v.toLowerCase(Locale.ROOT));
            if (!v.isEmpty() && !errs.isEmpty()) {
                causes.add(FieldCause.invalid("spec.names." + field, v, "may have mixed case, but should otherwise match: "
                        + String.join(",", errs)));
            }
        }
        JsonNode shortNames = names.path("shortNames");
        for (int i = 0; i < shortNames.size(); i++) {
            String v = shortNames.get(i).asText();
            if (!NameValidation.isDNS1035Label(v).isEmpty()) {
                causes.add(FieldCause.invalid("spec.names.shortNames[" + i + "]", v, String.join(",", NameValidation.isDNS1035Label(v))));
            }
        }
        String kind = names.path("kind").asText("");
        if (!kind.isEmpty() && kind.equals(names.path("listKind").asText(""))) {
            causes.add(FieldCause.invalid("spec.names.listKind", kind, "kind and listKind may not be the same"));
        }
        JsonNode categories = names.path("categories");
        for (int i = 0; i < categories.size(); i++) {
            String v = categories.get(i).asText();
            if (!NameValidation.isDNS1035Label(v).isEmpty()) {
                causes.add(FieldCause.invalid("spec.names.categories[" + i + "]", v, String.join(",", NameValidation.isDNS1035Label(v))));
            }
        }
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode crd, ObjectNode old) {
        List<FieldCause> causes = definitionCauses(crd);
        JsonNode spec = crd.path("spec");
        // kube's update does not enforce the schema rules the stored definition already breaks
        causes.addAll(CrdSchemaChecks.validate(spec, old.path("spec")));
        // nor the per-expression CEL cost limits on versions whose schema is unchanged; the rules are
        // compiled (once) where the schema is otherwise valid, as on create
        boolean compileRules = CrdSchemaChecks.validate(spec, null).isEmpty();
        causes.addAll(CrdRules.validate(spec, compileRules, old.path("spec")));
        String scope = crd.path("spec").path("scope").asText("");
        String oldScope = old.path("spec").path("scope").asText("");
        if (!scope.equals(oldScope)) {
            causes.add(FieldCause.invalid("spec.scope", scope, "field is immutable"));
        }
        return causes;
    }

    /** kube's CRD delete: Terminating, behind the cleanup finalizer. */
    @Override
    public void prepareForDelete(ObjectNode crd) {
        ArrayNode finalizers = Json.metadata(crd).withArray("finalizers");
        boolean present = false;
        for (JsonNode f : finalizers) {
            present |= CLEANUP_FINALIZER.equals(f.asText());
        }
        if (!present) {
            finalizers.add(CLEANUP_FINALIZER);
        }
        CrdConditions.set(crd, "Terminating", "True", "InstanceDeletionPending",
                "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon");
    }

    @Override
    public boolean keepAfterMark(ObjectNode marked) {
        return Json.metadata(marked).path("finalizers").size() > 0;
    }

    @Override
    public TableConvertor table() {
        return Printer.builder().name().column(new io.kapi.api.rest.TableColumn("Created At", "date", "",
                "CreationTimestamp of the object", 0), o -> Json.text(o.get("metadata"), "creationTimestamp")).build();
    }
}
