package io.kapi.core.serving;

import io.kapi.api.server.ApiRequest;
import io.kapi.api.server.Director;
import io.kapi.core.endpoints.PathSlashes;
import io.kapi.core.endpoints.Responses;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /healthz}, {@code /livez}, {@code /readyz} as kube's healthz package serves them: "ok", or a
 * list of {@code [+]name ok} / {@code [-]name failed: reason withheld} lines with {@code ?verbose}
 * or on failure, per-check paths, and {@code ?exclude=name}.
 */
public final class Health {
    /** One named check; {@code result} returns null when healthy, else the reason. */
    public record Check(String name, boolean liveness, Supplier<String> result) {
    }

    private final List<Check> checks;

    public Health(List<Check> checks) {
        this.checks = List.copyOf(checks);
    }

    public Director director() {
        return (ApiRequest request, javax.servlet.http.HttpServletResponse resp) -> {
            String path = PathSlashes.trimTrailing(request.info().path());
            for (String endpoint : List.of("/healthz", "/livez", "/readyz")) {
                boolean live = !endpoint.equals("/readyz");
                if (path.equals(endpoint)) {
                    serveAll(request, resp, endpoint.substring(1), live);
                    return true;
                }
                if (path.startsWith(endpoint + "/")) {
                    String name = path.substring(endpoint.length() + 1);
                    for (Check c : applicable(live)) {
                        if (c.name.equals(name)) {
                            String failure = c.result.get();
                            if (failure == null) {
                                Responses.writeText(resp, 200, "ok");
                            } else {
                                Responses.writeText(resp, 500, "internal server error: " + failure + "\n");
                            }
                            return true;
                        }
                    }
                    return false;
                }
            }
            return false;
        };
    }

    private List<Check> applicable(boolean live) {
        List<Check> out = new ArrayList<>();
        for (Check c : checks) {
            if (!live || c.liveness) {
                out.add(c);
            }
        }
        return out;
    }

    private void serveAll(ApiRequest request, javax.servlet.http.HttpServletResponse resp, String endpoint,
                          boolean live) throws java.io.IOException {
        boolean verbose = request.http().getParameter("verbose") != null;
        String[] excluded = request.http().getParameterValues("exclude");
        List<String> exclude = excluded == null ? List.of() : List.of(excluded);
        StringBuilder sb = new StringBuilder();
        boolean failed = false;
        for (Check c : applicable(live)) {
            if (exclude.contains(c.name)) {
                sb.append("[+]").append(c.name).append(" excluded: ok\n");
                continue;
            }
            String failure = c.result.get();
            if (failure == null) {
                sb.append("[+]").append(c.name).append(" ok\n");
            } else {
                failed = true;
                sb.append("[-]").append(c.name).append(" failed: reason withheld\n");
            }
        }
        if (failed) {
            Responses.writeText(resp, 500, sb + endpoint + " check failed\n");
        } else if (verbose) {
            Responses.writeText(resp, 200, sb + endpoint + " check passed\n");
        } else {
            Responses.writeText(resp, 200, "ok");
        }
    }

    /**
     * A snapshot's checks: ping and log, its storage backend answering, every plugged-in health check,
     * each active post-start hook finished, and (readyz only) the API surface complete and an authorizer present.
     *
     * @param surfaceComplete whether the snapshot serves a storage backend and a server and no deployment runs
     * @param authorizerPresent whether the snapshot has an authorizer (without one, requests answer 503)
     * @param terminating whether the process is shutting down (kube's readyz {@code shutdown} check)
     */
    static Health forSnapshot(io.kapi.api.storage.Storage storage, List<String> missing, Contributions contributions,
                              PostStartHooks hooks, java.util.function.BooleanSupplier surfaceComplete,
                              boolean authorizerPresent, java.util.function.BooleanSupplier terminating) {
        List<Health.Check> checks = new ArrayList<>();
        checks.add(new Health.Check("ping", true, () -> null));
        checks.add(new Health.Check("log", true, () -> null));
        checks.add(new Health.Check("storage", true, () -> {
            if (storage == null) {
                return missing.isEmpty() ? "no storage backend"
                        : "configured storage " + missing + " is not registered yet";
            }
            try {
                storage.currentRevision();
                return null;
            } catch (RuntimeException e) {
                return e.getMessage();
            }
        }));
        for (Contribution<io.kapi.api.server.HealthCheck> c : contributions.healthChecks()) {
            io.kapi.api.server.HealthCheck hc = c.service();
            checks.add(new Health.Check(hc.name(), hc.liveness(), () -> {
                try {
                    return hc.check();
                } catch (RuntimeException e) {
                    return e.toString();
                }
            }));
        }
        for (io.kapi.api.server.PostStartHook h : PostStartHooks.active(contributions)) {
            checks.add(new Health.Check("poststarthook/" + h.name(), true, () -> hooks.done(h) ? null : "not finished"));
        }
        checks.add(new Health.Check("api-surface", false, () -> surfaceComplete.getAsBoolean() ? null
                : "the API surface is not complete"));
        checks.add(new Health.Check("authorization", false, () -> authorizerPresent ? null
                : "no authorizer is registered: requests answer 503 until one is"));
        checks.add(new Health.Check("shutdown", false, () -> terminating.getAsBoolean() ? "process is shutting down" : null));
        return new Health(checks);
    }
}
