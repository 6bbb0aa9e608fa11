package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageIndex;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Manifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The manifests that name a subject (signatures, attestations, SBOMs): the OCI 1.1 referrers API, and where a
 * registry has none, the {@code sha256-<hex>} tag-schema index that clients read and maintain instead.
 */
final class Referrers {

    private final Remote remote;
    private final Manifests manifests;

    Referrers(Remote remote, Manifests manifests) {
        this.remote = remote;
        this.manifests = manifests;
    }

    List<Descriptor> list(Repository repo, Digest subject, String artifactType) {
        String what = "list the referrers of " + subject.shortForm() + " in " + repo;
        URI next = remote.uri(repo.registry(), "/v2/" + repo.path() + "/referrers/" + subject
                + (artifactType == null ? "" : "?artifactType=" + Remote.enc(artifactType)));
        List<Descriptor> found = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        while (next != null && seen.add(next)) {
            HttpResponse<InputStream> r = remote.send(Call.of("GET", next, what)
                    .header("Accept", MediaTypes.OCI_INDEX).auth(repo.registry(), Remote.pull(repo)).document());
            if (r.statusCode() == 404 && found.isEmpty()) {
                Responses.discard(r);
                return fromTagSchema(repo, subject, artifactType);
            }
            remote.check(r, repo.registry(), what, 200);
            Manifest index = Manifest.parse(Responses.readSmall(r, Remote.MAX_MANIFEST_BYTES, what),
                    MediaTypes.OCI_INDEX);
            if (!(index instanceof ImageIndex list)) {
                throw EngineException.outage("registry " + repo.registry() + " answered " + what
                        + " with something other than an index", null);
            }
            list.manifests().stream().filter(d -> artifactType == null || artifactType.equals(d.artifactType()))
                    .forEach(found::add);
            next = remote.nextPage(repo.registry(), r);
        }
        return found;
    }

    private List<Descriptor> fromTagSchema(Repository repo, Digest subject, String artifactType) {
        ImageReference fallback = repo.tag(subject.tagSafe());
        Manifest m = manifests.find(fallback).orElse(null);
        if (!(m instanceof ImageIndex index)) {
            return List.of();
        }
        return index.manifests().stream()
                .filter(d -> artifactType == null || artifactType.equals(d.artifactType())).toList();
    }

    /**
     * After storing a manifest with a subject on a registry without the referrers API (no {@code OCI-Subject} in
     * its answer), adds it to the subject's {@code sha256-<hex>} index, as the OCI distribution spec asks clients to.
     */
    void addToTagSchema(Repository repo, Manifest manifest) {
        Descriptor subject = manifest.subject();
        ImageReference fallback = repo.tag(subject.digest().tagSafe());
        List<Descriptor> existing = new ArrayList<>();
        if (manifests.find(fallback).orElse(null) instanceof ImageIndex index) {
            existing.addAll(index.manifests());
        }
        if (existing.stream().anyMatch(d -> d.digest().equals(manifest.digest()))) {
            return;
        }
        String artifactType = manifest.artifactType();
        if (artifactType == null && manifest instanceof ImageManifest im) {
            artifactType = im.config().mediaType();
        }
        existing.add(manifest.descriptor().withArtifactType(artifactType).withAnnotations(manifest.annotations()));
        manifests.put(fallback, ImageIndex.builder(MediaTypes.OCI_INDEX).manifests(existing).build(),
                this::addToTagSchema);
    }
}
