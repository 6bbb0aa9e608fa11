package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import picocli.CommandLine;

/**
 * {@code main} builds the model of the one subcommand the arguments name (building all of them was most of a short
 * command's start): each subcommand must read and print exactly as it does among all of them.
 */
public class LeanCommandLineTest {

    private static final Path HERE = Path.of("").toAbsolutePath();

    private static Class<?> named(String... args) {
        return Main.subcommandNamed(Main.commandLine(Map.of(), HERE).getCommandSpec(), args);
    }

    @Test
    public void eachSubcommandAloneHasTheUsageAndOptionsItHasAmongAll() {
        CommandLine all = Main.commandLine(Map.of(), HERE);
        for (Map.Entry<String, CommandLine> c : all.getSubcommands().entrySet()) {
            if (c.getKey().equals("help")) {
                continue;
            }
            CommandLine lean = Main.commandLine(Map.of(), HERE, new String[] {"--json", c.getKey()});
            assertEquals(List.of(c.getKey()), List.copyOf(lean.getSubcommands().keySet()));
            CommandLine alone = lean.getSubcommands().get(c.getKey());
            assertEquals(c.getKey(), c.getValue().getUsageMessage(CommandLine.Help.Ansi.OFF),
                    alone.getUsageMessage(CommandLine.Help.Ansi.OFF));
            assertEquals(c.getKey(), c.getValue().getCommandSpec().options().stream().map(o -> o.longestName()).toList(),
                    alone.getCommandSpec().options().stream().map(o -> o.longestName()).toList());
        }
    }

    @Test
    public void theSubcommandIsTheFirstWordThatIsNoOptionNorAnOptionsValue() {
        assertEquals(HistoryCommand.class, named("history", "prod"));
        assertEquals(HistoryCommand.class, named("--config", "status", "history", "prod"));
        assertEquals(HistoryCommand.class, named("--config=status", "--json", "history", "prod"));
        assertEquals(StatusCommand.class, named("--progress", "none", "--verbose", "status"));
        assertEquals(DriftCommand.class, named("--json", "drift", "--config", "x.yaml"));
    }

    @Test
    public void withoutOneSubcommandNamedEveryOneIsBuilt() {
        assertNull("help names another command", named("help", "status"));
        assertNull(named());
        assertNull(named("--version"));
        assertNull("a mistyped command gets suggestions from all of them", named("stauts"));
        assertNull("an option the root does not have", named("--no-such-option", "status"));
        assertNull(named("--", "status"));
        assertEquals(20, Main.commandLine(Map.of(), HERE, new String[] {"stauts"}).getSubcommands().size());
    }
}
