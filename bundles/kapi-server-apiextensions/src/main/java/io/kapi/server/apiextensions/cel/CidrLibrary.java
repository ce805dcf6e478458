package io.kapi.server.apiextensions.cel;

import static dev.cel.common.CelFunctionDecl.newFunctionDeclaration;
import static dev.cel.common.CelOverloadDecl.newGlobalOverload;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import io.kapi.api.rest.FieldCause;
import java.util.List;

/**
 * kube's CIDR library (1.30+): {@code cidr(s)}, {@code isCIDR(s)}, {@code string(cidr)}, and on a CIDR
 * {@code containsIP(ip|string)}, {@code containsCIDR(cidr|string)}, {@code ip()}, {@code masked()},
 * {@code prefixLength()}; parsing is Go's {@code netip.ParsePrefix} with kube's messages.
 */
final class CidrLibrary implements KubeLibrary {
    static final OpaqueType CIDR = OpaqueType.create("net.CIDR");

    /** A prefix: its address as written and its length. */
    record Prefix(NetAddr addr, int bits) {
        Prefix masked() {
            return new Prefix(addr.masked(bits), bits);
        }

        boolean contains(NetAddr ip) {
            return ip.is4() == addr.is4() && ip.masked(bits).equals(addr.masked(bits));
        }

        @Override
        public String toString() {
            return addr + "/" + bits;
        }
    }

    @Override
    public List<CelFunctionDecl> functions() {
        return List.of(
                newFunctionDeclaration("cidr", newGlobalOverload("string_to_cidr", CIDR, SimpleType.STRING)),
                newFunctionDeclaration("isCIDR", newGlobalOverload("is_cidr", SimpleType.BOOL, SimpleType.STRING)),
                newFunctionDeclaration("containsIP",
                        newMemberOverload("cidr_contains_ip_string", SimpleType.BOOL, CIDR, SimpleType.STRING),
                        newMemberOverload("cidr_contains_ip_ip", SimpleType.BOOL, CIDR, IpLibrary.IP)),
                newFunctionDeclaration("containsCIDR",
                        newMemberOverload("cidr_contains_cidr_string", SimpleType.BOOL, CIDR, SimpleType.STRING),
                        newMemberOverload("cidr_contains_cidr", SimpleType.BOOL, CIDR, CIDR)),
                newFunctionDeclaration("ip", newMemberOverload("cidr_ip", IpLibrary.IP, CIDR)),
                newFunctionDeclaration("prefixLength", newMemberOverload("cidr_prefix_length", SimpleType.INT, CIDR)),
                newFunctionDeclaration("masked", newMemberOverload("cidr_masked", CIDR, CIDR)),
                newFunctionDeclaration("string", newGlobalOverload("cidr_to_string", SimpleType.STRING, CIDR)));
    }

    @Override
    public List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("string_to_cidr", String.class, CidrLibrary::cidr),
                CelFunctionBinding.from("is_cidr", String.class, s -> parse(s) instanceof Prefix),
                CelFunctionBinding.from("cidr_contains_ip_string", Prefix.class, String.class, (c, s) -> c.contains(IpLibrary.ip(s))),
                CelFunctionBinding.from("cidr_contains_ip_ip", Prefix.class, NetAddr.class, Prefix::contains),
                CelFunctionBinding.from("cidr_contains_cidr_string", Prefix.class, String.class, (c, s) -> containsCidr(c, cidr(s))),
                CelFunctionBinding.from("cidr_contains_cidr", Prefix.class, Prefix.class, CidrLibrary::containsCidr),
                CelFunctionBinding.from("cidr_ip", Prefix.class, Prefix::addr),
                CelFunctionBinding.from("cidr_prefix_length", Prefix.class, c -> (long) c.bits()),
                CelFunctionBinding.from("cidr_masked", Prefix.class, Prefix::masked),
                CelFunctionBinding.from("cidr_to_string", Prefix.class, Prefix::toString));
    }

    static boolean containsCidr(Prefix c, Prefix other) {
        return other.addr().is4() == c.addr().is4() && c.bits() <= other.bits() && c.contains(other.addr());
    }

    private static final String PARSE_ERROR = "network address parse error during conversion from string: ";

    static Prefix cidr(String s) throws CelEvaluationException {
        Object p = parse(s);
        if (p instanceof String err) {
            throw new CelEvaluationException(PARSE_ERROR + err);
        }
        return (Prefix) p;
    }

    /** kube's {@code parseCIDR}: the prefix, or its error text. */
    static Object parse(String s) {
        int slash = s.lastIndexOf('/');
        String in = "netip.ParsePrefix(" + FieldCause.goQuote(s) + "): ";
        if (slash < 0) {
            return PARSE_ERROR + in + "no '/'";
        }
        NetAddr addr;
        try {
            addr = NetAddr.parse(s.substring(0, slash));
        } catch (NetAddr.ParseError e) {
            return PARSE_ERROR + in + e.getMessage();
        }
        if (!addr.is4() && !addr.zone.isEmpty()) {
            return PARSE_ERROR + in + "IPv6 zones cannot be present in a prefix";
        }
        String bits = s.substring(slash + 1);
        if (bits.isEmpty() || (bits.length() > 1 && (bits.charAt(0) < '1' || bits.charAt(0) > '9')) || !bits.chars().allMatch(Character::isDigit)
                || bits.length() > 3) {
            return PARSE_ERROR + in + "bad bits after slash: " + FieldCause.goQuote(bits);
        }
        int n = Integer.parseInt(bits);
        if (n > (addr.is4() ? 32 : 128)) {
            return PARSE_ERROR + in + "prefix length out of range";
        }
        if (addr.is4In6()) {
            return "IPv4-mapped IPv6 address " + FieldCause.goQuote(s) + " is not allowed";
        }
        return new Prefix(addr, n);
    }
}
