package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Bad input gets exit code 2 (or 5 for a server that is not there) and a message that says what to fix. */
public class BadInputTest {

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private CliRun run(String yaml, String... args) throws Exception {
        Path dir = tmp.getRoot().toPath();
        if (yaml != null) {
            Files.writeString(dir.resolve("immutable.yaml"), yaml);
        }
        return CliRun.run(dir, Map.of(), args);
    }

    @Test
    public void malformedConfigurationNamesTheFileTheLineAndTheField() throws Exception {
        CliRun r = run("""
                environments:
                  - name: dev
                    repositry: 127.0.0.1:5101/app
                """, "status");
        assertEquals(r.toString(), 2, r.exitCode());
        assertTrue(r.err(), r.err().contains("immutable.yaml:3:"));
        assertTrue(r.err(), r.err().contains("environments[0].repositry: unknown field 'repositry'"));
        assertTrue(r.err(), r.err().contains("repository"));
    }

    @Test
    public void invalidValueInTheConfigurationNamesItsField() throws Exception {
        CliRun r = run("""
                scan:
                  failOn: severe
                """, "--config", "immutable.yaml", "scan", "127.0.0.1:5101/app:1");
        assertEquals(r.toString(), 2, r.exitCode());
        assertTrue(r.err(), r.err().matches("(?s).*immutable\\.yaml:2:\\d+: scan\\.failOn: failOn 'severe' is not a"
                + " severity; use critical, high, medium, low or none.*"));
    }

    @Test
    public void missingConfigurationFileGivenWithConfigIsBadInput() throws Exception {
        CliRun r = run(null, "--config", "nowhere.yaml", "status");
        assertEquals(r.toString(), 2, r.exitCode());
        assertTrue(r.err(), r.err().contains("nowhere.yaml does not exist"));
    }

    @Test
    public void unknownEnvironmentNamesTheConfiguredOnes() throws Exception {
        CliRun r = run("""
                environments:
                  - name: dev
                    repository: 127.0.0.1:5101/app
                    target: { docker: { ports: "28100-28119" } }
                  - name: prod
                    repository: 127.0.0.1:5101/app
                    target: { docker: { ports: "28120-28139" } }
                """, "history", "staging");
        assertEquals(r.toString(), 2, r.exitCode());
        assertTrue(r.err(), r.err().contains("there is no environment 'staging'; configured: dev, prod"));
    }

    private static final String TWO_ENVIRONMENTS = """
            environments:
              - name: dev
                repository: 127.0.0.1:5101/cli-bad-input/app
                target: { docker: { ports: "28100-28119" } }
              - name: prod
                repository: 127.0.0.1:5101/cli-bad-input/app
                target: { docker: { ports: "28120-28139" } }
            """;

    @Test
    public void promotingAMutableTagIsRefusedAsBadInputSayingHowToPinIt() throws Exception {
        CliRun r = run(TWO_ENVIRONMENTS, "promote", "127.0.0.1:5101/cli-bad-input/app:1.0", "--to", "dev");
        assertEquals(r.toString(), 2, r.exitCode());
        assertTrue(r.err(), r.err().contains("names a tag, which can move"));
        assertTrue(r.err(), r.err().contains("@sha256:"));
    }

    @Test
    public void promotingIntoAnUnknownEnvironmentNamesTheConfiguredOnes() throws Exception {
        CliRun r = run(TWO_ENVIRONMENTS, "promote", "127.0.0.1:5101/cli-bad-input/app@sha256:"
                + "0".repeat(64), "--to", "staging");
        assertEquals(r.toString(), 2, r.exitCode());
        assertTrue(r.err(), r.err().contains("there is no environment 'staging'"));
        assertTrue(r.err(), r.err().contains("dev") && r.err().contains("prod"));
        r = run(TWO_ENVIRONMENTS, "rollback", "qa");
        assertEquals(r.toString(), 2, r.exitCode());
        assertTrue(r.err(), r.err().contains("there is no environment 'qa'"));
    }

    @Test
    public void strategyFlagsWithoutAStrategyAreBadInput() throws Exception {
        CliRun r = run(TWO_ENVIRONMENTS, "promote", "127.0.0.1:5101/cli-bad-input/app@sha256:" + "0".repeat(64),
                "--to", "dev", "--steps", "5,25");
        assertEquals(r.toString(), 2, r.exitCode());
        assertTrue(r.err(), r.err().contains("go with --strategy"));
    }

    @Test
    public void blueGreenIsAcceptedInBothSpellingsAndNamedInOne() throws Exception {
        String image = "127.0.0.1:5101/cli-bad-input/app@sha256:" + "0".repeat(64);
        for (String spelling : new String[] {"blue-green", "blueGreen", "Blue-Green"}) {
            // the retention is read only once the strategy's name was: its error shows the name was accepted
            CliRun r = run(TWO_ENVIRONMENTS, "promote", image, "--to", "dev", "--strategy", spelling, "--retention",
                    "soon");
            assertEquals(r.toString(), 2, r.exitCode());
            assertTrue(r.err(), r.err().contains("'soon' is not a duration"));
            assertFalse(r.err(), r.err().contains("is not one of"));
        }
        CliRun unknown = run(TWO_ENVIRONMENTS, "promote", image, "--to", "dev", "--strategy", "bigBang");
        assertEquals(unknown.toString(), 2, unknown.exitCode());
        assertTrue(unknown.err(), unknown.err().contains("--strategy bigBang is not one of rolling, blue-green, canary"));
        CliRun help = run(null, "promote", "--help");
        assertTrue(help.out(), help.out().contains("blue-green: how long"));
    }

    @Test
    public void usageErrorsAreBadInputWithTheCommandsHelp() throws Exception {
        CliRun r = run(null, "scan");
        assertEquals(r.toString(), 2, r.exitCode());
        assertTrue(r.err(), r.err().contains("Missing required parameter: 'IMAGE'"));
        r = run(null, "promte");
        assertEquals(r.toString(), 2, r.exitCode());
    }

    @Test
    public void malformedReferenceIsBadInput() throws Exception {
        CliRun r = run(null, "verify", "127.0.0.1:5101/App:1", "--key", "nothing.pub");
        assertEquals(r.toString(), 2, r.exitCode());
    }

    @Test
    public void aPortInAnotherScriptsDigitsIsBadInputNamingThePort() throws Exception {
        // Full-width 5000: Java reads it as a number, a URL does not; it must stop here, not in the HTTP client.
        CliRun r = run(null, "verify", "localhost:\uff15\uff10\uff10\uff10/app:1", "--key", "nothing.pub");
        assertEquals(r.toString(), 2, r.exitCode());
        assertTrue(r.err(), r.err().contains("a port is ASCII digits 0-9, from 1 to 65535"));
        assertFalse(r.err(), r.err().contains("unsupported URI"));
    }

    @Test
    public void credentialsInAReferenceAreBadInputAndNeverPrinted() throws Exception {
        CliRun r = run(null, "--json", "verify", "alice:s3cr3t@127.0.0.1:5101/app:1", "--key", "nothing.pub");
        assertEquals(r.toString(), 2, r.exitCode());
        assertTrue(r.err(), r.err().contains("credentials do not belong in an image reference; configure a registry"
                + " login"));
        assertFalse(r.toString(), r.toString().contains("s3cr3t") || r.toString().contains("alice"));
    }

    @Test
    public void unreachableRegistryIsAnOutageAfterBoundedRetries() throws Exception {
        // Nothing listens on this port of the CLI's range: every attempt is refused, then the client gives up.
        long start = System.nanoTime();
        CliRun r = run(null, "--json", "scan", "127.0.0.1:28999/app:1.0", "--db", Stacks.osvDatabase().toString());
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertEquals(r.toString(), 5, r.exitCode());
        assertTrue(r.err(), r.err().contains("127.0.0.1:28999"));
        assertTrue("retried, and said so: " + r.err(), r.err().contains("retry"));
        assertTrue("bounded: gave up after " + seconds + " s", seconds < 60);
        assertTrue(r.out(), r.out().contains("\"kind\" : \"OUTAGE\""));
    }
}
