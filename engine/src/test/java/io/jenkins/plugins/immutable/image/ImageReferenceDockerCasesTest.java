package io.jenkins.plugins.immutable.image;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

/**
 * Docker's own reference test cases ({@code distribution/reference}), kept as data in
 * {@code docker-reference-cases.json}: each case's verdict and parts, and where this project deliberately reads a
 * reference otherwise, Docker's verdict beside ours and why. The file's {@code about} says how the cases were taken.
 */
@RunWith(Parameterized.class)
public class ImageReferenceDockerCasesTest {

    private static final String RESOURCE = "docker-reference-cases.json";

    @Parameters(name = "{index}: {0}")
    public static List<Object[]> cases() throws IOException {
        JsonNode table;
        try (InputStream in = ImageReferenceDockerCasesTest.class.getResourceAsStream(RESOURCE)) {
            assertNotNull(RESOURCE + " is missing from the test resources", in);
            table = new ObjectMapper().readTree(in);
        }
        List<Object[]> cases = new ArrayList<>();
        for (JsonNode row : table.get("cases")) {
            cases.add(new Object[] {Shown.quote(row.get("input").asText()), row});
        }
        // The table is the point of this test: a truncated or emptied file must not pass as a green run.
        assertTrue(cases.size() + " cases in " + RESOURCE, cases.size() >= 200);
        return cases;
    }

    private final JsonNode row;

    public ImageReferenceDockerCasesTest(String name, JsonNode row) {
        this.row = row;
    }

    /** What this project gives for the input, in the table's terms: valid and parts, or invalid and the message. */
    private record Verdict(boolean valid, String domain, String path, String tag, String digest, String error) {

        static Verdict of(JsonNode node, boolean withTagAndDigest) {
            if (!node.get("valid").asBoolean()) {
                return new Verdict(false, null, null, null, null, null);
            }
            return new Verdict(true, text(node, "domain"), text(node, "path"),
                    withTagAndDigest ? text(node, "tag") : null, withTagAndDigest ? text(node, "digest") : null, null);
        }

        private static String text(JsonNode node, String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : value.asText();
        }

        /** Equal as the table compares: parts when valid, the verdict alone when not. */
        boolean sameAs(Verdict other) {
            return valid == other.valid
                    && (!valid || Arrays.equals(new String[] {domain, path, tag, digest},
                            new String[] {other.domain, other.path, other.tag, other.digest}));
        }
    }

    private boolean isRepositoryCase() {
        return row.has("parser") && row.get("parser").asText().equals("repository");
    }

    private Verdict parse(String input) {
        try {
            if (isRepositoryCase()) {
                Repository repository = Repository.parse(input);
                return new Verdict(true, repository.registry(), repository.path(), null, null, null);
            }
            ImageReference ref = ImageReference.parse(input);
            return new Verdict(true, ref.registry(), ref.path(), ref.tag(),
                    ref.digest() == null ? null : ref.digest().toString(), null);
        } catch (EngineException e) {
            assertEquals(e.getMessage(), EngineException.Kind.BAD_INPUT, e.kind());
            return new Verdict(false, null, null, null, null, e.getMessage());
        }
    }

    @Test
    public void parsesAsTheTableSays() {
        String input = row.get("input").asText();
        Verdict expected = Verdict.of(row, !isRepositoryCase());
        Verdict actual = parse(input);
        assertTrue(row + "\n gave " + actual, expected.sameAs(actual));
        if (!actual.valid()) {
            if (row.has("error")) {
                assertTrue(actual.error(), actual.error().contains(row.get("error").asText()));
            }
            // However long or strange the input, the message quotes it short and on one line.
            assertTrue(actual.error().length() + " characters", actual.error().length() < 1000);
            assertFalse(actual.error(), actual.error().contains("\n"));
        }
    }

    @Test
    public void aValidReferencePrintsToItsCanonicalFormAndBack() {
        if (!Verdict.of(row, true).valid() || isRepositoryCase()) {
            return;
        }
        ImageReference ref = ImageReference.parse(row.get("input").asText());
        assertEquals(ref, ImageReference.parse(ref.toString()));
    }

    @Test
    public void aValidRegistryIsOneTheRegistryClientCanConnectTo() {
        if (!Verdict.of(row, false).valid()) {
            return;
        }
        // The registry client builds its URLs with java.net.URI: a registry it finds no host in fails there, far
        // from the reference that named it, with "unsupported URI".
        String registry = row.get("domain").asText();
        URI uri = URI.create("https://" + registry + "/v2/");
        assertNotNull(registry + " has no host for java.net.URI", uri.getHost());
        int colon = registry.lastIndexOf(':');
        if (colon > registry.lastIndexOf(']')) {
            assertEquals(Integer.parseInt(registry.substring(colon + 1)), uri.getPort());
        }
    }

    @Test
    public void aDeliberateDifferenceFromDockerIsRealAndExplained() {
        if (!row.has("docker")) {
            return;
        }
        assertTrue(row + ": a difference from Docker says why",
                row.has("why") && row.get("why").asText().length() > 20);
        Verdict ours = Verdict.of(row, !isRepositoryCase());
        Verdict dockers = Verdict.of(row.get("docker"), !isRepositoryCase());
        assertFalse(row + ": 'docker' repeats this project's verdict, so there is no difference", ours.sameAs(dockers));
        assertFalse(row + ": Docker's verdict is what this project gives",
                dockers.sameAs(parse(row.get("input").asText())));
    }
}
