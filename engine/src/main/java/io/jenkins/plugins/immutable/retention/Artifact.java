package io.jenkins.plugins.immutable.retention;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Repository;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * A manifest of a repository as retention sees it: kept (with every reason) or to be deleted (with why no rule keeps
 * it).
 *
 * @param repository where it is
 * @param digest     the manifest's digest; deleting it removes every tag on it
 * @param tags       the tags on it, sorted; empty for a manifest only a ledger names
 * @param subject    for a signature, attestation or SBOM: the manifest it is attached to; else null
 * @param reasons    why it stays; empty when it is to be deleted
 * @param why        for one to be deleted: why no rule keeps it; null when kept
 */
public record Artifact(Repository repository, Digest digest, List<String> tags, Digest subject, List<Reason> reasons,
        String why) implements Serializable {

    private static final long serialVersionUID = 1L;

    public Artifact {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(digest, "digest");
        tags = tags == null ? List.of() : List.copyOf(tags);
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }

    public boolean kept() {
        return !reasons.isEmpty();
    }

    public ImageReference reference() {
        return repository.digest(digest);
    }

    /** The digest's short form and its tags, for a line of a plan. */
    public String label() {
        return digest.shortForm() + (tags.isEmpty() ? "" : " (" + String.join(", ", tags) + ")");
    }
}
