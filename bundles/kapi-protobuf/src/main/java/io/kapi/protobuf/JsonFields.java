package io.kapi.protobuf;

import com.google.protobuf.Descriptors.FieldDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * How the fields of kube's messages stand in JSON where the proto field alone does not say: their JSON names,
 * the Go embedded structs JSON inlines ({@code json-names.txt}) and the zeros JSON omits ({@code omit-zero.txt}).
 */
final class JsonFields {
    /**
     * {@code <message>.<proto field>} to JSON name, for the fields of kube's types whose
     * {@code protobuf:"name=..."} tag is not their {@code json:"..."} name ({@code uID}/{@code uid},
     * {@code aPIGroup}/{@code apiGroup}), and {@link #INLINE} for Go embedded structs tagged
     * {@code json:",inline"}: encoding/json writes their fields in the enclosing object, gogo protobuf
     * keeps them in a nested message ({@code Volume.volumeSource}). From {@code json-names.txt}.
     */
    private static final Map<String, String> JSON_NAMES = jsonNames();
    private static final String INLINE = "-inline";

    /**
     * Go struct fields that are not pointers, carry {@code omitempty} and whose zero kube's
     * protobuf marshaller writes anyway. The wire cannot tell them from pointer fields set to zero
     * (which must be kept: {@code replicas: 0}, {@code gracePeriodSeconds: 0}), so only these,
     * present in nearly every request, are dropped at zero to give the JSON kubectl would send.
     */
    static final Map<String, Set<String>> OMIT_ZERO = omitZero();

    private JsonFields() {
    }

    private static Map<String, String> jsonNames() {
        Map<String, String> out = new HashMap<>();
        for (String line : lines("json-names.txt")) {
            String[] parts = line.trim().split(" ");
            if (parts.length == 3) {
                out.put(parts[0] + "." + parts[1], parts[2]);
            }
        }
        return Map.copyOf(out);
    }

    static boolean isInline(FieldDescriptor f) {
        return INLINE.equals(JSON_NAMES.get(f.getFullName()));
    }

    /** The fields of {@code omit-zero.txt} (k8s.io/api's non-pointer omitempty numbers and booleans) and metav1's. */
    private static Map<String, Set<String>> omitZero() {
        Map<String, Set<String>> out = new HashMap<>();
        out.computeIfAbsent(SpecialTypes.META + "ObjectMeta", k -> new HashSet<>()).add("generation");
        for (String line : lines("omit-zero.txt")) {
            String[] parts = line.trim().split(" ");
            if (parts.length == 2) {
                out.computeIfAbsent(parts[0], k -> new HashSet<>()).add(parts[1]);
            }
        }
        out.replaceAll((k, v) -> Set.copyOf(v));
        return Map.copyOf(out);
    }

    /** The lines of the bundle's resource {@code name}, beside this class. */
    private static String[] lines(String name) {
        try (InputStream in = JsonFields.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the bundle");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
        } catch (IOException e) {
            throw new IllegalStateException(name + " cannot be read", e);
        }
    }

    /**
     * The JSON name of a field. kube's proto field names are its JSON names except for
     * {@code json-names.txt} and in
     * apiextensions' JSONSchemaProps, whose JSON names are not proto identifiers
     * ({@code $ref}, {@code x-kubernetes-list-type}).
     */
    static String jsonName(FieldDescriptor f) {
        String renamed = JSON_NAMES.get(f.getFullName());
        if (renamed != null) {
            return renamed;
        }
        String name = f.getName();
        if (!f.getContainingType().getName().equals("JSONSchemaProps")) {
            return name;
        }
        if (name.equals("ref") || name.equals("schema")) {
            return "$" + name;
        }
        if (name.startsWith("xKubernetes")) {
            StringBuilder out = new StringBuilder("x");
            for (char c : name.substring(1).toCharArray()) {
                if (Character.isUpperCase(c)) {
                    out.append('-').append(Character.toLowerCase(c));
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
        return name;
    }
}
