package io.kapi.server.apiextensions.cel;

import static dev.cel.common.CelFunctionDecl.newFunctionDeclaration;
import static dev.cel.common.CelOverloadDecl.newGlobalOverload;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import io.kapi.machinery.quantity.Quantity;
import java.math.BigDecimal;
import java.util.List;

/**
 * kube's quantity library on kapi-machinery's {@link Quantity} parser: {@code quantity(s)},
 * {@code isQuantity(s)}, {@code sign(q)}, and on a quantity {@code isGreaterThan}, {@code isLessThan},
 * {@code compareTo}, {@code add}/{@code sub} (a quantity or an int), {@code asInteger()},
 * {@code isInteger()}, {@code asApproximateFloat()}. Quantities are equal when their values are.
 */
final class QuantityLibrary implements KubeLibrary {
    static final OpaqueType QUANTITY = OpaqueType.create("kubernetes.Quantity");

    /** A quantity's exact value (what every operation needs), and its text when parsed from one. */
    record Q(BigDecimal value, String text) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Q q && q.value.compareTo(value) == 0;
        }

        @Override
        public int hashCode() {
            return value.stripTrailingZeros().hashCode();
        }

        @Override
        public String toString() {
            return text != null ? text : value.toPlainString();
        }
    }

    @Override
    public List<CelFunctionDecl> functions() {
        return List.of(
                newFunctionDeclaration("quantity", newGlobalOverload("string_to_quantity", QUANTITY, SimpleType.STRING)),
                newFunctionDeclaration("isQuantity", newGlobalOverload("is_quantity_string", SimpleType.BOOL, SimpleType.STRING)),
                newFunctionDeclaration("sign", newGlobalOverload("quantity_sign", SimpleType.INT, QUANTITY)),
                newFunctionDeclaration("isGreaterThan", newMemberOverload("quantity_is_greater_than", SimpleType.BOOL, QUANTITY, QUANTITY)),
                newFunctionDeclaration("isLessThan", newMemberOverload("quantity_is_less_than", SimpleType.BOOL, QUANTITY, QUANTITY)),
                newFunctionDeclaration("compareTo", newMemberOverload("quantity_compare_to", SimpleType.INT, QUANTITY, QUANTITY)),
                newFunctionDeclaration("asApproximateFloat", newMemberOverload("quantity_get_float", SimpleType.DOUBLE, QUANTITY)),
                newFunctionDeclaration("asInteger", newMemberOverload("quantity_get_int", SimpleType.INT, QUANTITY)),
                newFunctionDeclaration("isInteger", newMemberOverload("quantity_is_integer", SimpleType.BOOL, QUANTITY)),
                newFunctionDeclaration("add", newMemberOverload("quantity_add", QUANTITY, QUANTITY, QUANTITY),
                        newMemberOverload("quantity_add_int", QUANTITY, QUANTITY, SimpleType.INT)),
                newFunctionDeclaration("sub", newMemberOverload("quantity_sub", QUANTITY, QUANTITY, QUANTITY),
                        newMemberOverload("quantity_sub_int", QUANTITY, QUANTITY, SimpleType.INT)));
    }

    @Override
    public List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("string_to_quantity", String.class, QuantityLibrary::parse),
                CelFunctionBinding.from("is_quantity_string", String.class, s -> Quantity.parseOrNull(s) != null),
                CelFunctionBinding.from("quantity_sign", Q.class, q -> (long) q.value.signum()),
                CelFunctionBinding.from("quantity_is_greater_than", Q.class, Q.class, (a, b) -> a.value.compareTo(b.value) > 0),
                CelFunctionBinding.from("quantity_is_less_than", Q.class, Q.class, (a, b) -> a.value.compareTo(b.value) < 0),
                CelFunctionBinding.from("quantity_compare_to", Q.class, Q.class, (a, b) -> (long) Integer.signum(a.value.compareTo(b.value))),
                CelFunctionBinding.from("quantity_get_float", Q.class, q -> q.value.doubleValue()),
                CelFunctionBinding.from("quantity_get_int", Q.class, QuantityLibrary::asInteger),
                CelFunctionBinding.from("quantity_is_integer", Q.class, q -> isInteger(q.value)),
                CelFunctionBinding.from("quantity_add", Q.class, Q.class, (a, b) -> new Q(a.value.add(b.value), null)),
                CelFunctionBinding.from("quantity_add_int", Q.class, Long.class, (a, b) -> new Q(a.value.add(BigDecimal.valueOf(b)), null)),
                CelFunctionBinding.from("quantity_sub", Q.class, Q.class, (a, b) -> new Q(a.value.subtract(b.value), null)),
                CelFunctionBinding.from("quantity_sub_int", Q.class, Long.class, (a, b) -> new Q(a.value.subtract(BigDecimal.valueOf(b)), null)));
    }

    static Q parse(String s) throws CelEvaluationException {
        try {
            return new Q(Quantity.parse(s).decimal(), s);
        } catch (IllegalArgumentException e) {
            throw new CelEvaluationException(e.getMessage());
        }
    }

    /** kube's {@code AsInt64} success: an integral value within int64. */
    static boolean isInteger(BigDecimal v) {
        try {
            v.longValueExact();
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    static long asInteger(Q q) throws CelEvaluationException {
        if (!isInteger(q.value)) {
            throw new CelEvaluationException("cannot convert value to integer");
        }
        return q.value.longValueExact();
    }
}
