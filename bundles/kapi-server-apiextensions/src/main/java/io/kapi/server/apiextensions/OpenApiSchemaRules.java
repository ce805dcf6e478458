package io.kapi.server.apiextensions;

import static io.kapi.server.apiextensions.SchemaProps.additionalSchema;
import static io.kapi.server.apiextensions.SchemaProps.flag;
import static io.kapi.server.apiextensions.SchemaProps.has;
import static io.kapi.server.apiextensions.SchemaProps.items;
import static io.kapi.server.apiextensions.SchemaProps.itemsArray;
import static io.kapi.server.apiextensions.SchemaProps.list;
import static io.kapi.server.apiextensions.SchemaProps.map;
import static io.kapi.server.apiextensions.SchemaProps.optional;
import static io.kapi.server.apiextensions.SchemaProps.str;
import static io.kapi.server.apiextensions.SchemaProps.strings;
import static io.kapi.server.apiextensions.SchemaProps.type;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * apiextensions' {@code ValidateCustomResourceDefinitionOpenAPISchema} (v0.32.0) without its CEL part: the
 * keywords a CRD schema may not use ({@code $ref}, {@code id}, {@code definitions}, {@code dependencies},
 * {@code patternProperties}, {@code additionalItems}, an array of {@code items}, {@code uniqueItems: true},
 * {@code type: null}), defaults where kube forbids them (top-level apiVersion/kind/metadata, additionalProperties
 * in object meta), additionalProperties beside properties, and the {@code x-kubernetes-*} extensions' rules
 * (preserve-unknown-fields true, map and list types, list map keys, set items atomic, map keys required or
 * defaulted and not nullable). Properties are walked in document order. Stateless.
 */
final class OpenApiSchemaRules {
    static final List<String> OPENAPI_V3_TYPES = List.of("array", "boolean", "integer", "number", "object", "string");
    private static final Set<String> META_FIELDS = Set.of("metadata", "kind", "apiVersion");

    /** kube's {@code specStandardValidatorV3} state: where defaults are forbidden and why, and whether inside resource meta. */
    private record Context(boolean allowDefaults, String disallowDefaultsReason, boolean insideResourceMeta) {
        Context withForbiddenDefaults(String reason) {
            return new Context(false, reason, insideResourceMeta);
        }

        Context withInsideResourceMeta() {
            return new Context(allowDefaults, disallowDefaultsReason, true);
        }
    }

    private final SchemaCheckOptions opts;
    private final List<FieldCause> errs = new ArrayList<>();

    private OpenApiSchemaRules(SchemaCheckOptions opts) {
        this.opts = opts;
    }

    /** The errors of the root schema {@code s} at {@code path} ({@code spec.versions[0].schema.openAPIV3Schema}). */
    static List<FieldCause> validate(JsonNode s, String path, SchemaCheckOptions opts) {
        OpenApiSchemaRules r = new OpenApiSchemaRules(opts);
        r.schema(s, path, new Context(opts.allowDefaults(), "", false), true);
        return r.errs;
    }

    private void schema(JsonNode s, String path, Context ctx, boolean isRoot) {
        if (s == null || !s.isObject()) {
            return;
        }
        standard(s, path, ctx);
        if (flag(s, "uniqueItems")) {
            errs.add(FieldCause.forbidden(path + ".uniqueItems", "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
        }
        Map<String, JsonNode> props = map(s, "properties");
        if (has(s, "additionalProperties")) {
            JsonNode ap = s.get("additionalProperties");
            if (!props.isEmpty() && (ap.isObject() || !ap.asBoolean(false))) {
                errs.add(FieldCause.forbidden(path + ".additionalProperties", "additionalProperties and properties are mutual exclusive"));
            }
            Context sub = ctx.insideResourceMeta() ? ctx.withForbiddenDefaults("inside additionalProperties applying to object metadata") : ctx;
            schema(additionalSchema(s), path + ".additionalProperties", sub, false);
        }
        props.forEach((k, p) -> {
            Context sub = ctx;
            if ((isRoot || flag(s, "x-kubernetes-embedded-resource")) && META_FIELDS.contains(k)) {
                sub = sub.withInsideResourceMeta();
                if (isRoot) {
                    sub = sub.withForbiddenDefaults("in top-level " + k);
                }
            }
            schema(p, path + ".properties[" + k + "]", sub, false);
        });
        schema(s.get("not"), path + ".not", ctx, false);
        for (String junctor : new String[] {"allOf", "oneOf", "anyOf"}) {
            List<JsonNode> l = list(s, junctor);
            for (int i = 0; i < l.size(); i++) {
                schema(l.get(i), path + "." + junctor + "[" + i + "]", ctx, false);
            }
        }
        map(s, "definitions").forEach((k, d) -> schema(d, path + ".definitions[" + k + "]", ctx, false));
        schema(items(s), path + ".items", ctx, false);
        List<JsonNode> itemsArray = itemsArray(s);
        for (int i = 0; i < itemsArray.size(); i++) {
            schema(itemsArray.get(i), path + ".items[" + i + "]", ctx, false);
        }
        map(s, "dependencies").forEach((k, d) -> schema(d, path + ".dependencies[" + k + "]", ctx, false));
        extensions(s, path);
    }

    /** kube's {@code specStandardValidatorV3.validate}. */
    private void standard(JsonNode s, String path, Context ctx) {
        String type = type(s);
        if (opts.requireValidPropertyType() && !type.isEmpty() && !OPENAPI_V3_TYPES.contains(type)) {
            errs.add(FieldCause.notSupported(path + ".type", type, OPENAPI_V3_TYPES));
        }
        if (has(s, "default") && !ctx.allowDefaults()) {
            String reason = ctx.disallowDefaultsReason();
            errs.add(FieldCause.forbidden(path + ".default", "must not be set" + (reason.isEmpty() ? "" : " " + reason)));
        }
        if (!str(s, "id").isEmpty()) {
            errs.add(FieldCause.forbidden(path + ".id", "id is not supported"));
        }
        if (has(s, "additionalItems")) {
            errs.add(FieldCause.forbidden(path + ".additionalItems", "additionalItems is not supported"));
        }
        if (!map(s, "patternProperties").isEmpty()) {
            errs.add(FieldCause.forbidden(path + ".patternProperties", "patternProperties is not supported"));
        }
        if (!map(s, "definitions").isEmpty()) {
            errs.add(FieldCause.forbidden(path + ".definitions", "definitions is not supported"));
        }
        if (has(s, "dependencies")) {
            errs.add(FieldCause.forbidden(path + ".dependencies", "dependencies is not supported"));
        }
        if (has(s, "$ref")) {
            errs.add(FieldCause.forbidden(path + ".$ref", "$ref is not supported"));
        }
        if (type.equals("null")) {
            errs.add(FieldCause.forbidden(path + ".type", "type cannot be set to null, use nullable as an alternative"));
        }
        if (!itemsArray(s).isEmpty()) {
            errs.add(FieldCause.forbidden(path + ".items", "items must be a schema object and not an array"));
        }
        if (ctx.insideResourceMeta() && flag(s, "x-kubernetes-embedded-resource")) {
            errs.add(FieldCause.forbidden(path + ".x-kubernetes-embedded-resource", "must not be used inside of resource meta"));
        }
    }

    /** The {@code x-kubernetes-*} rules that follow the recursion in kube's function. */
    private void extensions(JsonNode s, String path) {
        String type = type(s);
        if (has(s, "x-kubernetes-preserve-unknown-fields") && !flag(s, "x-kubernetes-preserve-unknown-fields")) {
            errs.add(FieldCause.invalid(path + ".x-kubernetes-preserve-unknown-fields", false, "must be true or undefined"));
        }
        String mapType = optional(s, "x-kubernetes-map-type");
        if (mapType != null && !type.equals("object")) {
            errs.add(type.isEmpty() ? FieldCause.required(path + ".type", "must be object if x-kubernetes-map-type is specified")
                    : FieldCause.invalid(path + ".type", type, "must be object if x-kubernetes-map-type is specified"));
        }
        if (mapType != null && !mapType.equals("atomic") && !mapType.equals("granular")) {
            errs.add(FieldCause.notSupported(path + ".x-kubernetes-map-type", mapType, List.of("atomic", "granular")));
        }
        String listType = optional(s, "x-kubernetes-list-type");
        JsonNode items = items(s);
        if (listType != null && !type.equals("array")) {
            errs.add(type.isEmpty() ? FieldCause.required(path + ".type", "must be array if x-kubernetes-list-type is specified")
                    : FieldCause.invalid(path + ".type", type, "must be array if x-kubernetes-list-type is specified"));
        } else if (opts.requireAtomicSetType() && "set".equals(listType) && items != null) {
            String itemsListType = optional(items, "x-kubernetes-list-type");
            String rendered = itemsListType == null ? "null" : io.kapi.api.rest.FieldCause.goQuote(itemsListType);
            if (type(items).equals("array") && itemsListType != null && !itemsListType.equals("atomic")) {
                errs.add(FieldCause.invalidRendered(path + ".items.x-kubernetes-list-type", rendered, "must be atomic as item of a list with x-kubernetes-list-type=set"));
            } else if (type(items).equals("object") && !"atomic".equals(optional(items, "x-kubernetes-map-type"))) {
                // kube prints the items' list type here, not their map type
                errs.add(FieldCause.invalidRendered(path + ".items.x-kubernetes-map-type", rendered, "must be atomic as item of a list with x-kubernetes-list-type=set"));
            }
        }
        if (listType != null && !List.of("atomic", "set", "map").contains(listType)) {
            errs.add(FieldCause.notSupported(path + ".x-kubernetes-list-type", listType, List.of("atomic", "set", "map")));
        }
        List<String> keys = strings(s, "x-kubernetes-list-map-keys");
        if (!keys.isEmpty()) {
            if (listType == null) {
                errs.add(FieldCause.required(path + ".x-kubernetes-list-type", "must be map if x-kubernetes-list-map-keys is non-empty"));
            } else if (!listType.equals("map")) {
                errs.add(FieldCause.invalid(path + ".x-kubernetes-list-type", listType, "must be map if x-kubernetes-list-map-keys is non-empty"));
            }
        }
        if ("map".equals(listType)) {
            mapList(s, path, keys, items);
        }
        if (opts.requireMapListKeysMapSetValidation()) {
            errs.addAll(mapListKeysMapSet(s, path));
        }
    }

    private void mapList(JsonNode s, String path, List<String> keys, JsonNode items) {
        if (keys.isEmpty()) {
            errs.add(FieldCause.required(path + ".x-kubernetes-list-map-keys", "must not be empty if x-kubernetes-list-type is map"));
        }
        if (!has(s, "items")) {
            errs.add(FieldCause.required(path + ".items", "must have a schema if x-kubernetes-list-type is map"));
        }
        if (has(s, "items") && items == null) {
            errs.add(FieldCause.invalidRendered(path + ".items", "&apiextensions.JSONSchemaPropsOrArray{...}", "must only have a single schema if x-kubernetes-list-type is map"));
        }
        if (items != null && !type(items).equals("object")) {
            errs.add(FieldCause.invalid(path + ".items.type", type(items), "must be object if parent array's x-kubernetes-list-type is map"));
        }
        if (items != null && type(items).equals("object")) {
            Map<String, JsonNode> props = map(items, "properties");
            Set<String> seen = new HashSet<>();
            for (String k : keys) {
                JsonNode p = props.get(k);
                if (p == null) {
                    errs.add(FieldCause.invalidRendered(path + ".x-kubernetes-list-map-keys", SchemaProps.goStrings(keys), "entries must all be names of item properties"));
                } else if (type(p).equals("array") || type(p).equals("object")) {
                    // kube prints the items' type here, not the key property's
                    errs.add(FieldCause.invalid(path + ".items.properties[" + k + "].type", type(items), "must be a scalar type if parent array's x-kubernetes-list-type is map"));
                }
                if (!seen.add(k)) {
                    errs.add(FieldCause.invalidRendered(path + ".x-kubernetes-list-map-keys", SchemaProps.goStrings(keys), "must not contain duplicate entries"));
                }
            }
        }
    }

    /** kube's {@code validateMapListKeysMapSet}: set/map items not nullable, map keys required or defaulted, not nullable. */
    static List<FieldCause> mapListKeysMapSet(JsonNode s, String path) {
        List<FieldCause> out = new ArrayList<>();
        JsonNode items = items(s);
        String listType = optional(s, "x-kubernetes-list-type");
        if (items == null || (!"set".equals(listType) && !"map".equals(listType))) {
            return out;
        }
        if (flag(items, "nullable")) {
            out.add(FieldCause.forbidden(path + ".items.nullable", "cannot be nullable when x-kubernetes-list-type is " + listType));
        }
        if (listType.equals("map")) {
            Set<String> required = new HashSet<>(strings(items, "required"));
            Map<String, JsonNode> props = map(items, "properties");
            for (String k : strings(s, "x-kubernetes-list-map-keys")) {
                JsonNode p = props.get(k);
                if (p == null) {
                    continue;
                }
                if (!required.contains(k) && !has(p, "default")) {
                    out.add(FieldCause.required(path + ".items.properties[" + k + "].default",
                            "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"));
                }
                if (flag(p, "nullable")) {
                    out.add(FieldCause.forbidden(path + ".items.properties[" + k + "].nullable",
                            "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"));
                }
            }
        }
        return out;
    }
}
