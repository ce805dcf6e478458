package io.kapi.core.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kapi.api.rest.StatusException;
import io.kapi.api.rest.VersionConverter;
import io.kapi.machinery.apply.FieldManager;
import io.kapi.machinery.apply.Versions;
import java.util.Map;

/**
 * The other served versions of one resource as its field manager reads them, as kube's field manager
 * reads a managedFields entry through its version converter: the object converted to the entry's
 * version (by the resource's {@link VersionConverter}, or by renaming {@code apiVersion} for kube's
 * {@code None} conversion), compared with that version's schema. An entry of a version of the group
 * that is no longer served is dropped ({@link Versions.MissingVersion}), as kube drops it. An entry
 * naming another group (a resource stored with another group's, as events.k8s.io Events are core
 * Events) is read as this version's own, since no conversion across groups exists.
 *
 * <p>The set of served versions changes with the serving snapshot; {@link #serve} replaces it.
 */
public final class OtherVersions implements Versions {
    private final String group;
    private final String apiVersion;
    private final VersionConverter converter;
    private final FieldManager own;
    private volatile Map<String, FieldManager> served;

    /**
     * @param apiVersion the version this resource is served in (group/version)
     * @param converter null for kube's {@code None} conversion
     * @param own the field manager of {@code apiVersion}
     */
    OtherVersions(String group, String apiVersion, VersionConverter converter, FieldManager own) {
        this.group = group;
        this.apiVersion = apiVersion;
        this.converter = converter;
        this.own = own;
        this.served = Map.of(apiVersion, own);
    }

    /** The field manager of the version this resource is served in, reading no other version. */
    public FieldManager own() {
        return own;
    }

    /** The field managers of every version of the resource now served, by apiVersion. */
    void serve(Map<String, FieldManager> versions) {
        this.served = Map.copyOf(versions);
    }

    private boolean ofThisGroup(String version) {
        int slash = version.indexOf('/');
        return group.isEmpty() ? slash < 0 : slash > 0 && version.substring(0, slash).equals(group);
    }

    @Override
    public FieldManager fieldManager(String version) {
        if (!ofThisGroup(version)) {
            return own;
        }
        FieldManager f = served.get(version);
        if (f == null) {
            throw new MissingVersion(version);
        }
        return f;
    }

    @Override
    public JsonNode convert(JsonNode object, String from, String to) {
        if (!ofThisGroup(to) || !ofThisGroup(from) || from.equals(to) || !(object instanceof ObjectNode o)) {
            return object;
        }
        if (!served.containsKey(to)) {
            throw new MissingVersion(to);
        }
        ObjectNode copy = o.deepCopy();
        copy.put("apiVersion", from);
        if (converter == null) {
            copy.put("apiVersion", to);
            return copy;
        }
        String version = to.substring(to.indexOf('/') + 1);
        ObjectNode converted = converter.convert(copy, version);
        if (converted == null) {
            throw StatusException.internal("conversion of an object of " + from + " to " + to + " returned nothing");
        }
        converted.put("apiVersion", to);
        return converted;
    }

    /**
     * These versions read with {@code fields} ignored in each (an endpoint's reset fields, which kube's
     * strategies list alike for every version of a resource).
     */
    Versions ignoring(io.kapi.machinery.apply.FieldSet fields) {
        OtherVersions all = this;
        return new Versions() {
            @Override
            public JsonNode convert(JsonNode object, String from, String to) {
                return all.convert(object, from, to);
            }

            @Override
            public FieldManager fieldManager(String version) {
                return all.fieldManager(version).ignoring(fields);
            }
        };
    }

    @Override
    public String toString() {
        return apiVersion + " reading " + served.keySet();
    }
}
