package io.jenkins.plugins.immutable.retention;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.deploy.DeploymentState;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageIndex;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.Manifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.ledger.LedgerEntry;
import io.jenkins.plugins.immutable.ledger.Ledger;
import io.jenkins.plugins.immutable.ledger.LedgerFormat;
import io.jenkins.plugins.immutable.ledger.LedgerHistory;
import io.jenkins.plugins.immutable.ledger.LedgerJournal;
import io.jenkins.plugins.immutable.ledger.LedgerLocation;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plans and carries out retention over the environments' repositories. The plan reads every ledger in each
 * repository (also those of environments another configuration owns, found by their {@code ledger-} tags, so that
 * one team's prune never deletes another's live image), verified as every read is, and fails before deciding anything
 * when one is broken.
 */
public final class Pruner {

    private static final Logger LOG = Logger.getLogger(Pruner.class.getName());

    /** cosign's tags ({@code sha256-<hex>.sig}, {@code .att}, {@code .sbom}) and the referrers tag schema's. */
    private static final Pattern ATTACHMENT_TAG = Pattern.compile("(sha256|sha512)-([0-9a-f]{64,128})(\\.[a-z]+)?");

    /** Build tools that want reproducible images write the epoch (or year 1) as the build time: no date at all. */
    private static final Instant UNDATED_BEFORE = Instant.parse("1980-01-01T00:00:00Z");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryClient registry;
    private final Ledger ledger;
    private final Clock clock;
    private final ProgressListener listener;

    public Pruner(RegistryClient registry, Ledger ledger, Clock clock, ProgressListener listener) {
        this.registry = registry;
        this.ledger = ledger;
        this.clock = clock;
        this.listener = listener == null ? ProgressListener.NONE : listener;
    }

    /**
     * What the policy would delete in the repositories of these environments. Reads only; a broken ledger is an
     * integrity error and nothing is planned.
     */
    public RetentionPlan plan(Collection<LedgerLocation> environments, RetentionPolicy policy) {
        Instant now = clock.instant();
        Map<Repository, Set<String>> byRepository = new LinkedHashMap<>();
        for (LedgerLocation where : environments) {
            byRepository.computeIfAbsent(where.repository(), r -> new TreeSet<>()).add(where.environment());
        }
        List<Artifact> kept = new ArrayList<>();
        List<Artifact> doomed = new ArrayList<>();
        Map<LedgerLocation, Optional<Digest>> heads = new LinkedHashMap<>();
        for (Map.Entry<Repository, Set<String>> e : byRepository.entrySet()) {
            new RepositoryPlan(e.getKey(), e.getValue(), policy, now).make(kept, doomed, heads);
        }
        LOG.info(() -> "retention plan: " + doomed.size() + " to delete, " + kept.size() + " kept in "
                + byRepository.keySet());
        return new RetentionPlan(now, policy, kept, doomed, heads);
    }

    /**
     * Deletes what the plan lists, after checking that no ledger it read has moved and that no environment tag now
     * points at a manifest it would delete; otherwise nothing is deleted and the error says to plan again. Deleting is
     * idempotent: a manifest already gone is reported as such, and a prune cut short is finished by the next one.
     */
    public PruneResult apply(RetentionPlan plan) {
        for (Map.Entry<LedgerLocation, Optional<Digest>> head : plan.ledgerHeads().entrySet()) {
            LedgerLocation where = head.getKey();
            Optional<Digest> now = registry.headManifest(where.ledgerReference()).map(Descriptor::digest);
            if (!now.equals(head.getValue())) {
                throw EngineException.refused("the ledger of " + where.environment() + " (" + where + ") changed"
                        + " since the plan was made (a promotion or rollback ran); nothing was deleted. Plan again"
                        + " and apply the new plan");
            }
            Optional<Descriptor> tagged = registry.headManifest(where.environmentReference());
            if (tagged.isPresent()) {
                for (Artifact a : plan.doomed()) {
                    if (a.repository().equals(where.repository()) && a.digest().equals(tagged.get().digest())) {
                        throw EngineException.refused(where.environmentReference() + " now points at "
                                + a.digest().shortForm() + ", which the plan would delete; nothing was deleted. Plan"
                                + " again and apply the new plan");
                    }
                }
            }
        }
        List<Artifact> deleted = new ArrayList<>();
        List<Artifact> gone = new ArrayList<>();
        for (Artifact a : plan.doomed()) {
            try {
                if (registry.deleteManifest(a.reference())) {
                    deleted.add(a);
                    listener.line("deleted " + a.repository() + "@" + a.label());
                    LOG.info(() -> "retention deleted " + a.reference() + " " + a.tags() + ": " + a.why());
                } else {
                    gone.add(a);
                }
            } catch (EngineException ex) {
                throw new EngineException(ex.kind(), ex.getMessage() + " (deleted " + deleted.size() + " of "
                        + plan.doomed().size() + " before this; what was deleted is listed above. Plan again and apply"
                        + " to finish: retention deletes nothing a rule keeps, so a second run is safe)", ex);
            }
        }
        return new PruneResult(deleted, gone);
    }

    /** The plan for one repository; a new one per repository and run. */
    private final class RepositoryPlan {

        private final Repository repository;
        private final Set<String> configured;
        private final RetentionPolicy policy;
        private final Instant now;
        private final Instant windowStart;
        /** Every manifest seen, with its tags; insertion order is the order found. */
        private final Map<Digest, List<String>> tagsOf = new LinkedHashMap<>();
        private final Map<Digest, List<Reason>> reasons = new LinkedHashMap<>();
        /** Why a digest a ledger names is not kept: its last mention. */
        private final Map<Digest, String> namedBy = new LinkedHashMap<>();
        /** Attachments found by tag, to their subject. */
        private final Map<Digest, Digest> subjectOf = new LinkedHashMap<>();
        private final Map<Digest, Optional<Descriptor>> heads = new LinkedHashMap<>();

        RepositoryPlan(Repository repository, Set<String> configured, RetentionPolicy policy, Instant now) {
            this.repository = repository;
            this.configured = configured;
            this.policy = policy;
            this.now = now;
            this.windowStart = now.minus(policy.keepWithin());
        }

        void make(List<Artifact> kept, List<Artifact> doomed, Map<LedgerLocation, Optional<Digest>> ledgerHeads) {
            List<String> tags = registry.listTags(repository);
            Set<String> environments = new TreeSet<>(configured);
            for (String tag : tags) {
                if (tag.startsWith(LedgerLocation.LEDGER_TAG_PREFIX)) {
                    String env = tag.substring(LedgerLocation.LEDGER_TAG_PREFIX.length());
                    if (!configured.contains(env)) {
                        listener.line(repository + " also holds the ledger of " + env + ", which this configuration"
                                + " does not name; its digests are kept by the same rules");
                    }
                    environments.add(env);
                }
            }
            for (String env : environments) {
                LedgerLocation where = new LedgerLocation(repository, env);
                LedgerHistory history = ledger.read(where);
                ledgerHeads.put(where, Optional.ofNullable(history.version()));
                keepFor(where, history);
            }
            for (String tag : tags) {
                Matcher attachment = ATTACHMENT_TAG.matcher(tag);
                Optional<Descriptor> d = registry.headManifest(repository.tag(tag));
                if (d.isEmpty()) {
                    continue; // deleted while listing
                }
                Digest digest = d.get().digest();
                heads.put(digest, d);
                tagsOf.computeIfAbsent(digest, k -> new ArrayList<>()).add(tag);
                if (tag.startsWith(LedgerLocation.LEDGER_TAG_PREFIX)) {
                    keep(digest, Reason.Rule.LEDGER, "head of the ledger of "
                            + tag.substring(LedgerLocation.LEDGER_TAG_PREFIX.length()));
                } else if (environments.contains(tag)) {
                    keep(digest, Reason.Rule.ENVIRONMENT_TAG, "tagged " + tag + ", the environment's tag");
                } else if (attachment.matches()) {
                    subjectOf.put(digest, Digest.parse(attachment.group(1) + ":" + attachment.group(2)));
                }
                String glob = policy.keptTagPattern(tag);
                if (glob != null) {
                    keep(digest, Reason.Rule.KEEP_TAG, "tag " + tag + " matches keepTags '" + glob + "'");
                }
            }
            for (Digest named : namedBy.keySet()) {
                tagsOf.putIfAbsent(named, new ArrayList<>());
            }
            for (Digest digest : List.copyOf(tagsOf.keySet())) {
                classify(digest);
            }
            keepParts();
            keepAttachments();
            List<Artifact> attachmentsToDelete = new ArrayList<>();
            List<Artifact> imagesToDelete = new ArrayList<>();
            for (Map.Entry<Digest, List<String>> e : tagsOf.entrySet()) {
                Digest digest = e.getKey();
                if (head(digest).isEmpty()) {
                    continue; // named by a ledger, gone from the registry already
                }
                List<String> onIt = e.getValue().stream().sorted().toList();
                List<Reason> why = reasons.getOrDefault(digest, List.of());
                Digest subject = subjectOf.get(digest);
                if (!why.isEmpty()) {
                    kept.add(new Artifact(repository, digest, onIt, subject, why, null));
                } else if (subject != null) {
                    attachmentsToDelete.add(new Artifact(repository, digest, onIt, subject, List.of(),
                            head(subject).isPresent()
                                    ? "attached to " + subject.shortForm() + ", which is deleted too"
                                    : "attached to " + subject.shortForm() + ", which is gone"));
                } else {
                    imagesToDelete.add(new Artifact(repository, digest, onIt, null, List.of(), whyNot(digest)));
                }
            }
            for (Artifact image : imagesToDelete) {
                for (Descriptor r : registry.referrers(repository, image.digest(), null)) {
                    if (!reasons.containsKey(r.digest()) && !tagsOf.containsKey(r.digest())) {
                        attachmentsToDelete.add(new Artifact(repository, r.digest(), List.of(), image.digest(),
                                List.of(), "refers to " + image.digest().shortForm() + ", which is deleted too"));
                    }
                }
            }
            doomed.addAll(attachmentsToDelete);
            doomed.addAll(imagesToDelete);
        }

        /** Keeps what the environment runs or could return to, and notes every other digest its ledger names. */
        private void keepFor(LedgerLocation where, LedgerHistory history) {
            String env = where.environment();
            history.live().ifPresent(d -> keep(d, Reason.Rule.LIVE, "live in " + env));
            if (history.deployment() != null) {
                new LedgerJournal(ledger, where, ProgressListener.NONE).load(env).ifPresent(state -> {
                    keepDeployment(env, state);
                });
            }
            List<LedgerEntry> entries = history.entries();
            for (LedgerEntry entry : entries) {
                if (!entry.action().changesDigest()) {
                    continue; // a freeze or unfreeze names no digest; what was live then is kept by the others
                }
                String mention = "last named by " + env + " entry #" + entry.sequence() + " (" + entry.action() + " "
                        + entry.outcome().label() + ", " + entry.time() + ")";
                namedBy.put(entry.digest(), mention);
                if (entry.previousDigest() != null) {
                    namedBy.put(entry.previousDigest(), mention);
                }
                if (!entry.time().isBefore(windowStart)) {
                    keep(entry.digest(), Reason.Rule.RECENT_ENTRY, env + " entry #" + entry.sequence() + " of "
                            + entry.time() + " is inside the " + policy.keepWithin().toDays() + "-day window");
                    if (entry.previousDigest() != null) {
                        keep(entry.previousDigest(), Reason.Rule.RECENT_ENTRY, "live in " + env + " before entry #"
                                + entry.sequence() + " of " + entry.time() + ", inside the window");
                    }
                }
            }
            for (LedgerEntry entry : KnownGood.of(history, policy.keepLastGood())) {
                keep(entry.digest(), Reason.Rule.KNOWN_GOOD, "one of the last " + policy.keepLastGood()
                        + " known-good digests of " + env + " (entry #" + entry.sequence() + ")");
            }
        }

        private void keepDeployment(String env, DeploymentState state) {
            if (state.from() != null) {
                keep(state.from(), Reason.Rule.DEPLOYMENT, "the deployment " + state.id() + " in " + env
                        + " moves from it");
            }
            if (state.to() != null) {
                keep(state.to(), Reason.Rule.DEPLOYMENT, "the deployment " + state.id() + " in " + env
                        + " moves to it");
            }
        }

        /** A digest no rule has kept yet: a ledger version, or a build never promoted, dated by its config. */
        private void classify(Digest digest) {
            if (reasons.containsKey(digest) || subjectOf.containsKey(digest) || namedBy.containsKey(digest)) {
                return;
            }
            Optional<Descriptor> head = head(digest);
            if (head.isEmpty()) {
                return;
            }
            Manifest m = registry.getManifest(repository.digest(digest));
            if (LedgerFormat.MEDIA_TYPE.equals(m.artifactType())) {
                keep(digest, Reason.Rule.LEDGER, "a version of a ledger");
                return;
            }
            if (m.subject() != null) {
                subjectOf.put(digest, m.subject().digest());
                return;
            }
            Optional<Instant> created = created(m);
            if (created.isEmpty()) {
                keep(digest, Reason.Rule.UNDATED, "never promoted, and it carries no build time; delete it by hand"
                        + " if it is not needed");
            } else if (!created.get().isBefore(windowStart)) {
                keep(digest, Reason.Rule.FRESH, "never promoted, built " + created.get() + ", inside the window");
            } else {
                namedBy.put(digest, "never promoted, built " + created.get() + ", before the window");
            }
        }

        /** Every platform of a kept index stays with it. */
        private void keepParts() {
            for (Digest digest : List.copyOf(reasons.keySet())) {
                Optional<Descriptor> head = head(digest);
                if (head.isPresent() && MediaTypes.isIndex(head.get().mediaType())
                        && registry.getManifest(repository.digest(digest)) instanceof ImageIndex index) {
                    for (Descriptor part : index.manifests()) {
                        keep(part.digest(), Reason.Rule.PART_OF, "part of " + digest.shortForm());
                    }
                }
            }
        }

        /** Attachments of kept manifests stay, and attachments of those (a signature of an attestation), and so on. */
        private void keepAttachments() {
            boolean more = true;
            while (more) {
                more = false;
                for (Map.Entry<Digest, Digest> a : subjectOf.entrySet()) {
                    if (!reasons.containsKey(a.getKey()) && reasons.containsKey(a.getValue())) {
                        keep(a.getKey(), Reason.Rule.ATTACHMENT, "attached to " + a.getValue().shortForm()
                                + ", which is kept");
                        more = true;
                    }
                }
            }
            // An attachment of a manifest that is in the registry but that this plan never saw (pushed by digest
            // only, and named by no ledger) stays: retention deletes only what it can account for.
            for (Map.Entry<Digest, Digest> a : subjectOf.entrySet()) {
                Digest subject = a.getValue();
                if (!reasons.containsKey(a.getKey()) && !tagsOf.containsKey(subject) && head(subject).isPresent()) {
                    keep(a.getKey(), Reason.Rule.ATTACHMENT, "attached to " + subject.shortForm()
                            + ", which no rule covers and which stays");
                }
            }
        }

        private String whyNot(Digest digest) {
            String mention = namedBy.get(digest);
            return (mention == null ? "no ledger names it" : mention) + "; not live, not among any environment's last "
                    + policy.keepLastGood() + " known-good digests, no ledger entry names it inside the "
                    + policy.keepWithin().toDays() + "-day window";
        }

        private Optional<Descriptor> head(Digest digest) {
            return heads.computeIfAbsent(digest, d -> registry.headManifest(repository.digest(d)));
        }

        private void keep(Digest digest, Reason.Rule rule, String detail) {
            List<Reason> list = reasons.computeIfAbsent(digest, k -> new ArrayList<>());
            if (list.stream().noneMatch(r -> r.rule() == rule)) {
                list.add(new Reason(rule, detail));
            }
        }

        private Optional<Instant> created(Manifest m) {
            String annotated = m.annotations().get("org.opencontainers.image.created");
            Optional<Instant> fromAnnotation = instant(annotated);
            if (fromAnnotation.isPresent()) {
                return fromAnnotation;
            }
            ImageManifest image;
            if (m instanceof ImageManifest im) {
                image = im;
            } else if (m instanceof ImageIndex index && !index.manifests().isEmpty()
                    && registry.getManifest(repository.digest(index.manifests().get(0).digest()))
                            instanceof ImageManifest first) {
                image = first;
            } else {
                return Optional.empty();
            }
            if (image.config() == null || !(MediaTypes.OCI_CONFIG.equals(image.config().mediaType())
                    || MediaTypes.DOCKER_CONFIG.equals(image.config().mediaType()))) {
                return Optional.empty();
            }
            try {
                JsonNode config = JSON.readTree(registry.readBlob(repository, image.config()));
                return instant(config.path("created").asText(null));
            } catch (IOException e) {
                LOG.log(Level.FINE, "unreadable image config " + image.config().digest() + " in " + repository, e);
                return Optional.empty();
            }
        }

        private Optional<Instant> instant(String text) {
            if (text == null || text.isBlank()) {
                return Optional.empty();
            }
            try {
                Instant t = java.time.OffsetDateTime.parse(text).toInstant();
                return t.isBefore(UNDATED_BEFORE) || t.isAfter(now.plusSeconds(86_400)) ? Optional.empty()
                        : Optional.of(t);
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
    }
}
