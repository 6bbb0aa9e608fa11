package io.jenkins.plugins.immutable.registry;

import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import java.util.List;

/**
 * What a copy did.
 *
 * @param source        the source, pinned to the digest that was copied
 * @param target        the target, pinned to the same digest (with its tag, if it has one)
 * @param manifests     manifests stored (the image, the platforms of an index, attachments)
 * @param blobsMounted  blobs mounted within the registry: no bytes moved
 * @param blobsCopied   blobs streamed from source to target
 * @param blobsPresent  blobs the target already had (from an earlier, interrupted copy, or shared layers)
 * @param bytesCopied   bytes streamed
 * @param attachments   signatures, attestations and other referrers copied along, as stored in the target
 */
public record CopyResult(ImageReference source, ImageReference target, int manifests, int blobsMounted,
                         int blobsCopied, int blobsPresent, long bytesCopied, List<ImageReference> attachments) {

    public CopyResult {
        attachments = List.copyOf(attachments);
    }

    public Digest digest() {
        return target.digest();
    }
}
