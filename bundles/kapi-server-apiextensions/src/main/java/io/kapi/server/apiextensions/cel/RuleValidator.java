package io.kapi.server.apiextensions.cel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.runtime.CelEvaluationException;
import io.kapi.api.rest.FieldCause;
import io.kapi.machinery.schema.Correlation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * apiextensions' CEL {@code Validator}: a custom resource walked with its schema, every node's compiled
 * rules evaluated with {@code self} (and, on update, {@code oldSelf} where the old object has a
 * correlatable value: same property or map key, same key of a {@code map} list, never atomic lists),
 * errors in kube's words at kube's paths ({@code <nil>} for the root, {@code spec.x}, {@code list[0]},
 * {@code map[key]}, or the rule's {@code fieldPath}). Cost is limited as kube's per call (1,000,000)
 * and per object (10,000,000), counted as CEL-Java evaluation steps rather than cel-go's cost units.
 * On update with a {@link Correlation}, kube's ratcheting (CRDValidationRatcheting): a failed rule
 * that does not use {@code oldSelf} is dropped when its value is unchanged, or, where the value cannot
 * be correlated (items of sets and atomic lists, new keys), when the nearest correlated ancestor is;
 * never for the root's {@code apiVersion} and {@code kind}, nor for evaluation, compile or cost errors.
 * kube answers the dropped errors as warnings, which this server does not send. Evaluation runs on
 * the caller's thread, synchronously. Thread-safe.
 */
public final class RuleValidator {
    static final long PER_CALL_LIMIT = 1_000_000L;
    static final long RUNTIME_BUDGET = 10_000_000L;
    private static final int MAX_MESSAGE_BYTES = 5 * 1024;

    private final JsonNode schema;
    private final Map<JsonNode, List<CompiledRule>> rules;

    private RuleValidator(JsonNode schema, Map<JsonNode, List<CompiledRule>> rules) {
        this.schema = schema;
        this.rules = rules;
    }

    /** The validator of a version's {@code openAPIV3Schema}, or null when it has no rules. */
    public static RuleValidator of(JsonNode openAPIV3Schema) {
        if (!CrdRules.hasRules(openAPIV3Schema)) {
            return null;
        }
        return new RuleValidator(openAPIV3Schema, RuleCompiler.compile(openAPIV3Schema));
    }

    /** The rule errors of {@code object}; {@code old} is the stored object on update, else null. */
    public List<FieldCause> validate(JsonNode object, JsonNode old) {
        return validate(object, old, null);
    }

    /**
     * As {@link #validate(JsonNode, JsonNode)}, ratcheting with {@code correlation} (of {@code object}
     * and {@code old} under the version's structural schema); null for none.
     */
    public List<FieldCause> validate(JsonNode object, JsonNode old, Correlation correlation) {
        return validate(object, old, correlation, new ArrayList<>());
    }

    /** As above; the errors ratcheting drops (kube's warnings) go to {@code ratcheted}. */
    List<FieldCause> validate(JsonNode object, JsonNode old, Correlation correlation, List<FieldCause> ratcheted) {
        List<FieldCause> out = new ArrayList<>();
        Ratchet r = correlation == null ? Ratchet.NONE : new Ratchet(correlation, null);
        walk(null, schema, object, old, r, true, new long[] {RUNTIME_BUDGET}, new Errors(out, ratcheted));
        return out;
    }

    /** Where a node's errors go: its failed rules may be ratcheted into {@code ratcheted} instead of {@code out}. */
    private record Errors(List<FieldCause> out, List<FieldCause> ratcheted) {
    }

    /**
     * kube's {@code ratchetingOptions}: the node's correlation (null where it has none) and the nearest
     * correlated ancestor's (null at the root).
     */
    private record Ratchet(Correlation current, Correlation parent) {
        static final Ratchet NONE = new Ratchet(null, null);

        /** kube's {@code shouldRatchetError}. */
        boolean drops() {
            return current != null ? current.unchanged() : Correlation.unchanged(parent);
        }

        Ratchet key(String field) {
            if (current == null) {
                return this;
            }
            if (parent == null && (field.equals("apiVersion") || field.equals("kind"))) {
                return NONE;
            }
            return new Ratchet(current.key(field), current);
        }

        Ratchet index(int i) {
            return current == null ? this : new Ratchet(current.index(i), current);
        }
    }

    private static String child(String path, String name) {
        return path == null ? name : path + "." + name;
    }

    private static String key(String path, String k) {
        return (path == null ? "" : path) + "[" + k + "]";
    }

    private boolean walk(String path, JsonNode s, JsonNode value, JsonNode old, Ratchet ratchet, boolean root, long[] budget,
            Errors out) {
        if (s == null || value == null || value.isNull() || value.isMissingNode()) {
            return true;
        }
        if (old != null && (old.isNull() || old.isMissingNode())) {
            old = null;
        }
        if (!expressions(path, s, value, old, ratchet, root, budget, out)) {
            return false;
        }
        if (value.isArray() && s.path("items").isObject()) {
            Map<List<String>, JsonNode> oldByKey = mapListIndex(s, old);
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                JsonNode oldItem = oldByKey == null ? null : oldByKey.get(listKey(s, item));
                if (!walk(path + "[" + i + "]", s.get("items"), item, oldItem, ratchet.index(i), false, budget, out)) {
                    return false;
                }
            }
        } else if (value.isObject()) {
            JsonNode ap = s.get("additionalProperties");
            JsonNode props = s.path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode oldV = old == null ? null : old.get(e.getKey());
                boolean ok = true;
                if (ap != null && ap.isObject()) {
                    ok = walk(key(path, e.getKey()), ap, e.getValue(), oldV, ratchet.key(e.getKey()), false, budget, out);
                } else if (props.has(e.getKey())) {
                    ok = walk(child(path, e.getKey()), props.get(e.getKey()), e.getValue(), oldV, ratchet.key(e.getKey()), false, budget, out);
                }
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    /** kube's {@code MakeMapList}: old items of a {@code map} list by their keys; null for other lists. */
    private static Map<List<String>, JsonNode> mapListIndex(JsonNode s, JsonNode old) {
        if (old == null || !old.isArray() || !"map".equals(s.path("x-kubernetes-list-type").asText(""))
                || s.path("x-kubernetes-list-map-keys").isEmpty()) {
            return null;
        }
        Map<List<String>, JsonNode> out = new HashMap<>();
        old.forEach(item -> out.putIfAbsent(listKey(s, item), item));
        return out;
    }

    private static List<String> listKey(JsonNode s, JsonNode item) {
        List<String> k = new ArrayList<>();
        s.path("x-kubernetes-list-map-keys").forEach(name -> k.add(String.valueOf(item.get(name.asText()))));
        return k;
    }

    /** Returns false when no further rules may run (kube's remaining budget below zero). */
    private boolean expressions(String path, JsonNode s, JsonNode value, JsonNode old, Ratchet ratchet, boolean root,
            long[] budget, Errors errors) {
        List<FieldCause> out = errors.out();
        List<CompiledRule> compiled = rules.get(s);
        if (compiled == null || compiled.isEmpty()) {
            return true;
        }
        String type = root ? "object" : s.path("type").asText("");
        String field = path == null ? "<nil>" : path;
        if (budget[0] <= 0) {
            out.add(FieldCause.invalid(field, type, "validation failed due to running out of cost budget, no further validation rules will be run"));
            return false;
        }
        Object self = CelValues.toCel(value, s);
        Object oldSelf = old == null ? null : CelValues.toCel(old, s);
        for (CompiledRule rule : compiled) {
            if (rule.error() != null) {
                out.add(FieldCause.invalid(field, type, "rule compile error: " + rule.error()));
                continue;
            }
            if (rule.program() == null || (rule.usesOldSelf() && old == null && !rule.optionalOldSelf())) {
                continue;
            }
            Map<String, Object> vars = new HashMap<>();
            vars.put("self", self);
            if (rule.optionalOldSelf()) {
                vars.put("oldSelf", oldSelf == null ? Optional.empty() : Optional.of(oldSelf));
            } else if (oldSelf != null) {
                vars.put("oldSelf", oldSelf);
            }
            CostMeter meter = new CostMeter(Math.min(PER_CALL_LIMIT, budget[0]));
            Object result;
            try {
                result = rule.program().trace(vars, meter);
            } catch (CelEvaluationException e) {
                if (meter.exceeded()) {
                    if (meter.limit() < PER_CALL_LIMIT) {
                        out.add(FieldCause.invalid(field, type, "validation failed due to running out of cost budget, no further validation rules will be run"));
                    } else {
                        out.add(FieldCause.invalid(field, type, "'operation cancelled: actual cost limit exceeded': no further validation rules "
                                + "will be run due to call cost exceeds limit for rule: " + rule.errorString()));
                    }
                    return false;
                }
                budget[0] -= meter.cost();
                String err = EvalErrors.text(e);
                if (err.startsWith("no such overload")) {
                    out.add(FieldCause.invalid(field, type, "'" + err + "': call arguments did not match a supported operator, "
                            + "function or macro signature for rule: " + rule.errorString()));
                } else {
                    out.add(FieldCause.invalid(field, type, err + " evaluating rule: " + rule.errorString()));
                }
                continue;
            }
            budget[0] -= meter.cost();
            if (Boolean.TRUE.equals(result)) {
                continue;
            }
            String at = rule.normalizedFieldPath() == null ? field : child(path, rule.normalizedFieldPath());
            List<FieldCause> failed = !rule.usesOldSelf() && ratchet.drops() ? errors.ratcheted() : out;
            String message = rule.messageOrDefault();
            if (rule.messageProgram() != null) {
                CostMeter m = new CostMeter(Math.min(PER_CALL_LIMIT, budget[0]));
                try {
                    Object msg = rule.messageProgram().trace(vars, m);
                    budget[0] -= m.cost();
                    String text = msg instanceof String str ? str.trim() : null;
                    if (text != null && !text.isEmpty() && !text.contains("\n") && text.length() <= MAX_MESSAGE_BYTES) {
                        message = text;
                    }
                } catch (CelEvaluationException e) {
                    if (m.exceeded()) {
                        failed.add(FieldCause.invalid(at, type, m.limit() < PER_CALL_LIMIT
                                ? "messageExpression evaluation failed due to running out of cost budget, no further validation rules will be run"
                                : "no further validation rules will be run due to call cost exceeds limit for messageExpression: "
                                        + FieldCause.goQuote(rule.rule().path("messageExpression").asText())));
                        return false;
                    }
                    budget[0] -= m.cost();
                }
            }
            failed.add(forReason(at, type, message, rule.reason()));
        }
        return true;
    }

    /** kube's {@code fieldErrorForReason}. */
    static FieldCause forReason(String field, String type, String detail, String reason) {
        if (reason == null) {
            return FieldCause.invalid(field, type, detail);
        }
        return switch (reason) {
            case "FieldValueForbidden" -> FieldCause.forbidden(field, detail);
            case "FieldValueRequired" -> FieldCause.required(field, detail);
            case "FieldValueDuplicate" -> FieldCause.duplicate(field, type);
            default -> FieldCause.invalid(field, type, detail);
        };
    }
}
