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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

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
 *
 * <p>An environment whose ledger is signed ({@link LedgerKey}) has every version this instance writes signed, and the
 * head of every version it reads checked against the key's public keys before anything is trusted: an unsigned head,
 * or one whose signature does not verify, makes the ledger BROKEN like a broken chain. Without a key, signatures are
 * not checked (the weaker mode: see docs/ledger.md for what it leaves open).
 */
public final class Ledger {

    private static final Logger LOG = Logger.getLogger(Ledger.class.getName());

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
    private final LedgerAnchors anchors;
    private final LedgerVersions versions;
    /** Per ledger, the key its versions are signed with, if any. */
    private final Function<LedgerLocation, Optional<LedgerKey>> keys;
    /** Per ledger, the newest version this instance verified or wrote: its anchor, and a cache (versions never change). */
    private final Map<LedgerLocation, Seen> verified = new ConcurrentHashMap<>();

    /**
     * What this instance trusts of a ledger: the anchor every later head must descend from (the version it wrote, or
     * the settled part of the version it read, or one kept from an earlier run), and the head it verified last, if
     * any, as a cache (versions never change).
     */
    private record Seen(LedgerHistory history, LedgerAnchor anchor) {
    }

    public Ledger(RegistryClient registry) {
        this(registry, LedgerAnchors.NONE);
    }

    /** A ledger that starts from the anchors kept in {@code anchors} and keeps its own there. */
    public Ledger(RegistryClient registry, LedgerAnchors anchors) {
        this(registry, Clock.systemUTC(), Duration.ofMillis(200), 5, anchors);
    }

    public Ledger(RegistryClient registry, Clock clock, Duration settle, int attempts) {
        this(registry, clock, settle, attempts, LedgerAnchors.NONE);
    }

    public Ledger(RegistryClient registry, Clock clock, Duration settle, int attempts, LedgerAnchors anchors) {
        this(registry, clock, settle, attempts, anchors, where -> Optional.empty());
    }

    /**
     * A ledger that starts from the anchors kept in {@code anchors} and keeps its own there, and signs and checks the
     * versions of each ledger {@code keys} gives a key for.
     */
    public Ledger(RegistryClient registry, LedgerAnchors anchors, Function<LedgerLocation, Optional<LedgerKey>> keys) {
        this(registry, anchors, LedgerVersions.NONE, keys);
    }

    /**
     * A ledger that starts from the anchors kept in {@code anchors} and keeps its own there, reads copies of the
     * versions it needs from {@code versions} (each checked against its digest) and keeps there those it reads from
     * the registry, and signs and checks the versions of each ledger {@code keys} gives a key for.
     */
    public Ledger(RegistryClient registry, LedgerAnchors anchors, LedgerVersions versions,
            Function<LedgerLocation, Optional<LedgerKey>> keys) {
        this(registry, Clock.systemUTC(), Duration.ofMillis(200), 5, anchors, versions, keys);
    }

    /**
     * @param settle   how long after tagging a new version to look again for a concurrent writer's overwrite; longer
     *                 than the registry's round trip
     * @param attempts how many times {@link #update} tries a change that keeps conflicting
     * @param anchors  where anchors are kept between runs
     * @param keys     per ledger, the key its versions are signed with; empty for an unsigned ledger
     */
    public Ledger(RegistryClient registry, Clock clock, Duration settle, int attempts, LedgerAnchors anchors,
            Function<LedgerLocation, Optional<LedgerKey>> keys) {
        this(registry, clock, settle, attempts, anchors, LedgerVersions.NONE, keys);
    }

    /**
     * @param versions where copies of ledger versions are kept between runs ({@link LedgerVersions#NONE}: none)
     */
    public Ledger(RegistryClient registry, Clock clock, Duration settle, int attempts, LedgerAnchors anchors,
            LedgerVersions versions, Function<LedgerLocation, Optional<LedgerKey>> keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.anchors = Objects.requireNonNull(anchors, "anchors");
        this.versions = Objects.requireNonNull(versions, "versions");
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
        Checked checked = readChecked(where, null, true);
        checked.verification.orThrow();
        return checked.history;
    }

    /**
     * Reads and checks the environment's ledger once, for a reader that shows both the history and its check; does
     * not throw for a broken ledger (its history is then null).
     */
    public Checked check(LedgerLocation where) {
        return readChecked(where, null, true);
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
        return readChecked(where, known, true).verification;
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
     * Records what a check found (an {@link Event} whose action {@link Action#isObservation() is an observation}),
     * unless it repeats the environment's last observation of the same kind ({@link Observation#sameFindings}) and
     * that one is younger than {@code reconfirmAfter}: a periodic check that keeps finding the same does not grow the
     * ledger with every run, while a change of verdict, counts or differences is recorded when it is seen. An
     * observation made against a live digest that is no longer live (a promotion landed while the check ran) is not
     * recorded: it would describe a state the ledger has left.
     *
     * <p>Decided on the head the write is built on, again on each retry when another writer (a promotion) got there
     * first: the other write is kept, and the observation lands on top of it or is found stale.
     *
     * @param reconfirmAfter how old the last identical observation may be before the same finding is recorded again,
     *                       so that the ledger shows the checks still run; {@link Duration#ZERO} records every one
     */
    public Observed observe(LedgerLocation where, Event event, Duration reconfirmAfter, ProgressListener listener) {
        Observation seen = event.observation();
        if (seen == null) {
            throw new IllegalArgumentException("only an observation (a rescan or a drift entry) is observed");
        }
        AtomicReference<Observed> outcome = new AtomicReference<>();
        LedgerHistory written = update(where, h -> {
            Digest live = h.live().orElse(null);
            if (!Objects.equals(live, seen.live())) {
                outcome.set(new Observed(Observed.Result.STALE, null, "not recorded in the ledger of "
                        + where.environment() + ": the " + event.action() + " was made against "
                        + (seen.live() == null ? "nothing live" : seen.live().shortForm()) + ", but "
                        + (live == null ? "nothing" : live.shortForm()) + " is live now; check again"));
                return h;
            }
            Optional<LedgerEntry> last = h.lastObservation(event.action());
            if (last.isPresent() && last.get().observation().sameFindings(seen)
                    && clock.instant().isBefore(last.get().time().plus(reconfirmAfter))) {
                outcome.set(new Observed(Observed.Result.UNCHANGED, last.get(), "unchanged since entry #"
                        + last.get().sequence() + " of " + where.environment() + " (" + last.get().time()
                        + "): not recorded again"));
                return h;
            }
            outcome.set(null);
            return LedgerFormat.append(h, event, clock.instant());
        }, listener);
        Observed result = outcome.get();
        if (result == null) {
            LedgerEntry entry = written.last().orElseThrow();
            result = new Observed(Observed.Result.RECORDED, entry, "recorded in the ledger of " + where.environment()
                    + " as entry #" + entry.sequence());
        }
        (listener == null ? ProgressListener.NONE : listener).line(result.message());
        return result;
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
     * Fails, before anything is changed, when this process could not write to the ledger: it is signed and the
     * private key is missing or does not open. Operations that deploy before they record call it first, so that
     * nothing is deployed that cannot be recorded.
     */
    public void requireWritable(LedgerLocation where) {
        keys.apply(where).ifPresent(k -> k.signing(where));
    }

    /**
     * Signs the head of a ledger written before its environment's ledger key was configured, once: a new version with
     * the same entries and deployment record, signed, so that readers that check signatures accept it (and everything
     * under it: see {@link LedgerSignature}). The head is checked first as every read checks it, its signature
     * aside. Whoever runs it vouches for the history as it is, so it is for a person who has looked at it.
     *
     * <p>Refused when an earlier version is signed: signing began there, and the unsigned versions after it were
     * written without the key, by someone with push rights or a tool not configured to sign; {@code
     * afterUnsignedWrites} signs over them anyway (signing was turned off in between on purpose).
     *
     * @return the signed head written; empty when the ledger is empty (its first version will be signed) or its head
     *         is signed already
     */
    public Optional<LedgerHistory> signHead(LedgerLocation where, boolean afterUnsignedWrites,
            ProgressListener listener) {
        ProgressListener log = listener == null ? ProgressListener.NONE : listener;
        LedgerKey key = keys.apply(where).orElseThrow(() -> EngineException.badInput("the ledger " + where
                + " has no ledger key to sign it with: set environments[].ledgerKey to the id of a key under"
                + " signing.keys and, with its public key, under signing.trustedKeys"));
        key.signing(where);
        ReentrantLock lock = LOCKS.computeIfAbsent(where.toString(), k -> new ReentrantLock());
        lock.lock();
        try {
            Checked checked = readChecked(where, null, false);
            checked.verification.orThrow();
            LedgerHistory current = checked.history;
            if (current.version() == null) {
                log.line("the ledger " + where + " is empty: its first version will be signed when it is written");
                return Optional.empty();
            }
            Repository repo = where.repository();
            Fetched head = fetch(repo, current.version().toString());
            if (head != null && LedgerSignature.signed(head.layer)) {
                log.line("the head of the ledger " + where + " (" + current.version() + ") is signed already");
                return Optional.empty();
            }
            Fetched signedBefore = head == null ? null : newestSigned(repo, previousVersionOf(head.layer));
            if (signedBefore != null) {
                int entries = LedgerFormat.read(signedBefore.layer, signedBefore.digest).entries().size();
                String since = "version " + signedBefore.digest + " is signed, with " + entries + " entries, and the"
                        + " versions after it up to the head " + current.version() + " are not (entries #"
                        + (entries + 1) + " to #" + current.entries().size() + " and any change to the deployment"
                        + " record): they were written without the key";
                if (!afterUnsignedWrites) {
                    throw EngineException.integrity("not signing the head of the ledger " + where + ": " + since
                            + ", by someone with push rights to the registry or by a tool not configured to sign."
                            + " Nothing was changed. Point the ledger tag back at " + signedBefore.digest + " if they"
                            + " are not yours; if signing was turned off in between on purpose, check those entries"
                            + " (immutable history " + where.environment() + ") and sign over them explicitly");
                }
                log.line("signing over unsigned writes, as asked: " + since);
            }
            LedgerHistory written = write(where, current, current.with(current.entries(), current.deployment()));
            log.line("signed the head of the ledger " + where + " with the key '" + key.id() + "': version "
                    + written.version() + " holds the same " + written.entries().size() + " entries as "
                    + current.version());
            return Optional.of(written);
        } finally {
            lock.unlock();
        }
    }

    /** The newest version from {@code version} back that carries a signature, or null. */
    private Fetched newestSigned(Repository repo, Digest version) {
        for (Digest v = version; v != null; ) {
            Fetched f = fetchReporting(repo, v.toString(), new ArrayList<>(), null);
            if (f == null) {
                return null;
            }
            if (LedgerSignature.signed(f.layer)) {
                return f;
            }
            v = previousVersionOf(f.layer);
        }
        return null;
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
        byte[] bytes = LedgerFormat.write(next);
        Optional<LedgerKey> key = keys.apply(where);
        if (key.isPresent()) {
            bytes = LedgerSignature.sign(bytes, where, key.get().signing(where));
        }
        Descriptor config = pushBlob(repo, MediaTypes.OCI_EMPTY, EMPTY_CONFIG);
        Descriptor layer = pushBlob(repo, LedgerFormat.MEDIA_TYPE, bytes);
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
        // As stored: a deployment record gets its hash and link when it is written.
        LedgerHistory written = LedgerFormat.read(bytes, version);
        trust(where, verified.get(where), written, LedgerAnchor.of(written));
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

    /**
     * A ledger as read and checked once: what the check found, and the history when it is intact (else null).
     */
    public record Checked(LedgerHistory history, LedgerVerification verification) {
    }

    /** What this instance trusts of a ledger: its anchor, and the head it last verified (null when loaded). */
    private Seen seen(LedgerLocation where) {
        Seen s = verified.get(where);
        if (s == null) {
            s = anchors.load(where).map(a -> new Seen(null, a)).orElse(null);
        }
        return s;
    }

    /** Remembers a verified head and the anchor it leaves, keeping the anchor store up to date. */
    private void trust(LedgerLocation where, Seen before, LedgerHistory history, LedgerAnchor anchor) {
        verified.put(where, new Seen(history, anchor));
        if (before == null || !anchor.equals(before.anchor())) {
            anchors.save(where, anchor);
        }
    }

    /**
     * Reads and checks the head. With {@code checkSignature} false (only to sign the head of a ledger written before
     * signing was turned on) an unsigned head passes, and it is neither cached nor anchored.
     */
    private Checked readChecked(LedgerLocation where, LedgerAnchor known, boolean checkSignature) {
        Repository repo = where.repository();
        Seen lastSeen = seen(where);
        LedgerHistory last = lastSeen == null ? null : lastSeen.history();
        LedgerAnchor mine = lastSeen == null ? null : lastSeen.anchor();
        boolean knownMet = known == null || known.version() == null || mine != null
                && (known.version().equals(mine.version()) || last != null && known.version().equals(last.version()));
        if (knownMet && last != null && last.version() != null
                && last.version().equals(headDigest(repo, where.ledgerTag()))) {
            // The version this instance checked last: its bytes are addressed by that digest, so its chain and
            // links still hold; only the environment tag and the caller's anchor need a look.
            List<String> problems = new ArrayList<>(tagProblems(where, last));
            String lost = known == null ? null : known.lostIn(last);
            if (lost != null) {
                problems.add(lost);
            }
            if (problems.isEmpty()) {
                return new Checked(last, new LedgerVerification(where.environment(), where.toString(),
                        last.version(), problems, null, keyId(where)));
            }
        }
        List<LedgerAnchor> anchorsHeld = new ArrayList<>();
        for (LedgerAnchor a : new LedgerAnchor[] {mine, known}) {
            if (a != null && a.version() != null) {
                anchorsHeld.add(a);
            }
        }
        List<String> problems = new ArrayList<>();
        Fetched head = fetchReporting(repo, where.ledgerTag(), problems, null);
        if (head == null && !problems.isEmpty()) {
            LedgerVerification v = new LedgerVerification(where.environment(), where.toString(),
                    headDigest(repo, where.ledgerTag()), problems, trustedVersion(repo, anchorsHeld));
            return new Checked(null, v);
        }
        if (head == null) {
            for (LedgerAnchor a : anchorsHeld) {
                problems.add("the ledger tag " + where.ledgerTag() + " is gone, but version " + a.version()
                        + " with " + a.entries() + " entries was seen before" + keptIn(where, a, mine)
                        + ": it was deleted");
            }
            LedgerHistory empty = LedgerHistory.empty(where.environment());
            LedgerVerification v = new LedgerVerification(where.environment(), where.toString(), null, problems,
                    trustedVersion(repo, anchorsHeld));
            return new Checked(v.intact() ? empty : null, v);
        }
        problems.addAll(LedgerChain.problems(head.layer, head.digest));
        LedgerHistory history = null;
        boolean headForged = !problems.isEmpty();
        Digest brokenAt = null;
        if (problems.isEmpty()) {
            history = LedgerFormat.read(head.layer, head.digest);
            if (!history.environment().equals(where.environment())) {
                problems.add("it is the ledger of '" + history.environment() + "', not of '" + where.environment()
                        + "': it was copied from another environment's tag");
            }
            String badSignature = checkSignature || LedgerSignature.signed(head.layer)
                    ? signatureProblem(where, head) : null;
            if (badSignature != null) {
                problems.add(badSignature);
                headForged = true;
            }
            Walk walk = versionProblems(repo, where, history, anchorsHeld, mine);
            headForged = headForged || !walk.problems().isEmpty()
                    && walk.problems().stream().noneMatch(p -> p.contains(NOT_BUILT_ON));
            brokenAt = walk.brokenAt();
            problems.addAll(walk.problems());
            for (LedgerAnchor a : anchorsHeld) {
                String lost = a.lostIn(history);
                if (lost != null) {
                    problems.add(lost);
                }
            }
            problems.addAll(tagProblems(where, history));
        }
        LedgerVerification verification = new LedgerVerification(where.environment(), where.toString(), head.digest,
                problems, problems.isEmpty() ? null : lastIntact(repo, where, head, headForged, brokenAt, anchorsHeld),
                problems.isEmpty() && LedgerSignature.signed(head.layer) ? keyId(where) : null);
        if (verification.intact() && (checkSignature || keys.apply(where).isEmpty())) {
            LedgerAnchor settled = LedgerAnchor.settledPartOf(history);
            LedgerAnchor anchor = mine == null ? settled : mine.orNewer(settled, history);
            if (anchors != LedgerAnchors.NONE && !history.version().equals(anchor.version())
                    && history.version().equals(settledHead(repo, where))) {
                // Kept between runs, the settled part alone would let the head's own entry be dropped unnoticed;
                // a head still there a settle time later is no losing write (see the class description).
                anchor = LedgerAnchor.of(history);
            }
            trust(where, lastSeen, history, anchor);
            return new Checked(history, verification);
        }
        return new Checked(verification.intact() ? history : null, verification);
    }

    /** The ledger's head a settle time from now: what a concurrent write would have replaced by then. */
    private Digest settledHead(Repository repo, LedgerLocation where) {
        sleep(settle);
        return headDigest(repo, where.ledgerTag());
    }

    /** Marks the problem of an anchor not met on the way back from the head. */
    private static final String NOT_BUILT_ON = "is not among the versions the ledger's head was built on";

    /**
     * Walks back from the head through the versions each names as the one it replaced, checking every link, until it
     * stands on a trusted point (a version an anchor names) having met every anchor, or reaches the first version.
     * A forgery pushed on top of genuine versions breaks a link somewhere on the way; a head moved back to an older
     * version never meets the anchor of the newer one.
     */
    private Walk versionProblems(Repository repo, LedgerLocation where, LedgerHistory head,
            List<LedgerAnchor> anchorsHeld, LedgerAnchor mine) {
        List<String> problems = new ArrayList<>();
        Digest brokenAt = null;
        Set<Digest> unmet = new LinkedHashSet<>();
        anchorsHeld.forEach(a -> unmet.add(a.version()));
        Set<Digest> trusted = Set.copyOf(unmet);
        LedgerHistory current = head;
        while (true) {
            unmet.remove(current.version());
            if (unmet.isEmpty() && trusted.contains(current.version())) {
                break;
            }
            if (current.previousVersion() == null) {
                List<LedgerEntry> entries = current.entries();
                if (entries.size() > 1 || !entries.isEmpty() && entries.get(0).previousLedger() != null) {
                    problems.add("version " + current.version() + " names no previous version, yet it has "
                            + entries.size() + " entries" + (entries.isEmpty() ? "" : " and entry #1 names a previous"
                            + " ledger") + ": the chain of versions was cut");
                }
                break;
            }
            String what = "version " + current.previousVersion() + ", which " + current.version() + " replaced,";
            Fetched previous = fetchReporting(repo, current.previousVersion().toString(), problems, what);
            if (previous == null) {
                break;
            }
            List<String> broken = LedgerChain.problems(previous.layer, previous.digest);
            if (!broken.isEmpty()) {
                problems.add(what + " is broken (" + String.join("; ", broken) + "): versions were forged on top of"
                        + " it, or it was rewritten");
                break;
            }
            LedgerHistory before = LedgerFormat.read(previous.layer, previous.digest);
            String link = before.environment().equals(where.environment())
                    ? LedgerChain.linkProblem(before, current)
                    : what + " is the ledger of '" + before.environment() + "': the chain of versions was forged";
            if (link != null) {
                problems.add(link);
                brokenAt = before.version();
                break;
            }
            current = before;
        }
        if (problems.isEmpty()) {
            for (LedgerAnchor a : anchorsHeld) {
                if (unmet.contains(a.version())) {
                    problems.add("version " + a.version() + " with " + a.entries() + " entries, seen before"
                            + keptIn(where, a, mine) + ", " + NOT_BUILT_ON + ": the ledger tag was moved back to an"
                            + " older version, or the history was replaced");
                }
            }
        }
        return new Walk(problems, brokenAt);
    }

    /** What a walk back from a head found, and the version where a link to a newer one broke, if one did. */
    private record Walk(List<String> problems, Digest brokenAt) {
    }

    private String keptIn(LedgerLocation where, LedgerAnchor a, LedgerAnchor mine) {
        if (a != mine || anchors == LedgerAnchors.NONE) {
            return "";
        }
        return " (anchor kept in " + anchors.describe(where) + "; remove it only if the ledger was restored on"
                + " purpose)";
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
                && onlyObservedSince(history, live.get())) {
            // Equal, or the tag is still where it was before the last entry: a promotion stopped before its last step
            // (moving the tag); the next promotion or rollback finishes it. A re-scan or drift check recorded since
            // changes nothing live, so it does not make that a break.
            return List.of();
        }
        return List.of("the tag " + where.environmentTag() + " points at " + (tagged == null ? "nothing" : tagged)
                + ", but the ledger says " + expected + " is live (entry #" + live.get().sequence() + "): the tag was"
                + " moved or deleted by hand; point it back at " + expected.shortForm()
                + ", or check what runs in the environment (drift) first");
    }

    /** True when every entry after {@code entry} is an observation (none when it is the last). */
    private static boolean onlyObservedSince(LedgerHistory history, LedgerEntry entry) {
        List<LedgerEntry> entries = history.entries();
        for (int i = entries.size() - 1; i >= 0 && entries.get(i) != entry; i--) {
            if (!entries.get(i).action().isObservation()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The newest version that can be trusted, to restore the ledger tag to: a version an anchor names, if it is still
     * in the registry and intact; else, only when the head itself is what is broken (versions forged on top of good
     * ones), the version the forgery was built on, or the newest predecessor, whose chain checks out back to the
     * first version. When the head is a genuine older
     * version (the tag was moved back), its predecessors are older still: none is recommended.
     */
    private Digest lastIntact(Repository repo, LedgerLocation where, Fetched head, boolean headForged,
            Digest brokenAt, List<LedgerAnchor> anchorsHeld) {
        Digest anchored = trustedVersion(repo, anchorsHeld);
        if (anchored != null && !anchored.equals(head.digest)) {
            return anchored;
        }
        if (!headForged) {
            return null;
        }
        // Only a version whose every predecessor checks out back to the first one: a forger's versions in between
        // may each be intact on their own.
        Digest v = brokenAt != null ? brokenAt : previousVersionOf(head.layer);
        for (int i = 0; v != null && i < VERSIONS_SEARCHED; i++) {
            Fetched f = fetchReporting(repo, v.toString(), new ArrayList<>(), null);
            if (f == null) {
                return null;
            }
            if (LedgerChain.problems(f.layer, f.digest).isEmpty()) {
                LedgerHistory candidate = LedgerFormat.read(f.layer, f.digest);
                if (candidate.environment().equals(where.environment()) && signatureProblem(where, f) == null
                        && versionProblems(repo, where, candidate, List.of(), null).problems().isEmpty()) {
                    return f.digest;
                }
            }
            v = previousVersionOf(f.layer);
        }
        return null;
    }

    /** The id of the ledger's key, or null when it has none. */
    private String keyId(LedgerLocation where) {
        return keys.apply(where).map(LedgerKey::id).orElse(null);
    }

    /** What is wrong with the signature of a version of a signed ledger; null when it verifies or none is needed. */
    private String signatureProblem(LedgerLocation where, Fetched version) {
        Optional<LedgerKey> key = keys.apply(where);
        return key.isEmpty() ? null : LedgerSignature.problem(version.layer, version.digest, where, key.get());
    }

    /** The newest anchored version still in the registry with an intact chain, or null. */
    private Digest trustedVersion(Repository repo, List<LedgerAnchor> anchorsHeld) {
        for (LedgerAnchor a : anchorsHeld) {
            Fetched f = fetchReporting(repo, a.version().toString(), new ArrayList<>(), null);
            if (f != null && LedgerChain.problems(f.layer, f.digest).isEmpty()) {
                return f.digest;
            }
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
     * artifact is an {@link EngineException.Kind#INTEGRITY} error. The registry is always asked whether it is there;
     * its bytes come from the kept copy when one passes its check, else from the registry (and are then kept).
     */
    private Fetched fetch(Repository repo, String reference) {
        ImageReference ref = Digest.isDigest(reference) ? repo.digest(Digest.parse(reference)) : repo.tag(reference);
        Optional<Descriptor> head = registry.headManifest(ref);
        if (head.isEmpty()) {
            return null;
        }
        Digest version = head.get().digest();
        Fetched kept = kept(ref, version);
        if (kept != null) {
            return kept;
        }
        Manifest m = registry.getManifest(repo.digest(version));
        Descriptor layer = ledgerLayer(ref, m);
        byte[] bytes = registry.readBlob(repo, layer);
        versions.save(m.digest(), new LedgerVersions.Copy(m.bytes(), bytes));
        return new Fetched(m.digest(), bytes);
    }

    /** The one layer of a ledger version's manifest; an INTEGRITY error when it is not a ledger's manifest. */
    private static Descriptor ledgerLayer(ImageReference ref, Manifest m) {
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
        return layer;
    }

    /**
     * The kept copy of a version, if there is one and it is what the version's digest names: the manifest's bytes
     * hash to that digest and hold a ledger's manifest, and the layer's bytes hash to its descriptor's digest. A copy
     * that fails is dropped (and said in the log): the version is read from the registry again.
     */
    private Fetched kept(ImageReference ref, Digest version) {
        Optional<LedgerVersions.Copy> copy = versions.load(version);
        if (copy.isEmpty()) {
            return null;
        }
        byte[] layer = copy.get().layer();
        String wrong;
        try {
            Manifest m = Manifest.parse(copy.get().manifest(), null);
            Descriptor described = m.digest().equals(version) ? ledgerLayer(ref, m) : null;
            wrong = described == null ? "its manifest is not the version's"
                    : described.size() != layer.length || !described.digest().equals(
                            Digest.of(described.digest().algorithm(),
                                    described.digest().algorithm().newMessageDigest().digest(layer)))
                    ? "its layer is not the one the manifest names" : null;
        } catch (RuntimeException e) {
            wrong = e.getMessage();
        }
        if (wrong == null) {
            return new Fetched(version, layer);
        }
        LOG.log(Level.WARNING, "the copy of ledger version {0} kept in {1} does not match its digest ({2}): it was"
                + " damaged or edited; reading the version from the registry again",
                new Object[] {version, versions.describe(version), wrong});
        versions.drop(version);
        return null;
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
