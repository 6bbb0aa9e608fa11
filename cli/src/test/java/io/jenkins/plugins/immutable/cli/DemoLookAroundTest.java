package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;
import picocli.CommandLine;

/**
 * The demo ends with the commands that look at what it left: one a line, each pasted into a shell as it is, even when
 * the work directory's path has spaces or quotes in it.
 */
public class DemoLookAroundTest {

    /** The words bash makes of a line, with bin/immutable replaced by a printf of its arguments. */
    private static List<String> wordsOf(String line) throws IOException, InterruptedException {
        assertEquals("bin/immutable ", line.substring(0, 14));
        Process p = new ProcessBuilder("bash", "-c", "printf '%s\\0' " + line.substring(14))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        return Arrays.asList(out.split("\0"));
    }

    @Test
    public void eachLineIsOneCommandAShellReadsBackAsWritten() throws Exception {
        for (Path config : List.of(Path.of("/tmp/immutable-demo-123/immutable.yaml"),
                Path.of("/tmp/my demo's dir/immutable.yaml"))) {
            List<String> lines = Demo.lookAround(config);
            assertEquals(4, lines.size());
            List<String> subcommands = List.of("status", "history", "drift", "metrics");
            for (int i = 0; i < 4; i++) {
                List<String> words = wordsOf(lines.get(i));
                assertEquals(List.of("--config", config.toString()), words.subList(0, 2));
                CommandLine.ParseResult parsed = Main.commandLine().parseArgs(words.toArray(String[]::new));
                assertEquals(subcommands.get(i), parsed.subcommand().commandSpec().name());
            }
            assertEquals(List.of("--config", config.toString(), "history", "prod"), wordsOf(lines.get(1)));
        }
    }
}
