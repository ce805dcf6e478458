package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.quantity.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * kube 1.32's LimitRange (pkg/registry/core/limitrange): SetDefaults_LimitRangeItem for containers, quantities
 * rounded as every resource list, a UUID name when none is given, a PUT that may create, and
 * ValidateLimitRange on create and update. No printer of its own: kube's default table, NAME and CREATED AT.
 */
final class LimitRangeStrategy implements Strategy {
    private static final String[] LISTS = {"max", "min", "default", "defaultRequest", "maxLimitRequestRatio"};

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
        if (!spec.has("limits")) {
            spec.putNull("limits"); // LimitRangeSpec.limits is not omitempty
        }
        for (JsonNode item : spec.path("limits")) {
            if (!(item instanceof ObjectNode limit)) {
                continue;
            }
            if (!limit.has("type")) {
                limit.put("type", "");
            }
            if (limit.path("type").asText("").equals("Container")) {
                // the default limit from max, the default request from the default limit, then from min
                fill(limit, "default", limit.get("max"));
                fill(limit, "defaultRequest", limit.get("default"));
                fill(limit, "defaultRequest", limit.get("min"));
            }
            for (String list : LISTS) {
                Volumes.canonicalize(limit.get(list), "LimitRange");
            }
        }
    }

    private static void fill(ObjectNode limit, String target, JsonNode from) {
        if (from == null || !from.isObject() || from.isEmpty()) {
            return;
        }
        ObjectNode to = limit.get(target) instanceof ObjectNode o ? o : limit.putObject(target);
        from.fields().forEachRemaining(e -> {
            if (!to.has(e.getKey())) {
                to.set(e.getKey(), e.getValue().deepCopy());
            }
        });
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        ObjectNode metadata = Json.metadata(object);
        if (Json.text(metadata, "name").isEmpty()) {
            metadata.put("name", UUID.randomUUID().toString());
        }
    }

    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    /** kube's ValidateLimitRange (its metadata is the store's); the same on update. */
    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        Set<String> types = new HashSet<>();
        int i = 0;
        for (JsonNode limit : object.path("spec").path("limits")) {
            item(limit, "spec.limits[" + i++ + "]", types, causes);
        }
        return causes;
    }

    private static void item(JsonNode limit, String at, Set<String> types, List<FieldCause> causes) {
        String type = limit.path("type").asText("");
        causes.addAll(ResourceLists.limitType(type, at + ".type"));
        if (!types.add(type)) {
            causes.add(FieldCause.duplicate(at + ".type", type));
        }
        ResourceLists.NameCheck names = type.equals("Pod") || type.equals("Container")
                ? ResourceLists::containerResourceName : ResourceLists::resourceName;
        Set<String> keys = new TreeSet<>();
        Map<String, JsonNode> max = names(limit, "max", at, names, keys, causes);
        Map<String, JsonNode> min = names(limit, "min", at, names, keys, causes);
        Map<String, JsonNode> defaults = Map.of();
        Map<String, JsonNode> defaultRequests = Map.of();
        if (type.equals("Pod")) {
            if (limit.path("default").size() > 0) {
                causes.add(FieldCause.forbidden(at + ".default", "may not be specified when `type` is 'Pod'"));
            }
            if (limit.path("defaultRequest").size() > 0) {
                causes.add(FieldCause.forbidden(at + ".defaultRequest", "may not be specified when `type` is 'Pod'"));
            }
        } else {
            defaults = names(limit, "default", at, names, keys, causes);
            defaultRequests = names(limit, "defaultRequest", at, names, keys, causes);
        }
        if (type.equals("PersistentVolumeClaim") && !min.containsKey("storage") && !max.containsKey("storage")) {
            causes.add(FieldCause.required(at + ".limits", "either minimum or maximum storage value is required, but neither was provided"));
        }
        Map<String, JsonNode> ratios = names(limit, "maxLimitRequestRatio", at, names, keys, causes);
        for (String k : keys) {
            bounds(k, at, min.get(k), max.get(k), defaults.get(k), defaultRequests.get(k), ratios.get(k), causes);
        }
    }

    /** The entries of one list, their names checked; every name goes into {@code keys}. */
    private static Map<String, JsonNode> names(JsonNode limit, String list, String at, ResourceLists.NameCheck check,
                                               Set<String> keys, List<FieldCause> causes) {
        Map<String, JsonNode> out = new java.util.TreeMap<>();
        JsonNode map = limit.get(list);
        for (String k : ResourceLists.keys(map)) {
            causes.addAll(check.check(k, at + "." + list + "[" + k + "]"));
            keys.add(k);
            out.put(k, map.get(k));
        }
        return out;
    }

    /** kube's checks of one resource across min, max, default, default request and the limit/request ratio. */
    private static void bounds(String k, String at, JsonNode minNode, JsonNode maxNode, JsonNode defaultNode,
                               JsonNode requestNode, JsonNode ratioNode, List<FieldCause> causes) {
        Quantity min = minNode == null ? null : ResourceLists.held(minNode);
        Quantity max = maxNode == null ? null : ResourceLists.held(maxNode);
        Quantity dflt = defaultNode == null ? null : ResourceLists.held(defaultNode);
        Quantity request = requestNode == null ? null : ResourceLists.held(requestNode);
        Quantity ratio = ratioNode == null ? null : ResourceLists.held(ratioNode);
        // the bad values are resource.Quantity values, which kube prints with %#v
        if (min != null && max != null && min.compareTo(max) > 0) {
            causes.add(FieldCause.invalidRendered(at + ".min[" + k + "]", min.goSyntax(),
                    "min value " + min + " is greater than max value " + max));
        }
        if (request != null && min != null && min.compareTo(request) > 0) {
            causes.add(FieldCause.invalidRendered(at + ".defaultRequest[" + k + "]", request.goSyntax(),
                    "min value " + min + " is greater than default request value " + request));
        }
        if (request != null && max != null && request.compareTo(max) > 0) {
            causes.add(FieldCause.invalidRendered(at + ".defaultRequest[" + k + "]", request.goSyntax(),
                    "default request value " + request + " is greater than max value " + max));
        }
        if (request != null && dflt != null && request.compareTo(dflt) > 0) {
            causes.add(FieldCause.invalidRendered(at + ".defaultRequest[" + k + "]", request.goSyntax(),
                    "default request value " + request + " is greater than default limit value " + dflt));
        }
        if (dflt != null && min != null && min.compareTo(dflt) > 0) {
            causes.add(FieldCause.invalidRendered(at + ".default[" + k + "]", min.goSyntax(),
                    "min value " + min + " is greater than default value " + dflt));
        }
        if (dflt != null && max != null && dflt.compareTo(max) > 0) {
            causes.add(FieldCause.invalidRendered(at + ".default[" + k + "]", max.goSyntax(),
                    "default value " + dflt + " is greater than max value " + max));
        }
        if (ratio != null && ratio.decimal().compareTo(BigDecimal.ONE) < 0) {
            causes.add(FieldCause.invalidRendered(at + ".maxLimitRequestRatio[" + k + "]", ratio.goSyntax(),
                    "ratio " + ratio + " is less than 1"));
        }
        if (ratio != null && min != null && max != null) {
            double ratioValue = ratio.value();
            long minValue = min.value();
            long maxValue = max.value();
            if (ratio.value() < ResourceLists.MAX_MILLI_VALUE && minValue < ResourceLists.MAX_MILLI_VALUE
                    && maxValue < ResourceLists.MAX_MILLI_VALUE) {
                ratioValue = ResourceLists.milliValue(ratio) / 1000.0;
                minValue = ResourceLists.milliValue(min);
                maxValue = ResourceLists.milliValue(max);
            }
            double limit = (double) maxValue / (double) minValue;
            if (ratioValue > limit) {
                causes.add(FieldCause.invalidRendered(at + ".maxLimitRequestRatio[" + k + "]", ratio.goSyntax(),
                        "ratio " + ratio + " is greater than max/min = " + goFloat(limit)));
            }
        }
        // huge pages and extended resources cannot be overcommitted: a default limit is the default request
        if (!ResourceLists.overcommitAllowed(k) && dflt != null && request != null && dflt.compareTo(request) != 0) {
            causes.add(FieldCause.invalidRendered(at + ".defaultRequest[" + k + "]", request.goSyntax(),
                    "default value " + dflt + " must equal to defaultRequest value " + request + " in " + k));
        }
    }

    /** Go's {@code %f}. */
    static String goFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return String.format(Locale.ROOT, "%f", v);
    }

    /** kube's default table convertor: the name and the creation time (RFC 3339, UTC). */
    @Override
    public TableConvertor table() {
        return Printer.builder().name()
                .column(new TableColumn("Created At", "date", "", TableColumn.ageColumn().description(), 0),
                        o -> Json.text(o.get("metadata"), "creationTimestamp"))
                .build();
    }
}
