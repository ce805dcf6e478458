package io.kapi.core.serving;

import io.kapi.api.server.HandlerFilter;
import io.kapi.api.server.KapiRuntime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The handler chain of a snapshot (kube's {@code DefaultBuildHandlerChain}): the built-in filters
 * and plugged-in ones sorted by ranking, the highest outermost, around the endpoint that asks each
 * director in turn.
 */
record FilterChain(HandlerFilter.Chain chain, List<KapiRuntime.FilterInfo> infos) {
    /** A filter of the core itself, at {@code ranking}, named as {@code kapi:filters} lists it. */
    static Contribution<HandlerFilter> builtin(String name, int ranking, HandlerFilter f) {
        return new Contribution<>(f, -ranking, ranking, 0, "kapi-core", Map.of(HandlerFilter.NAME, name));
    }

    static FilterChain build(List<Contribution<HandlerFilter>> filters, HandlerFilter.Chain endpoint) {
        List<Contribution<HandlerFilter>> sorted = new ArrayList<>(filters);
        Collections.sort(sorted);
        HandlerFilter.Chain chain = endpoint;
        for (int i = sorted.size() - 1; i >= 0; i--) {
            HandlerFilter f = sorted.get(i).service();
            HandlerFilter.Chain next = chain;
            chain = (request, resp) -> f.filter(request, resp, next);
        }
        List<KapiRuntime.FilterInfo> infos = new ArrayList<>();
        for (Contribution<HandlerFilter> f : sorted) {
            infos.add(new KapiRuntime.FilterInfo(f.property(HandlerFilter.NAME, f.service().getClass().getSimpleName()),
                    f.ranking(), f.bundle()));
        }
        return new FilterChain(chain, List.copyOf(infos));
    }
}
