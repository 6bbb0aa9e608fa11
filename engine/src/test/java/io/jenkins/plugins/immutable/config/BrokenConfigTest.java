package io.jenkins.plugins.immutable.config;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.jenkins.plugins.immutable.EngineException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;

/**
 * Every broken {@code immutable.yaml} in {@code config/broken/} is refused when it is read, with
 * {@code file:line:column:}, the field, and what to write instead, as its first line's {@code # expect:} says (fragments
 * separated by |; a leading {@code line:column} fragment is the position the message must start with). No message
 * may carry the YAML library's own words or a Java class name.
 */
@RunWith(Parameterized.class)
public class BrokenConfigTest {

    /** Words that only the YAML library or Java would write: a user cannot act on them. */
    private static final Pattern RAW = Pattern.compile(
            "Cannot (coerce|deserialize|construct)|CoercionConfig|POJO|java\\.|com\\.fasterxml|NullPointer|"
                    + "START_ARRAY|START_OBJECT|VALUE_STRING|Unexpected token|instance of|JsonToken|problem:");

    @Parameterized.Parameters(name = "{0}")
    public static List<Object[]> files() throws IOException, URISyntaxException {
        Path dir = Path.of(BrokenConfigTest.class.getResource("/config/broken").toURI());
        List<Object[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.sorted().forEach(f -> out.add(new Object[] {f.getFileName().toString(), f}));
        }
        return out;
    }

    private final Path file;

    public BrokenConfigTest(String name, Path file) {
        this.file = file;
    }

    @Test
    public void isRefusedAtItsLineWithTheFieldAndAFix() throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String expect = text.lines().findFirst().orElseThrow();
        assertTrue("the first line says what to expect", expect.startsWith("# expect: "));
        String name = file.getFileName().toString();
        String message;
        try {
            ConfigYaml.parse(text, name);
            fail(name + " was accepted");
            return;
        } catch (EngineException e) {
            assertEquals(e.getMessage(), EngineException.Kind.BAD_INPUT, e.kind());
            message = e.getMessage();
        }
        assertFalse("raw library text in: " + message, RAW.matcher(message).find());
        assertTrue("names the file and a position: " + message,
                Pattern.compile("^" + Pattern.quote(name) + ":\\d+:\\d+: ").matcher(message).find());
        for (String fragment : expect.substring("# expect: ".length()).split("\\|")) {
            if (fragment.matches("\\d+:\\d+")) {
                assertTrue("at " + fragment + ": " + message, message.startsWith(name + ":" + fragment + ": "));
            } else {
                assertTrue("'" + fragment + "' in: " + message, message.contains(fragment));
            }
        }
    }
}
