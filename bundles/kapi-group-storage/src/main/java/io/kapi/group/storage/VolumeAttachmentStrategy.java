package io.kapi.group.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.json.Json;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * kube 1.32's VolumeAttachment ({@code pkg/registry/storage/volumeattachment}): status comes only through
 * {@code /status} (a create starts from Go's zero status, {@code attached: false}); on create
 * {@code ValidateVolumeAttachment} and the v1 checks {@code ValidateVolumeAttachmentV1} (the attacher a
 * CSI driver name, the persistent volume name a DNS subdomain); on update {@code ValidateVolumeAttachment}
 * then {@code ValidateVolumeAttachmentUpdate}, which validates the object again (so kube reports each of
 * those errors twice) and keeps the spec immutable. Names are DNS subdomains, the store's default; no
 * generation; an update must name its resourceVersion. kube's printer.
 */
final class VolumeAttachmentStrategy implements Strategy {
    static final String KIND = "VolumeAttachment";
    static final int MAX_METADATA_SIZE = 256 * (1 << 10);
    static final int MAX_ERROR_MESSAGE_SIZE = 1024;
    static final String EXACTLY_ONE = "must specify exactly one of inlineVolumeSpec and persistentVolumeName";

    private final TableConvertor table;

    VolumeAttachmentStrategy(ObjectNode openApi) {
        JsonNode spec = openApi.path("io.k8s.api.storage.v1.VolumeAttachmentSpec").path("properties");
        JsonNode source = openApi.path("io.k8s.api.storage.v1.VolumeAttachmentSource").path("properties");
        JsonNode status = openApi.path("io.k8s.api.storage.v1.VolumeAttachmentStatus").path("properties");
        table = Printer.builder().name()
                .column(new TableColumn("Attacher", "string", "name", StorageClassStrategy.description(spec, "attacher"), 0),
                        o -> GoForms.text(o.path("spec"), "attacher"))
                .column(TableColumn.of("PV", "string", StorageClassStrategy.description(source, "persistentVolumeName")),
                        o -> GoForms.text(o.path("spec").path("source"), "persistentVolumeName"))
                .column(TableColumn.of("Node", "string", StorageClassStrategy.description(spec, "nodeName")),
                        o -> GoForms.text(o.path("spec"), "nodeName"))
                .column(TableColumn.of("Attached", "boolean", StorageClassStrategy.description(status, "attached")),
                        o -> o.path("status").path("attached").asBoolean(false))
                .age().build();
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        JsonNode inline = object.path("spec").path("source").get("inlineVolumeSpec");
        if (!GoForms.isNil(inline)) {
            InlineVolumeSpec.canonicalize(inline, KIND);
        }
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        object.putObject("status").put("attached", false);
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        if (old.has("status")) {
            object.set("status", old.get("status").deepCopy());
        } else {
            object.remove("status");
        }
    }

    @Override
    public boolean allowUnconditionalUpdate() {
        return false;
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = validateAttachment(object);
        causes.addAll(validateV1(object.path("spec")));
        return causes;
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        return validateUpdateOf(object, old);
    }

    /** What kube's strategy and status strategy both run on an update. */
    static List<FieldCause> validateUpdateOf(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = validateAttachment(object);
        causes.addAll(validateAttachment(object));
        JsonNode spec = object.path("spec");
        if (!semanticEquals(spec, old.path("spec"))) {
            causes.add(FieldCause.invalidRendered("spec", render(spec), ObjectMetaValidation.FIELD_IMMUTABLE));
        }
        return causes;
    }

    /** kube's {@code ValidateVolumeAttachment} without the metadata, which the store validates. */
    static List<FieldCause> validateAttachment(JsonNode object) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode spec = object.path("spec");
        if (GoForms.text(spec, "attacher").isEmpty()) {
            causes.add(FieldCause.required("spec.attacher", ""));
        }
        JsonNode source = spec.path("source");
        JsonNode pvName = source.get("persistentVolumeName");
        JsonNode inline = source.get("inlineVolumeSpec");
        if (GoForms.isNil(pvName) && GoForms.isNil(inline)) {
            causes.add(FieldCause.required("spec.source", EXACTLY_ONE));
        } else if (!GoForms.isNil(pvName) && !GoForms.isNil(inline)) {
            causes.add(FieldCause.forbidden("spec.source", EXACTLY_ONE));
        } else if (!GoForms.isNil(pvName)) {
            if (pvName.asText().isEmpty()) {
                causes.add(FieldCause.required("spec.source.persistentVolumeName", "must specify non empty persistentVolumeName"));
            }
        } else {
            causes.addAll(InlineVolumeSpec.validate(inline, "spec.source.inlineVolumeSpec"));
        }
        String nodeName = GoForms.text(spec, "nodeName");
        for (String msg : NameValidation.isDNS1123Subdomain(nodeName)) {
            causes.add(FieldCause.invalid("spec.nodeName", nodeName, msg));
        }
        JsonNode status = object.path("status");
        long size = 0;
        for (Map.Entry<String, String> e : GoForms.stringMap(status.get("attachmentMetadata")).entrySet()) {
            size += GoForms.len(e.getKey()) + GoForms.len(e.getValue());
        }
        if (size > MAX_METADATA_SIZE) {
            causes.add(FieldCause.tooLong("status.attachmentMetadata", MAX_METADATA_SIZE));
        }
        volumeError(status.get("attachError"), "status.attachError", causes);
        volumeError(status.get("detachError"), "status.detachError", causes);
        return causes;
    }

    private static void volumeError(JsonNode error, String path, List<FieldCause> causes) {
        if (!GoForms.isNil(error) && GoForms.len(GoForms.text(error, "message")) > MAX_ERROR_MESSAGE_SIZE) {
            // kube reports the metadata limit here, not the message's
            causes.add(FieldCause.tooLong(path + ".message", MAX_METADATA_SIZE));
        }
    }

    /** kube's {@code ValidateVolumeAttachmentV1}: what v1 checks of a new attachment beyond the common rules. */
    static List<FieldCause> validateV1(JsonNode spec) {
        List<FieldCause> causes = new ArrayList<>();
        CSINodeStrategy.validateCSIDriverName(GoForms.text(spec, "attacher"), "spec.attacher", causes);
        JsonNode pvName = spec.path("source").get("persistentVolumeName");
        if (!GoForms.isNil(pvName)) {
            for (String msg : NameValidation.isDNS1123Subdomain(pvName.asText())) {
                causes.add(FieldCause.invalid("spec.source.persistentVolumeName", pvName.asText(), msg));
            }
        }
        return causes;
    }

    /**
     * A {@code storage.VolumeAttachmentSpec} as Go's {@code %#v} prints it; Go prints a set pointer as its
     * address, shown as {@code (...)}.
     */
    static String render(JsonNode spec) {
        JsonNode source = spec.path("source");
        return "storage.VolumeAttachmentSpec{Attacher:" + FieldCause.goQuote(GoForms.text(spec, "attacher"))
                + ", Source:storage.VolumeAttachmentSource{PersistentVolumeName:(*string)("
                + (GoForms.isNil(source.get("persistentVolumeName")) ? "nil" : "...") + "), InlineVolumeSpec:(*core.PersistentVolumeSpec)("
                + (GoForms.isNil(source.get("inlineVolumeSpec")) ? "nil" : "...") + ")}, NodeName:" + FieldCause.goQuote(GoForms.text(spec, "nodeName")) + "}";
    }

    /**
     * kube's {@code equality.Semantic.DeepEqual} of two JSON values: an absent or null field and an empty
     * list or map are Go's nil, equal to each other.
     */
    static boolean semanticEquals(JsonNode a, JsonNode b) {
        return normalize(a).equals(normalize(b));
    }

    private static JsonNode normalize(JsonNode n) {
        if (GoForms.isNil(n) || (n.isContainerNode() && n.isEmpty())) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (n.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            n.forEach(v -> out.add(normalize(v)));
            return out;
        }
        if (n.isObject()) {
            ObjectNode out = Json.object();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = normalize(e.getValue());
                if (!v.isNull()) {
                    out.set(e.getKey(), v);
                }
            }
            return out;
        }
        return n;
    }

    @Override
    public TableConvertor table() {
        return table;
    }
}
