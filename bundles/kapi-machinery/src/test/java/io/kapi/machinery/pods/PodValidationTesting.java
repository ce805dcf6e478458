package io.kapi.machinery.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kapi.api.rest.FieldCause;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** JSON and message helpers of the pod validation unit tests. */
final class PodValidationTesting {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PodValidationTesting() {
    }

    /** JSON written with single quotes, for readable test literals. */
    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** What a validation adds, as kube prints each error: {@code field: message}. */
    static List<String> errors(Consumer<List<FieldCause>> validation) {
        List<FieldCause> causes = new ArrayList<>();
        validation.accept(causes);
        return causes.stream().map(FieldCause::describe).toList();
    }
}
