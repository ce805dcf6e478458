package io.kapi.server.apiextensions.cel;

import static dev.cel.common.CelFunctionDecl.newFunctionDeclaration;
import static dev.cel.common.CelOverloadDecl.newGlobalOverload;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.List;

/**
 * kube's IP library (1.30+): {@code ip(s)}, {@code isIP(s)}, {@code ip.isCanonical(s)},
 * {@code string(ip)}, and on an IP {@code family()}, {@code isUnspecified()}, {@code isLoopback()},
 * {@code isLinkLocalMulticast()}, {@code isLinkLocalUnicast()}, {@code isGlobalUnicast()}; addresses
 * with a zone or IPv4-mapped IPv6 ones are refused, as kube does.
 */
final class IpLibrary implements KubeLibrary {
    static final OpaqueType IP = OpaqueType.create("net.IP");

    @Override
    public List<CelFunctionDecl> functions() {
        return List.of(
                newFunctionDeclaration("ip", newGlobalOverload("string_to_ip", IP, SimpleType.STRING)),
                newFunctionDeclaration("isIP", newGlobalOverload("is_ip", SimpleType.BOOL, SimpleType.STRING)),
                newFunctionDeclaration("ip.isCanonical", newGlobalOverload("ip_is_canonical", SimpleType.BOOL, SimpleType.STRING)),
                newFunctionDeclaration("family", newMemberOverload("ip_family", SimpleType.INT, IP)),
                newFunctionDeclaration("isUnspecified", newMemberOverload("ip_is_unspecified", SimpleType.BOOL, IP)),
                newFunctionDeclaration("isLoopback", newMemberOverload("ip_is_loopback", SimpleType.BOOL, IP)),
                newFunctionDeclaration("isLinkLocalMulticast", newMemberOverload("ip_is_link_local_multicast", SimpleType.BOOL, IP)),
                newFunctionDeclaration("isLinkLocalUnicast", newMemberOverload("ip_is_link_local_unicast", SimpleType.BOOL, IP)),
                newFunctionDeclaration("isGlobalUnicast", newMemberOverload("ip_is_global_unicast", SimpleType.BOOL, IP)),
                newFunctionDeclaration("string", newGlobalOverload("ip_to_string", SimpleType.STRING, IP)));
    }

    @Override
    public List<CelFunctionBinding> bindings() {
        return List.of(
                CelFunctionBinding.from("string_to_ip", String.class, IpLibrary::ip),
                CelFunctionBinding.from("is_ip", String.class, s -> parseOrNull(s) != null),
                CelFunctionBinding.from("ip_is_canonical", String.class, s -> ip(s).toString().equals(s)),
                CelFunctionBinding.from("ip_family", NetAddr.class, a -> a.is4() ? 4L : 6L),
                CelFunctionBinding.from("ip_is_unspecified", NetAddr.class, a -> allZero(a.bytes, 0)),
                CelFunctionBinding.from("ip_is_loopback", NetAddr.class, IpLibrary::isLoopback),
                CelFunctionBinding.from("ip_is_link_local_multicast", NetAddr.class, IpLibrary::isLinkLocalMulticast),
                CelFunctionBinding.from("ip_is_link_local_unicast", NetAddr.class, IpLibrary::isLinkLocalUnicast),
                CelFunctionBinding.from("ip_is_global_unicast", NetAddr.class, IpLibrary::isGlobalUnicast),
                CelFunctionBinding.from("ip_to_string", NetAddr.class, NetAddr::toString));
    }

    /** kube's {@code parseIPAddr}, as a CEL error when it fails. */
    static NetAddr ip(String s) throws CelEvaluationException {
        NetAddr a;
        try {
            a = NetAddr.parse(s);
        } catch (NetAddr.ParseError e) {
            throw new CelEvaluationException("IP Address " + io.kapi.api.rest.FieldCause.goQuote(s)
                    + " parse error during conversion from string: " + e.getMessage());
        }
        if (!a.zone.isEmpty()) {
            throw new CelEvaluationException("IP address " + io.kapi.api.rest.FieldCause.goQuote(s) + " with zone value is not allowed");
        }
        if (a.is4In6()) {
            throw new CelEvaluationException("IPv4-mapped IPv6 address " + io.kapi.api.rest.FieldCause.goQuote(s) + " is not allowed");
        }
        return a;
    }

    static NetAddr parseOrNull(String s) {
        try {
            return ip(s);
        } catch (CelEvaluationException e) {
            return null;
        }
    }

    private static boolean allZero(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    static boolean isLoopback(NetAddr a) {
        return a.is4() ? (a.bytes[0] & 0xff) == 127 : allZero(java.util.Arrays.copyOf(a.bytes, 15), 0) && a.bytes[15] == 1;
    }

    static boolean isLinkLocalMulticast(NetAddr a) {
        return a.is4() ? (a.bytes[0] & 0xff) == 224 && a.bytes[1] == 0 && a.bytes[2] == 0
                : (a.bytes[0] & 0xff) == 0xff && (a.bytes[1] & 0x0f) == 0x02;
    }

    static boolean isLinkLocalUnicast(NetAddr a) {
        return a.is4() ? (a.bytes[0] & 0xff) == 169 && (a.bytes[1] & 0xff) == 254
                : (a.bytes[0] & 0xff) == 0xfe && (a.bytes[1] & 0xc0) == 0x80;
    }

    /** Go's {@code IsGlobalUnicast}: not unspecified, broadcast, loopback, multicast or link-local unicast. */
    static boolean isGlobalUnicast(NetAddr a) {
        if (allZero(a.bytes, 0) || isLoopback(a) || isLinkLocalUnicast(a)) {
            return false;
        }
        if (a.is4()) {
            boolean broadcast = (a.bytes[0] & a.bytes[1] & a.bytes[2] & a.bytes[3] & 0xff) == 0xff;
            return !broadcast && ((a.bytes[0] & 0xf0) & 0xff) != 0xe0;
        }
        return (a.bytes[0] & 0xff) != 0xff;
    }
}
