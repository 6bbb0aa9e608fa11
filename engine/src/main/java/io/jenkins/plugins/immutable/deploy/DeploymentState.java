package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.image.Digest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A deployment as the journal keeps it: enough to resume it in another process (the plan and how far it got), and to
 * say who owns the environment's traffic meanwhile. Saved at every step; {@link #revision} grows by one with each
 * save of an environment, so two processes that both think they own it are caught.
 *
 * @param id             unique id of this deployment
 * @param environment    the environment deployed to
 * @param repository     where both digests are pulled from
 * @param strategy       the strategy's name (rolling, blue-green, canary)
 * @param from           the digest live before, {@code null} for an environment's first deployment
 * @param live           the track {@code from} ran on, {@code null} with {@code from}
 * @param to             the digest being deployed
 * @param track          the track {@code to} runs on when the deployment succeeds
 * @param replicas       instances per colour
 * @param stages         the plan
 * @param stage          index of the stage in progress, or of the next one when {@code stageDone}; {@code stages.size()}
 *                       once all are done
 * @param stageDone      whether stage {@code stage - 1} completed and {@code stage} has not started
 * @param phase          where it stands
 * @param holds          how many times the canary analysis held the current stage
 * @param owner          who runs it: process, host and the caller's words (a Jenkins run, a CLI invocation)
 * @param revision       the environment's journal revision this state was saved as
 * @param started        when it started
 * @param updated        when it was last saved
 * @param stageCompleted when the last stage completed (a retention counts from here)
 * @param since          when the current stage's traffic took effect, or its last hold was decided: its pause runs
 *                       from here, across a resume too, since the traffic stayed split while no process ran;
 *                       {@code null} until the stage in progress is reached
 * @param message        the last thing that happened, for people
 */
public record DeploymentState(String id, String environment, String repository, String strategy, Digest from,
                              Track live, Digest to, Track track, int replicas, List<Stage> stages, int stage,
                              boolean stageDone, Phase phase, int holds, String owner, long revision, Instant started,
                              Instant updated, Instant stageCompleted, Instant since, String message) {

    public DeploymentState {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(phase, "phase");
        stages = List.copyOf(stages);
    }

    /** The stage in progress or next, {@code null} when all are done. */
    public Stage currentStage() {
        return stage < stages.size() ? stages.get(stage) : null;
    }

    /** The state to return to on a rollback: what ran before, alone, with all traffic. */
    public Stage rollbackStage() {
        if (from == null) {
            return Stage.of("remove " + to.shortForm() + " (nothing ran before)", List.of(), Map.of());
        }
        return Stage.of("return all traffic to " + live.label() + " (" + from.shortForm() + ")",
                List.of(new Group(live, from, replicas)), Map.of(live, 100));
    }

    /**
     * Where an environment's new requests go, in the words of the people watching: each track's role (the new
     * digest's track is the {@code canary} in a canary deployment, else {@code new}; the live digest's is
     * {@code stable}; and the {@code baseline}), its share, and the colour and digest behind it, new digest first:
     * {@code traffic in prod: canary 25% (green, sha256:1a2b3c4d5e6f), stable 50% (blue, sha256:...), baseline 25%
     * (sha256:...)}.
     */
    public String traffic(Map<Track, Integer> weights) {
        List<Track> order = new java.util.ArrayList<>();
        if (track != null) {
            order.add(track);
        }
        if (live != null && live != track) {
            order.add(live);
        }
        order.add(Track.BASELINE);
        List<String> parts = new java.util.ArrayList<>();
        for (Track t : order) {
            if (weights.containsKey(t)) {
                Digest digest = t == track ? to : from;
                parts.add(role(t) + " " + weights.get(t) + "% (" + (t == Track.BASELINE ? "" : t.label() + ", ")
                        + (digest == null ? "nothing" : digest.shortForm()) + ")");
            }
        }
        return "traffic in " + environment + ": " + (parts.isEmpty() ? "none" : String.join(", ", parts));
    }

    private String role(Track t) {
        if (t == Track.BASELINE) {
            return "baseline";
        }
        if (t == track && t == live) {
            return "rolling"; // replaced in place, instance by instance: the old and the new digest share the track
        }
        if (t == track) {
            return "canary".equals(strategy) ? "canary" : "new";
        }
        return "stable";
    }

    /** The track serving the environment once this deployment is finished, {@code null} if none. */
    public Track servingTrack() {
        return switch (phase) {
            case SUCCEEDED, RETAINING -> track;
            case ROLLED_BACK -> live;
            case RUNNING, ROLLING_BACK -> null;
        };
    }

    /** The digest serving the environment once this deployment is finished, {@code null} if none. */
    public Digest servingDigest() {
        return switch (phase) {
            case SUCCEEDED, RETAINING -> to;
            case ROLLED_BACK -> from;
            case RUNNING, ROLLING_BACK -> null;
        };
    }

    DeploymentState with(int newStage, boolean done, Phase newPhase, int newHolds, Instant now, Instant completed,
                         Instant newSince, String newMessage) {
        return new DeploymentState(id, environment, repository, strategy, from, live, to, track, replicas, stages,
                newStage, done, newPhase, newHolds, owner, revision + 1, started, now, completed, newSince, newMessage);
    }

    /** The same deployment, now owned by {@code newOwner} (a process that resumes it). */
    DeploymentState ownedBy(String newOwner) {
        return new DeploymentState(id, environment, repository, strategy, from, live, to, track, replicas, stages,
                stage, stageDone, phase, holds, newOwner, revision, started, updated, stageCompleted, since, message);
    }

    @Override
    public String toString() {
        return strategy + " of " + to.shortForm() + " to " + environment + " (" + phase.name().toLowerCase()
                + ", stage " + Math.min(stage + 1, stages.size()) + "/" + stages.size() + ", owner " + owner + ")";
    }
}
