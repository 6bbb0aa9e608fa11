package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.Manifest;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Repository;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/** The manifest operations: get (verified against a pinned digest), head, resolve a tag, put and delete. */
final class Manifests {

    private static final String ACCEPT = String.join(",", MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST,
            MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST);

    private final Remote remote;

    Manifests(Remote remote) {
        this.remote = remote;
    }

    Manifest get(ImageReference ref) {
        return read(ref, false).orElseThrow();
    }

    /** The manifest, or empty when the registry has none there (404): one GET where a HEAD and a GET are two. */
    Optional<Manifest> find(ImageReference ref) {
        return read(ref, true);
    }

    private Optional<Manifest> read(ImageReference ref, boolean absentIsEmpty) {
        String what = "get manifest " + ref;
        HttpResponse<InputStream> r = remote.send(Call.of("GET", uri(ref), what)
                .header("Accept", ACCEPT).auth(ref.registry(), Remote.pull(ref.repository())).document());
        if (absentIsEmpty && r.statusCode() == 404) {
            Responses.discard(r);
            return Optional.empty();
        }
        remote.check(r, ref.registry(), ref.toString(), 200);
        String contentType = r.headers().firstValue("Content-Type").orElse(null);
        byte[] bytes = Responses.readSmall(r, Remote.MAX_MANIFEST_BYTES, what);
        Digest actual = ref.isPinned() ? Digest.of(ref.digest().algorithm(),
                ref.digest().algorithm().newMessageDigest().digest(bytes)) : Digest.sha256(bytes);
        if (ref.isPinned() && !actual.equals(ref.digest())) {
            throw EngineException.integrity("registry " + ref.registry() + " served a manifest for " + ref
                    + " whose bytes hash to " + actual + "; it is not the image asked for: do not use it");
        }
        return Optional.of(Manifest.parse(bytes, contentType));
    }

    Optional<Descriptor> head(ImageReference ref) {
        String what = "check manifest " + ref;
        HttpResponse<InputStream> r = remote.send(Call.of("HEAD", uri(ref), what)
                .header("Accept", ACCEPT).auth(ref.registry(), Remote.pull(ref.repository())).document());
        Responses.discard(r);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        remote.check(r, ref.registry(), what, 200);
        Optional<String> digest = r.headers().firstValue("Docker-Content-Digest");
        String mediaType = r.headers().firstValue("Content-Type").map(t -> t.split(";")[0].trim()).orElse(null);
        long size = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (digest.isEmpty() || mediaType == null || size < 0 || !MediaTypes.isManifest(mediaType)) {
            // Some registries leave these out of HEAD answers; the manifest itself tells.
            return Optional.of(get(ref).descriptor());
        }
        Digest d = Digest.parse(digest.get());
        if (ref.isPinned() && !d.equals(ref.digest())) {
            throw EngineException.integrity("registry " + ref.registry() + " answered for " + ref + " with digest " + d);
        }
        return Optional.of(new Descriptor(mediaType, d, size));
    }

    ImageReference resolve(ImageReference ref) {
        if (ref.isPinned()) {
            return ref;
        }
        Descriptor d = head(ref).orElseThrow(() -> EngineException.badInput("manifest unknown: registry "
                + ref.registry() + " has no image " + ref + "; check the repository and tag"));
        return ref.withDigest(d.digest());
    }

    /**
     * Stores a manifest under the target's tag, or by digest. A manifest with a subject stored on a registry without
     * the referrers API (its answer has no {@code OCI-Subject}) is handed to {@code withoutReferrersApi}, which records
     * it where clients look instead.
     */
    ImageReference put(ImageReference target, Manifest manifest, BiConsumer<Repository, Manifest> withoutReferrersApi) {
        if (target.isPinned() && !target.digest().equals(manifest.digest())) {
            throw EngineException.badInput("cannot store manifest " + manifest.digest() + " as " + target
                    + ": the reference is pinned to another digest");
        }
        String identifier = target.tag() != null ? target.tag() : manifest.digest().toString();
        String what = "put manifest " + target.repository() + ":" + identifier;
        HttpResponse<InputStream> r = remote.exchange(Call.of("PUT", remote.manifestUri(target.repository(),
                identifier), what).header("Content-Type", manifest.mediaType()).body(Call.Body.of(manifest.bytes()))
                .auth(target.registry(), Remote.push(target.repository())).document(),
                target.registry(), what, 201, 200, 202);
        if (manifest.subject() != null && r.headers().firstValue("OCI-Subject").isEmpty()) {
            withoutReferrersApi.accept(target.repository(), manifest);
        }
        Optional<String> stored = r.headers().firstValue("Docker-Content-Digest");
        if (stored.isPresent() && Digest.isDigest(stored.get()) && !Digest.parse(stored.get()).equals(manifest.digest())
                && Digest.parse(stored.get()).algorithm() == manifest.digest().algorithm()) {
            throw EngineException.integrity("registry " + target.registry() + " stored the manifest for " + target
                    + " as " + stored.get() + ", not as " + manifest.digest() + "; it rewrote the manifest");
        }
        return target.withDigest(manifest.digest());
    }

    boolean delete(ImageReference ref) {
        String what = "delete manifest " + ref;
        HttpResponse<InputStream> r = remote.send(Call.of("DELETE", uri(ref), what).auth(ref.registry(),
                List.of(Remote.scope(ref.repository(), "delete"), Remote.scope(ref.repository(), "pull,push")))
                .document());
        int s = r.statusCode();
        if (s == 404) {
            Responses.discard(r);
            return false;
        }
        if (!ref.isPinned() && (s == 400 || s == 405)) {
            Responses.discard(r);
            throw EngineException.badInput("registry " + ref.registry() + " does not delete tags (HTTP " + s + "); to"
                    + " remove " + ref + " delete its digest, which removes the manifest and every tag on it");
        }
        Responses.discard(remote.check(r, ref.registry(), what, 202, 200, 204));
        return true;
    }

    private URI uri(ImageReference ref) {
        return remote.manifestUri(ref.repository(), ref.identifier());
    }
}
