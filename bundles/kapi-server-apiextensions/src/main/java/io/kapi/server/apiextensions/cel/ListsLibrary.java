package io.kapi.server.apiextensions.cel;

import static dev.cel.common.CelFunctionDecl.newFunctionDeclaration;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.TypeParamType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * kube's lists library: {@code isSorted()}, {@code sum()}, {@code min()}, {@code max()} on lists of
 * comparable (summable) values, {@code indexOf(x)} and {@code lastIndexOf(x)}, with kube's overload
 * names and its {@code "min called on empty list"} error.
 */
final class ListsLibrary implements KubeLibrary {
    private static final Map<String, CelType> COMPARABLE = Map.of("bool", SimpleType.BOOL, "int", SimpleType.INT,
            "uint", SimpleType.UINT, "double", SimpleType.DOUBLE, "string", SimpleType.STRING,
            "duration", SimpleType.DURATION, "timestamp", SimpleType.TIMESTAMP);
    private static final Map<String, CelType> SUMMABLE = Map.of("int", SimpleType.INT, "uint", SimpleType.UINT,
            "double", SimpleType.DOUBLE, "duration", SimpleType.DURATION);

    @Override
    public List<CelFunctionDecl> functions() {
        List<CelOverloadDecl> sorted = new ArrayList<>();
        List<CelOverloadDecl> min = new ArrayList<>();
        List<CelOverloadDecl> max = new ArrayList<>();
        List<CelOverloadDecl> sum = new ArrayList<>();
        COMPARABLE.forEach((n, t) -> {
            sorted.add(newMemberOverload("list_" + n + "_is_sorted_bool", SimpleType.BOOL, ListType.create(t)));
            min.add(newMemberOverload("list_" + n + "_min_" + n, t, ListType.create(t)));
            max.add(newMemberOverload("list_" + n + "_max_" + n, t, ListType.create(t)));
        });
        SUMMABLE.forEach((n, t) -> sum.add(newMemberOverload("list_" + n + "_sum_" + n, t, ListType.create(t))));
        TypeParamType a = TypeParamType.create("A");
        return List.of(newFunctionDeclaration("isSorted", sorted), newFunctionDeclaration("min", min),
                newFunctionDeclaration("max", max), newFunctionDeclaration("sum", sum),
                newFunctionDeclaration("indexOf", newMemberOverload("list_a_index_of_int", SimpleType.INT, ListType.create(a), a)),
                newFunctionDeclaration("lastIndexOf", newMemberOverload("list_a_last_index_of_int", SimpleType.INT, ListType.create(a), a)));
    }

    @Override
    public List<CelFunctionBinding> bindings() {
        List<CelFunctionBinding> out = new ArrayList<>();
        COMPARABLE.keySet().forEach(n -> {
            out.add(CelFunctionBinding.from("list_" + n + "_is_sorted_bool", List.class, ListsLibrary::isSorted));
            out.add(CelFunctionBinding.from("list_" + n + "_min_" + n, List.class, l -> extreme(l, "min", 1)));
            out.add(CelFunctionBinding.from("list_" + n + "_max_" + n, List.class, l -> extreme(l, "max", -1)));
        });
        SUMMABLE.forEach((n, t) -> out.add(CelFunctionBinding.from("list_" + n + "_sum_" + n, List.class, l -> sum(l, n))));
        out.add(CelFunctionBinding.from("list_a_index_of_int", List.class, Object.class, (l, x) -> indexOf(l, x, false)));
        out.add(CelFunctionBinding.from("list_a_last_index_of_int", List.class, Object.class, (l, x) -> indexOf(l, x, true)));
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object a, Object b) {
        return ((Comparable) a).compareTo(b);
    }

    static boolean isSorted(List<?> l) {
        for (int i = 1; i < l.size(); i++) {
            if (compare(l.get(i - 1), l.get(i)) > 0) {
                return false;
            }
        }
        return true;
    }

    /** kube's {@code cmp}: the first element that wins ({@code prefer} is the comparison that replaces). */
    static Object extreme(List<?> l, String op, int prefer) throws CelEvaluationException {
        if (l.isEmpty()) {
            throw new CelEvaluationException(op + " called on empty list");
        }
        Object result = l.get(0);
        for (int i = 1; i < l.size(); i++) {
            if (Integer.signum(compare(result, l.get(i))) == prefer) {
                result = l.get(i);
            }
        }
        return result;
    }

    static Object sum(List<?> l, String type) throws CelEvaluationException {
        switch (type) {
            case "double": {
                double s = 0;
                for (Object o : l) {
                    s += (Double) o;
                }
                return s;
            }
            case "duration": {
                Duration s = Duration.ZERO;
                for (Object o : l) {
                    s = s.plus((Duration) o);
                }
                return s;
            }
            default: {
                long s = 0;
                try {
                    for (Object o : l) {
                        s = Math.addExact(s, o instanceof Long v ? v : ((com.google.common.primitives.UnsignedLong) o).longValue());
                    }
                } catch (ArithmeticException e) {
                    throw new CelEvaluationException("integer overflow");
                }
                return type.equals("uint") ? com.google.common.primitives.UnsignedLong.fromLongBits(s) : (Object) s;
            }
        }
    }

    static long indexOf(List<?> l, Object x, boolean last) {
        for (int k = 0; k < l.size(); k++) {
            int i = last ? l.size() - 1 - k : k;
            if (celEquals(l.get(i), x)) {
                return i;
            }
        }
        return -1;
    }

    /** CEL equality for the values the runtime hands over: numbers across types compare by value. */
    static boolean celEquals(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y && a.getClass() != b.getClass()) {
            return x.doubleValue() == y.doubleValue();
        }
        return Objects.equals(a, b);
    }
}
