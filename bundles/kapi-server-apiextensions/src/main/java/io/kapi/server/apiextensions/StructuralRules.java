package io.kapi.server.apiextensions;

import static io.kapi.server.apiextensions.SchemaProps.additionalSchema;
import static io.kapi.server.apiextensions.SchemaProps.flag;
import static io.kapi.server.apiextensions.SchemaProps.has;
import static io.kapi.server.apiextensions.SchemaProps.isZero;
import static io.kapi.server.apiextensions.SchemaProps.items;
import static io.kapi.server.apiextensions.SchemaProps.itemsArray;
import static io.kapi.server.apiextensions.SchemaProps.list;
import static io.kapi.server.apiextensions.SchemaProps.map;
import static io.kapi.server.apiextensions.SchemaProps.str;
import static io.kapi.server.apiextensions.SchemaProps.type;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.schema.GoRendering;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a CRD version's {@code openAPIV3Schema} is structural, as apiextensions' {@code NewStructural}
 * (the keywords it cannot convert) and {@code ValidateStructural} (v0.32.0, kube's default options) decide:
 * a type for every specified field and item, nothing but value validations under
 * {@code allOf}/{@code anyOf}/{@code oneOf}/{@code not} (save the two int-or-string shapes), every field
 * those validate also specified outside them, {@code metadata} at the root restricted to {@code name} and
 * {@code generateName}, embedded resources typed object, no {@code additionalProperties} at the root.
 * Errors sorted by their text, as kube sorts them. Stateless.
 */
final class StructuralRules {
    /** Dropped by NewStructural: they never make a schema non-empty. */
    private static final Set<String> DROPPED = Set.of("externalDocs", "example");

    private enum Level { ROOT, ITEM, FIELD }

    private StructuralRules() {
    }

    /** {@code NewStructural}'s error for the first keyword it cannot convert, or null. */
    static String conversionError(JsonNode s) {
        if (s == null || !s.isObject()) {
            return null;
        }
        if (!str(s, "id").isEmpty()) {
            return "OpenAPIV3Schema 'id' is not supported";
        }
        if (!str(s, "$schema").isEmpty()) {
            return "OpenAPIV3Schema 'schema' is not supported";
        }
        if (!str(s, "$ref").isEmpty()) {
            return "OpenAPIV3Schema '$ref' is not supported";
        }
        for (String[] m : new String[][] {{"patternProperties", "patternProperties"}, {"dependencies", "dependencies"}}) {
            if (!map(s, m[0]).isEmpty()) {
                return "OpenAPIV3Schema '" + m[1] + "' is not supported";
            }
        }
        if (has(s, "additionalItems")) {
            return "OpenAPIV3Schema 'additionalItems' is not supported";
        }
        if (!map(s, "definitions").isEmpty()) {
            return "OpenAPIV3Schema 'definitions' is not supported";
        }
        String err = conversionError(s.get("not"));
        for (String junctor : new String[] {"allOf", "anyOf", "oneOf"}) {
            for (JsonNode x : list(s, junctor)) {
                err = err != null ? err : conversionError(x);
            }
        }
        if (err != null) {
            return err;
        }
        if (has(s, "x-kubernetes-preserve-unknown-fields") && !flag(s, "x-kubernetes-preserve-unknown-fields")) {
            return "internal error: 'x-kubernetes-preserve-unknown-fields' must be true or undefined";
        }
        if (!itemsArray(s).isEmpty()) {
            return "OpenAPIV3Schema 'items' must be a schema, but is an array";
        }
        err = conversionError(items(s));
        for (JsonNode p : map(s, "properties").values()) {
            err = err != null ? err : conversionError(p);
        }
        return err != null ? err : conversionError(additionalSchema(s));
    }

    /** {@code ValidateStructural(fldPath, NewStructural(s))}: s must convert ({@link #conversionError} null). */
    static List<FieldCause> validate(JsonNode s, String path) {
        List<FieldCause> errs = new ArrayList<>();
        invariants(s, Level.ROOT, path, errs);
        completeness(s, s, path, path, errs);
        errs.sort(Comparator.comparing(FieldCause::describe));
        return errs;
    }

    private static void invariants(JsonNode s, Level lvl, String path, List<FieldCause> errs) {
        if (s == null) {
            return;
        }
        String type = type(s);
        JsonNode items = items(s);
        if (type.equals("array") && items == null) {
            errs.add(FieldCause.required(path + ".items", "must be specified"));
        }
        invariants(items, Level.ITEM, path + ".items", errs);
        Map<String, JsonNode> props = map(s, "properties");
        props.forEach((k, v) -> invariants(v, Level.FIELD, path + ".properties[" + k + "]", errs));
        boolean hasAdditional = has(s, "additionalProperties");
        if (hasAdditional) {
            if (lvl == Level.ROOT) {
                errs.add(FieldCause.forbidden(path + ".additionalProperties", "must not be used at the root"));
            }
            invariants(additionalSchema(s), Level.FIELD, path + ".additionalProperties", errs);
        }
        boolean intOrString = flag(s, "x-kubernetes-int-or-string");
        boolean preserve = flag(s, "x-kubernetes-preserve-unknown-fields");
        boolean embedded = flag(s, "x-kubernetes-embedded-resource");
        if (intOrString && preserve) {
            errs.add(FieldCause.invalid(path + ".x-kubernetes-preserve-unknown-fields", true, "must be false if x-kubernetes-int-or-string is true"));
        }
        if (intOrString && embedded) {
            errs.add(FieldCause.invalid(path + ".x-kubernetes-embedded-resource", true, "must be false if x-kubernetes-int-or-string is true"));
        }
        valueValidation(s, isIntOrStringAnyOf(s), isIntOrStringAllOf(s), path, errs);
        boolean checkMetadata = lvl == Level.ROOT || embedded;
        if (embedded && !type.equals("object")) {
            errs.add(type.isEmpty() ? FieldCause.required(path + ".type", "must be object if x-kubernetes-embedded-resource is true")
                    : FieldCause.invalid(path + ".type", type, "must be object if x-kubernetes-embedded-resource is true"));
        } else if (type.isEmpty() && !intOrString && !preserve) {
            errs.add(FieldCause.required(path + ".type", switch (lvl) {
                case ROOT -> "must not be empty at the root";
                case ITEM -> "must not be empty for specified array items";
                case FIELD -> "must not be empty for specified object fields";
            }));
        }
        if (embedded && hasAdditional) {
            errs.add(FieldCause.forbidden(path + ".additionalProperties", "must not be used if x-kubernetes-embedded-resource is set"));
        }
        if (lvl == Level.ROOT && !type.isEmpty() && !type.equals("object")) {
            errs.add(FieldCause.invalid(path + ".type", type, "must be object at the root"));
        }
        for (String meta : new String[] {"kind", "apiVersion"}) {
            JsonNode p = props.get(meta);
            if (p != null && checkMetadata && !type(p).equals("string")) {
                errs.add(FieldCause.invalid(path + ".properties[" + meta + "].type", type(p), "must be string"));
            }
        }
        JsonNode metadata = props.get("metadata");
        if (metadata != null) {
            String at = path + ".properties[metadata]";
            if (checkMetadata && !type(metadata).equals("object")) {
                errs.add(FieldCause.invalid(at + ".type", type(metadata), "must be object"));
            }
            if (lvl == Level.ROOT && !onlyNames(metadata)) {
                errs.add(FieldCause.forbidden(at, "must not specify anything other than name and generateName, but metadata is implicitly specified"));
            }
        }
        if (embedded && !preserve && props.isEmpty()) {
            errs.add(FieldCause.required(path + ".properties", "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"));
        }
    }

    /** Whether root metadata says nothing but its type, a default, and the schemas of name and generateName. */
    private static boolean onlyNames(JsonNode metadata) {
        Set<String> names = map(metadata, "properties").keySet();
        if (!names.isEmpty() && !Set.of("name", "generateName").containsAll(names)) {
            return false;
        }
        for (String f : SchemaProps.FIELDS) {
            if (!f.equals("type") && !f.equals("default") && !f.equals("properties") && !DROPPED.contains(f) && !isZero(metadata, f)) {
                return false;
            }
        }
        return true;
    }

    /** kube's {@code intOrStringAnyOf}: exactly {@code [{type: integer}, {type: string}]}, nothing else set. */
    private static boolean isIntOrStringAnyOf(JsonNode s) {
        List<JsonNode> anyOf = list(s, "anyOf");
        return anyOf.size() == 2 && onlyType(anyOf.get(0), "integer") && onlyType(anyOf.get(1), "string");
    }

    private static boolean isIntOrStringAllOf(JsonNode s) {
        List<JsonNode> allOf = list(s, "allOf");
        return !allOf.isEmpty() && isIntOrStringAnyOf(allOf.get(0));
    }

    private static boolean onlyType(JsonNode s, String type) {
        if (!s.isObject() || !type(s).equals(type)) {
            return false;
        }
        for (String f : SchemaProps.FIELDS) {
            if (!f.equals("type") && !DROPPED.contains(f) && !isZero(s, f)
                    && !(f.equals("additionalProperties") && s.get(f).isBoolean() && !s.get(f).asBoolean())) {
                return false;
            }
        }
        // an empty properties map is a non-nil map in kube's nested value validation
        return !s.has("properties") || s.get("properties").isNull();
    }

    private static void valueValidation(JsonNode v, boolean skipAnyOf, boolean skipFirstAllOfAnyOf, String path, List<FieldCause> errs) {
        if (!skipAnyOf) {
            List<JsonNode> anyOf = list(v, "anyOf");
            for (int i = 0; i < anyOf.size(); i++) {
                nested(anyOf.get(i), false, false, path + ".anyOf[" + i + "]", errs);
            }
        }
        List<JsonNode> allOf = list(v, "allOf");
        for (int i = 0; i < allOf.size(); i++) {
            nested(allOf.get(i), skipFirstAllOfAnyOf && i == 0, false, path + ".allOf[" + i + "]", errs);
        }
        List<JsonNode> oneOf = list(v, "oneOf");
        for (int i = 0; i < oneOf.size(); i++) {
            nested(oneOf.get(i), false, false, path + ".oneOf[" + i + "]", errs);
        }
        if (has(v, "not")) {
            nested(v.get("not"), false, false, path + ".not", errs);
        }
        String pattern = str(v, "pattern");
        if (!pattern.isEmpty()) {
            String err = GoRendering.regexpError(pattern);
            if (err != null) {
                errs.add(FieldCause.invalid(path + ".pattern", pattern, "must be a valid regular expression, but isn't: " + err));
            }
        }
    }

    /** kube's {@code validateNestedValueValidation}: value validations only, under a logical junctor. */
    private static void nested(JsonNode v, boolean skipAnyOf, boolean skipAllOfAnyOf, String path, List<FieldCause> errs) {
        if (v == null || !v.isObject()) {
            return;
        }
        valueValidation(v, skipAnyOf, skipAllOfAnyOf, path, errs);
        nested(items(v), false, false, path + ".items", errs);
        map(v, "properties").forEach((k, p) -> nested(p, false, false, path + ".properties[" + k + "]", errs));
        if (!type(v).isEmpty()) {
            errs.add(FieldCause.forbidden(path + ".type", "must be empty to be structural"));
        }
        JsonNode ap = v.get("additionalProperties");
        if (ap != null && (ap.isObject() || ap.asBoolean(false))) {
            errs.add(FieldCause.forbidden(path + ".additionalProperties", "must be undefined to be structural"));
        }
        if (has(v, "default")) {
            errs.add(FieldCause.forbidden(path + ".default", "must be undefined to be structural"));
        }
        if (!str(v, "title").isEmpty()) {
            errs.add(FieldCause.forbidden(path + ".title", "must be empty to be structural"));
        }
        if (!str(v, "description").isEmpty()) {
            errs.add(FieldCause.forbidden(path + ".description", "must be empty to be structural"));
        }
        if (flag(v, "nullable")) {
            errs.add(FieldCause.forbidden(path + ".nullable", "must be false to be structural"));
        }
        for (String x : new String[] {"x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string"}) {
            if (flag(v, x)) {
                errs.add(FieldCause.forbidden(path + "." + x, "must be false to be structural"));
            }
        }
        if (!list(v, "x-kubernetes-list-map-keys").isEmpty()) {
            errs.add(FieldCause.forbidden(path + ".x-kubernetes-list-map-keys", "must be empty to be structural"));
        }
        for (String x : new String[] {"x-kubernetes-list-type", "x-kubernetes-map-type"}) {
            if (has(v, x)) {
                errs.add(FieldCause.forbidden(path + "." + x, "must be undefined to be structural"));
            }
        }
        if (!list(v, "x-kubernetes-validations").isEmpty()) {
            errs.add(FieldCause.forbidden(path + ".x-kubernetes-validations", "must be empty to be structural"));
        }
        if (map(v, "properties").containsKey("metadata")) {
            errs.add(FieldCause.forbidden(path + ".properties[metadata]", "must not be specified in a nested context"));
        }
    }

    /** kube's {@code validateStructuralCompleteness}: what value validations name must exist structurally. */
    private static void completeness(JsonNode v, JsonNode s, String sPath, String vPath, List<FieldCause> errs) {
        if (s == null) {
            errs.add(FieldCause.required(sPath, "because it is defined in " + vPath));
            return;
        }
        if (has(v, "not")) {
            nestedCompleteness(v.get("not"), s, sPath, vPath + ".not", errs);
        }
        for (String junctor : new String[] {"allOf", "anyOf", "oneOf"}) {
            List<JsonNode> l = list(v, junctor);
            for (int i = 0; i < l.size(); i++) {
                nestedCompleteness(l.get(i), s, sPath, vPath + "." + junctor + "[" + i + "]", errs);
            }
        }
    }

    private static void nestedCompleteness(JsonNode v, JsonNode s, String sPath, String vPath, List<FieldCause> errs) {
        if (v == null || !v.isObject()) {
            return;
        }
        if (s == null) {
            errs.add(FieldCause.required(sPath, "because it is defined in " + vPath));
            return;
        }
        completeness(v, s, sPath, vPath, errs);
        if (items(v) != null) {
            nestedCompleteness(items(v), items(s), sPath + ".items", vPath + ".items", errs);
        }
        Map<String, JsonNode> sProps = map(s, "properties");
        map(v, "properties").forEach((k, p) -> {
            JsonNode sp = sProps.get(k);
            if (sp == null) {
                errs.add(FieldCause.required(sPath + ".properties[" + k + "]", "because it is defined in " + vPath + ".properties[" + k + "]"));
            } else {
                nestedCompleteness(p, sp, sPath + ".properties[" + k + "]", vPath + ".properties[" + k + "]", errs);
            }
        });
    }

    /** Whether kube would call the schema non-structural (for the relaxed checks of an update). */
    static boolean isNonStructural(JsonNode s) {
        return s != null && s.isObject() && (conversionError(s) != null || !validate(s, "").isEmpty());
    }
}
