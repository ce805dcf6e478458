package io.kapi.machinery.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.schema.SchemaValidator.Code;
import io.kapi.machinery.schema.SchemaValidator.Err;
import io.kapi.machinery.schema.SchemaValidator.Result;
import java.util.List;

/** kube-openapi's {@code schemaPropsValidator}: anyOf, oneOf, allOf, not. Stateless. */
final class Combinators {
    private Combinators() {
    }

    private static Err composite(String message) {
        return new Err(Code.COMPOSITE, "", message, null, 0, List.of());
    }

    static Result validate(StructuralSchema s, String path, JsonNode data) {
        Result main = new Result();
        String q = FieldCause.goQuote(path);
        if (!s.anyOf.isEmpty()) {
            Result best = null;
            Result firstSuccess = null;
            boolean succeeded = false;
            for (StructuralSchema a : s.anyOf) {
                Result r = SchemaValidator.validate(a, path, data);
                if (r.valid()) {
                    best = null;
                    succeeded = true;
                    firstSuccess = r;
                    break;
                }
                if (best == null || r.matchCount > best.matchCount) {
                    best = r;
                }
            }
            if (!succeeded) {
                main.add(composite(q + " must validate at least one schema (anyOf)"));
            }
            main.merge(best != null ? best : firstSuccess);
        }
        if (!s.oneOf.isEmpty()) {
            Result best = null;
            Result firstSuccess = null;
            int validated = 0;
            for (StructuralSchema o : s.oneOf) {
                Result r = SchemaValidator.validate(o, path, data);
                if (r.valid()) {
                    validated++;
                    best = null;
                    if (firstSuccess == null) {
                        firstSuccess = r;
                    }
                    continue;
                }
                if (validated == 0 && (best == null || r.matchCount > best.matchCount)) {
                    best = r;
                }
            }
            if (validated != 1) {
                String more = validated == 0 ? "Found none valid" : "Found " + validated + " valid alternatives";
                main.add(composite(q + " must validate one and only one schema (oneOf). " + more));
                main.merge(best);
            } else {
                main.merge(firstSuccess);
            }
        }
        if (!s.allOf.isEmpty()) {
            int validated = 0;
            for (StructuralSchema a : s.allOf) {
                Result r = SchemaValidator.validate(a, path, data);
                if (r.valid()) {
                    validated++;
                }
                main.merge(r);
            }
            if (validated != s.allOf.size()) {
                main.add(composite(q + " must validate all the schemas (allOf)" + (validated == 0 ? ". None validated" : "")));
            }
        }
        if (s.not != null && SchemaValidator.validate(s.not, path, data).valid()) {
            main.add(composite(q + " must not validate the schema (not)"));
        }
        main.matchCount++;
        return main;
    }
}
