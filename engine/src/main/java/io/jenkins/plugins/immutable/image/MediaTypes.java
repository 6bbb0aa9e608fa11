package io.jenkins.plugins.immutable.image;

import java.util.Set;

/** The exact media types of OCI and Docker manifests, configs and layers, and of cosign's attachments. */
public final class MediaTypes {

    private MediaTypes() {
    }

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
    public static final String OCI_LAYER_NONDISTRIBUTABLE_GZIP =
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    /** The empty JSON object {@code {}}, the config of artifacts that have none (OCI 1.1). */
    public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";

    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public static final String DOCKER_FOREIGN_LAYER_GZIP = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    /** Docker's schema 1, signed or not: deprecated, refused with an explanation. */
    public static final String DOCKER_MANIFEST_V1 = "application/vnd.docker.distribution.manifest.v1+json";
    public static final String DOCKER_MANIFEST_V1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    public static final String COSIGN_SIMPLESIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
    public static final String DSSE_ENVELOPE = "application/vnd.dsse.envelope.v1+json";
    public static final String SIGSTORE_BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json";
    public static final String OCTET_STREAM = "application/octet-stream";

    /** The manifest types a client asks for, in the Accept header. */
    public static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST);

    public static boolean isIndex(String mediaType) {
        return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
    }

    public static boolean isImageManifest(String mediaType) {
        return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
    }

    public static boolean isManifest(String mediaType) {
        return MANIFESTS.contains(mediaType);
    }

    /** Layers whose bytes the registry may not hold (they name URLs elsewhere); copies leave them where they are. */
    public static boolean isNonDistributable(String mediaType) {
        return mediaType != null && (mediaType.contains(".nondistributable.") || mediaType.contains(".foreign."));
    }
}
