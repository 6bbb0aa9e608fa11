package io.jenkins.plugins.immutable.promote;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.attest.AttestationVerifier;
import io.jenkins.plugins.immutable.attest.ScanAttestation;
import io.jenkins.plugins.immutable.deploy.CanaryAnalysis;
import io.jenkins.plugins.immutable.deploy.Deployer;
import io.jenkins.plugins.immutable.deploy.DeploymentState;
import io.jenkins.plugins.immutable.deploy.DeploymentStateJson;
import io.jenkins.plugins.immutable.deploy.DeploymentStrategy;
import io.jenkins.plugins.immutable.deploy.Phase;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.ledger.Action;
import io.jenkins.plugins.immutable.ledger.Event;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerJournal;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.ledger.Outcome;
import io.jenkins.plugins.immutable.registry.ImageCopier;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import io.jenkins.plugins.immutable.retention.KnownGood;
import io.jenkins.plugins.immutable.scan.ScanReport;
import io.jenkins.plugins.immutable.sign.SignatureVerifier;
import io.jenkins.plugins.immutable.sign.TrustPolicy;
import io.jenkins.plugins.immutable.sign.VerificationKey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Promotes digests through the environments of a {@link PromotionOrder}, rolls environments back, and resumes
 * deployments a dead process left. Each operation reads the environments' ledgers (checked: a broken ledger stops it),
 * runs the gates, and only then changes anything, in this order: copy the digest into the environment's repository
 * (with its signatures and attestations), deploy it with the environment's strategy (the deployment's state is
 * journalled in the ledger at every step), record the outcome in the ledger, and move the environment's tag last.
 */
public final class Promoter {

    private static final Logger LOGGER = Logger.getLogger(Promoter.class.getName());

    private final RegistryClient registry;
    private final Ledger ledger;
    private final PromotionOrder order;
    private final ApprovalHook approval;
    private final CanaryAnalysis analysis;
    private final ProgressListener listener;
    private final Clock clock;
    private final Duration drainTimeout;

    private Promoter(Builder b) {
        this.registry = b.registry;
        this.ledger = b.ledger;
        this.order = b.order;
        this.approval = b.approval;
        this.analysis = b.analysis;
        this.listener = b.listener;
        this.clock = b.clock;
        this.drainTimeout = b.drainTimeout;
    }

    public static Builder builder(RegistryClient registry, Ledger ledger, PromotionOrder order) {
        return new Builder(registry, ledger, order);
    }

    public PromotionOrder order() {
        return order;
    }

    /** Promotes a digest into an environment; see the class description for the steps. */
    public PromotionResult promote(PromotionRequest request) {
        Environment env = order.named(request.environment());
        ImageReference image = pinned(request);
        Digest digest = image.digest();
        Environment previous = order.previous(env).orElse(null);
        LedgerHistory history = ledger.read(env.location());
        LedgerHistory previousHistory = previous == null ? null : ledger.read(previous.location());
        history = settle(env, history, request.actor(), request.run());

        Optional<LedgerEntry> live = history.liveEntry();
        if (live.isPresent() && live.get().digest().equals(digest)) {
            String message = digest.shortForm() + " is already live in " + env.name() + " (entry #"
                    + live.get().sequence() + ", " + live.get().action() + " by " + live.get().actor() + " at "
                    + live.get().time() + "): nothing to do";
            listener.line(message);
            return new PromotionResult(PromotionResult.Status.ALREADY_LIVE, env.name(),
                    env.repository().digest(digest), digest, List.of(), null, null, message);
        }

        GateContext context = new GateContext(Action.PROMOTE, image, env, previous, history, previousHistory,
                request.actor(), listener);
        List<GateResult> results = runGates(env, context, null, request.overrideFreeze());

        ImageReference target = env.repository().digest(digest);
        if (!image.repository().equals(env.repository())) {
            listener.line("copying " + digest.shortForm() + " from " + image.repository() + " to " + env.repository()
                    + ", with its signatures and attestations");
            new ImageCopier(registry).withAttachments(true).withListener(listener).copy(image, target);
        }
        DeploymentStrategy strategy = request.strategy() != null ? request.strategy() : env.strategy();
        DeploymentState state = deployer(env, request).deploy(env.name(), env.repository().toString(), digest,
                env.replicas(), strategy);
        boolean deployed = state.phase() == Phase.SUCCEEDED || state.phase() == Phase.RETAINING;
        Event event = Event.promotion(digest, deployed ? Outcome.DEPLOYED : Outcome.FAILED, request.actor())
                .withRun(request.run()).withSource(image.toString()).withStrategy(strategy.name())
                .withGates(lines(results)).withDeployment(state.id());
        if (results.stream().anyMatch(FreezeGate::overridden)) {
            event = event.forced(request.overrideFreeze());
        } else if (!deployed) {
            event = event.withReason(state.message());
        }
        LedgerEntry entry = ledger.record(env.location(), event, listener);
        if (deployed) {
            ledger.moveTag(env.location(), digest);
        }
        String message = deployed
                ? digest.shortForm() + " is live in " + env.name() + " (" + strategy.name() + ", ledger entry #"
                        + entry.sequence() + "); the tag " + env.location().environmentTag() + " points at it"
                : "deploying " + digest.shortForm() + " to " + env.name() + " failed and was rolled back: "
                        + state.message() + "; " + (entry.previousDigest() == null ? "nothing"
                        : entry.previousDigest().shortForm()) + " still serves. Recorded as failed (entry #"
                        + entry.sequence() + ")";
        listener.line(message);
        return new PromotionResult(deployed ? PromotionResult.Status.PROMOTED : PromotionResult.Status.FAILED,
                env.name(), target, entry.previousDigest(), results, entry, state, message);
    }

    /**
     * Returns an environment to the previous known-good digest of its ledger, or to a named digest that was live
     * there. The target must pass today's gates (signature, scan, provenance, approval), unless the request is
     * forced with a reason, which the ledger records. The target is deployed anew with the strategy (replacement);
     * while the last deployment still retains the target's colour, traffic is switched back to it instead.
     */
    public PromotionResult rollback(RollbackRequest request) {
        Environment env = order.named(request.environment());
        LedgerLocation where = env.location();
        LedgerHistory history = settle(env, ledger.read(where), request.actor(), request.run());
        LedgerEntry live = history.liveEntry().orElseThrow(() -> EngineException.refused(env.name()
                + " has nothing live according to its ledger, so there is nothing to roll back; promote a digest"
                + " into it instead"));
        Digest target;
        if (request.target() == null) {
            target = previousPassing(env, history, live, request.forceReason() != null);
            listener.line("rolling " + env.name() + " back to its previous known-good digest " + target.shortForm());
        } else {
            target = request.target();
            if (!history.wasLive(target)) {
                throw EngineException.refused(target.shortForm() + " was never live in " + env.name()
                        + "; a rollback returns only to a digest that was (recently: " + recentLive(history)
                        + "). To deploy a new digest, promote it");
            }
        }
        if (target.equals(live.digest())) {
            String message = target.shortForm() + " is already live in " + env.name() + " (entry #"
                    + live.sequence() + "): nothing to roll back";
            listener.line(message);
            return new PromotionResult(PromotionResult.Status.ALREADY_LIVE, env.name(),
                    env.repository().digest(target), target, List.of(), null, null, message);
        }
        ImageReference image = env.repository().digest(target);
        if (registry.headManifest(image).isEmpty()) {
            throw EngineException.refused(target.shortForm() + " is no longer in " + env.repository()
                    + " (it was deleted), so it cannot be deployed again: promote it anew through the environments,"
                    + " or roll back to another digest");
        }
        GateContext context = new GateContext(Action.ROLLBACK, image, env, null, history, null, request.actor(),
                listener);
        List<GateResult> results = runGates(env, context, request.forceReason(), null);

        DeploymentStrategy strategy = request.strategy() != null ? request.strategy() : env.strategy();
        Deployer deployer = deployer(env, request.run() != null ? request.run() : request.actor());
        Optional<DeploymentState> current = deployer.current(env.name());
        DeploymentState state;
        String how;
        if (current.isPresent() && current.get().phase() == Phase.RETAINING && target.equals(current.get().from())) {
            how = "traffic switched back to the retained " + current.get().live().label() + " colour";
            listener.line(target.shortForm() + " still runs in the retained colour; switching traffic back to it");
            state = deployer.rollback(env.name(), "rollback by " + request.actor()
                    + (request.forceReason() == null ? "" : ": " + request.forceReason()));
        } else {
            how = strategy.name();
            state = deployer.deploy(env.name(), env.repository().toString(), target, env.replicas(), strategy);
        }
        boolean back = state.phase() == Phase.SUCCEEDED || state.phase() == Phase.RETAINING
                || state.phase() == Phase.ROLLED_BACK && target.equals(state.servingDigest());
        Event event = Event.rollback(target, back ? Outcome.ROLLED_BACK : Outcome.FAILED, request.actor())
                .withRun(request.run()).withSource(live.digest().toString()).withStrategy(how)
                .withGates(lines(results)).withDeployment(state.id());
        if (request.forceReason() != null) {
            event = event.forced(request.forceReason());
        } else if (!back) {
            event = event.withReason(state.message());
        }
        LedgerEntry entry = ledger.record(where, event, listener);
        if (back) {
            ledger.moveTag(where, target);
        }
        String message = back
                ? env.name() + " is back on " + target.shortForm() + " (" + how + ", ledger entry #" + entry.sequence()
                        + (request.forceReason() == null ? "" : ", forced: " + request.forceReason()) + ")"
                : "rolling " + env.name() + " back to " + target.shortForm() + " failed: " + state.message() + "; "
                        + live.digest().shortForm() + " still serves. Recorded as failed (entry #"
                        + entry.sequence() + ")";
        listener.line(message);
        return new PromotionResult(back ? PromotionResult.Status.ROLLED_BACK : PromotionResult.Status.FAILED,
                env.name(), image, live.digest(), results, entry, state, message);
    }

    /**
     * Carries on the deployment a dead process left in an environment (it finishes, or rolls back), records its
     * outcome in the ledger if it is not there yet, and moves the tag. Does nothing but say so when nothing is left.
     */
    public Optional<PromotionResult> resume(String environment, String actor, String run) {
        Environment env = order.named(environment);
        Deployer deployer = deployer(env, run != null ? run : actor);
        Optional<DeploymentState> current = deployer.current(env.name());
        if (current.isEmpty()) {
            listener.line(env.name() + " has no deployment to resume");
            return Optional.empty();
        }
        if (current.get().phase().isUnfinished()) {
            listener.line("resuming deployment " + current.get().id() + " of " + current.get().to().shortForm()
                    + " to " + env.name() + " (" + current.get().phase() + ", owner " + current.get().owner() + ")");
            deployer.resume(env.name());
        }
        LedgerHistory history = ledger.read(env.location());
        LedgerHistory settled = settle(env, history, actor, run);
        if (settled == history) {
            listener.line("the ledger of " + env.name() + " already records deployment " + current.get().id()
                    + ": nothing to resume");
            return Optional.empty();
        }
        LedgerEntry entry = settled.last().orElseThrow();
        return Optional.of(new PromotionResult(entry.outcome() == Outcome.DEPLOYED ? PromotionResult.Status.PROMOTED
                : entry.outcome() == Outcome.ROLLED_BACK ? PromotionResult.Status.ROLLED_BACK
                : PromotionResult.Status.FAILED, env.name(), env.repository().digest(entry.digest()),
                entry.previousDigest(), List.of(), entry, deployer.current(env.name()).orElse(null),
                "recorded " + entry.summary()));
    }

    /**
     * Gives up the unfinished deployment a stopped promotion or rollback left in an environment (its Jenkins build
     * was aborted, its command interrupted): traffic returns to the digest that was live, the new instances are
     * removed, and the ledger records the deployment as failed with the reason. Empty when nothing is unfinished.
     */
    public Optional<PromotionResult> abandon(String environment, String actor, String run, String reason) {
        Environment env = order.named(environment);
        Deployer deployer = deployer(env, run != null ? run : actor);
        Optional<DeploymentState> current = deployer.current(env.name());
        if (current.isEmpty() || !current.get().phase().isUnfinished()) {
            return Optional.empty();
        }
        DeploymentState unfinished = current.get();
        listener.line("abandoning deployment " + unfinished.id() + " of " + unfinished.to().shortForm() + " to "
                + env.name() + " (" + reason + "); returning traffic to what was live");
        DeploymentState state = deployer.rollback(env.name(), reason);
        LedgerHistory settled = settle(env, ledger.read(env.location()), actor, run);
        LedgerEntry entry = settled.last().orElseThrow();
        String message = "abandoned deployment " + unfinished.id() + " of " + unfinished.to().shortForm() + " to "
                + env.name() + ": " + state.message() + "; recorded as failed (entry #" + entry.sequence() + ")";
        listener.line(message);
        return Optional.of(new PromotionResult(PromotionResult.Status.FAILED, env.name(),
                env.repository().digest(unfinished.to()), settled.live().orElse(null), List.of(), entry, state,
                message));
    }

    /**
     * The newest known-good digest before the live one whose newest verified scan attestation (when the environment
     * trusts attestation keys and one exists) does not fail its policy: a candidate a re-scan found failing is no
     * longer offered, and a line says which were passed over and why. When every candidate fails, the newest is
     * returned for the gates to refuse with the scan's reasons; a forced rollback (which overrides today's gates)
     * returns to the newest candidate as before.
     */
    private Digest previousPassing(Environment env, LedgerHistory history, LedgerEntry live, boolean forced) {
        List<LedgerEntry> candidates = KnownGood.rollbackCandidates(history, Integer.MAX_VALUE);
        if (candidates.isEmpty()) {
            throw EngineException.refused(env.name() + " has no earlier known-good digest to roll back to: only "
                    + live.digest().shortForm() + " was ever live there (or every earlier one failed or was"
                    + " rolled back from). Name a digest, or promote a fixed one");
        }
        List<VerificationKey> keys = env.gates().attestedBy();
        if (keys.isEmpty() || forced) {
            return candidates.get(0).digest();
        }
        TrustPolicy trust = TrustPolicy.of(keys).withAnyIdentity();
        AttestationVerifier verifier = new AttestationVerifier(registry);
        List<String> passedOver = new ArrayList<>();
        for (LedgerEntry candidate : candidates) {
            Optional<ScanReport> newest;
            try {
                newest = ScanAttestation.newestVerified(verifier, env.repository().digest(candidate.digest()), trust);
            } catch (EngineException e) {
                if (e.kind() == EngineException.Kind.OUTAGE) {
                    throw e;
                }
                newest = Optional.empty(); // the scan gate judges the chosen one and says what is wrong
            }
            if (newest.isPresent() && !newest.get().passed()) {
                ScanReport r = newest.get();
                String why = candidate.digest().shortForm() + " (entry #" + candidate.sequence() + "): its scan of "
                        + r.finishedOn() + " fails its policy, " + r.summary()
                        + (r.reasons().isEmpty() ? "" : " (" + String.join("; ", r.reasons()) + ")");
                listener.line("not rolling back to " + why);
                passedOver.add(why);
                continue;
            }
            if (!passedOver.isEmpty()) {
                listener.line("passed over " + passedOver.size() + " candidate(s) whose newest scan fails");
            }
            return candidate.digest();
        }
        if (env.gates().scanMaxAge() == null) {
            // no scan gate would refuse it: say so here, and let a forced rollback take the newest anyway
            throw EngineException.refused(env.name() + " has no earlier known-good digest that still passes its scan"
                    + " policy; the newest verified scan of each fails:\n  - " + String.join("\n  - ", passedOver)
                    + "\nPromote a fixed digest, or force the rollback with a reason (recorded in the ledger)");
        }
        listener.line("every earlier known-good digest of " + env.name() + " fails its newest scan; the gates judge"
                + " the newest, " + candidates.get(0).digest().shortForm());
        return candidates.get(0).digest();
    }

    /** The gates an environment applies to a promotion or rollback, in the order they run (approval last). */
    public List<Gate> gates(Environment env, Action action) {
        return gates(env, action, null);
    }

    /**
     * The gates an environment applies to a promotion or rollback, in the order they run (approval last); a promotion
     * meets the freeze gate first, which {@code overrideFreeze} (a reason, or null) overrides.
     */
    public List<Gate> gates(Environment env, Action action, String overrideFreeze) {
        GatePolicy p = env.gates();
        List<Gate> gates = new ArrayList<>();
        if (action == Action.PROMOTE) {
            gates.add(new FreezeGate(p.windows(), clock, overrideFreeze));
        }
        if (action == Action.PROMOTE && p.fromPrevious()) {
            gates.add(new PreviousEnvironmentGate());
        }
        if (action == Action.PROMOTE && p.soak() != null) {
            gates.add(new SoakGate(p.soak(), clock));
        }
        if (action == Action.PROMOTE && p.slo() != null) {
            gates.add(new SloGate(p.slo(), clock));
        }
        if (!p.signedBy().isEmpty()) {
            gates.add(new SignatureGate(new SignatureVerifier(registry), p.signedBy()));
        }
        if (p.scanMaxAge() != null) {
            gates.add(new ScanGate(new AttestationVerifier(registry), p.attestedBy(), p.scanMaxAge(), clock));
        }
        if (p.provenance() != null) {
            gates.add(new ProvenanceGate(new AttestationVerifier(registry), p.attestedBy(), p.provenance()));
        }
        return gates;
    }

    /**
     * Runs the environment's gates, then (if it requires one) the approval. Throws {@link PromotionRefusedException}
     * listing every refusal, unless {@code forceReason} overrides them (approval is never overridden).
     */
    private List<GateResult> runGates(Environment env, GateContext context, String forceReason,
            String overrideFreeze) {
        List<GateResult> results = new ArrayList<>();
        for (Gate gate : gates(env, context.action(), overrideFreeze)) {
            GateResult r = gate.check(context);
            listener.line("gate " + r);
            LOGGER.log(r.passed() ? Level.INFO : Level.WARNING, "{0} of {1}@{2}, environment {3}: gate {4}",
                    new Object[] {context.action(), context.image().repository(), context.digest().shortForm(),
                            env.name(), r});
            results.add(r);
        }
        List<GateResult> refused = results.stream().filter(r -> !r.passed()).toList();
        String verb = context.action() == Action.ROLLBACK ? "rollback of " + env.name() + " to "
                : "promotion of ";
        String what = verb + context.image().repository() + "@" + context.digest().shortForm()
                + (context.action() == Action.ROLLBACK ? "" : " to " + env.name());
        if (!refused.isEmpty()) {
            if (forceReason == null) {
                throw new PromotionRefusedException(capitalised(what) + " refused by " + refused.size() + " gate(s):\n"
                        + refused.stream().map(r -> "  - " + r.gate() + ": " + r.message())
                        .collect(Collectors.joining("\n")) + "\nNothing was copied, deployed or recorded."
                        + (context.action() == Action.ROLLBACK ? " To roll back anyway, force it with a reason;"
                        + " the reason is recorded in the ledger." : ""), results);
            }
            listener.line("FORCED past " + refused.size() + " refusing gate(s) of the " + what + ": " + forceReason);
            LOGGER.log(Level.WARNING, "FORCED past {0} refusing gate(s) of the {1}: {2}", new Object[] {
                    Integer.toString(refused.size()), what, forceReason});
        }
        if (env.gates().approval()) {
            GateResult r = new ApprovalGate(approval, results).check(context);
            listener.line("gate " + r);
            LOGGER.log(r.passed() ? Level.INFO : Level.WARNING, "{0}: gate {1}", new Object[] {what, r});
            results.add(r);
            if (!r.passed()) {
                throw new PromotionRefusedException(capitalised(what) + " refused: " + r.message()
                        + "\nNothing was copied, deployed or recorded.", results);
            }
        }
        return results;
    }

    /** The request's image, pinned: a tag is resolved once, up front, and the log says so. */
    private ImageReference pinned(PromotionRequest request) {
        ImageReference image = request.image();
        if (image.isPinned()) {
            return image;
        }
        if (!request.resolveTag()) {
            throw EngineException.badInput(image + " names a tag, which can move: promote a pinned reference ("
                    + image.repository() + "@sha256:...), or ask for the tag to be resolved once, up front");
        }
        ImageReference resolved = registry.resolve(image);
        listener.line("resolved " + image + " to " + resolved.digest() + " once; promoting that digest (the tag is"
                + " not read again)");
        return resolved;
    }

    /**
     * Brings the ledger in line with what a dead process left: an unfinished deployment stops the operation (resume
     * it first); a finished deployment the ledger does not record yet is recorded; a tag not yet moved to the live
     * digest is moved. Returns the history after that.
     */
    private LedgerHistory settle(Environment env, LedgerHistory history, String actor, String run) {
        LedgerLocation where = env.location();
        Optional<DeploymentState> journal = Optional.ofNullable(history.deployment()).map(d ->
                DeploymentStateJson.fromJson(d.state().getBytes(StandardCharsets.UTF_8), where.toString()));
        if (journal.isPresent()) {
            DeploymentState s = journal.get();
            if (s.phase().isUnfinished()) {
                throw EngineException.refused("an unfinished deployment owns " + env.name() + ": " + s.strategy()
                        + " of " + s.to().shortForm() + " (deployment " + s.id() + ", owner " + s.owner() + ", "
                        + s.phase() + ": " + s.message() + "). Resume it (the Jenkins step resumes after a restart;"
                        + " on the command line `immutable resume " + env.name() + "`) and it finishes or rolls back");
            }
            Event missing = unrecorded(history, s, actor, run);
            if (missing != null) {
                listener.line("the ledger of " + env.name() + " does not record how deployment " + s.id()
                        + " ended (its process stopped first); recording it now");
                ledger.record(where, missing, listener);
                history = ledger.read(where);
            }
        }
        Optional<Digest> live = history.live();
        if (live.isPresent() && !live.equals(ledger.tagged(where))) {
            listener.line("the tag " + where.environmentTag() + " was not moved to " + live.get().shortForm()
                    + " yet (the process stopped first); moving it now");
            ledger.moveTag(where, live.get());
        }
        return history;
    }

    /** The entry a finished deployment should have in the ledger and does not, or null. */
    private static Event unrecorded(LedgerHistory history, DeploymentState s, String actor, String run) {
        boolean named = history.entries().stream().anyMatch(e -> s.id().equals(e.event().deployment()));
        Digest serving = s.servingDigest();
        if (named && Objects.equals(history.live().orElse(null), serving)) {
            return null;
        }
        String reason = "recorded on resume by " + actor + ": deployment " + s.id() + " (owner " + s.owner() + "): "
                + s.message();
        Event event;
        if (s.phase() == Phase.ROLLED_BACK) {
            if (named && s.from() == null) {
                return null;
            }
            event = named
                    ? Event.rollback(s.from(), Outcome.ROLLED_BACK, actor)
                    : Event.promotion(s.to(), Outcome.FAILED, actor);
        } else {
            event = history.wasLive(s.to())
                    ? Event.rollback(s.to(), Outcome.ROLLED_BACK, actor)
                    : Event.promotion(s.to(), Outcome.DEPLOYED, actor);
        }
        return event.withRun(run).withStrategy(s.strategy()).withDeployment(s.id()).withReason(reason);
    }

    private Deployer deployer(Environment env, PromotionRequest request) {
        return deployer(env, request.run() != null ? request.run() : request.actor());
    }

    private Deployer deployer(Environment env, String owner) {
        Deployer.Builder b = Deployer.builder(env.target(), env.router(),
                new LedgerJournal(ledger, env.location(), listener)).listener(listener).owner(owner).clock(clock);
        if (analysis != null) {
            b.analysis(analysis);
        }
        if (drainTimeout != null) {
            b.drainTimeout(drainTimeout);
        }
        return b.build();
    }

    private static List<String> lines(List<GateResult> results) {
        return results.stream().map(GateResult::toString).toList();
    }

    private static String recentLive(LedgerHistory history) {
        List<String> recent = new ArrayList<>();
        List<LedgerEntry> entries = history.entries();
        for (int i = entries.size() - 1; i >= 0 && recent.size() < 5; i--) {
            LedgerEntry e = entries.get(i);
            if (e.outcome().makesLive() && !recent.contains(e.digest().shortForm())) { // makesLive: it names a digest
                recent.add(e.digest().shortForm());
            }
        }
        return String.join(", ", recent);
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** Configures a {@link Promoter}. */
    public static final class Builder {
        private final RegistryClient registry;
        private final Ledger ledger;
        private final PromotionOrder order;
        private ApprovalHook approval = ApprovalHook.UNAVAILABLE;
        private CanaryAnalysis analysis;
        private ProgressListener listener = ProgressListener.NONE;
        private Clock clock = Clock.systemUTC();
        private Duration drainTimeout;

        private Builder(RegistryClient registry, Ledger ledger, PromotionOrder order) {
            this.registry = Objects.requireNonNull(registry, "registry");
            this.ledger = Objects.requireNonNull(ledger, "ledger");
            this.order = Objects.requireNonNull(order, "order");
        }

        /** Who approves environments that require it; by default no one can be asked, so those gates refuse. */
        public Builder approval(ApprovalHook hook) {
            this.approval = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /** The canary analysis for canary strategies (see the analysis package). */
        public Builder analysis(CanaryAnalysis value) {
            this.analysis = value;
            return this;
        }

        public Builder listener(ProgressListener value) {
            this.listener = value == null ? ProgressListener.NONE : value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** How long old instances are drained before they stop; the deployer's default otherwise. */
        public Builder drainTimeout(Duration value) {
            this.drainTimeout = value;
            return this;
        }

        public Promoter build() {
            return new Promoter(this);
        }
    }
}
