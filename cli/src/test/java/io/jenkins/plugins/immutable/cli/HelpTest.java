package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/** Every command's help as a person reads it at 80 columns: printed with exit 0, whole sentences, whole words. */
public class HelpTest {

    /** A file name, a path, a dotted identifier: what a line must never be broken inside. */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_$-]*[A-Za-z0-9](?:[./][A-Za-z0-9_$*-]+)+");

    @Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private static Map<String, CommandLine> commands() {
        CommandLine root = Main.commandLine();
        Map<String, CommandLine> all = new LinkedHashMap<>();
        all.put("", root);
        root.getSubcommands().forEach(all::put);
        return all;
    }

    @Test
    public void everyCommandPrintsItsHelpAndExitsZero() throws Exception {
        Path dir = tmp.getRoot().toPath();
        for (String name : commands().keySet()) {
            List<String[]> asks = new ArrayList<>();
            asks.add(name.isEmpty() ? new String[] {"--help"} : new String[] {name, "--help"});
            asks.add(name.isEmpty() ? new String[] {"-h"} : new String[] {name, "-h"});
            if (!name.isEmpty()) {
                asks.add(new String[] {"help", name});
            }
            for (String[] args : asks) {
                CliRun r = CliRun.run(dir, Map.of(), args);
                assertEquals(String.join(" ", args) + "\n" + r, 0, r.exitCode());
                assertTrue(r.toString(), r.out().contains("Usage: immutable" + (name.isEmpty() ? "" : " " + name)));
                assertEquals(r.toString(), "", r.err());
            }
        }
    }

    @Test
    public void everyCommandsSummaryIsAWholeSentence() {
        for (Map.Entry<String, CommandLine> c : commands().entrySet()) {
            String[] description = c.getValue().getCommandSpec().usageMessage().description();
            assertTrue(c.getKey(), description.length > 0);
            assertTrue("the first line is the summary `immutable --help` lists: " + c.getKey() + ": " + description[0],
                    description[0].endsWith("."));
        }
    }

    @Test
    public void helpIsWrappedBetweenWordsAndExampleLinesStayWhole() {
        for (Map.Entry<String, CommandLine> c : commands().entrySet()) {
            CommandSpec spec = c.getValue().getCommandSpec();
            String usage = c.getValue().getUsageMessage(CommandLine.Help.Ansi.OFF);
            List<String> texts = new ArrayList<>(List.of(spec.usageMessage().description()));
            for (ArgSpec arg : spec.args()) {
                if (!arg.hidden()) {
                    texts.addAll(List.of(arg.description()));
                }
            }
            for (String text : texts) {
                if (text.startsWith(" ")) {
                    assertTrue(c.getKey() + ": an example line longer than the help's 80 columns: " + text,
                            text.length() <= 80);
                    assertTrue(c.getKey() + ": '" + text + "' is not a line of\n" + usage,
                            usage.lines().anyMatch(l -> l.equals(text.stripTrailing())));
                }
                Matcher m = IDENTIFIER.matcher(text);
                while (m.find()) {
                    assertTrue(c.getKey() + ": '" + m.group() + "' is broken across lines in\n" + usage,
                            usage.contains(m.group()));
                }
            }
        }
    }

    @Test
    public void theDemoOffersNoConfigurationOptionAndExplainsWhenGivenOne() throws Exception {
        Path dir = tmp.getRoot().toPath();
        CliRun help = CliRun.run(dir, Map.of(), "demo", "--help");
        assertFalse("no --config option listed: " + help.out(), help.out().contains("--config="));
        assertTrue(help.out(), help.out().replaceAll("\\s+", " ").contains("(it takes no --config)"));
        CliRun given = CliRun.run(dir, Map.of(), "demo", "--config", "mine.yaml");
        assertEquals(given.toString(), 2, given.exitCode());
        assertTrue(given.err(), given.err().contains("the demo takes no --config: it writes a configuration of its own"));
        assertTrue("other commands still offer it", CliRun.run(dir, Map.of(), "status", "--help").out()
                .contains("--config=FILE"));
    }

    /** docs/cli.md's table has one row per code, whose meaning is the description `--help` prints. */
    @Test
    public void eachExitCodeIsDescribedOnceInTheSameWordsInHelpAndDocs() throws Exception {
        Map<String, String> help = new LinkedHashMap<>(commands().get("").getCommandSpec().usageMessage()
                .exitCodeList());
        String docs = Files.readString(Path.of("..", "docs", "cli.md"));
        String table = docs.substring(docs.indexOf("## Exit codes"), docs.indexOf("\n## ", docs.indexOf("## Exit codes")));
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : table.lines().toList()) {
            Matcher m = Pattern.compile("^\\| (\\d+) \\| ([^|]*) \\|").matcher(line);
            if (m.find()) {
                assertEquals("code " + m.group(1) + " has one row", null, rows.put(m.group(1), m.group(2).strip()));
            }
        }
        Map<String, String> helpCodes = new LinkedHashMap<>();
        help.forEach((code, text) -> helpCodes.put(code.strip(), text.strip()));
        assertEquals(helpCodes, rows);
    }
}
