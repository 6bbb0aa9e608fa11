package io.jenkins.plugins.immutable.cli;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.Test;

public class OutputTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private Output output(boolean json, Output.ProgressMode mode, boolean terminal) {
        return new Output(new PrintWriter(out), new PrintWriter(err), json, mode, terminal);
    }

    @Test
    public void onATerminalProgressIsABarRedrawnInPlaceBelowTheLog() {
        Output o = output(false, Output.ProgressMode.auto, true);
        assertEquals(Output.ProgressMode.bars, o.mode());
        o.progress("layer 1", 512, 1024);
        assertTrue(err.toString(), err.toString().contains("layer 1 [############            ] 50% (512 B of 1.0 KiB)"));
        o.line("pushed config");
        String afterLine = err.toString();
        assertTrue("the bar is wiped, the line printed, the bar drawn again below it: " + afterLine,
                afterLine.matches("(?s).*\\r +\\rpushed config\\R.*layer 1 \\[#+ +] 50%.*"));
        o.progress("layer 1", 1024, 1024);
        o.close();
        assertTrue("a finished task leaves no bar behind", err.toString().endsWith("\r"));
    }

    @Test
    public void withoutATerminalThereAreNoBarsAndShortTasksAddNoLines() {
        Output o = output(false, Output.ProgressMode.auto, false);
        assertEquals(Output.ProgressMode.plain, o.mode());
        o.progress("layer 1", 10, 100);
        o.progress("layer 1", 100, 100);
        o.line("done");
        assertEquals("done" + System.lineSeparator(), err.toString());
        assertFalse(err.toString().contains("\r"));
    }

    @Test
    public void theResultGoesToStandardOutputAsJsonOrText() {
        Output json = output(true, Output.ProgressMode.none, false);
        json.result(Output.object().put("digest", "sha256:00"), "human text");
        assertEquals("{\n  \"digest\" : \"sha256:00\"\n}", out.toString().strip());
        out.getBuffer().setLength(0);
        output(false, Output.ProgressMode.none, false).result(Output.object(), "human text\n\n");
        assertEquals("human text" + System.lineSeparator(), out.toString());
        assertEquals("", err.toString());
    }
}
