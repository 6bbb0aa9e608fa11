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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Promotes digests through the environments of a {@link PromotionGraph}, rolls environments back, and resumes
 * deployments a dead process left. Each operation reads the environments' ledgers (checked: a broken ledger stops it),
 * runs the gates, and only then changes anything, in this order: copy the digest into the environment's repository
 * (with its signatures and attestations), deploy it with the environment's strategy (the deployment's state is
 * journalled in the ledger at every step), record the outcome in the ledger, and move the environment's tag last.
 */
public final class Promoter {

    private static final Logger LOGGER = Logger.getLogger(Promoter.class.getName());

    private final RegistryClient registry;
    private final Ledger ledger;
    private final PromotionGraph graph;
    private final Map<String, Environment> environments;
    private final ApprovalHook approval;
    private final CanaryAnalysis analysis;
    private final ProgressListener listener;
    private final Clock clock;
    private final Duration drainTimeout;

    private Promoter(Builder b) {
        this.registry = b.registry;
        this.ledger = b.ledger;
        this.graph = b.graph;
        this.environments = b.environments;
        this.approval = b.approval;
        this.analysis = b.analysis;
        this.listener = b.listener;
        this.clock = b.clock;
        this.drainTimeout = b.drainTimeout;
    }

    /**
     * A promoter over these environments, whose upstreams the graph gives.
     *
     * @throws EngineException BAD_INPUT when the graph and the environments do not name the same environments
     */
    public static Builder builder(RegistryClient registry, Ledger ledger, PromotionGraph graph,
            List<Environment> environments) {
        return new Builder(registry, ledger, graph, environments);
    }

    /** A promoter over a plain promotion order: each environment takes from the one before it. */
    public static Builder builder(RegistryClient registry, Ledger ledger, Environment... inOrder) {
        List<Environment> list = List.of(inOrder);
        return new Builder(registry, ledger, PromotionGraph.chain(list.stream().map(Environment::name).toList()),
                list);
    }

    /** How digests flow between the environments. */
    public PromotionGraph graph() {
        return graph;
    }

    /** The environment of that name, or a BAD_INPUT error listing the known ones. */
    public Environment environment(String name) {
        Environment env = environments.get(name);
        if (env == null) {
            throw EngineException.badInput("there is no environment '" + name + "'; the environments are "
                    + String.join(", ", graph.environments()));
        }
        return env;
    }

    /**
     * The live digest of the environment a promotion into {@code environment} would take it from, pinned in that
     * environment's repository: {@code from} when given (one of its upstream environments), else its only upstream
     * environment. BAD_INPUT, saying what to name, when it has several upstream environments and {@code from} is null,
     * when it takes digests straight from builds, or when {@code from} is not upstream of it; REFUSED when nothing is
     * live there.
     */
    public ImageReference liveUpstream(String environment, String from) {
        Environment env = environment(environment);
        List<String> ups = graph.upstreams(env.name());
        String source;
        if (from != null) {
            environment(from);
            if (!ups.contains(from)) {
                throw EngineException.badInput(from + " is not upstream of " + env.name() + ", which takes digests"
                        + " from " + (ups.isEmpty() ? "builds only (name the image to promote)"
                        : String.join(", ", ups) + "; take it from " + (ups.size() == 1 ? ups.get(0)
                        : "one of those")));
            }
            source = from;
        } else if (ups.isEmpty()) {
            throw EngineException.badInput(env.name() + " takes digests straight from builds (nothing is upstream of"
                    + " it): name the image to promote, pinned by digest");
        } else if (ups.size() > 1) {
            throw EngineException.badInput(env.name() + " takes digests from " + ups.size() + " upstream environments ("
                    + String.join(", ", ups) + ", requires " + graph.requires(env.name()) + "), which may each run"
                    + " another digest: name the image to promote, or the environment to take its live digest from"
                    + " (--from " + ups.get(0) + ")");
        } else {
            source = ups.get(0);
        }
        Environment upstream = environment(source);
        Digest live = ledger.read(upstream.location()).live().orElseThrow(() -> EngineException.refused("nothing is"
                + " live in " + upstream.name() + " according to its ledger, so there is no digest to take from it"
                + " into " + env.name() + "; promote one into " + upstream.name() + " first"));
        listener.line("taking " + live.shortForm() + ", live in " + upstream.name() + ", for " + env.name());
        return upstream.repository().digest(live);
    }

    /** The environment's upstream environments with their verified ledgers, in the order configured. */
    private List<GateContext.UpstreamLedger> upstreamLedgers(Environment env) {
        List<GateContext.UpstreamLedger> out = new ArrayList<>();
        for (String name : graph.upstreams(env.name())) {
            Environment u = environment(name);
            out.add(new GateContext.UpstreamLedger(u, ledger.read(u.location())));
        }
        return out;
    }

    /** Promotes a digest into an environment; see the class description for the steps. */
    public PromotionResult promote(PromotionRequest request) {
        Environment env = environment(request.environment());
        ImageReference image = pinned(request);
        Digest digest = image.digest();
        LedgerHistory history = ledger.read(env.location());
        ledger.requireWritable(env.location());
        List<GateContext.UpstreamLedger> upstreams = upstreamLedgers(env);
        history = settle(env, history, request.actor(), request.run(), null);

        Optional<LedgerEntry> live = history.liveEntry();
        if (live.isPresent() && live.get().digest().equals(digest)) {
            String message = digest.shortForm() + " is already live in " + env.name() + " (entry #"
                    + live.get().sequence() + ", " + live.get().action() + " by " + live.get().actor() + " at "
                    + live.get().time() + "): nothing to do";
            listener.line(message);
            return new PromotionResult(PromotionResult.Status.ALREADY_LIVE, env.name(),
                    env.repository().digest(digest), digest, List.of(), null, null, message);
        }

        GateContext context = new GateContext(Action.PROMOTE, image, env, upstreams, graph.requires(env.name()),
                history, request.actor(), listener);
        List<GateResult> results = runGates(env, context, null, request.overrideFreeze());

        ImageReference target = env.repository().digest(digest);
        if (!image.repository().equals(env.repository())) {
            listener.line("copying " + digest.shortForm() + " from " + image.repository() + " to " + env.repository()
                    + ", with its signatures and attestations");
            new ImageCopier(registry).withAttachments(true).withListener(listener).copy(image, target);
        }
        DeploymentStrategy strategy = request.strategy() != null ? request.strategy() : env.strategy();
        Event intent = Event.promotion(digest, Outcome.DEPLOYED, request.actor()).withRun(request.run())
                .withSource(image.toString()).withStrategy(strategy.name()).withGates(lines(results));
        if (results.stream().anyMatch(FreezeGate::overridden)) {
            intent = intent.forced(request.overrideFreeze());
        }
        Deployer deployer = deployer(env, owner(request.run(), request.actor()), intent);
        DeploymentState state = deployer.deploy(env.name(), env.repository().toString(), digest, env.replicas(),
                strategy);
        boolean deployed = state.phase() == Phase.SUCCEEDED || state.phase() == Phase.RETAINING;
        Event event = intent.withOutcome(deployed ? Outcome.DEPLOYED : Outcome.FAILED).withDeployment(state.id());
        if (!deployed && !event.forced()) {
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
                env.name(), target, entry.previousDigest(), results, entry, state, message, failureKind(deployer));
    }

    /**
     * Returns an environment to the previous known-good digest of its ledger, or to a named digest that was live
     * there. The target must pass today's gates (signature, scan, provenance, approval), unless the request is
     * forced with a reason, which the ledger records. The target is deployed anew with the strategy (replacement);
     * while the last deployment still retains the target's colour, traffic is switched back to it instead.
     */
    public PromotionResult rollback(RollbackRequest request) {
        Environment env = environment(request.environment());
        LedgerLocation where = env.location();
        LedgerHistory checked = ledger.read(where);
        ledger.requireWritable(where);
        LedgerHistory history = settle(env, checked, request.actor(), request.run(), null);
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
        GateContext context = GateContext.rollback(image, env, history, request.actor(), listener);
        List<GateResult> results = runGates(env, context, request.forceReason(), null);

        DeploymentStrategy strategy = request.strategy() != null ? request.strategy() : env.strategy();
        Event intent = Event.rollback(target, Outcome.ROLLED_BACK, request.actor()).withRun(request.run())
                .withSource(live.digest().toString()).withStrategy(strategy.name()).withGates(lines(results));
        if (request.forceReason() != null) {
            intent = intent.forced(request.forceReason());
        }
        Deployer deployer = deployer(env, owner(request.run(), request.actor()), intent);
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
                        + stillDownstream(env, live.digest())
                : "rolling " + env.name() + " back to " + target.shortForm() + " failed: " + state.message() + "; "
                        + live.digest().shortForm() + " still serves. Recorded as failed (entry #"
                        + entry.sequence() + ")";
        listener.line(message);
        return new PromotionResult(back ? PromotionResult.Status.ROLLED_BACK : PromotionResult.Status.FAILED,
                env.name(), image, live.digest(), results, entry, state, message, failureKind(deployer));
    }

    /**
     * Carries on the deployment a dead process left in an environment (it finishes, or rolls back), records its
     * outcome in the ledger if it is not there yet, and moves the tag. Does nothing but say so when nothing is left.
     *
     * <p>Nothing in the deployment record is taken on trust: it must start from what the ledger says is live, its
     * owner must be gone (a live owner on this host is left to finish), and a promotion it carries on must pass the
     * environment's gates again; one that does not is rolled back, recorded as failed, and refused.
     */
    public Optional<PromotionResult> resume(String environment, String actor, String run) {
        Environment env = environment(environment);
        LedgerHistory history = ledger.read(env.location());
        if (history.deployment() == null) {
            listener.line(env.name() + " has no deployment to resume");
            return Optional.empty();
        }
        DeploymentState unfinished = checkedRecord(env, history);
        ledger.requireWritable(env.location());
        Deployer deployer = deployer(env, owner(run, actor), null);
        List<GateResult> gates = null;
        if (unfinished.phase().isUnfinished()) {
            requireOwnerGone(env, unfinished);
            if (unfinished.phase() == Phase.RUNNING) {
                gates = regate(env, history, unfinished);
                List<GateResult> refused = gates.stream().filter(r -> !r.passed()).toList();
                if (!refused.isEmpty() && refused.stream().allMatch(r -> r.gate().equals(ApprovalGate.NAME))) {
                    throw new PromotionRefusedException("Resuming deployment " + unfinished.id() + " of "
                            + unfinished.to().shortForm() + " to " + env.name() + " needs approval again: "
                            + refused.get(0).message() + "\nNothing was done; it still owns " + env.name()
                            + ". Resume with an approver (on the command line, --approve), or abandon it", gates);
                }
                if (!refused.isEmpty()) {
                    throw refusedOnResume(env, deployer, unfinished, history.deployment().intent(), gates, actor,
                            run);
                }
            }
            listener.line("resuming deployment " + unfinished.id() + " of " + unfinished.to().shortForm() + " to "
                    + env.name() + " (" + unfinished.phase() + ", owner " + unfinished.owner() + ")");
            deployer.resume(env.name());
            history = ledger.read(env.location());
        }
        LedgerHistory settled = settle(env, history, actor, run, gates);
        if (settled == history) {
            listener.line("the ledger of " + env.name() + " already records deployment " + unfinished.id()
                    + ": nothing to resume");
            return Optional.empty();
        }
        LedgerEntry entry = settled.last().orElseThrow();
        return Optional.of(new PromotionResult(entry.outcome() == Outcome.DEPLOYED ? PromotionResult.Status.PROMOTED
                : entry.outcome() == Outcome.ROLLED_BACK ? PromotionResult.Status.ROLLED_BACK
                : PromotionResult.Status.FAILED, env.name(), env.repository().digest(entry.digest()),
                entry.previousDigest(), gates == null ? List.of() : gates, entry,
                deployer.current(env.name()).orElse(null), "recorded " + entry.summary()));
    }

    /**
     * The deployment record of a checked history, as the deploy package reads it, checked against the history: it
     * is this environment's, and it starts from what the ledger says is live (or, going back, returns to it).
     */
    private DeploymentState checkedRecord(Environment env, LedgerHistory history) {
        LedgerLocation where = env.location();
        DeploymentState s = DeploymentStateJson.fromJson(history.deployment().state()
                .getBytes(StandardCharsets.UTF_8), where.toString());
        Optional<Digest> live = history.live();
        // A new deployment starts from the live digest; a retained colour switched back returns from the live one.
        boolean fromLive = live.isEmpty() || live.get().equals(s.from()) || live.get().equals(s.to());
        Event intent = history.deployment().intent();
        if (!s.environment().equals(env.name()) || !s.id().equals(history.deployment().id()) || !fromLive
                || intent != null && !intent.digest().equals(s.to())
                && !(intent.action() == Action.ROLLBACK && intent.digest().equals(s.from()))) {
            throw EngineException.integrity("the deployment record in the ledger " + where + " does not fit its"
                    + " history: deployment " + s.id() + " of " + s.to().shortForm() + " to " + s.environment()
                    + " from " + (s.from() == null ? "nothing" : s.from().shortForm()) + " (owner " + s.owner()
                    + (intent == null ? "" : ", for a " + intent.action() + " of " + intent.digest().shortForm())
                    + "), while the ledger says " + live.map(Digest::shortForm).orElse("nothing") + " is live."
                    + " It was forged or copied from elsewhere; nothing was done. Check what runs in " + env.name()
                    + " (immutable drift " + env.name() + ") and find out who pushed the ledger version "
                    + history.version() + " (the registry's logs)");
        }
        return s;
    }

    /** Refuses to take over a deployment whose owner still runs on this host. */
    private void requireOwnerGone(Environment env, DeploymentState s) {
        Optional<String> owner = Deployer.liveOwner(s);
        if (owner.isPresent()) {
            throw EngineException.refused("deployment " + s.id() + " of " + s.to().shortForm() + " to " + env.name()
                    + " is still driven by its owner, " + owner.get() + ", which is alive (last step "
                    + s.updated() + ": " + s.message() + "). Nothing was done: let it finish, or stop that process"
                    + " and resume again");
        }
    }

    /**
     * Runs the gates again for what a deployment record carries into the environment, as if it were asked now: a
     * promotion's target against the promotion gates (it is in the environment's repository, with its signatures
     * and attestations), a rollback's target only if it was live here, against the rollback gates, forced only as
     * the record says it was. Approval is asked again when the environment requires it.
     */
    private List<GateResult> regate(Environment env, LedgerHistory history, DeploymentState s) {
        Event intent = history.deployment().intent();
        boolean rollback = intent != null ? intent.action() == Action.ROLLBACK : history.wasLive(s.to());
        ImageReference image = env.repository().digest(s.to());
        String actor = intent == null ? s.owner() : intent.actor();
        if (rollback) {
            if (!history.wasLive(s.to())) {
                return List.of(GateResult.refuse("rollback", s.to().shortForm() + " was never live in " + env.name()
                        + ", so a rollback cannot return to it"));
            }
            listener.line("checking the gates again for the rollback of " + env.name() + " to "
                    + s.to().shortForm() + " that deployment " + s.id() + " carries out");
            return gateResults(env, GateContext.rollback(image, env, history, actor, listener),
                    intent != null && intent.forced() ? intent.reason() : null, null);
        }
        List<GateContext.UpstreamLedger> upstreams = upstreamLedgers(env);
        listener.line("checking the gates again for the promotion of " + s.to().shortForm() + " to " + env.name()
                + " that deployment " + s.id() + " carries out");
        // a promotion that overrode a freeze (recorded as forced in its intent) still may, once resumed
        return gateResults(env, new GateContext(Action.PROMOTE, image, env, upstreams, graph.requires(env.name()),
                history, actor, listener), null, intent != null && intent.forced() ? intent.reason() : null);
    }

    /** Like {@link #runGates}, but refusals are returned, not thrown. */
    private List<GateResult> gateResults(Environment env, GateContext context, String forceReason,
            String overrideFreeze) {
        try {
            return runGates(env, context, forceReason, overrideFreeze);
        } catch (PromotionRefusedException e) {
            return e.results();
        }
    }

    /**
     * A deployment carried on a target the gates refuse: it is rolled back, recorded as failed with the refusals,
     * and the resume refused.
     */
    private PromotionRefusedException refusedOnResume(Environment env, Deployer deployer, DeploymentState s,
            Event intent, List<GateResult> gates, String actor, String run) {
        String refusals = gates.stream().filter(r -> !r.passed()).map(r -> "  - " + r.gate() + ": " + r.message())
                .collect(Collectors.joining("\n"));
        String reason = "not resumed by " + actor + ": " + s.to().shortForm() + " fails the gates of " + env.name()
                + " now (deployment " + s.id() + ", owner " + s.owner() + ")";
        listener.line(reason + "; rolling it back");
        deployer.rollback(env.name(), reason);
        Event base = intent != null ? intent : Event.promotion(s.to(), Outcome.FAILED, actor).withRun(run)
                .withStrategy(s.strategy());
        LedgerEntry entry = ledger.record(env.location(), base.withOutcome(Outcome.FAILED).withGates(lines(gates))
                .withDeployment(s.id()).withReason(reason), listener);
        return new PromotionRefusedException("Resuming deployment " + s.id() + " of " + s.to().shortForm() + " to "
                + env.name() + " refused by the gates:\n" + refusals + "\nThe deployment was rolled back to "
                + (s.from() == null ? "nothing" : s.from().shortForm()) + " and recorded as failed (entry #"
                + entry.sequence() + ").", gates);
    }

    /**
     * Gives up the unfinished deployment a stopped promotion or rollback left in an environment (its Jenkins build
     * was aborted, its command interrupted): traffic returns to the digest that was live, the new instances are
     * removed, and the ledger records the deployment as failed with the reason. Empty when nothing is unfinished.
     */
    public Optional<PromotionResult> abandon(String environment, String actor, String run, String reason) {
        Environment env = environment(environment);
        LedgerHistory history = ledger.read(env.location());
        if (history.deployment() == null) {
            return Optional.empty();
        }
        DeploymentState unfinished = checkedRecord(env, history);
        if (!unfinished.phase().isUnfinished()) {
            return Optional.empty();
        }
        requireOwnerGone(env, unfinished);
        ledger.requireWritable(env.location());
        Deployer deployer = deployer(env, owner(run, actor), null);
        listener.line("abandoning deployment " + unfinished.id() + " of " + unfinished.to().shortForm() + " to "
                + env.name() + " (" + reason + "); returning traffic to what was live");
        DeploymentState state = deployer.rollback(env.name(), reason);
        LedgerHistory settled = settle(env, ledger.read(env.location()), actor, run, null,
                "abandoned by " + actor);
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
     * it first); a finished deployment the ledger does not record yet is recorded (a promotion or rollback only once
     * its target passes the gates again, unless {@code gates} already did); a tag not yet moved to the live digest
     * is moved. Returns the history after that.
     */
    private LedgerHistory settle(Environment env, LedgerHistory history, String actor, String run,
            List<GateResult> gates) {
        return settle(env, history, actor, run, gates, "recorded on resume by " + actor);
    }

    /** As above; {@code recordedHow} opens the reason of an entry recorded for a deployment that ended unrecorded. */
    private LedgerHistory settle(Environment env, LedgerHistory history, String actor, String run,
            List<GateResult> gates, String recordedHow) {
        LedgerLocation where = env.location();
        if (history.deployment() != null) {
            DeploymentState s = checkedRecord(env, history);
            if (s.phase().isUnfinished()) {
                throw EngineException.refused("an unfinished deployment owns " + env.name() + ": " + s.strategy()
                        + " of " + s.to().shortForm() + " (deployment " + s.id() + ", owner " + s.owner() + ", "
                        + s.phase() + ": " + s.message() + "). Resume it (the Jenkins step resumes after a restart;"
                        + " on the command line `immutable resume " + env.name() + "`) and it finishes or rolls back,"
                        + " or abandon it (`immutable abandon " + env.name() + "`) to return to what was live");
            }
            Event missing = unrecorded(history, s, actor, run, recordedHow);
            if (missing != null) {
                listener.line("the ledger of " + env.name() + " does not record how deployment " + s.id()
                        + " ended (its process stopped first); recording it now");
                if (missing.outcome().makesLive() && missing.digest().equals(s.to())) {
                    List<GateResult> checked = gates != null ? gates : regate(env, history, s);
                    missing = missing.withGates(lines(checked));
                    if (checked.stream().anyMatch(r -> !r.passed())) {
                        String refusals = checked.stream().filter(r -> !r.passed())
                                .map(r -> "  - " + r.gate() + ": " + r.message()).collect(Collectors.joining("\n"));
                        LedgerEntry entry = ledger.record(where, missing.withOutcome(Outcome.FAILED).withReason(
                                "not recorded as live: " + s.to().shortForm() + " fails the gates of " + env.name()
                                        + " (deployment " + s.id() + ", owner " + s.owner() + ")"), listener);
                        throw new PromotionRefusedException("Deployment " + s.id() + " says it made "
                                + s.to().shortForm() + " live in " + env.name() + ", but the gates refuse it:\n"
                                + refusals + "\nIt was recorded as failed (entry #" + entry.sequence() + ") and the"
                                + " tag " + where.environmentTag() + " was not moved. Check what runs there (immutable"
                                + " drift " + env.name() + ") and roll back or promote a digest that passes", checked);
                    }
                }
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

    /**
     * The entry a finished deployment should have in the ledger and does not, or null: what its record says it
     * carries out (the promotion or rollback, who asked, from where), with its outcome, and who recorded it.
     */
    private static Event unrecorded(LedgerHistory history, DeploymentState s, String actor, String run,
            String recordedHow) {
        boolean named = history.entries().stream().anyMatch(e -> s.id().equals(e.event().deployment()));
        Digest serving = s.servingDigest();
        if (named && (s.phase() != Phase.ROLLED_BACK || Objects.equals(history.live().orElse(null), serving))) {
            return null;
        }
        Event intent = history.deployment().intent();
        String reason = recordedHow + ": deployment " + s.id() + " (owner " + s.owner() + "): "
                + s.message();
        Event event;
        if (s.phase() == Phase.ROLLED_BACK) {
            if (named && s.from() == null) {
                return null;
            }
            // Taken back after it was recorded live (a retained colour switched back), or given up before.
            event = named && intent != null && intent.action() == Action.ROLLBACK && intent.digest().equals(s.from())
                    ? intent.withOutcome(Outcome.ROLLED_BACK)
                    : named
                    ? Event.rollback(s.from(), Outcome.ROLLED_BACK, actor).withRun(run).withSource(s.to().toString())
                    : intent != null ? intent.withOutcome(Outcome.FAILED)
                    : Event.promotion(s.to(), Outcome.FAILED, actor).withRun(run);
        } else if (intent != null) {
            event = intent.withOutcome(intent.action() == Action.ROLLBACK ? Outcome.ROLLED_BACK : Outcome.DEPLOYED);
        } else {
            event = (history.wasLive(s.to())
                    ? Event.rollback(s.to(), Outcome.ROLLED_BACK, actor)
                    : Event.promotion(s.to(), Outcome.DEPLOYED, actor)).withRun(run);
        }
        if (event.strategy() == null) {
            event = event.withStrategy(s.strategy());
        }
        return event.withDeployment(s.id()).withReason(event.forced() && event.reason() != null
                ? event.reason() + "; " + reason : reason);
    }

    /** Outage when a server failed the deployment; else (judged bad) analysis failed. */
    private static EngineException.Kind failureKind(Deployer deployer) {
        return deployer.failure().map(EngineException::kind)
                .filter(k -> k == EngineException.Kind.OUTAGE).orElse(EngineException.Kind.ANALYSIS_FAILED);
    }

    private static String owner(String run, String actor) {
        return run != null ? run : actor;
    }

    /** A deployer journalling in the environment's ledger; {@code intent} is what its deployments carry out. */
    private Deployer deployer(Environment env, String owner, Event intent) {
        Deployer.Builder b = Deployer.builder(env.target(), env.router(),
                new LedgerJournal(ledger, env.location(), listener, intent)).listener(listener).owner(owner)
                .clock(clock);
        if (analysis != null) {
            b.analysis(analysis);
        }
        if (drainTimeout != null) {
            b.drainTimeout(drainTimeout);
        }
        return b.build();
    }

    /**
     * After a rollback away from {@code from}: the environments downstream that still serve it, since a digest rolled
     * back here may be at fault there too (they are not rolled back with it: that is their owners' call). Empty when
     * there are none; a ledger that cannot be read is named rather than failing the rollback that already happened.
     */
    private String stillDownstream(Environment env, Digest from) {
        List<String> serving = new ArrayList<>();
        List<String> unread = new ArrayList<>();
        for (String name : graph.reachableFrom(env.name())) {
            try {
                if (ledger.read(environment(name).location()).live().filter(from::equals).isPresent()) {
                    serving.add(name);
                }
            } catch (EngineException e) {
                LOGGER.log(Level.WARNING, "cannot read the ledger of {0}, downstream of {1}: {2}",
                        new Object[] {name, env.name(), e.getMessage()});
                unread.add(name);
            }
        }
        String note = serving.isEmpty() ? "" : "; downstream, " + String.join(", ", serving) + " still serve"
                + (serving.size() == 1 ? "s " : " ") + from.shortForm() + ": roll " + (serving.size() == 1 ? "it"
                : "them") + " back too if " + from.shortForm() + " is at fault there";
        return note + (unread.isEmpty() ? "" : "; could not read the ledger of " + String.join(", ", unread)
                + " downstream to see whether it still serves " + from.shortForm());
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
        private final PromotionGraph graph;
        private final Map<String, Environment> environments;
        private ApprovalHook approval = ApprovalHook.UNAVAILABLE;
        private CanaryAnalysis analysis;
        private ProgressListener listener = ProgressListener.NONE;
        private Clock clock = Clock.systemUTC();
        private Duration drainTimeout;

        private Builder(RegistryClient registry, Ledger ledger, PromotionGraph graph, List<Environment> environments) {
            this.registry = Objects.requireNonNull(registry, "registry");
            this.ledger = Objects.requireNonNull(ledger, "ledger");
            this.graph = Objects.requireNonNull(graph, "graph");
            Map<String, Environment> byName = new LinkedHashMap<>();
            for (Environment e : environments) {
                if (byName.put(e.name(), e) != null) {
                    throw EngineException.badInput("environment " + e.name() + " is given twice; each environment has"
                            + " one place in the promotion graph");
                }
            }
            if (!byName.keySet().equals(Set.copyOf(graph.environments()))) {
                throw EngineException.badInput("the promotion graph names the environments " + String.join(", ",
                        graph.environments()) + ", but the environments given are " + String.join(", ",
                        byName.keySet()) + "; give each environment of the graph once");
            }
            this.environments = Map.copyOf(byName);
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
