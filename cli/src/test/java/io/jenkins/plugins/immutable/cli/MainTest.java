package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.Test;
import picocli.CommandLine;

public class MainTest {

    @Test
    public void helpNamesTheCommandAndExitsZero() {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("--help"));
        assertTrue(out.toString(), out.toString().contains("Usage: immutable"));
    }

    @Test
    public void helpDocumentsTheExitCodes() {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("--help"));
        for (String code : new String[] {"2     bad input", "3     refused", "4     analysis failed", "5     outage",
            "6     integrity"}) {
            assertTrue(out.toString(), out.toString().contains(code));
        }
    }

    @Test
    public void versionSaysWhatWasBuilt() {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("--version"));
        assertTrue(out.toString(), out.toString().startsWith("immutable "));
    }
}
