package io.jenkins.plugins.immutable.sign;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageManifest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Manifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import io.jenkins.plugins.immutable.registry.RegistryClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Sigstore bundles attached to an image as OCI 1.1 referrers, as cosign v3 does (specs/BUNDLE_SPEC.md): a manifest
 * with {@code artifactType} {@value SigstoreBundle#MEDIA_TYPE}, the empty config, one layer holding the bundle, and
 * the image as {@code subject}; found through the referrers API, or the {@code sha256-<hex>} index tag on registries
 * without it (the registry client maintains and reads that fallback).
 */
public final class SigstoreReferrers {

    private static final byte[] EMPTY_CONFIG = {'{', '}'};
    private static final String TITLE_ANNOTATION = "org.opencontainers.image.title";
    private static final String CREATED_ANNOTATION = "org.opencontainers.image.created";

    /**
     * One bundle referrer as found: the referrer manifest's descriptor and annotations, and the parsed bundle or,
     * when it could not be read or parsed, the problem.
     */
    public record Found(Descriptor manifest, Map<String, String> annotations, SigstoreBundle bundle, String problem) {

        /** Where it is, for messages: {@code repo@sha256:...}. */
        public String location(Repository repository) {
            return "bundle " + repository + "@" + manifest.digest().shortForm();
        }
    }

    private SigstoreReferrers() {
    }

    /**
     * Attaches a bundle to the image (by digest) and returns the referrer manifest's reference.
     *
     * @param image the signed image, pinned; {@code subject} its manifest's descriptor
     * @param predicateType for a DSSE bundle, its statement's predicate type; null for a message signature
     */
    public static ImageReference attach(RegistryClient client, ImageReference image, Descriptor subject,
            SigstoreBundle bundle, String predicateType) {
        Repository repository = image.repository();
        byte[] bytes = bundle.toJson();
        Descriptor layer = client.pushBlob(repository, bytes).withMediaType(SigstoreBundle.MEDIA_TYPE)
                .withAnnotations(Map.of(TITLE_ANNOTATION, subject.digest().tagSafe() + ".sigstore.json"));
        Descriptor config = client.pushBlob(repository, EMPTY_CONFIG).withMediaType(MediaTypes.OCI_EMPTY);
        ImageManifest.Builder manifest = ImageManifest.builder(MediaTypes.OCI_MANIFEST)
                .artifactType(SigstoreBundle.MEDIA_TYPE)
                .config(config)
                .layer(layer)
                .subject(new Descriptor(subject.mediaType(), subject.digest(), subject.size()))
                .annotation(SigstoreBundle.CONTENT_ANNOTATION, bundle.content())
                .annotation(CREATED_ANNOTATION, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        if (predicateType != null) {
            manifest.annotation(SigstoreBundle.PREDICATE_TYPE_ANNOTATION, predicateType);
        }
        ImageManifest built = manifest.build();
        return client.putManifest(ImageReference.of(repository, null, built.digest()), built);
    }

    /** Every Sigstore bundle referring to the digest in the repository. */
    public static List<Found> find(RegistryClient client, Repository repository, Digest image) {
        List<Found> found = new ArrayList<>();
        for (Descriptor referrer : client.referrers(repository, image, SigstoreBundle.MEDIA_TYPE)) {
            found.add(read(client, repository, image, referrer));
        }
        return found;
    }

    private static Found read(RegistryClient client, Repository repository, Digest image, Descriptor referrer) {
        Manifest manifest;
        try {
            manifest = client.getManifest(ImageReference.of(repository, null, referrer.digest()));
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.OUTAGE) {
                throw e;
            }
            return new Found(referrer, referrer.annotations(), null, "cannot be read: " + e.getMessage());
        }
        if (!(manifest instanceof ImageManifest artifact) || artifact.layers().size() != 1) {
            return new Found(referrer, manifest.annotations(), null, "is not a manifest with exactly one bundle layer");
        }
        if (artifact.subject() == null || !artifact.subject().digest().equals(image)) {
            // a referrers list (or the fallback index tag, which anyone may push) pointing at an unrelated manifest
            return new Found(referrer, manifest.annotations(), null, "does not name " + image.shortForm()
                    + " as its subject");
        }
        Descriptor layer = artifact.layers().get(0);
        byte[] bytes;
        try {
            bytes = client.readBlob(repository, layer);
        } catch (EngineException e) {
            if (e.kind() == EngineException.Kind.OUTAGE) {
                throw e;
            }
            return new Found(referrer, manifest.annotations(), null, "cannot be read: " + e.getMessage());
        }
        try {
            return new Found(referrer, manifest.annotations(), SigstoreBundle.parse(bytes), null);
        } catch (IllegalArgumentException e) {
            return new Found(referrer, manifest.annotations(), null, "is not a valid bundle: " + e.getMessage());
        }
    }
}
