package io.jenkins.plugins.immutable.ledger;

import io.jenkins.plugins.immutable.image.Digest;
import java.util.Optional;

/**
 * Where copies of ledger versions are kept between runs, so that a version read once is not downloaded again: a
 * version is immutable, named by the digest of its manifest. A {@link Ledger} trusts no copy: it checks the manifest
 * against the version's digest and the layer against the manifest's descriptor before it uses one, and reads a copy
 * that fails from the registry again. It still asks the registry whether each version it needs is there (a HEAD),
 * so a version deleted from the registry is reported as before. The CLI keeps copies in files in its cache
 * directory ({@link FileLedgerVersions}).
 */
public interface LedgerVersions {

    /** Keeps nothing: every version is read from the registry. */
    LedgerVersions NONE = new LedgerVersions() {
        @Override
        public Optional<Copy> load(Digest version) {
            return Optional.empty();
        }

        @Override
        public void save(Digest version, Copy copy) {
        }

        @Override
        public void drop(Digest version) {
        }

        @Override
        public String describe(Digest version) {
            return "nowhere";
        }
    };

    /** A ledger version's bytes as a registry served them: its manifest and its one layer. */
    record Copy(byte[] manifest, byte[] layer) {
    }

    /** The copy kept of the version, if any, unchecked. */
    Optional<Copy> load(Digest version);

    /** Keeps a copy of a version read from the registry and checked; a failure to keep it is no error. */
    void save(Digest version, Copy copy);

    /** Forgets the copy of a version (one that failed its check). */
    void drop(Digest version);

    /** Where the copy of a version is kept, for messages. */
    String describe(Digest version);
}
