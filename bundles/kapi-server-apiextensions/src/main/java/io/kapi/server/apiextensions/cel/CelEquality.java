package io.kapi.server.apiextensions.cel;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.primitives.UnsignedLong;
import dev.cel.checker.CelStandardDeclarations;
import dev.cel.checker.CelStandardDeclarations.StandardFunction.Overload.Comparison;
import dev.cel.checker.CelStandardDeclarations.StandardFunction.Overload.Conversions;
import dev.cel.common.CelOptions;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelStandardFunctions;
import dev.cel.runtime.RuntimeHelpers;
import dev.cel.runtime.CelStandardFunctions.StandardFunction;
import dev.cel.runtime.standard.AddOperator.AddOverload;
import dev.cel.runtime.standard.IntFunction.IntOverload;
import dev.cel.runtime.standard.TimestampFunction.TimestampOverload;
import io.kapi.server.apiextensions.cel.ListValues.MapList;
import io.kapi.server.apiextensions.cel.ListValues.ObjectValue;
import io.kapi.server.apiextensions.cel.ListValues.SetList;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * CEL's {@code ==}, {@code !=} and list {@code +} as kube's values make them: CEL's heterogeneous
 * equality (numbers by value across int, uint and double; lists by position; maps by key), except
 * that a {@code set} or {@code map} list on the left compares regardless of order and concatenates as
 * a union or a merge ({@link ListValues}), and objects also compare the properties CEL cannot name.
 * As in kube, a plain list on the left compares by position and concatenates.
 */
final class CelEquality {
    private CelEquality() {
    }

    /**
     * The standard declarations as CEL-Java's standard environment has them for {@code options} (which
     * has to be spelled out once the standard functions are replaced).
     */
    static CelStandardDeclarations standardDeclarations(CelOptions options) {
        return CelStandardDeclarations.newBuilder()
                .filterFunctions((f, o) -> {
                    if (o == Conversions.INT64_TO_INT64) {
                        return options.enableUnsignedLongs();
                    } else if (o == Conversions.INT64_TO_TIMESTAMP) {
                        return options.enableTimestampEpoch();
                    }
                    return options.enableHeterogeneousNumericComparisons() || !(o instanceof Comparison c)
                            || !c.isHeterogeneousComparison();
                })
                .build();
    }

    /** The standard functions for {@code options} (heterogeneous comparisons on), without those this class replaces. */
    static CelStandardFunctions standardFunctions(CelOptions options) {
        if (!options.enableHeterogeneousNumericComparisons()) {
            throw new IllegalArgumentException("kube's CEL compares numbers across types");
        }
        return CelStandardFunctions.newBuilder()
                .filterFunctions((f, o) -> {
                    if (f == StandardFunction.EQUALS || f == StandardFunction.NOT_EQUALS || o == AddOverload.ADD_LIST) {
                        return false;
                    } else if (o == IntOverload.INT64_TO_INT64) {
                        return options.enableUnsignedLongs();
                    } else if (o == TimestampOverload.INT64_TO_TIMESTAMP) {
                        return options.enableTimestampEpoch();
                    }
                    return true;
                })
                .build();
    }

    static List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("equals", Object.class, Object.class, CelEquality::equal),
                CelFunctionBinding.from("not_equals", Object.class, Object.class, (a, b) -> !equal(a, b)),
                CelFunctionBinding.from("add_list", List.class, List.class, CelEquality::concat));
    }

    /**
     * A set or map list on the left merges; any other list concatenates as CEL-Java's does (in place for
     * a comprehension's accumulator).
     */
    @SuppressWarnings("unchecked")
    static List<?> concat(List<?> a, List<?> b) {
        if (a instanceof SetList s) {
            return s.plus(b);
        } else if (a instanceof MapList m) {
            return m.plus(b);
        }
        return RuntimeHelpers.concat((List<Object>) a, (List<Object>) b);
    }

    static boolean equal(Object x, Object y) {
        if (x == y) {
            return true;
        }
        if (x instanceof Number a) {
            return y instanceof Number b && numbersEqual(a, b);
        }
        if (x instanceof SetList s) {
            return y instanceof List<?> l && s.kubeEquals(l);
        }
        if (x instanceof MapList m) {
            return y instanceof List<?> l && m.kubeEquals(l);
        }
        if (x instanceof List<?> a) {
            if (!(y instanceof List<?> b) || a.size() != b.size()) {
                return false;
            }
            Iterator<?> it = b.iterator();
            for (Object e : a) {
                if (!equal(e, it.next())) {
                    return false;
                }
            }
            return true;
        }
        if (x instanceof Map<?, ?> a) {
            if (!(y instanceof Map<?, ?> b) || a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : a.entrySet()) {
                Object other = find(b, e.getKey());
                if (other == null || !equal(e.getValue(), other)) {
                    return false;
                }
            }
            return !(x instanceof ObjectValue o && y instanceof ObjectValue p) || hiddenEqual(o, p);
        }
        return Objects.equals(x, y);
    }

    /** kube compares the properties CEL cannot name as plain data, when the other object has them too. */
    private static boolean hiddenEqual(ObjectValue x, ObjectValue y) {
        Map<String, JsonNode> theirs = y.hidden();
        for (Map.Entry<String, JsonNode> e : x.hidden().entrySet()) {
            JsonNode other = theirs.get(e.getKey());
            if (other != null && !Objects.equals(CelValues.generic(e.getValue()), CelValues.generic(other))) {
                return false;
            }
        }
        return true;
    }

    /** A map's value for a key, numeric keys found across int, uint and double as CEL does. */
    private static Object find(Map<?, ?> m, Object key) {
        Object v = m.get(key);
        if (v != null || !(key instanceof Number n)) {
            return v;
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (e.getKey() instanceof Number k && numbersEqual(n, k)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static boolean numbersEqual(Number a, Number b) {
        if (a instanceof Double d && (d.isNaN() || d.isInfinite()) || b instanceof Double e && (e.isNaN() || e.isInfinite())) {
            return a.doubleValue() == b.doubleValue();
        }
        return decimal(a).compareTo(decimal(b)) == 0;
    }

    private static BigDecimal decimal(Number n) {
        if (n instanceof UnsignedLong u) {
            return new BigDecimal(u.bigIntegerValue());
        } else if (n instanceof Double d) {
            return new BigDecimal(d);
        }
        return BigDecimal.valueOf(n.longValue());
    }
}
