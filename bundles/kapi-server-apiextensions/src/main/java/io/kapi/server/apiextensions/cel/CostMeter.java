package io.kapi.server.apiextensions.cel;

import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationListener;

/**
 * Runtime cost of one evaluation: one unit per evaluated expression node (CEL-Java has no cost
 * tracker like cel-go's), aborting the evaluation once the limit is passed. One per evaluation.
 */
final class CostMeter implements CelEvaluationListener {
    private final long limit;
    private long cost;
    private boolean exceeded;

    CostMeter(long limit) {
        this.limit = limit;
    }

    /** Thrown inside the evaluation to stop it; CEL-Java wraps it in its evaluation exception. */
    static final class Exceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Exceeded() {
            super("operation cancelled: actual cost limit exceeded", null, false, false);
        }
    }

    @Override
    public void callback(CelExpr expr, Object result) {
        if (++cost > limit) {
            exceeded = true;
            throw new Exceeded();
        }
    }

    long cost() {
        return cost;
    }

    long limit() {
        return limit;
    }

    boolean exceeded() {
        return exceeded;
    }
}
