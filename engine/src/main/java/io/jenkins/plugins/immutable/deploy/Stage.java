package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.EngineException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a deployment plan, as a state to reach: these groups run (others are drained and removed), traffic is
 * split with these weights. Reaching a stage is idempotent, which is what makes a deployment resumable: a process that
 * resumes simply reaches the saved stage again and carries on.
 *
 * @param name     what the step does, for people ("switch traffic to green")
 * @param groups   what runs once the stage is reached; a track absent here is drained and removed
 * @param weights  percent of new requests per track (adding up to 100 when anything runs); a group with weight 0 is
 *                 kept warm without traffic
 * @param batch    for targets that update in place: instances replaced at a time (0: all or the target's default)
 * @param after    how long after the previous stage this one may start (blue-green's retention of the old colour)
 * @param pause    how long to hold the stage once reached (a canary step's observation time)
 * @param analysis whether the canary analysis judges the stage after its pause
 */
public record Stage(String name, List<Group> groups, Map<Track, Integer> weights, int batch, Duration after,
                    Duration pause, boolean analysis) {

    public Stage {
        Objects.requireNonNull(name, "name");
        groups = List.copyOf(groups);
        EnumMap<Track, Integer> copy = new EnumMap<>(Track.class);
        copy.putAll(weights);
        weights = Map.copyOf(copy);
        after = after == null ? Duration.ZERO : after;
        pause = pause == null ? Duration.ZERO : pause;
        int sum = 0;
        for (Map.Entry<Track, Integer> e : weights.entrySet()) {
            if (e.getValue() < 0 || e.getValue() > 100) {
                throw EngineException.badInput("stage '" + name + "': weight " + e.getValue() + " for "
                        + e.getKey().label() + " is not a percentage between 0 and 100");
            }
            sum += e.getValue();
        }
        boolean anything = groups.stream().anyMatch(g -> g.replicas() > 0);
        if (anything && sum != 100) {
            throw EngineException.badInput("stage '" + name + "': weights " + weights + " add up to " + sum
                    + ", not 100");
        }
        for (Group g : groups) {
            if (groups.stream().filter(o -> o.track() == g.track()).count() > 1) {
                throw EngineException.badInput("stage '" + name + "' gives track " + g.track().label() + " twice");
            }
        }
        for (Track t : weights.keySet()) {
            if (weights.get(t) > 0 && groups.stream().noneMatch(g -> g.track() == t && g.replicas() > 0)) {
                throw EngineException.badInput("stage '" + name + "' sends " + weights.get(t) + "% to "
                        + t.label() + ", which runs nothing");
            }
        }
    }

    /** A stage that only runs groups and routes, without timing or analysis. */
    public static Stage of(String name, List<Group> groups, Map<Track, Integer> weights) {
        return new Stage(name, groups, weights, 0, Duration.ZERO, Duration.ZERO, false);
    }

    public Stage withBatch(int newBatch) {
        return new Stage(name, groups, weights, newBatch, after, pause, analysis);
    }

    public Stage after(Duration wait) {
        return new Stage(name, groups, weights, batch, wait, pause, analysis);
    }

    public Stage paused(Duration hold, boolean analysed) {
        return new Stage(name, groups, weights, batch, after, hold, analysed);
    }

    /** The group of {@code track} here, or {@code null}. */
    public Group group(Track track) {
        return groups.stream().filter(g -> g.track() == track).findFirst().orElse(null);
    }

    public int weight(Track track) {
        return weights.getOrDefault(track, 0);
    }
}
