package io.jenkins.plugins.immutable.deploy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jenkins.plugins.immutable.EngineException;
import io.jenkins.plugins.immutable.image.Digest;
import java.io.IOException;

/**
 * The stable JSON form of a {@link DeploymentState}, for journals: digests as {@code sha256:<hex>}, times as ISO-8601,
 * durations as ISO-8601 ({@code PT30S}), tracks and phases in upper case. A {@code version} field lets a later engine
 * read what an earlier one saved.
 */
public final class DeploymentStateJson {

    /** Media type of the document, for journals that store it as a blob (an OCI artifact's layer). */
    public static final String MEDIA_TYPE = "application/vnd.jenkins.immutable.deployment.v1+json";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .registerModule(new SimpleModule("digest")
                    .addSerializer(Digest.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(Digest value, JsonGenerator gen, SerializerProvider provider)
                                throws IOException {
                            gen.writeString(value.toString());
                        }
                    })
                    .addDeserializer(Digest.class, new JsonDeserializer<>() {
                        @Override
                        public Digest deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                            return Digest.parse(p.getValueAsString());
                        }
                    }))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private DeploymentStateJson() {
    }

    private record Document(int version, DeploymentState deployment) {
    }

    public static byte[] toJson(DeploymentState state) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Document(1, state));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write deployment state as JSON", e);
        }
    }

    /**
     * @param source where the bytes came from, for the error message
     * @throws EngineException of kind INTEGRITY when the bytes are not a deployment state this engine can read
     */
    public static DeploymentState fromJson(byte[] json, String source) {
        Document doc;
        try {
            doc = MAPPER.readValue(json, Document.class);
        } catch (IOException | RuntimeException e) {
            throw EngineException.integrity("the deployment state in " + source + " cannot be read ("
                    + e.getMessage() + "); it was damaged or written by something else. Check the environment with"
                    + " drift, then remove it to start afresh");
        }
        if (doc.version() != 1 || doc.deployment() == null) {
            throw EngineException.integrity("the deployment state in " + source + " has version " + doc.version()
                    + ", which this engine does not know; use the engine that wrote it, or a newer one");
        }
        return doc.deployment();
    }
}
