package io.kapi.group.core;

import io.kapi.api.rest.FieldCause;
import io.kapi.api.rest.StatusException;
import io.kapi.api.storage.Storage;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiPredicate;

/**
 * kube's service IP and node port allocators: a requested cluster IP or node port is reserved if it
 * is free and in range, an unrequested one is picked at random from the upper part of the range first
 * (kube's static sub-range, KEP-3070), and a dry run reserves nothing and answers kube's placeholder
 * values. Reservations live in storage ({@link Reservations}), one key per value, owned by
 * {@code namespace/name}; {@code holds} tells whether a Service still holds a value, so that a stale
 * reservation is taken over.
 */
final class ServiceAllocator {
    static final String IP_PREFIX = "/registry/kapi.io/serviceips/";
    static final String PORT_PREFIX = "/registry/kapi.io/servicenodeports/";

    private final ServiceCidr cidr;
    private final int portBase;
    private final int portMax;
    private final Reservations ips;
    private final Reservations ports;
    private final BiPredicate<String, String> holdsIp;
    private final BiPredicate<String, Long> holdsPort;

    /**
     * @param holdsIp whether the Service {@code namespace/name} has this cluster IP
     * @param holdsPort whether it has this node port
     */
    ServiceAllocator(Storage storage, ServiceCidr cidr, int portBase, int portMax,
                     BiPredicate<String, String> holdsIp, BiPredicate<String, Long> holdsPort) {
        this.cidr = cidr;
        this.portBase = portBase;
        this.portMax = portMax;
        this.ips = new Reservations(storage, IP_PREFIX);
        this.ports = new Reservations(storage, PORT_PREFIX);
        this.holdsIp = holdsIp;
        this.holdsPort = holdsPort;
    }

    ServiceCidr cidr() {
        return cidr;
    }

    String portRange() {
        return portBase + "-" + portMax;
    }

    /**
     * A cluster IP for {@code owner}: {@code requested}, or a free one when null.
     *
     * @throws StatusException kube's 422 on {@code spec.clusterIPs} for a requested IP out of range or
     *     taken, its 500 when the range is full
     */
    String allocateIp(String requested, String owner, String serviceName, boolean dryRun, java.util.List<String> reserved) {
        if (requested != null) {
            if (!cidr.contains(requested)) {
                throw ipError(serviceName, requested, "provided IP " + requested + " is not in the valid range");
            }
            if (dryRun) {
                return requested; // kube's dry-run range checks a requested IP only
            }
            Reservations.Outcome outcome = ips.reserve(requested, owner, h -> holdsIp.test(h, requested));
            if (outcome == Reservations.Outcome.TAKEN) {
                throw ipError(serviceName, requested, "provided IP is already allocated");
            }
            if (outcome == Reservations.Outcome.RESERVED) {
                reserved.add(requested);
            }
            return requested;
        }
        if (dryRun) {
            return ServiceCidr.toText(cidr.network()); // kube's dry-run allocator answers the range's network address
        }
        long size = cidr.size();
        long offset = size <= 16 ? 0 : Math.min(Math.max(16, size / 16), 256);
        String ip = pick(offset, size, owner);
        if (ip == null) {
            ip = pick(0, offset, owner);
        }
        if (ip == null) {
            throw StatusException.internal("failed to allocate a serviceIP: range is full");
        }
        reserved.add(ip);
        return ip;
    }

    private String pick(long from, long to, String owner) {
        if (to <= from) {
            return null;
        }
        long span = to - from;
        long start = ThreadLocalRandom.current().nextLong(span);
        for (long i = 0; i < span; i++) {
            String ip = cidr.address(from + (start + i) % span);
            if (ips.reserve(ip, owner, h -> holdsIp.test(h, ip)) == Reservations.Outcome.RESERVED) {
                return ip;
            }
        }
        return null;
    }

    private static StatusException ipError(String serviceName, String ip, String why) {
        return StatusException.invalid("", "Service", serviceName, java.util.List.of(FieldCause.invalidRendered(
                "spec.clusterIPs", "[]string{" + FieldCause.goQuote(ip) + "}", "failed to allocate IP " + ip + ": " + why)));
    }

    /**
     * A node port for {@code owner}: {@code requested}, or a free one when 0. {@code chosen} holds the
     * ports this request already took (a dry run's placeholders count from 32769 above them).
     */
    long allocatePort(long requested, String owner, String serviceName, String path, boolean dryRun, Set<Long> chosen,
                      java.util.List<Long> reserved) {
        if (requested != 0) {
            if (dryRun) {
                if (chosen.contains(requested) || !ports.isFree(Long.toString(requested), owner, h -> holdsPort.test(h, requested))) {
                    throw portError(serviceName, path, requested, "provided port is already allocated");
                }
                chosen.add(requested);
                return requested;
            }
            if (requested < portBase || requested > portMax) {
                throw portError(serviceName, path, requested, "provided port is not in the valid range. The range of valid ports is "
                        + portRange());
            }
            Reservations.Outcome outcome = ports.reserve(Long.toString(requested), owner, h -> holdsPort.test(h, requested));
            if (outcome == Reservations.Outcome.TAKEN) {
                throw portError(serviceName, path, requested, "provided port is already allocated");
            }
            if (outcome == Reservations.Outcome.RESERVED) {
                reserved.add(requested);
            }
            chosen.add(requested);
            return requested;
        }
        if (dryRun) {
            long next = Math.max(32768, chosen.stream().mapToLong(Long::longValue).max().orElse(0)) + 1;
            chosen.add(next);
            return next;
        }
        int size = portMax - portBase + 1;
        int offset = Math.min(Math.max(16, size / 32), 128);
        Long port = pickPort(portBase + offset, portMax + 1, owner);
        if (port == null) {
            port = pickPort(portBase, portBase + offset, owner);
        }
        if (port == null) {
            throw StatusException.internal("failed to allocate a nodePort: range is full");
        }
        chosen.add(port);
        reserved.add(port);
        return port;
    }

    private Long pickPort(long from, long to, String owner) {
        long span = to - from;
        if (span <= 0) {
            return null;
        }
        long start = ThreadLocalRandom.current().nextLong(span);
        for (long i = 0; i < span; i++) {
            long port = from + (start + i) % span;
            if (ports.reserve(Long.toString(port), owner, h -> holdsPort.test(h, port)) == Reservations.Outcome.RESERVED) {
                return port;
            }
        }
        return null;
    }

    private static StatusException portError(String serviceName, String path, long port, String why) {
        return StatusException.invalid("", "Service", serviceName, java.util.List.of(FieldCause.invalid(path, port, why)));
    }

    void releaseIp(String ip, String owner) {
        if (ip != null && !ip.isEmpty() && !ip.equals("None")) {
            ips.release(ip, owner);
        }
    }

    void releasePort(long port, String owner) {
        if (port != 0) {
            ports.release(Long.toString(port), owner);
        }
    }
}
