package io.jenkins.plugins.immutable.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.ProgressListener;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Manifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Reads, checks and writes environments' ledgers in the registry (see the package description for the layout).
 *
 * <p>Every read is checked before it is trusted: the hash chain of the entries, the link to the version it replaced
 * (which must still be in the registry and hold the same entries), what this instance saw before (its
 * {@link LedgerAnchor}), and the environment's tag (it must point at the digest the ledger says is live). A broken
 * ledger is reported with every problem found, never repaired in silence.
 *
 * <p>Writers are serialised within a process by a lock per ledger. Across processes the registry offers no
 * compare-and-swap, so a write is checked before and after: the ledger tag must still point at the version the change
 * was based on just before the new version is tagged, and, a moment later, at the new version or at a later one built
 * on it. A write that lost a race is a {@link LedgerConflictException}; {@link #update} then retries the change from the
 * new head, so the loser's change is applied on top of the winner's instead of being lost.
 */
public final class Ledger {

    /** Locks per ledger, shared by every {@code Ledger} of this process. */
    private static final Map<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    /** Ledger layers stay small; a bigger one is not a ledger. */
    static final int MAX_LEDGER_BYTES = 64 * 1024 * 1024;

    /** How many earlier versions are read to find the last intact one, or a write built on ours. */
    static final int VERSIONS_SEARCHED = 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.UTF_8);

    private final RegistryClient registry;
    private final Clock clock;
    private final Duration settle;
    private final int attempts;
    /** Per ledger, the newest version this instance verified or wrote: its anchor, and a cache (versions never change). */
    private final Map<LedgerLocation, Seen> verified = new ConcurrentHashMap<>();

    /** A version this instance checked; {@code written} when it wrote it and saw its write hold. */
    private record Seen(LedgerHistory history, boolean written) {
        LedgerAnchor anchor() {
            return written ? LedgerAnchor.of(history) : LedgerAnchor.settledPartOf(history);
        }
    }

    public Ledger(RegistryClient registry) {
        this(registry, Clock.systemUTC(), Duration.ofMillis(200), 5);
    }

    /**
     * @param settle   how long after tagging a new version to look again for a concurrent writer's overwrite; longer
     *                 than the registry's round trip
     * @param attempts how many times {@link #update} tries a change that keeps conflicting
     */
    public Ledger(RegistryClient registry, Clock clock, Duration settle, int attempts) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settle = Objects.requireNonNull(settle, "settle");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        this.attempts = attempts;
    }

    /** The environment's history, checked; an {@link EngineException.Kind#INTEGRITY} error when it is broken. */
    public LedgerHistory read(LedgerLocation where) {
        Checked checked = readChecked(where, null);
        checked.verification.orThrow();
        return checked.history;
    }

    /** Checks the environment's ledger and reports what is wrong; does not throw for a broken ledger. */
    public LedgerVerification verify(LedgerLocation where) {
        return verify(where, null);
    }

    /**
     * Checks the environment's ledger, also against a version seen earlier (by another run or process): its
     * entries must still all be there.
     */
    public LedgerVerification verify(LedgerLocation where, LedgerAnchor known) {
        return readChecked(where, known).verification;
    }

    /**
     * An earlier version of the environment's ledger, by the digest that a checked entry ({@link
     * LedgerEntry#previousLedger()}) or version ({@link LedgerHistory#previousVersion()}) names: what the deployment
     * journal said at that moment. Empty when the registry no longer has it. Its bytes are addressed by that digest,
     * so they are what was written; they are not checked again, and it is not cached here (callers that read many
     * keep what they need).
     */
    public Optional<LedgerHistory> readVersion(LedgerLocation where, Digest version) {
        Objects.requireNonNull(version, "version");
        Fetched f = fetch(where.repository(), version.toString());
        if (f == null) {
            return Optional.empty();
        }
        LedgerHistory history = LedgerFormat.read(f.layer, f.digest);
        if (!history.environment().equals(where.environment())) {
            throw EngineException.integrity("ledger version " + version + " is " + history.environment()
                    + "'s, not " + where.environment() + "'s: it was copied from another environment's ledger");
        }
        return Optional.of(history);
    }

    /** The digest the environment's tag points at, if the tag exists. */
    public Optional<Digest> tagged(LedgerLocation where) {
        return Optional.ofNullable(headDigest(where.repository(), where.environmentTag()));
    }

    /**
     * Points the environment's tag at {@code digest}, which must already be in the environment's repository: the last
     * step of a promotion or rollback, after the ledger recorded it.
     */
    public void moveTag(LedgerLocation where, Digest digest) {
        Repository repo = where.repository();
        Manifest m = registry.getManifest(repo.digest(digest));
        registry.putManifest(repo.tag(where.environmentTag()), m);
    }

    /**
     * Appends an entry: the history is read and checked, the event appended, and the result written, retried from
     * the new head when another writer got there first.
     */
    public LedgerEntry record(LedgerLocation where, Event event, ProgressListener listener) {
        LedgerHistory written = update(where, h -> LedgerFormat.append(h, event, clock.instant()), listener);
        return written.last().orElseThrow();
    }

    /**
     * Appends an entry only when {@code condition} holds for the checked head (decided again from the new head when
     * another writer got there first).
     *
     * @return the history as written, or as read when the condition did not hold (nothing was written)
     */
    public LedgerHistory recordIf(LedgerLocation where, Predicate<LedgerHistory> condition, Event event,
            ProgressListener listener) {
        return update(where, h -> condition.test(h) ? LedgerFormat.append(h, event, clock.instant()) : h, listener);
    }

    /**
     * Applies {@code change} to the environment's checked history and writes the result, under the process-wide lock
     * of this ledger. When another process wrote in between, the change is applied again to the new head (so it must
     * decide from the history it is given, and may throw to give up). A change that returns its argument writes
     * nothing.
     *
     * @return the history as written
     */
    public LedgerHistory update(LedgerLocation where, UnaryOperator<LedgerHistory> change, ProgressListener listener) {
        ProgressListener log = listener == null ? ProgressListener.NONE : listener;
        ReentrantLock lock = LOCKS.computeIfAbsent(where.toString(), k -> new ReentrantLock());
        lock.lock();
        try {
            LedgerConflictException last = null;
            for (int attempt = 1; attempt <= attempts; attempt++) {
                LedgerHistory current = read(where);
                LedgerHistory next = change.apply(current);
                if (next == current) {
                    return current;
                }
                try {
                    return write(where, current, next);
                } catch (LedgerConflictException e) {
                    last = e;
                    log.line(e.getMessage() + (attempt < attempts ? "; retrying from the new head" : ""));
                    sleep(Duration.ofMillis(ThreadLocalRandom.current().nextLong(20, 100L * attempt)));
                }
            }
            throw new EngineException(EngineException.Kind.OUTAGE, "the ledger " + where + " changed under each of "
                    + attempts + " attempts to write it: another process keeps writing to it. Find it, or try again"
                    + " when it is done", last);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes {@code next}, built on {@code current}, as the new head; checked before and after (see the class
     * description). Callers hold the lock.
     */
    LedgerHistory write(LedgerLocation where, LedgerHistory current, LedgerHistory next) {
        if (!Objects.equals(next.previousVersion(), current.version())) {
            throw new IllegalArgumentException("the new version must be built on the current one");
        }
        Repository repo = where.repository();
        Descriptor config = pushBlob(repo, MediaTypes.OCI_EMPTY, EMPTY_CONFIG);
        Descriptor layer = pushBlob(repo, LedgerFormat.MEDIA_TYPE, LedgerFormat.write(next));
        ImageManifest manifest = manifest(next, config, layer);
        Digest version = manifest.digest();
        registry.putManifest(repo.digest(version), manifest);

        Digest head = headDigest(repo, where.ledgerTag());
        if (!Objects.equals(head, current.version())) {
            throw LedgerConflictException.movedBefore(where, current.version(), head);
        }
        registry.putManifest(repo.tag(where.ledgerTag()), manifest);
        sleep(settle);
        head = headDigest(repo, where.ledgerTag());
        if (!version.equals(head) && !builtOn(repo, head, version)) {
            throw LedgerConflictException.overwritten(where, version, head);
        }
        LedgerHistory written = new LedgerHistory(next.environment(), next.entries(), next.deployment(),
                next.previousVersion(), version);
        verified.put(where, new Seen(written, true));
        return written;
    }

    /** True when {@code head} is {@code version} or a later version whose chain of previous versions reaches it. */
    private boolean builtOn(Repository repo, Digest head, Digest version) {
        Digest v = head;
        for (int i = 0; v != null && i < VERSIONS_SEARCHED; i++) {
            if (v.equals(version)) {
                return true;
            }
            Fetched f = fetchReporting(repo, v.toString(), new ArrayList<>(), null);
            if (f == null) {
                return false;
            }
            v = previousVersionOf(f.layer);
        }
        return false;
    }

    private record Checked(LedgerHistory history, LedgerVerification verification) {
    }

    private Checked readChecked(LedgerLocation where, LedgerAnchor known) {
        Repository repo = where.repository();
        Seen lastSeen = verified.get(where);
        LedgerHistory last = lastSeen == null ? null : lastSeen.history();
        if (last != null && last.version() != null && last.version().equals(headDigest(repo, where.ledgerTag()))) {
            // The version this instance checked last: its bytes are addressed by that digest, so its chain and
            // links still hold; only the environment tag and the caller's anchor need a look.
            List<String> problems = new ArrayList<>(tagProblems(where, last));
            String lost = known == null ? null : known.lostIn(last);
            if (lost != null) {
                problems.add(lost);
            }
            if (problems.isEmpty()) {
                return new Checked(last, new LedgerVerification(where.environment(), where.toString(),
                        last.version(), problems, null));
            }
        }
        List<String> problems = new ArrayList<>();
        Fetched head = fetchReporting(repo, where.ledgerTag(), problems, null);
        LedgerAnchor seen = lastSeen == null ? null : lastSeen.anchor();
        if (head == null && !problems.isEmpty()) {
            LedgerVerification v = new LedgerVerification(where.environment(), where.toString(),
                    headDigest(repo, where.ledgerTag()), problems, seen == null ? null : seen.version());
            return new Checked(null, v);
        }
        if (head == null) {
            for (LedgerAnchor a : new LedgerAnchor[] {seen, known}) {
                if (a != null && a.version() != null) {
                    problems.add("the ledger tag " + where.ledgerTag() + " is gone, but version " + a.version()
                            + " with " + a.entries() + " entries was seen before: it was deleted");
                }
            }
            LedgerHistory empty = LedgerHistory.empty(where.environment());
            LedgerVerification v = new LedgerVerification(where.environment(), where.toString(), null, problems,
                    seen == null ? null : seen.version());
            return new Checked(v.intact() ? empty : null, v);
        }
        problems.addAll(LedgerChain.problems(head.layer, head.digest));
        LedgerHistory history = null;
        if (problems.isEmpty()) {
            history = LedgerFormat.read(head.layer, head.digest);
            if (!history.environment().equals(where.environment())) {
                problems.add("it is the ledger of '" + history.environment() + "', not of '" + where.environment()
                        + "': it was copied from another environment's tag");
            }
            problems.addAll(linkProblems(repo, history));
            for (LedgerAnchor a : new LedgerAnchor[] {seen, known}) {
                String lost = a == null ? null : a.lostIn(history);
                if (lost != null) {
                    problems.add(lost);
                }
            }
            problems.addAll(tagProblems(where, history));
        }
        Digest lastIntact = problems.isEmpty() ? head.digest : lastIntact(repo, head, seen, known);
        LedgerVerification verification = new LedgerVerification(where.environment(), where.toString(), head.digest,
                problems, problems.isEmpty() ? null : lastIntact);
        if (verification.intact()) {
            verified.put(where, new Seen(history, false));
            return new Checked(history, verification);
        }
        return new Checked(null, verification);
    }

    /** The version this one replaced must still be there and hold the same entries, or all but the last. */
    private List<String> linkProblems(Repository repo, LedgerHistory history) {
        List<String> problems = new ArrayList<>();
        List<LedgerEntry> entries = history.entries();
        if (history.previousVersion() == null) {
            if (!entries.isEmpty() && entries.get(0).previousLedger() != null || entries.size() > 1) {
                problems.add("it names no previous version, yet it has " + entries.size() + " entries and entry #1"
                        + " names a previous ledger: the chain of versions was cut");
            }
            return problems;
        }
        Fetched previous = fetchReporting(repo, history.previousVersion().toString(), problems,
                "the version it replaced,");
        if (previous == null) {
            return problems;
        }
        LedgerHistory before;
        try {
            before = LedgerFormat.read(previous.layer, previous.digest);
        } catch (EngineException e) {
            problems.add("the version it replaced, " + previous.digest + ", is unreadable: " + e.getMessage());
            return problems;
        }
        List<LedgerEntry> old = before.entries();
        int added = entries.size() - old.size();
        if (added < 0 || added > 1) {
            problems.add("the version it replaced, " + previous.digest + ", has " + old.size() + " entries and this"
                    + " one " + entries.size() + ": a write adds at most one, so entries were removed or forged");
        } else if (!old.isEmpty() && !old.get(old.size() - 1).hash().equals(entries.get(old.size() - 1).hash())) {
            problems.add("entry #" + old.size() + " differs from the one in the version it replaced, "
                    + previous.digest + ": the history was rewritten");
        } else if (added == 1 && !history.previousVersion().equals(entries.get(entries.size() - 1).previousLedger())) {
            problems.add("its last entry names " + entries.get(entries.size() - 1).previousLedger() + " as the"
                    + " version it was appended to, but the version it replaced is " + previous.digest);
        }
        return problems;
    }

    /** The environment's tag must point at what the ledger says is live. */
    private List<String> tagProblems(LedgerLocation where, LedgerHistory history) {
        Optional<LedgerEntry> live = history.liveEntry();
        if (live.isEmpty()) {
            return List.of();
        }
        Digest tagged = headDigest(where.repository(), where.environmentTag());
        Digest expected = live.get().digest();
        if (expected.equals(tagged) || Objects.equals(tagged, live.get().previousDigest())
                && live.get() == history.last().orElse(null)) {
            // Equal, or the tag is still where it was before the last entry: a promotion stopped before its last step
            // (moving the tag); the next promotion or rollback finishes it.
            return List.of();
        }
        return List.of("the tag " + where.environmentTag() + " points at " + (tagged == null ? "nothing" : tagged)
                + ", but the ledger says " + expected + " is live (entry #" + live.get().sequence() + "): the tag was"
                + " moved or deleted by hand; point it back at " + expected.shortForm()
                + ", or check what runs in the environment (drift) first");
    }

    /**
     * The newest version that can be trusted: one seen before (by this instance, or the caller) if it is still in
     * the registry and intact, else the newest intact one among those the head names as its predecessors.
     */
    private Digest lastIntact(Repository repo, Fetched head, LedgerAnchor... seen) {
        for (LedgerAnchor a : seen) {
            if (a != null && a.version() != null && !a.version().equals(head.digest)) {
                Fetched f = fetchReporting(repo, a.version().toString(), new ArrayList<>(), null);
                if (f != null && LedgerChain.problems(f.layer, f.digest).isEmpty()) {
                    return f.digest;
                }
            }
        }
        Digest v = previousVersionOf(head.layer);
        for (int i = 0; v != null && i < VERSIONS_SEARCHED; i++) {
            Fetched f = fetchReporting(repo, v.toString(), new ArrayList<>(), null);
            if (f == null) {
                return null;
            }
            if (LedgerChain.problems(f.layer, f.digest).isEmpty()) {
                return f.digest;
            }
            v = previousVersionOf(f.layer);
        }
        return null;
    }

    private static Digest previousVersionOf(byte[] layer) {
        try {
            JsonNode p = JSON.readTree(layer).path("previousVersion");
            return p.isTextual() && Digest.isDigest(p.asText()) ? Digest.parse(p.asText()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private ImageManifest manifest(LedgerHistory history, Descriptor config, Descriptor layer) {
        return ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .artifactType(LedgerFormat.MEDIA_TYPE)
                .config(config)
                .layer(layer.withAnnotations(Map.of("org.opencontainers.image.title",
                        "ledger-" + history.environment() + ".json")))
                .annotation("org.opencontainers.image.created", clock.instant().toString())
                .annotation("io.jenkins.immutable.ledger.environment", history.environment())
                .annotation("io.jenkins.immutable.ledger.entries", Integer.toString(history.entries().size()))
                .build();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(EngineException.Kind.OUTAGE, "interrupted while writing the ledger", e);
        }
    }

    // --- registry access ---------------------------------------------------------------------------------------

    /** A ledger version as fetched: its manifest digest and its layer's bytes. */
    private record Fetched(Digest digest, byte[] layer) {
    }

    /**
     * The ledger version under a tag or digest, or null when there is none. Anything there that is not a ledger
     * artifact is an {@link EngineException.Kind#INTEGRITY} error.
     */
    private Fetched fetch(Repository repo, String reference) {
        ImageReference ref = Digest.isDigest(reference) ? repo.digest(Digest.parse(reference)) : repo.tag(reference);
        Optional<Descriptor> head = registry.headManifest(ref);
        if (head.isEmpty()) {
            return null;
        }
        Manifest m = registry.getManifest(repo.digest(head.get().digest()));
        if (!(m instanceof ImageManifest im) || !LedgerFormat.MEDIA_TYPE.equals(im.artifactType())
                || im.layers().size() != 1 || !LedgerFormat.MEDIA_TYPE.equals(im.layers().get(0).mediaType())) {
            throw EngineException.integrity(ref + " is not a ledger (" + m.mediaType() + ", artifact type "
                    + m.artifactType() + "): something else was pushed under the ledger's tag");
        }
        Descriptor layer = im.layers().get(0);
        if (layer.size() > MAX_LEDGER_BYTES) {
            throw EngineException.integrity(ref + "'s ledger layer is " + layer.size() + " bytes, more than a ledger"
                    + " can be (" + MAX_LEDGER_BYTES + ")");
        }
        return new Fetched(m.digest(), registry.readBlob(repo, layer));
    }

    /** Like {@link #fetch}, but what is not there or not a ledger is a problem to report, not an exception. */
    private Fetched fetchReporting(Repository repo, String reference, List<String> problems, String what) {
        try {
            Fetched f = fetch(repo, reference);
            if (f == null && what != null) {
                problems.add(what + " " + reference + " is missing from the registry: it was deleted (or the"
                        + " registry's garbage collection removed untagged manifests), so the history cannot be"
                        + " checked against it");
            }
            return f;
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.OUTAGE) {
                throw e;
            }
            problems.add((what == null ? "the ledger" : what + " " + reference) + " cannot be read: " + e.getMessage());
            return null;
        }
    }

    private Digest headDigest(Repository repo, String tag) {
        return registry.headManifest(repo.tag(tag)).map(Descriptor::digest).orElse(null);
    }

    private Descriptor pushBlob(Repository repo, String mediaType, byte[] bytes) {
        return registry.pushBlob(repo, bytes).withMediaType(mediaType);
    }
}
