package io.jenkins.plugins.immutable.metrics;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.jenkins.plugins.immutable.image.Digest;
import io.jenkins.plugins.immutable.ledger.Action;
import java.io.IOException;

/**
 * {@link DeliveryMetrics} as JSON, for the CLI's {@code --json} and the plugin's pages and REST API: the records'
 * fields by name, times as ISO-8601 instants, digests as {@code sha256:<hex>}, durations as seconds (in
 * {@link DurationStats}), enums in lower case, unmeasured figures as null.
 */
public final class MetricsJson {

    private static final ObjectMapper JSON = mapper();

    private MetricsJson() {
    }

    /** A mapper that writes the metrics' types as described above; share it, it is thread-safe. */
    public static ObjectMapper mapper() {
        SimpleModule types = new SimpleModule("immutable-metrics");
        types.addSerializer(Digest.class, new StdSerializer<>(Digest.class) {
            @Override
            public void serialize(Digest value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(value.toString());
            }
        });
        types.addSerializer(Action.class, new StdSerializer<>(Action.class) {
            @Override
            public void serialize(Action value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(value.label());
            }
        });
        types.addSerializer(Granularity.class, new StdSerializer<>(Granularity.class) {
            @Override
            public void serialize(Granularity value, JsonGenerator gen, SerializerProvider provider)
                    throws IOException {
                gen.writeString(value.label());
            }
        });
        return new ObjectMapper().registerModule(new JavaTimeModule()).registerModule(types)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    public static JsonNode tree(DeliveryMetrics metrics) {
        return JSON.valueToTree(metrics);
    }

    public static String write(DeliveryMetrics metrics) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(metrics);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the metrics' records always serialise", e);
        }
    }
}
