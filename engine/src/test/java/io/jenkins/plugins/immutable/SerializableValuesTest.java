package io.jenkins.plugins.immutable;

import static org.junit.Assert.assertEquals;

import io.jenkins.plugins.immutable.bake.BakeResult;
import io.jenkins.plugins.immutable.bake.Provenance;
import io.jenkins.plugins.immutable.image.Descriptor;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.image.ImageReference;
import io.jenkins.plugins.immutable.image.MediaTypes;
import io.jenkins.plugins.immutable.image.Platform;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/**
 * The plugin hands these values from an agent to the controller (FilePath.act) and keeps them in build actions, so
 * they must survive Java serialization unchanged.
 */
public class SerializableValuesTest {

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    public void imageValuesAndBakeResultsSurviveSerialization() throws Exception {
        Digest digest = Digest.sha256("image".getBytes());
        ImageReference ref = ImageReference.parse("127.0.0.1:5101/team/app:1.0").withDigest(digest);
        assertEquals(ref, roundTrip(ref));
        assertEquals(ref.repository(), roundTrip(ref.repository()));
        Descriptor d = new Descriptor(MediaTypes.OCI_MANIFEST, digest, 42).withPlatform(Platform.parse("linux/arm64/v8"));
        assertEquals(d, roundTrip(d));
        Provenance provenance = new Provenance(new Provenance.Artifact("127.0.0.1:5101/team/app", digest), null, null,
                List.of(), Map.of("A", "1"), null, Provenance.CLI_BUILDER_ID, "0.1.0", null,
                Provenance.LAYER_BUILD_TYPE, null, Instant.EPOCH, Instant.EPOCH.plusSeconds(3), Map.of());
        assertEquals(provenance, roundTrip(provenance));
        BakeResult result = new BakeResult(ref, provenance, Map.of("org.opencontainers.image.version", "1.0"), 2, 1,
                1024);
        assertEquals(result, roundTrip(result));
    }
}
