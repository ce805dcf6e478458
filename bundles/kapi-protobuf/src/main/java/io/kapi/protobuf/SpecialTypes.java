package io.kapi.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import java.util.Set;

/**
 * Which messages are special: those whose JSON is not an object of their fields (times, int-or-string,
 * quantities, verbs, managed fields, embedded objects, {@code ExtraValue} and apiextensions' schema unions).
 * {@link MessageEncoder} and {@link MessageDecoder} convert them.
 */
final class SpecialTypes {
    static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    static final String TIME = META + "Time";
    static final String MICRO_TIME = META + "MicroTime";
    static final String FIELDS_V1 = META + "FieldsV1";
    static final String VERBS = META + "Verbs";
    static final String INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
    static final String QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
    static final String RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";

    /** Messages whose JSON is not an object of their fields ({@link MessageEncoder#specialMessage}), by full name. */
    private static final Set<String> SPECIAL = Set.of(TIME, MICRO_TIME, INT_OR_STRING, QUANTITY, VERBS, FIELDS_V1, RAW_EXTENSION);
    /** The same, of apiextensions' messages, by name. */
    private static final Set<String> SPECIAL_APIEXTENSIONS =
            Set.of("JSON", "JSONSchemaPropsOrBool", "JSONSchemaPropsOrArray", "JSONSchemaPropsOrStringArray");

    private SpecialTypes() {
    }

    /** Whether the JSON of {@code d} is converted specially, not read as an object of its fields. */
    static boolean isSpecial(Descriptor d) {
        return SPECIAL.contains(d.getFullName()) || d.getName().equals("ExtraValue")
                || d.getFile().getPackage().startsWith("k8s.io.apiextensions_apiserver.") && SPECIAL_APIEXTENSIONS.contains(d.getName());
    }
}
