package io.jenkins.plugins.immutable.sign;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The JSON reader for signed documents. */
final class Json {

    /**
     * Rejects duplicate members: a signed document whose meaning depends on which duplicate a parser keeps is how
     * verifiers and consumers get to disagree (containers/image refuses them too).
     */
    static final ObjectMapper STRICT = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private Json() {
    }
}
