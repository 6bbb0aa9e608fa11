package io.jenkins.plugins.immutable.image;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.Test;

/**
 * Input written to break the parser or its messages (issue 17): digits of other scripts in a port, IPv6 literals
 * Docker's grammar refuses, credentials pasted into a reference, huge or control-laden text, and no text at all.
 */
public class ImageReferenceHostileInputTest {

    private static final String D = "sha256:" + "0123456789abcdef".repeat(4);

    /** The refusal {@code parse} gives, which must be bad input; fails the test when it parses. */
    private static EngineException refusal(Supplier<?> parse) {
        try {
            Object parsed = parse.get();
            throw new AssertionError("accepted as " + parsed);
        } catch (EngineException e) {
            assertEquals(e.getMessage(), EngineException.Kind.BAD_INPUT, e.kind());
            return e;
        }
    }

    private static String refusalOf(String reference) {
        return refusal(() -> ImageReference.parse(reference)).getMessage();
    }

    @Test
    public void aPortIsAsciiDigitsOnly() {
        String[] references = {
            "localhost:\uff15\uff10\uff10\uff10/app",         // full-width 5000
            "localhost:\u0665\u0660\u0660\u0660/app",         // Arabic-Indic 5000
            "registry.example.com:\u06f4\u06f4\u06f3/app",    // extended Arabic-Indic (Persian) 443
            "127.0.0.1:5\u0966\u0966\u0966/app",              // Devanagari zeros after an ASCII 5
            "[::1]:\uff15\uff10\uff10\uff10/app:1",
        };
        for (String reference : references) {
            String message = refusalOf(reference);
            assertTrue(message, message.contains("a port is ASCII digits 0-9, from 1 to 65535"));
            assertTrue(message, message.contains("is a digit of another script"));
        }
        String message = refusal(() -> Repository.parse("localhost:\uff15\uff10\uff10\uff10/app")).getMessage();
        assertTrue(message, message.contains("ASCII digits"));
        message = refusal(() -> new Repository("localhost:\u0665\u0660\u0660\u0660", "app")).getMessage();
        assertTrue(message, message.contains("ASCII digits"));
        // ASCII ports still parse, leading zeros included, and the range still holds.
        assertEquals("localhost:05000", ImageReference.parse("localhost:05000/app").registry());
        assertEquals("localhost:65535", ImageReference.parse("localhost:65535/app").registry());
        assertTrue(refusalOf("localhost:65536/app").contains("from 1 to 65535"));
    }

    @Test
    public void ipv6LiteralsAreWhatDockersGrammarAllows() {
        String[][] refused = {
            {"[fe80::1%eth0]:5000/app", "zone id"},
            {"[fe80::1%25eth0]/app", "zone id"},
            {"[2001:db8:3:4::192.0.2.33]:5000/debian", "embedded IPv4"},
            {"[::ffff:192.0.2.1]/app", "embedded IPv4"},
            {"[1]/app", "8 groups"},
            {"[1:2:3:4:5:6:7]/app", "8 groups"},
            {"[1:2:3:4:5:6:7:8:9]/app", "8 groups"},
            {"[1:2:3:4:5:6:7:8::]/app", "more than 7"},
            {"[1::2::3]/app", "more than once"},
            {"[12345::1]/app", "1 to 4 hex digits"},
            {"[:1]/app", "1 to 4 hex digits"},
            {"[1:]/app", "1 to 4 hex digits"},
            {"[]/app", "1 to 4 hex digits"},
        };
        for (String[] row : refused) {
            String message = refusalOf(row[0]);
            assertTrue(row[0] + ": " + message, message.contains(row[1]));
            assertTrue(row[0] + ": " + message, message.contains("for example [fd00::1]:5000, without a zone id"));
        }
        String[][] accepted = {
            {"[::]/app", "[::]"},
            {"[::1]/app", "[::1]"},
            {"[fe80::]/app", "[fe80::]"},
            {"[2001:DB8::1]:5000/app", "[2001:DB8::1]:5000"},
            {"[1:2:3:4:5:6:7:8]/app", "[1:2:3:4:5:6:7:8]"},
            {"[1:2:3:4:5:6:7::]/app", "[1:2:3:4:5:6:7::]"},
            {"[::2:3:4:5:6:7:8]:1/app", "[::2:3:4:5:6:7:8]:1"},
        };
        for (String[] row : accepted) {
            assertEquals(row[0], row[1], ImageReference.parse(row[0]).registry());
            // What is accepted is an address the registry client's URI can connect to.
            assertNotNull(row[1], URI.create("https://" + row[1] + "/v2/").getHost());
        }
    }

    @Test
    public void aHostWhoseLastLabelIsNumericMustBeAnIpv4Address() {
        for (String reference : new String[] {"foo.123/app", "a.1b:5000/app", "1.2.3/app", "300.1.1.1/app",
                "1.2.3.4.5/app", "1.2.3.256:5000/app"}) {
            String message = refusalOf(reference);
            assertTrue(reference + ": " + message, message.contains("neither a host name nor an IPv4 address"));
        }
        for (String reference : new String[] {"1.2.3.4/app", "01.2.3.4/app", "255.255.255.255:1/app", "1a.b/app",
                "123:5000/app", "a.b1/app"}) {
            String registry = ImageReference.parse(reference).registry();
            assertNotNull(registry, URI.create("https://" + registry + "/v2/").getHost());
        }
    }

    @Test
    public void credentialsInAReferenceAreNeverRepeated() {
        String[][] cases = {
            // input, secret parts that must not appear
            {"alice:secret@registry.example.com/app", "alice", "secret"},
            {"alice:secret@registry.example.com/app:1.0", "alice", "secret"},
            {"https://alice:secret@registry.example.com/app", "alice", "secret"},
            {"alice:p@ss/w0rd@registry.example.com/app", "alice", "p@ss", "w0rd"},
            {"alice:s e c r e t@registry.example.com/app", "alice", "s e c"},
            {"alice:secret\n@localhost:5000/app", "alice", "secret"},
            {"alice:secret@r.io/app@" + D, "alice", "secret"},
            {"tok3n@registry.example.com/team/app", "tok3n"},
            {"alice:" + "x".repeat(300) + "@registry.example.com/app", "alice", "xxxx"},
        };
        for (String[] row : cases) {
            String message = refusalOf(row[0]);
            for (int i = 1; i < row.length; i++) {
                assertFalse(row[0] + " -> " + message, message.contains(row[i]));
            }
            assertTrue(message, message.contains(
                    "credentials do not belong in an image reference; configure a registry login"));
        }
        String message = refusalOf("https://alice:secret@registry.example.com/app");
        assertTrue(message, message.contains("leave out https://"));
        message = refusal(() -> Repository.parse("alice:secret@registry.example.com/app")).getMessage();
        assertFalse(message, message.contains("secret") || message.contains("alice"));
        assertTrue(message, message.contains("credentials do not belong in an image reference"));
    }

    @Test
    public void anAtSignWithoutAPathAfterItIsExplainedWithoutRepeatingWhatPrecedesIt() {
        // user:password@host, or a repository with something that is not a digest after its '@': either way,
        // what precedes the '@' is not shown, and both readings are explained.
        String message = refusalOf("alice:secret@registry.example.com");
        assertFalse(message, message.contains("secret"));
        assertTrue(message, message.contains("'registry.example.com' is not a digest"));
        assertTrue(message, message.contains("if the text before '@' is a user name or password, credentials do not"
                + " belong in an image reference; configure a registry login"));
        message = refusalOf("alice:secret@localhost:5000");
        assertFalse(message, message.contains("secret"));
        message = refusalOf("r.io/app@latest");
        assertTrue(message, message.contains("'latest' is not a digest"));
        assertFalse("a repository with a path is no user name: " + message, message.contains("credentials"));
        message = refusal(() -> Repository.parse("alice:secret@registry.example.com")).getMessage();
        assertFalse(message, message.contains("secret"));
        assertTrue(message, message.contains("credentials do not belong"));
        // A digest after the '@' is what an '@' is for.
        assertEquals(D, ImageReference.parse("r.io/app@" + D).digest().toString());
    }

    @Test
    public void hugeInputIsShownTruncatedWithItsLength() {
        String tag = "t".repeat(100_000);
        String message = refusalOf("r.io/app:" + tag);
        assertTrue(message.length() + " characters", message.length() < 1000);
        assertTrue(message, message.contains("'" + "t".repeat(80) + "'\u2026 (100000 characters) is not a valid tag"));
        assertTrue(message, message.startsWith("'r.io/app:" + "t".repeat(71) + "'\u2026 (100009 characters)"));
        String[] huge = {
            "r.io/app@sha256:" + "a".repeat(100_000),
            "r.io/app@sha256:" + "a".repeat(100_000) + "@" + D,
            "r.io/" + "a".repeat(100_000),
            "r" .repeat(100_000) + ".io/app",
            "a".repeat(100_000),
            "https://" + "a".repeat(100_000),
            "r.io/app:" + "\n".repeat(100_000),
        };
        for (String reference : huge) {
            message = refusalOf(reference);
            assertTrue(message.length() + " characters: " + message.substring(0, 200), message.length() < 1000);
        }
        message = refusal(() -> Digest.parse("sha256:" + "g".repeat(100_000))).getMessage();
        assertTrue(message.length() + " characters", message.length() < 400);
        message = refusal(() -> new ImageReference("r.io", "app", "x".repeat(100_000), null)).getMessage();
        assertTrue(message.length() + " characters", message.length() < 400);
        message = refusal(() -> new Repository("r.io", "a".repeat(100_000))).getMessage();
        assertTrue(message.length() + " characters", message.length() < 400);
    }

    @Test
    public void controlCharactersInTheInputAreEscapedInTheMessage() {
        String[][] cases = {
            {"r.io/app:a\nb", "'r.io/app:a\\nb'"},
            {"r.io/app:a\u007fb", "'r.io/app:a\\u007fb'"},
            {"r.io/app:a\rb", "'r.io/app:a\\rb'"},
            {"r.io/app:a\u001b[31mb", "'r.io/app:a\\u001b[31mb'"},
            {"r.io/\u202eppa", "'r.io/\\u202eppa'"},
            {"r.io/a\u00a0b", "'r.io/a\\u00a0b'"},
            {"r.io/a\u2028b", "'r.io/a\\u2028b'"},
            {"r.io/a\\nb", "'r.io/a\\\\nb'"},
        };
        for (String[] row : cases) {
            String message = refusalOf(row[0]);
            assertTrue(message, message.contains(row[1]));
            for (char c : message.toCharArray()) {
                assertFalse(message, Character.isISOControl(c) || c == '\u202e' || c == '\u2028' || c == '\u00a0');
            }
        }
        String message = refusalOf("r.io/app:" + "\u007f".repeat(100));
        assertTrue(message, message.contains("'r.io/app:" + "\\u007f".repeat(71) + "'\u2026 (109 characters)"));
    }

    @Test
    public void truncationNeverSplitsASurrogatePairAndCountsCodePoints() {
        String text = "a".repeat(79) + "\ud83d\udc33" + "b".repeat(10);
        assertEquals("'" + "a".repeat(79) + "\ud83d\udc33'\u2026 (90 characters)", Shown.quote(text));
        assertEquals("'\\ud83d'", Shown.quote("\ud83d"));
        assertEquals("'exactly'", Shown.quote("exactly"));
        assertEquals("'" + "x".repeat(80) + "'", Shown.quote("x".repeat(80)));
    }

    @Test
    public void noReferenceAtAllIsBadInputNotANullPointer() {
        String message = refusal(() -> ImageReference.parse(null)).getMessage();
        assertTrue(message, message.startsWith("no image reference given"));
        assertTrue(message, message.contains("127.0.0.1:5000/team/app:1.0"));
        message = refusal(() -> Repository.parse(null)).getMessage();
        assertTrue(message, message.startsWith("no repository given"));
    }

    @Test
    public void everyRefusalAboveIsShortAndSingleLine() {
        List<String> inputs = new ArrayList<>(List.of("", "\n", "@", ":", "/", "[", "]", "[[::1]]/a", "a@b@c",
                "::::", "\u0000", "r.io/\u0000", "r.io:\u0000/a", "\ud800/a", "r.io/app:\ud800"));
        for (String input : inputs) {
            String message = refusalOf(input);
            assertFalse(message, message.contains("\n") || message.contains("\u0000") || message.contains("\ud800"));
            assertTrue(message, message.length() < 1000);
        }
    }
}
