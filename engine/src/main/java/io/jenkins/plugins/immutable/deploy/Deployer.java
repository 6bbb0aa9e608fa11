package io.jenkins.plugins.immutable.deploy;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Digest;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Runs deployments as resumable state machines: walks a strategy's {@link Stage}s on a {@link DeploymentTarget} behind
 * a {@link TrafficRouter}, saving the state in the {@link DeploymentJournal} before and after every stage.
 *
 * <p>Reaching a stage is idempotent (start what is missing and health-check it, route, drain what goes, stop it), so a
 * deployment whose process died is resumed by reaching its saved stage again: it then finishes, or, when a step fails
 * or the canary analysis says so, rolls back to what ran before. While a deployment is unfinished the journal names
 * its owner, and no other deployment of the environment may start: traffic is never split without an owner.
 */
public final class Deployer {

    private static final Logger LOGGER = Logger.getLogger(Deployer.class.getName());

    private static final Map<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final DeploymentTarget target;
    private final TrafficRouter router;
    private final DeploymentJournal journal;
    private final CanaryAnalysis analysis;
    private final ProgressListener listener;
    private final Clock clock;
    private final Duration drainTimeout;
    private final boolean awaitRetention;
    private final String owner;
    private final Consumer<DeploymentState> onSaved;
    /** What made this deployer's last deployment roll back, when something threw. */
    private volatile EngineException failure;

    private Deployer(Builder b) {
        this.target = b.target;
        this.router = b.router;
        this.journal = b.journal;
        this.analysis = b.analysis;
        this.listener = b.listener;
        this.clock = b.clock;
        this.drainTimeout = b.drainTimeout;
        this.awaitRetention = b.awaitRetention;
        this.owner = b.owner;
        this.onSaved = b.onSaved;
    }

    public static Builder builder(DeploymentTarget target, TrafficRouter router, DeploymentJournal journal) {
        return new Builder(target, router, journal);
    }

    /**
     * The error that made this deployer's last deployment roll back, when a step threw one (a registry outage during
     * a pull is not a bad version); empty when it was judged bad, or did not roll back.
     */
    public Optional<EngineException> failure() {
        return Optional.ofNullable(failure);
    }

    /** The environment's latest deployment, as the journal has it. */
    public Optional<DeploymentState> current(String environment) {
        return journal.load(Environments.requireValidName(environment));
    }

    /**
     * Deploys {@code to} with {@code strategy}. Returns when the new digest runs alone, or runs with all traffic while
     * the old colour is retained ({@link Phase#RETAINING}, unless the deployer awaits retention), or after it was
     * rolled back ({@link Phase#ROLLED_BACK}, with the reason in the state's message).
     *
     * @throws EngineException REFUSED when an unfinished deployment owns the environment; BAD_INPUT for a plan the
     *         target cannot run; OUTAGE when a rollback itself failed (the state then says what to resume)
     */
    public DeploymentState deploy(String environment, String repository, Digest to, int replicas,
                                  DeploymentStrategy strategy) {
        Environments.requireValidName(environment);
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(strategy, "strategy");
        if (repository == null || repository.isBlank() || repository.contains("@")) {
            throw EngineException.badInput("repository '" + repository + "' must name a repository without tag or"
                    + " digest, e.g. registry.example.com/team/app; the digest is given separately");
        }
        return locked(environment, () -> {
            Optional<DeploymentState> previous = journal.load(environment);
            if (previous.isPresent() && previous.get().phase().isUnfinished()) {
                throw unfinished(previous.get());
            }
            if (previous.isPresent() && previous.get().phase() == Phase.RETAINING) {
                listener.line("the previous deployment of " + environment + " still retains its old colour; releasing"
                        + " it now, before a new deployment needs that colour");
                previous = Optional.of(run(previous.get().ownedBy(owner), true));
            }
            Track live = null;
            Digest from = null;
            if (previous.isPresent() && previous.get().servingTrack() != null) {
                live = previous.get().servingTrack();
                from = previous.get().servingDigest();
            } else if (previous.isEmpty()) {
                Map.Entry<Track, Digest> observed = observedLive(environment);
                if (observed != null) {
                    live = observed.getKey();
                    from = observed.getValue();
                    listener.line(environment + " has no deployment record; " + live.label() + " runs "
                            + from.shortForm() + ", taken as live");
                }
            }
            Situation situation = new Situation(environment, live, from, to, replicas, target.updatesInPlace(),
                    router != TrafficRouter.NONE, router.splitsByWeight());
            List<Stage> stages = strategy.plan(situation);
            Stage last = stages.get(stages.size() - 1);
            Track track = last.weights().entrySet().stream().filter(e -> e.getValue() == 100)
                    .map(Map.Entry::getKey).findFirst()
                    .orElseThrow(() -> new IllegalStateException(strategy.name() + " plan ends split: " + last));
            Instant now = clock.instant();
            DeploymentState state = new DeploymentState(UUID.randomUUID().toString(), environment, repository,
                    strategy.name(), from, live, to, track, replicas, stages, 0, true, Phase.RUNNING, 0, owner,
                    previous.map(DeploymentState::revision).orElse(0L) + 1, now, now, now, now,
                    strategy.name() + " of " + to.shortForm() + " planned in " + stages.size() + " stages");
            save(state);
            listener.line(state.message() + (from == null ? "" : "; " + live.label() + " runs " + from.shortForm()));
            return run(state, false);
        });
    }

    /**
     * Takes over the environment's unfinished deployment (its process died) and carries it on from its saved stage:
     * it finishes, or rolls back. A deployment retaining its old colour is carried on too (its retention ends when
     * due, or at once when the deployer does not await retention it just returns). A finished one is returned as is.
     */
    public DeploymentState resume(String environment) {
        Environments.requireValidName(environment);
        return locked(environment, () -> {
            DeploymentState state = journal.load(environment).orElseThrow(() -> EngineException.badInput(
                    "environment " + environment + " has no deployment to resume"));
            if (state.phase().isFinished()) {
                listener.line("nothing to resume: " + state);
                return state;
            }
            listener.line("resuming " + state + "; last step: " + state.message());
            DeploymentState mine = save(state.ownedBy(owner).with(state.stage(), state.stageDone(), state.phase(),
                    state.holds(), clock.instant(), state.stageCompleted(), state.since(), "resumed by " + owner));
            return run(mine, false);
        });
    }

    /**
     * Rolls the environment's deployment back to what ran before it: an unfinished deployment is stopped and undone; a
     * retaining one switches traffic back to the retained colour, which is instant. A finished deployment cannot be
     * undone here (its old instances are gone): deploy the previous digest again with a strategy.
     */
    public DeploymentState rollback(String environment, String reason) {
        Environments.requireValidName(environment);
        return locked(environment, () -> {
            DeploymentState state = journal.load(environment).orElseThrow(() -> EngineException.badInput(
                    "environment " + environment + " has no deployment to roll back"));
            if (state.phase().isFinished()) {
                throw EngineException.refused("the deployment of " + state.to().shortForm() + " to " + environment
                        + " has finished (" + state.phase().name().toLowerCase() + ") and its previous instances are"
                        + " gone; to return to " + (state.from() == null ? "the previous digest"
                        : state.from().shortForm()) + ", deploy it again with a strategy");
            }
            return rollBack(state.ownedBy(owner), reason);
        });
    }

    /** Ends a retention now: drains and removes the retained colour. */
    public DeploymentState release(String environment) {
        Environments.requireValidName(environment);
        return locked(environment, () -> {
            DeploymentState state = journal.load(environment).orElseThrow(() -> EngineException.badInput(
                    "environment " + environment + " has no deployment"));
            if (state.phase() != Phase.RETAINING) {
                listener.line("nothing to release: " + state);
                return state;
            }
            return run(state.ownedBy(owner), true);
        });
    }

    /** The process id and host at the end of an owner ({@link Builder#owner}): {@code ... (pid 42 on ci-7)}. */
    private static final java.util.regex.Pattern OWNER_PROCESS =
            java.util.regex.Pattern.compile("pid (\\d+) on ([^()]+?)\\)?$");

    /**
     * The process that owns {@code state} when it is still alive on this host: a resume must not drive a deployment
     * another process is driving. Empty when the owner is this process, runs on another host (it cannot be asked),
     * or is gone; a process that started after the deployment was last saved is another one that reused the id.
     */
    public static Optional<String> liveOwner(DeploymentState state) {
        java.util.regex.Matcher m = OWNER_PROCESS.matcher(state.owner() == null ? "" : state.owner());
        if (!m.find() || !m.group(2).trim().equals(Builder.host())) {
            return Optional.empty();
        }
        long pid = Long.parseLong(m.group(1));
        if (pid == ProcessHandle.current().pid()) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().startInstant().map(started -> !started.isAfter(state.updated()))
                        .orElse(true))
                .map(p -> "pid " + pid + " on " + m.group(2).trim() + p.info().command().map(c -> " (" + c + ")")
                        .orElse(""));
    }

    // ---------------------------------------------------------------------------------------------------------------

    private DeploymentState run(DeploymentState state, boolean releaseNow) {
        while (true) {
            if (state.phase() == Phase.ROLLING_BACK) {
                return rollBack(state, state.message());
            }
            Stage stage = state.currentStage();
            if (stage == null) {
                state = save(state.with(state.stage(), true, Phase.SUCCEEDED, 0, clock.instant(),
                        state.stageCompleted(), state.since(), state.to().shortForm() + " runs alone in " + state.environment()));
                listener.line(state.message());
                return state;
            }
            String label = "stage " + (state.stage() + 1) + "/" + state.stages().size() + ": " + stage.name();
            if (state.stageDone()) {
                Instant due = state.stageCompleted().plus(stage.after());
                if (!releaseNow && clock.instant().isBefore(due)) {
                    if (!awaitRetention) {
                        if (state.phase() != Phase.RETAINING) {
                            state = save(state.with(state.stage(), true, Phase.RETAINING, 0, clock.instant(),
                                    state.stageCompleted(), state.since(), "retaining until " + due + ", then " + stage.name()));
                            listener.line(state.message());
                        }
                        return state;
                    }
                    listener.line("waiting until " + due + " for " + label);
                    if (!sleepUntil(due)) {
                        throw interrupted(state);
                    }
                }
                state = save(state.with(state.stage(), false, Phase.RUNNING, state.holds(), clock.instant(),
                        state.stageCompleted(), null, label));
            }
            listener.line(label);
            try {
                reach(state, stage);
            } catch (EngineException e) {
                failure = e;
                return rollBack(state, label + " failed: " + e.getMessage());
            } catch (RuntimeException e) {
                // Whatever the target or router threw, the deployment must end recorded, not owning the traffic.
                return rollBack(state, label + " failed: " + unexpected(e));
            }
            if (!stage.pause().isZero() || stage.analysis()) {
                if (state.since() == null) {
                    // The pause runs from when the traffic took effect; a resumed stage keeps its first time.
                    state = save(state.with(state.stage(), false, Phase.RUNNING, state.holds(), clock.instant(),
                            state.stageCompleted(), clock.instant(), "reached: " + label));
                }
                while (true) {
                    Instant due = state.since().plus(stage.pause());
                    if (clock.instant().isBefore(due)) {
                        listener.line("holding " + stage.name() + " until " + due);
                        if (!sleepUntil(due)) {
                            throw interrupted(state);
                        }
                    }
                    if (!stage.analysis()) {
                        break;
                    }
                    CanaryDecision decision;
                    try {
                        decision = analysis.judge(canaryStep(state, stage, state.since()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw interrupted(state);
                    } catch (EngineException e) {
                        return rollBack(state, "the canary analysis of " + label + " failed: " + e.getMessage());
                    }
                    listener.line("canary analysis: " + decision.action().name().toLowerCase().replace('_', ' ')
                            + (decision.reason().isEmpty() ? "" : ": " + decision.reason()));
                    if (decision.action() == CanaryDecision.Action.ROLL_BACK) {
                        return rollBack(state, "canary analysis at " + stage.weight(state.track()) + "%: "
                                + decision.reason());
                    }
                    if (decision.action() == CanaryDecision.Action.CONTINUE) {
                        break;
                    }
                    state = save(state.with(state.stage(), false, Phase.RUNNING, state.holds() + 1, clock.instant(),
                            state.stageCompleted(), clock.instant(), "held at " + stage.name() + ": " + decision.reason()));
                }
            }
            state = save(state.with(state.stage() + 1, true, Phase.RUNNING, 0, clock.instant(), clock.instant(),
                    state.since(), "done: " + label));
        }
    }

    private DeploymentState rollBack(DeploymentState state, String reason) {
        Stage back = state.rollbackStage();
        if (state.phase() != Phase.ROLLING_BACK || !Objects.equals(state.message(), reason)) {
            state = save(state.with(state.stage(), state.stageDone(), Phase.ROLLING_BACK, 0, clock.instant(),
                    state.stageCompleted(), state.since(), reason));
        }
        listener.line("rolling back " + state.environment() + ": " + reason);
        listener.line(back.name());
        try {
            reach(state, back);
        } catch (RuntimeException e) {
            throw new EngineException(EngineException.Kind.OUTAGE, "rolling " + state.environment() + " back failed: "
                    + (e instanceof EngineException ? e.getMessage() : unexpected(e)) + ". The deployment still owns"
                    + " the traffic (journal revision " + state.revision() + "); fix the cause and resume it, or"
                    + " abandon it, to finish the rollback", e);
        }
        state = save(state.with(state.stage(), state.stageDone(), Phase.ROLLED_BACK, 0, clock.instant(),
                clock.instant(), state.since(), "rolled back: " + reason));
        listener.line(state.from() == null ? "nothing of " + state.to().shortForm() + " runs any more"
                : state.from().shortForm() + " runs alone again in " + state.environment());
        return state;
    }

    /** Makes the target and the router match {@code stage}. Idempotent. */
    private void reach(DeploymentState state, Stage stage) {
        String env = state.environment();
        List<Instance> serving = new ArrayList<>();
        for (Group group : stage.groups()) {
            if (group.replicas() > 0) {
                serving.addAll(target.scaleUp(env, state.repository(), group, stage.batch(), listener));
            }
        }
        router.route(env, serving, stage.weights(), listener);
        listener.line(state.traffic(stage.weights()));
        Set<Track> kept = EnumSet.noneOf(Track.class);
        List<Instance> leaving = new ArrayList<>();
        List<List<Instance>> surplus = new ArrayList<>();
        for (Group group : stage.groups()) {
            if (group.replicas() > 0) {
                kept.add(group.track());
                List<Instance> extra = target.surplus(env, group);
                surplus.add(extra);
                leaving.addAll(extra);
            } else {
                surplus.add(List.of());
            }
        }
        Set<Track> removed = EnumSet.noneOf(Track.class);
        for (Instance instance : target.instances(env)) {
            if (instance.managed() && instance.track() != null && !kept.contains(instance.track())) {
                removed.add(instance.track());
                leaving.add(instance);
            }
        }
        if (!leaving.isEmpty()) {
            listener.line("draining " + leaving.stream().map(Instance::name).collect(Collectors.joining(", ")));
            router.drain(env, leaving, drainTimeout, listener);
        }
        for (int i = 0; i < stage.groups().size(); i++) {
            Group group = stage.groups().get(i);
            if (group.replicas() > 0 && !surplus.get(i).isEmpty()) {
                target.scaleDown(env, group, surplus.get(i), listener);
            }
        }
        for (Track track : removed) {
            target.remove(env, track, listener);
        }
    }

    private CanaryStep canaryStep(DeploymentState state, Stage stage, Instant since) {
        List<Instance> all = target.instances(state.environment()).stream().filter(Instance::isRunning).toList();
        List<Instance> canary = all.stream().filter(i -> i.track() == state.track() && i.runs(state.to())).toList();
        List<Instance> baseline = all.stream().filter(i -> i.track() == Track.BASELINE).toList();
        List<Stage> steps = state.stages().stream().filter(Stage::analysis).toList();
        return new CanaryStep(state.environment(), state.id(), steps.indexOf(stage), steps.size(),
                stage.weight(state.track()), state.from(), state.to(), canary, baseline,
                canary.stream().map(router::serverName).toList(), baseline.stream().map(router::serverName).toList(),
                state.environment(), since, state.holds());
    }

    /** The colour running managed instances when the journal has no record; null when none does. */
    private Map.Entry<Track, Digest> observedLive(String environment) {
        Map<Track, Set<Digest>> colours = target.instances(environment).stream()
                .filter(i -> i.managed() && i.isRunning() && i.track() != null && i.track().isColour())
                .filter(i -> i.recorded() != null)
                .collect(Collectors.groupingBy(Instance::track,
                        Collectors.mapping(Instance::recorded, Collectors.toSet())));
        if (colours.isEmpty()) {
            return null;
        }
        if (colours.size() > 1 || colours.values().iterator().next().size() > 1) {
            throw EngineException.refused("environment " + environment + " runs " + colours + " with no deployment"
                    + " record, so which is live cannot be told; check it with drift, remove what should not run,"
                    + " then deploy");
        }
        Map.Entry<Track, Set<Digest>> only = colours.entrySet().iterator().next();
        return Map.entry(only.getKey(), only.getValue().iterator().next());
    }

    private DeploymentState save(DeploymentState state) {
        journal.save(state);
        LOGGER.log(state.phase() == Phase.ROLLING_BACK || state.phase() == Phase.ROLLED_BACK ? Level.WARNING
                : Level.INFO, "deployment {0} of {1}@{2} to {3}: {4}, stage {5}/{6}{7}: {8}", new Object[] {
                state.id(), state.repository(), state.to().shortForm(), state.environment(),
                state.phase().name().toLowerCase(java.util.Locale.ROOT),
                Integer.toString(Math.min(state.stage() + 1, state.stages().size())),
                Integer.toString(state.stages().size()), state.stageDone() ? " (done)" : "", state.message()});
        onSaved.accept(state);
        return state;
    }

    private boolean sleepUntil(Instant due) {
        try {
            long millis;
            while ((millis = Duration.between(clock.instant(), due).toMillis()) > 0) {
                Thread.sleep(Math.min(millis, 1000));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String unexpected(RuntimeException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage().strip());
    }

    private static EngineException interrupted(DeploymentState state) {
        return new EngineException(EngineException.Kind.OUTAGE, "the deployment to " + state.environment()
                + " was interrupted at stage " + (state.stage() + 1) + "/" + state.stages().size() + "; it still owns"
                + " the environment's traffic: resume it, or roll it back");
    }

    private static EngineException unfinished(DeploymentState state) {
        return EngineException.refused("an unfinished deployment owns " + state.environment() + ": " + state
                + ", last saved " + state.updated() + " (" + state.message() + "); resume it or roll it back first");
    }

    private static <T> T locked(String environment, java.util.function.Supplier<T> action) {
        ReentrantLock lock = LOCKS.computeIfAbsent(environment, e -> new ReentrantLock());
        if (!lock.tryLock()) {
            throw EngineException.refused("another deployment of " + environment + " is running in this process; wait"
                    + " for it to finish");
        }
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    /** Configures a {@link Deployer}. */
    public static final class Builder {
        private final DeploymentTarget target;
        private final TrafficRouter router;
        private final DeploymentJournal journal;
        private CanaryAnalysis analysis = CanaryAnalysis.NONE;
        private ProgressListener listener = ProgressListener.NONE;
        private Clock clock = Clock.systemUTC();
        private Duration drainTimeout = Duration.ofSeconds(30);
        private boolean awaitRetention;
        private String owner = defaultOwner();
        private Consumer<DeploymentState> onSaved = s -> { };

        private Builder(DeploymentTarget target, TrafficRouter router, DeploymentJournal journal) {
            this.target = Objects.requireNonNull(target, "target");
            this.router = Objects.requireNonNull(router, "router");
            this.journal = Objects.requireNonNull(journal, "journal");
        }

        /** The judge between canary steps; without one, a canary only walks its steps and pauses. */
        public Builder analysis(CanaryAnalysis value) {
            this.analysis = Objects.requireNonNull(value, "analysis");
            return this;
        }

        public Builder listener(ProgressListener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** How long an instance taken out of traffic may finish its open requests before it is stopped anyway. */
        public Builder drainTimeout(Duration value) {
            this.drainTimeout = Objects.requireNonNull(value, "drainTimeout");
            return this;
        }

        /**
         * Whether {@link #deploy} waits out a blue-green retention and releases the old colour itself. By default it
         * returns with the deployment {@link Phase#RETAINING}; {@link #release} or the next deployment ends it.
         */
        public Builder awaitRetention(boolean value) {
            this.awaitRetention = value;
            return this;
        }

        /** Who runs the deployments, recorded in the journal (e.g. a Jenkins run's URL); the process id is added. */
        public Builder owner(String value) {
            this.owner = value + " (" + defaultOwner() + ")";
            return this;
        }

        /** Called after each save of the journal, e.g. to update a build's page. */
        public Builder onSaved(Consumer<DeploymentState> value) {
            this.onSaved = Objects.requireNonNull(value, "onSaved");
            return this;
        }

        public Deployer build() {
            return new Deployer(this);
        }

        private static String defaultOwner() {
            return "pid " + ProcessHandle.current().pid() + " on " + host();
        }

        static String host() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                return "unknown host";
            }
        }
    }
}
