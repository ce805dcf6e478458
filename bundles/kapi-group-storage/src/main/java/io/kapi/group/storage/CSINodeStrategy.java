package io.kapi.group.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.Printer;
import io.kapi.api.rest.Strategy;
import io.kapi.api.rest.TableColumn;
import io.kapi.api.rest.TableConvertor;
import io.kapi.machinery.validation.NameValidation;
import io.kapi.machinery.validation.ObjectMetaValidation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * kube's CSINode ({@code pkg/registry/storage/csinode}): {@code ValidateCSINode} with long node IDs
 * allowed (names are DNS subdomains, the store's default; each driver a CSI driver name, a node ID of
 * at most 256 characters, a non-negative allocatable count, no driver twice, topology keys that are
 * qualified names, none twice) and on update the same plus {@code ValidateCSINodeUpdate}: a driver
 * present before and after may not change. No generation; an update must name its resourceVersion.
 * kube's printer.
 */
final class CSINodeStrategy implements Strategy {
    static final int NODE_ID_MAX_LENGTH = 256;

    private static final TableConvertor TABLE = Printer.builder().name()
            .column(TableColumn.of("Drivers", "integer", "Drivers indicates the number of CSI drivers registered on the node"),
                    o -> (long) o.path("spec").path("drivers").size())
            .age().build();

    @Override
    public void applyDefaults(ObjectNode object) {
        // a struct kube always writes out ("spec" has no omitempty)
        if (!(object.get("spec") instanceof ObjectNode)) {
            object.putObject("spec");
        }
    }

    @Override
    public boolean allowUnconditionalUpdate() {
        return false;
    }

    @Override
    public List<FieldCause> validate(ObjectNode object) {
        List<FieldCause> causes = new ArrayList<>();
        JsonNode drivers = object.path("spec").get("drivers");
        if (drivers == null || !drivers.isArray()) {
            return causes;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < drivers.size(); i++) {
            validateDriver(drivers.get(i), names, "spec.drivers[" + i + "]", causes);
        }
        return causes;
    }

    /** kube's {@code ValidateCSIDriverName} (core validation): required, 63 bytes at most, a DNS subdomain once lower-cased. */
    static void validateCSIDriverName(String name, String path, List<FieldCause> causes) {
        if (name.isEmpty()) {
            causes.add(FieldCause.required(path, ""));
        }
        if (GoForms.len(name) > 63) {
            causes.add(FieldCause.tooLong(path, 63));
        }
        for (String msg : NameValidation.isDNS1123Subdomain(name.toLowerCase(Locale.ROOT))) {
            causes.add(FieldCause.invalid(path, name, msg));
        }
    }

    private static void validateDriver(JsonNode driver, Set<String> names, String path, List<FieldCause> causes) {
        String name = GoForms.text(driver, "name");
        validateCSIDriverName(name, path + ".name", causes);
        String nodeID = GoForms.text(driver, "nodeID");
        if (nodeID.isEmpty()) {
            causes.add(FieldCause.required(path + ".nodeID", ""));
        }
        if (GoForms.len(nodeID) > NODE_ID_MAX_LENGTH) {
            causes.add(FieldCause.invalid(path + ".nodeID", nodeID, "must be " + NODE_ID_MAX_LENGTH + " characters or less"));
        }
        JsonNode count = driver.path("allocatable").get("count");
        if (!GoForms.isNil(count) && count.asLong() < 0) {
            causes.add(FieldCause.invalid(path + ".allocatable.count", count.asLong(), ObjectMetaValidation.IS_NEGATIVE));
        }
        if (!names.add(name)) {
            causes.add(FieldCause.duplicate(path + ".name", name));
        }
        Set<String> keys = new HashSet<>();
        JsonNode topologyKeys = driver.get("topologyKeys");
        for (String key : GoForms.strings(topologyKeys)) {
            if (key.isEmpty()) {
                causes.add(FieldCause.required(path, ""));
            }
            if (!keys.add(key)) {
                causes.add(FieldCause.duplicate(path, key));
            }
            for (String msg : GoForms.qualifiedNameErrors(key)) {
                // kube reports the whole list as the bad value
                causes.add(FieldCause.invalidRendered(path, GoForms.stringSlice("string", topologyKeys), msg));
            }
        }
    }

    @Override
    public List<FieldCause> validateUpdate(ObjectNode object, ObjectNode old) {
        List<FieldCause> causes = validate(object);
        JsonNode oldDrivers = old.path("spec").path("drivers");
        JsonNode drivers = object.path("spec").path("drivers");
        for (JsonNode oldDriver : oldDrivers) {
            for (JsonNode driver : drivers) {
                if (GoForms.text(oldDriver, "name").equals(GoForms.text(driver, "name")) && !sameDriver(driver, oldDriver)) {
                    causes.add(FieldCause.invalidRendered("spec.drivers", render(driver), ObjectMetaValidation.FIELD_IMMUTABLE));
                }
            }
        }
        return causes;
    }

    /** kube's {@code equality.Semantic.DeepEqual} of two {@code CSINodeDriver}s. */
    static boolean sameDriver(JsonNode a, JsonNode b) {
        return GoForms.text(a, "name").equals(GoForms.text(b, "name"))
                && GoForms.text(a, "nodeID").equals(GoForms.text(b, "nodeID"))
                && GoForms.stringSlicesEqual(a.get("topologyKeys"), b.get("topologyKeys"))
                && GoForms.isNil(a.get("allocatable")) == GoForms.isNil(b.get("allocatable"))
                && Objects.equals(count(a), count(b));
    }

    private static Long count(JsonNode driver) {
        JsonNode c = driver.path("allocatable").get("count");
        return GoForms.isNil(c) ? null : c.asLong();
    }

    /**
     * A {@code storage.CSINodeDriver} as {@code %#v} prints it; Go prints a set allocatable as its
     * pointer's address, which is shown as {@code (...)}.
     */
    static String render(JsonNode d) {
        return "storage.CSINodeDriver{Name:" + FieldCause.goQuote(GoForms.text(d, "name"))
                + ", NodeID:" + FieldCause.goQuote(GoForms.text(d, "nodeID"))
                + ", TopologyKeys:" + GoForms.stringSlice("string", d.get("topologyKeys"))
                + ", Allocatable:(*storage.VolumeNodeResources)(" + (GoForms.isNil(d.get("allocatable")) ? "nil" : "...") + ")}";
    }

    @Override
    public TableConvertor table() {
        return TABLE;
    }
}
