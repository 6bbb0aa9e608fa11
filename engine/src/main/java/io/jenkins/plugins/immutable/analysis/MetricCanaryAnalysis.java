package io.jenkins.plugins.immutable.analysis;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.deploy.CanaryAnalysis;
import io.jenkins.plugins.immutable.deploy.CanaryDecision;
import io.jenkins.plugins.immutable.deploy.CanaryStep;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The canary's analysis between weight steps, as the {@link io.jenkins.plugins.immutable.deploy.Deployer} asks for
 * it: after each step's pause, every metric of the template is fetched for the canary and the baseline over the step
 * (since its weight took effect, or the last {@code interval} of it), judged, and added to the deployment's
 * {@link CanaryReport}. Then:
 * <ul>
 *   <li>Fail: roll back (traffic back to the live version, canary and baseline removed);</li>
 *   <li>Pass: go on (after the last step the canary becomes the live version and the old instances are drained);</li>
 *   <li>Marginal: hold at this weight and ask the {@link MarginalHook}; each time the pause has passed again the
 *   held interval is judged too (a Fail rolls back at once) and the answer looked for; none by the deadline rolls
 *   back.</li>
 * </ul>
 * An error of the metric source (Prometheus unreachable, a query it refuses) says nothing about the canary, so it is
 * no Fail: the fetch is tried again after a backoff (doubling from {@code errorBackoff}), and only when the errors run
 * past the template's consecutive error limit is the judgement {@link Verdict#INCONCLUSIVE}, with every error in it.
 * The environment's {@link InconclusivePolicy} then holds the canary for a decision (as on a Marginal verdict) or
 * rolls it back. Reports live in memory, one per deployment; a resumed process starts a new one.
 */
public final class MetricCanaryAnalysis implements CanaryAnalysis {

    private static final Logger LOGGER = Logger.getLogger(MetricCanaryAnalysis.class.getName());
    /** Consecutive source errors tolerated before a judgement is Inconclusive, as Argo Rollouts' default. */
    public static final int DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;
    /** The first wait after a source error; it doubles with each further error, up to a minute. */
    public static final Duration DEFAULT_ERROR_BACKOFF = Duration.ofSeconds(5);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final AnalysisTemplate template;
    private final CanaryJudge judge;
    private final MetricSource source;
    private final MarginalHook marginal;
    private final Duration marginalTimeout;
    private final Duration interval;
    private final ProgressListener listener;
    private final BiConsumer<CanaryStep, CanaryReport> onReport;
    private final Clock clock;
    private final int consecutiveErrorLimit;
    private final Duration errorBackoff;
    private final InconclusivePolicy onInconclusive;
    private final Map<String, CanaryReport> reports = new ConcurrentHashMap<>();
    private final Map<String, MarginalQuestion> pending = new ConcurrentHashMap<>();

    private MetricCanaryAnalysis(Builder b) {
        this.template = b.template;
        this.judge = new CanaryJudge(b.template);
        this.source = b.source;
        this.marginal = b.marginal;
        this.marginalTimeout = b.marginalTimeout;
        this.interval = b.interval;
        this.listener = b.listener;
        this.onReport = b.onReport;
        this.clock = b.clock;
        this.consecutiveErrorLimit = b.consecutiveErrorLimit;
        this.errorBackoff = b.errorBackoff;
        this.onInconclusive = b.onInconclusive;
    }

    public static Builder builder(AnalysisTemplate template, MetricSource source) {
        return new Builder(template, source);
    }

    /**
     * How long a step (or the interval judged of it) must last for every metric to reach the template's minimum of
     * points when the source gives one point per {@code step}: configurations should check their pauses against it.
     */
    public static Duration requiredWindow(AnalysisTemplate template, Duration step) {
        return step.multipliedBy(template.minimumPoints());
    }

    /** Where the metrics come from (Prometheus, HAProxy's statistics), for pages that say what was judged on. */
    public MetricSource source() {
        return source;
    }

    /** The report of a deployment so far. */
    public Optional<CanaryReport> report(String deploymentId) {
        return Optional.ofNullable(reports.get(deploymentId));
    }

    @Override
    public CanaryDecision judge(CanaryStep step) throws InterruptedException {
        return judge(step, onInconclusive);
    }

    /**
     * Judges one step, applying {@code policy} (the environment's) to an Inconclusive judgement; null: the one this
     * analysis was built with.
     */
    public CanaryDecision judge(CanaryStep step, InconclusivePolicy policy) throws InterruptedException {
        InconclusivePolicy inconclusive = policy == null ? onInconclusive : policy;
        Scopes scopes = Scope.of(step);
        List<SourceError> errors = new ArrayList<>();
        Judgement judgement = null;
        while (judgement == null) {
            Instant end = clock.instant();
            Instant start = step.since() != null ? step.since()
                    : end.minus(interval == null ? Duration.ofMinutes(1) : interval);
            if (interval != null && start.isBefore(end.minus(interval))) {
                start = end.minus(interval);
            }
            if (!end.isAfter(start)) {
                end = start.plusMillis(1);
            }
            Map<String, ScopedSeries> data = new LinkedHashMap<>();
            SourceError error = null;
            for (CanaryMetric metric : template.metrics()) {
                try {
                    data.put(metric.name(), source.fetch(metric, scopes, start, end));
                } catch (EngineException e) {
                    // The source errored: nothing is known about the canary, so this is no Fail (Argo Rollouts'
                    // Error, not Failed). Retried after a backoff, up to the consecutive error limit.
                    error = new SourceError(clock.instant(), metric.name(), e.kind(), e.getMessage());
                    break;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException("canary analysis of " + step.environment() + " stopped");
                }
            }
            if (error == null) {
                judgement = judge.judge(start, end, data).withErrors(errors);
                break;
            }
            errors.add(error);
            if (errors.size() > consecutiveErrorLimit) {
                judgement = Judgement.inconclusive(start, end, "the metric source errored "
                        + (errors.size() == 1 ? "once" : errors.size() + " times in a row") + ", more than the"
                        + " consecutive error limit " + consecutiveErrorLimit + ", from " + errors.get(0).at()
                        + " to " + error.at() + "; last on metric '" + error.metric() + "': " + error.message(),
                        errors);
                break;
            }
            Duration wait = backoff(errors.size());
            String line = "the metric source errored on metric '" + error.metric() + "' (error " + errors.size()
                    + " in a row; past " + consecutiveErrorLimit + " the analysis is Inconclusive): " + error.message()
                    + "; trying again in " + wait.toMillis() + " ms";
            listener.line(line);
            LOGGER.log(Level.WARNING, "{0}: {1}", new Object[] {step.environment(), line});
            Thread.sleep(wait.toMillis());
        }
        judgement = judgement.atWeight(step.weight());
        Judgement judged = judgement;
        String key = step.deploymentId() + "#" + step.index();
        CanaryReport report = reports.compute(step.deploymentId(),
                (id, r) -> r == null ? CanaryReport.of(template, List.of(judged)) : r.with(judged));
        String where = "canary analysis of " + step.environment() + " at " + step.weight() + "%" + " ("
                + (step.index() + 1) + "/" + step.steps() + (step.holds() > 0 ? ", held " + step.holds() + "x" : "")
                + ")";
        listener.line(where + ": " + describe(judgement));
        LOGGER.log(Level.INFO, "{0} of deployment {1}: {2}", new Object[] {where, step.deploymentId(),
                describe(judgement)});
        for (MetricResult r : judgement.metrics()) {
            listener.line("  " + r.name() + ": " + r.classification() + " - " + r.reason());
            LOGGER.log(Level.FINE, "  {0}: {1} - {2}", new Object[] {r.name(), r.classification(), r.reason()});
        }

        CanaryDecision decision;
        MarginalQuestion question = pending.get(key);
        if (judgement.verdict() == Verdict.FAIL) {
            pending.remove(key);
            decision = CanaryDecision.rollBack(describe(judgement));
        } else if (judgement.verdict() == Verdict.INCONCLUSIVE && inconclusive == InconclusivePolicy.ROLL_BACK) {
            pending.remove(key);
            decision = CanaryDecision.rollBack(describe(judgement) + "; the environment's policy on an inconclusive"
                    + " analysis is to roll back");
        } else if (question == null && judgement.verdict() == Verdict.PASS) {
            decision = CanaryDecision.proceed(describe(judgement));
        } else {
            if (question == null) {
                question = new MarginalQuestion(step.environment(), step.deploymentId(), step.index(), step.weight(),
                        report, judgement.end().plus(marginalTimeout));
                pending.put(key, question);
                listener.line("waiting for a decision on the " + verdictName(judgement) + " verdict until "
                        + question.deadline());
                marginal.ask(question);
            }
            Optional<Decision> answer = marginal.answer(question);
            if (answer.isEmpty() && !clock.instant().isBefore(question.deadline())) {
                answer = Optional.of(new Decision(false, "timeout", "no decision on the "
                        + verdictName(question.report().last()) + " verdict within " + marginalTimeout,
                        clock.instant()));
            }
            if (answer.isPresent()) {
                pending.remove(key);
                Decision d = answer.get();
                report = reports.compute(step.deploymentId(), (id, r) -> r.withLast(r.last().withDecision(d)));
                String why = (judgement.verdict() == Verdict.INCONCLUSIVE ? "Inconclusive"
                        : "Marginal (score " + CanaryJudge.fmt(judgement.score()) + ")") + ", decided by " + d.by()
                        + (d.reason() == null || d.reason().isBlank() ? "" : ": " + d.reason());
                LOGGER.log(Level.INFO, "canary analysis of {0} at {1}%: {2}", new Object[] {step.environment(),
                        step.weight(), why});
                decision = d.proceed() ? CanaryDecision.proceed(why) : CanaryDecision.rollBack(why);
            } else {
                decision = CanaryDecision.hold(describe(judgement) + "; waiting for a decision until "
                        + question.deadline());
            }
        }
        onReport.accept(step, reports.get(step.deploymentId()));
        return decision;
    }

    /** The wait before the next attempt after {@code failed} consecutive errors: doubling, at most a minute. */
    private Duration backoff(int failed) {
        Duration cap = errorBackoff.compareTo(MAX_BACKOFF) > 0 ? errorBackoff : MAX_BACKOFF;
        Duration wait = errorBackoff.multipliedBy(1L << Math.min(failed - 1, 20));
        return wait.compareTo(cap) > 0 ? cap : wait;
    }

    private static String verdictName(Judgement j) {
        return j.verdict() == Verdict.INCONCLUSIVE ? "inconclusive" : "marginal";
    }

    private String describe(Judgement j) {
        ScoreThresholds t = template.thresholds();
        String verdict = switch (j.verdict()) {
            case PASS -> "Pass: score " + CanaryJudge.fmt(j.score()) + " >= " + CanaryJudge.fmt(t.pass());
            case MARGINAL -> "Marginal: score " + CanaryJudge.fmt(j.score()) + " between " + CanaryJudge.fmt(t.marginal())
                    + " and " + CanaryJudge.fmt(t.pass());
            case FAIL -> "Fail: score " + CanaryJudge.fmt(j.score()) + " < " + CanaryJudge.fmt(t.marginal());
            case INCONCLUSIVE -> "Inconclusive: no score";
        };
        return verdict + " (" + j.reason() + ")";
    }

    /** How the analysis judges, asks and reports. */
    public static final class Builder {
        private final AnalysisTemplate template;
        private final MetricSource source;
        private MarginalHook marginal = MarginalHook.NOBODY;
        private Duration marginalTimeout = Duration.ofMinutes(10);
        private Duration interval;
        private ProgressListener listener = ProgressListener.NONE;
        private BiConsumer<CanaryStep, CanaryReport> onReport = (step, report) -> { };
        private Clock clock = Clock.systemUTC();
        private int consecutiveErrorLimit = DEFAULT_CONSECUTIVE_ERROR_LIMIT;
        private Duration errorBackoff = DEFAULT_ERROR_BACKOFF;
        private InconclusivePolicy onInconclusive = InconclusivePolicy.HOLD;

        private Builder(AnalysisTemplate template, MetricSource source) {
            this.template = Objects.requireNonNull(template, "template");
            this.source = Objects.requireNonNull(source, "source");
        }

        /** Who decides a marginal verdict (default: nobody, so it rolls back at the timeout). */
        public Builder marginal(MarginalHook hook) {
            this.marginal = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /** How long a marginal verdict waits for a decision before the canary is rolled back (default 10 minutes). */
        public Builder marginalTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw EngineException.badInput("the timeout for a decision on a marginal verdict must not be negative");
            }
            this.marginalTimeout = timeout;
            return this;
        }

        /**
         * Judge only the last {@code interval} of each step (the instances' warm-up left out); default: all of it,
         * from when the step's weight took effect.
         */
        public Builder interval(Duration value) {
            if (value != null && (value.isNegative() || value.isZero())) {
                throw EngineException.badInput("the analysis interval must be positive, not " + value);
            }
            this.interval = value;
            return this;
        }

        public Builder listener(ProgressListener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        /** Called after each judgement with the deployment's report (the plugin stores it as the run's action). */
        public Builder onReport(BiConsumer<CanaryStep, CanaryReport> value) {
            this.onReport = Objects.requireNonNull(value, "onReport");
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * How many consecutive errors of the metric source are retried (default 4); one more makes the judgement
         * Inconclusive. 0: the first error does.
         */
        public Builder consecutiveErrorLimit(int limit) {
            if (limit < 0) {
                throw EngineException.badInput("the consecutive error limit must be 0 or more, not " + limit);
            }
            this.consecutiveErrorLimit = limit;
            return this;
        }

        /** The wait after the first source error (default 5s); it doubles after each further one, up to a minute. */
        public Builder errorBackoff(Duration value) {
            if (value == null || value.isNegative()) {
                throw EngineException.badInput("the backoff after a metric source error must be zero or more, not "
                        + value);
            }
            this.errorBackoff = value;
            return this;
        }

        /** What an Inconclusive judgement does when the environment does not say (default: hold for a decision). */
        public Builder onInconclusive(InconclusivePolicy policy) {
            this.onInconclusive = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public MetricCanaryAnalysis build() {
            return new MetricCanaryAnalysis(this);
        }
    }
}
