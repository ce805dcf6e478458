package io.kapi.group.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import io.kapi.machinery.quantity.Quantity;
import io.kapi.machinery.validation.NameValidation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What kube's PersistentVolume and PersistentVolumeClaim validation share
 * ({@code pkg/apis/core/validation}): access modes, storage quantities, class names, the volume mode's
 * immutability, paths and the semantic comparison of specs.
 */
final class Volumes {
    /** kube's supportedAccessModes, sorted as its messages list them. */
    static final List<String> ACCESS_MODES = List.of("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod");
    static final List<String> VOLUME_MODES = List.of("Block", "Filesystem");
    static final String BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class";
    static final String IMMUTABLE = "field is immutable";
    static final String NOT_POSITIVE = "must be greater than zero";
    /** A Go pointer's address in a {@code %#v}: it varies in kube, a fixed one stands for it here. */
    static final String GO_POINTER = "0xc000000000";

    private Volumes() {
    }

    /** The access-mode checks PersistentVolumeSpec and PersistentVolumeClaimSpec share. */
    static void accessModes(JsonNode modes, String path, String requiredDetail, List<FieldCause> causes) {
        if (modes.size() == 0) {
            causes.add(FieldCause.required(path, requiredDetail));
        }
        boolean once = false;
        boolean other = false;
        for (JsonNode m : modes) {
            String mode = m.asText("");
            if (!ACCESS_MODES.contains(mode)) {
                causes.add(FieldCause.notSupported(path, mode, ACCESS_MODES));
            }
            if (mode.equals("ReadWriteOncePod")) {
                once = true;
            } else if (ACCESS_MODES.contains(mode)) {
                other = true;
            }
        }
        if (once && other) {
            causes.add(FieldCause.forbidden(path, "may not use ReadWriteOncePod with other access modes"));
        }
    }

    /** kube's ValidateClassName (a DNS-1123 subdomain) of a storage or volume attributes class. */
    static void className(String name, String path, List<FieldCause> causes) {
        for (String msg : NameValidation.isDNS1123Subdomain(name)) {
            causes.add(FieldCause.invalid(path, name, msg));
        }
    }

    /** kube's ValidateImmutableField of the spec's volume mode, as both kinds' update validation has it. */
    static void volumeModeUnchanged(JsonNode spec, JsonNode oldSpec, List<FieldCause> causes) {
        JsonNode newMode = spec.get("volumeMode");
        JsonNode oldMode = oldSpec.get("volumeMode");
        if (!Objects.equals(nullable(newMode), nullable(oldMode))) {
            causes.add(FieldCause.invalid("volumeMode", newMode == null || newMode.isNull() ? "null" : newMode.asText(""), IMMUTABLE));
        }
    }

    /** The text of a Go pointer field: null when unset. */
    static String nullable(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText("");
    }

    // ---- quantities

    /**
     * A resource list as kube's decoding and {@code SetDefaults_ResourceList} leave it: every value a
     * quantity, rounded up to milli scale, in kube's serialized form.
     *
     * @throws StatusException kube's 400 for a value that is not a quantity
     */
    static void canonicalize(JsonNode list, String kind) {
        try {
            Quantity.canonicalizeList(list);
        } catch (Quantity.InvalidQuantityException ex) {
            throw undecodable(kind, ex.getMessage());
        }
    }

    /** kube's answer to a body its decoder refuses (transformDecodeError). */
    static StatusException undecodable(String kind, String message) {
        return StatusException.badRequest(kind + " in version \"v1\" cannot be handled as a " + kind + ": " + message);
    }

    /** The quantity at {@code node}; zero when absent (Go's zero Quantity) or not a quantity. */
    static Quantity quantity(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Quantity.ZERO;
        }
        Quantity q = Quantity.parseOrNull(node.asText("").trim());
        return q == null ? Quantity.ZERO : q;
    }

    /** A value that reached validation without being a quantity (no defaulting ran): kube's decoder error. */
    static boolean unparsable(JsonNode node, String path, List<FieldCause> causes) {
        if (node == null || node.isNull()) {
            return false;
        }
        try {
            Quantity.parse(node.asText("").trim());
            return false;
        } catch (Quantity.InvalidQuantityException e) {
            causes.add(FieldCause.invalid(path, node.asText(""), e.getMessage()));
            return true;
        }
    }

    /** kube's validateBasicResource: the value, rounded up to an integer, is not negative. */
    static void basicResource(Quantity q, String path, List<FieldCause> causes) {
        if (q.value() < 0) {
            causes.add(FieldCause.invalid(path, q.value(), "must be a valid resource quantity"));
        }
    }

    /** kube's ValidatePositiveQuantityValue. */
    static boolean positive(Quantity q, String path, List<FieldCause> causes) {
        if (q.sign() <= 0) {
            causes.add(FieldCause.invalid(path, q.toString(), NOT_POSITIVE));
            return false;
        }
        return true;
    }

    /** A resource list's keys in a fixed order (kube walks Go maps, whose order varies). */
    static List<String> keys(JsonNode map) {
        List<String> keys = new ArrayList<>();
        map.fieldNames().forEachRemaining(keys::add);
        keys.sort(null);
        return keys;
    }

    /** Go's {@code %#v} of a {@code core.ResourceList}, as kube's NotSupported error prints one. */
    static String goResourceList(JsonNode list) {
        if (list == null || list.isNull() || !list.isObject()) {
            return "core.ResourceList(nil)";
        }
        StringBuilder b = new StringBuilder("core.ResourceList{");
        boolean first = true;
        for (String k : keys(list)) {
            Quantity q = Quantity.parseOrNull(list.get(k).asText("").trim());
            b.append(first ? "" : ", ").append(FieldCause.goQuote(k)).append(':')
                    .append((q == null ? Quantity.ZERO : q).goSyntax());
            first = false;
        }
        return b.append('}').toString();
    }

    // ---- paths

    /** kube's validatePathNoBacksteps. */
    static void noBacksteps(String p, String path, List<FieldCause> causes) {
        for (String item : p.split("/", -1)) {
            if (item.equals("..")) {
                causes.add(FieldCause.invalid(path, p, "must not contain '..'"));
                return;
            }
        }
    }

    /** Go's {@code path.Clean}. */
    static String cleanPath(String p) {
        if (p.isEmpty()) {
            return ".";
        }
        boolean rooted = p.startsWith("/");
        List<String> out = new ArrayList<>();
        for (String part : p.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
                    out.remove(out.size() - 1);
                } else if (!rooted) {
                    out.add("..");
                }
                continue;
            }
            out.add(part);
        }
        String joined = String.join("/", out);
        if (rooted) {
            return "/" + joined;
        }
        return joined.isEmpty() ? "." : joined;
    }

    // ---- semantic comparison

    /**
     * A copy of {@code node} for comparing as kube's {@code Semantic.DeepEqual} does: nulls, empty lists
     * and maps and zero values (a non-pointer Go field's) are as if absent; quantities compare by value.
     * The top-level fields named in {@code pointers} are Go pointers: there an empty value is still a
     * value.
     */
    static JsonNode semantic(JsonNode node, Set<String> pointers) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Json.object();
        }
        JsonNode copy = node.deepCopy();
        if (copy instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode v = o.get(name);
                if (v.isNull()) {
                    o.remove(name);
                } else if (pointers.contains(name)) {
                    o.set(name, prune(v, name));
                } else {
                    JsonNode p = prune(v, name);
                    if (p == null) {
                        o.remove(name);
                    } else {
                        o.set(name, p);
                    }
                }
            }
        }
        return copy;
    }

    private static final Set<String> QUANTITY_MAPS = Set.of("requests", "limits", "capacity");

    /** The pruned value, or null when it is a zero value. */
    private static JsonNode prune(JsonNode v, String name) {
        if (v.isObject()) {
            ObjectNode o = (ObjectNode) v;
            ObjectNode out = o.objectNode();
            o.fields().forEachRemaining(e -> {
                if (QUANTITY_MAPS.contains(name)) {
                    Quantity q = Quantity.parseOrNull(e.getValue().asText("").trim());
                    out.put(e.getKey(), q == null ? e.getValue().asText("") : q.decimal().stripTrailingZeros().toString());
                    return;
                }
                JsonNode p = e.getValue().isNull() ? null : prune(e.getValue(), e.getKey());
                if (p != null) {
                    out.set(e.getKey(), p);
                }
            });
            return out.isEmpty() ? null : out;
        }
        if (v.isArray()) {
            if (v.isEmpty()) {
                return null;
            }
            ArrayNode out = ((ArrayNode) v).arrayNode();
            for (JsonNode item : v) {
                if (item.isContainerNode()) {
                    JsonNode p = prune(item, "");
                    out.add(p == null ? (item.isArray() ? out.arrayNode() : out.objectNode()) : p);
                } else {
                    out.add(item);
                }
            }
            return out;
        }
        if (v.isTextual() && v.asText().isEmpty() || v.isBoolean() && !v.asBoolean() || v.isNumber() && v.asDouble() == 0) {
            return null;
        }
        return v;
    }

    /**
     * The diff kube appends to its immutability messages. kube prints go-cmp's, which is not stable
     * by design (it varies its spaces); this is a simpler one in its shape: the changed fields, old and
     * new, as JSON.
     */
    static String diff(String goType, JsonNode before, JsonNode after, Set<String> pointers) {
        JsonNode semanticBefore = semantic(before, pointers);
        JsonNode semanticAfter = semantic(after, pointers);
        StringBuilder b = new StringBuilder("  ").append(goType).append("{\n");
        java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
        before.fieldNames().forEachRemaining(names::add);
        after.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (java.util.Objects.equals(semanticBefore.get(name), semanticAfter.get(name))) {
                continue;
            }
            JsonNode o = before.get(name);
            JsonNode n = after.get(name);
            String field = goName(name);
            if (o != null && !o.isNull()) {
                b.append("- \t").append(field).append(": ").append(o).append(",\n");
            }
            if (n != null && !n.isNull()) {
                b.append("+ \t").append(field).append(": ").append(n).append(",\n");
            }
        }
        return b.append("  }\n").toString();
    }

    private static final Map<String, String> GO_NAMES = Map.ofEntries(Map.entry("gcePersistentDisk", "GCEPersistentDisk"),
            Map.entry("awsElasticBlockStore", "AWSElasticBlockStore"), Map.entry("nfs", "NFS"), Map.entry("rbd", "RBD"),
            Map.entry("iscsi", "ISCSI"), Map.entry("cephfs", "CephFS"), Map.entry("fc", "FC"), Map.entry("scaleIO", "ScaleIO"),
            Map.entry("storageos", "StorageOS"), Map.entry("csi", "CSI"));

    private static String goName(String json) {
        String known = GO_NAMES.get(json);
        return known != null ? known : json.isEmpty() ? json : Character.toUpperCase(json.charAt(0)) + json.substring(1);
    }
}
