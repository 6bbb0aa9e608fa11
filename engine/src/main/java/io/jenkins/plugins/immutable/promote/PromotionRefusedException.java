package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.EngineException;
import java.util.List;

/** Gates refused a promotion or rollback; nothing was copied, deployed or recorded. Lists every gate's finding. */
public final class PromotionRefusedException extends EngineException {

    private static final long serialVersionUID = 1L;

    private final transient List<GateResult> results;

    PromotionRefusedException(String message, List<GateResult> results) {
        super(Kind.REFUSED, message);
        this.results = List.copyOf(results);
    }

    /** What every gate found, passed and refused. */
    public List<GateResult> results() {
        return results;
    }

    /** The refusals. */
    public List<GateResult> refusals() {
        return results.stream().filter(r -> !r.passed()).toList();
    }
}
