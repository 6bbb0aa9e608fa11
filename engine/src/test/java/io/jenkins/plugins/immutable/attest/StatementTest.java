package io.jenkins.plugins.immutable.attest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.image.Digest;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

public class StatementTest {

    private static final Digest IMAGE = Digest.sha256("image".getBytes(StandardCharsets.UTF_8));

    @Test
    public void writesInTotoV1WithSubjectDigestAndAnyPredicate() throws Exception {
        JsonNode vuln = new ObjectMapper().readTree("{\"scanner\":{\"uri\":\"x\",\"result\":{\"matches\":[]}}}");
        Statement statement = Statement.about(Subject.of("127.0.0.1:5101/app", IMAGE), PredicateTypes.COSIGN_VULN_V1, vuln);
        String json = new String(statement.toJson(), StandardCharsets.UTF_8);
        assertEquals("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"127.0.0.1:5101/app\","
                + "\"digest\":{\"sha256\":\"" + IMAGE.hex() + "\"}}],\"predicateType\":"
                + "\"https://cosign.sigstore.dev/attestation/vuln/v1\",\"predicate\":" + vuln + "}", json);
        assertEquals(statement, Statement.parse(statement.toJson()));
    }

    @Test
    public void coversAnImageByDigestNotByName() {
        Statement statement = Statement.about(Subject.of("elsewhere/app", IMAGE), "https://example.com/p", null);
        assertTrue(statement.covers(IMAGE));
        assertFalse(statement.covers(Digest.sha256(new byte[0])));
    }

    @Test
    public void readsTheV01StatementsOlderCosignWrites() {
        String v01 = "{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"predicateType\":\"p:x\",\"subject\":[{\"name\":\"a\","
                + "\"digest\":{\"sha256\":\"" + IMAGE.hex() + "\"}}],\"predicate\":{}}";
        assertTrue(Statement.parse(v01.getBytes(StandardCharsets.UTF_8)).covers(IMAGE));
    }

    @Test
    public void malformedStatementsSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Statement.parse(
                "{\"_type\":\"x\"}".getBytes(StandardCharsets.UTF_8))).getMessage().contains("_type is 'x'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Statement.parse(
                "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"a\",\"digest\":{\"sha256\":\"00\"}}]}"
                        .getBytes(StandardCharsets.UTF_8))).getMessage().contains("no predicateType"));
    }

    @Test
    public void cosignShortNamesResolve() {
        assertEquals("https://slsa.dev/provenance/v1", PredicateTypes.resolve("slsaprovenance1"));
        assertEquals(PredicateTypes.COSIGN_VULN_V1, PredicateTypes.resolve("vuln"));
        assertEquals("https://example.com/mine/v1", PredicateTypes.resolve("https://example.com/mine/v1"));
        assertThrows(io.jenkins.plugins.immutable.EngineException.class, () -> PredicateTypes.resolve("vulns"));
    }
}
