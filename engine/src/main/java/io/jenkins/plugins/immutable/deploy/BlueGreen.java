package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.EngineException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Starts the new digest in the idle colour beside the live one, at full size; once it is healthy, switches all traffic
 * at once; keeps the old colour warm without traffic for {@code retention}, so that a rollback meanwhile is a traffic
 * switch only; then drains and removes it.
 *
 * @param retention how long the old colour is kept after the switch
 */
public record BlueGreen(Duration retention) implements DeploymentStrategy {

    public BlueGreen {
        if (retention == null || retention.isNegative()) {
            throw EngineException.badInput("blue-green retention must be zero or more (e.g. PT15M); got " + retention);
        }
    }

    @Override
    public String name() {
        return "blue-green";
    }

    @Override
    public List<Stage> plan(Situation s) {
        if (s.isFirst()) {
            return s.firstDeployment();
        }
        s.requireRouter("blue-green");
        Track old = s.live();
        Track next = old.otherColour();
        List<Group> both = List.of(new Group(old, s.from(), s.replicas()), new Group(next, s.to(), s.replicas()));
        return List.of(
                Stage.of("start " + s.replicas() + " x " + s.to().shortForm() + " in " + next.label()
                        + " beside " + old.label(), both, Map.of(old, 100, next, 0)),
                Stage.of("switch all traffic to " + next.label() + ", keep " + old.label() + " warm", both,
                        Map.of(old, 0, next, 100)),
                Stage.of("release " + old.label() + " (" + s.from().shortForm() + ")",
                        List.of(new Group(next, s.to(), s.replicas())), Map.of(next, 100)).after(retention));
    }
}
