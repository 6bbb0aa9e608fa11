package io.jenkins.plugins.immutable.bake;

import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class DockerfileTest {

    private static Dockerfile parse(String text) {
        return Dockerfile.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    public void continuedInstructionsKeepTheirFirstLineAndJoinAsDockerPrintsThem() {
        Dockerfile dockerfile = parse("""
                # a comment
                ARG BASE=scratch

                FROM ${BASE} AS tools
                RUN echo "v=$V" \\
                # a comment inside is dropped

                    && echo second
                copy a b
                """);
        List<Dockerfile.Instruction> instructions = dockerfile.instructions();
        assertEquals(4, instructions.size());
        Dockerfile.Instruction run = instructions.get(2);
        assertEquals("RUN", run.keyword());
        assertEquals(5, run.line());
        assertEquals("lines 5-8", run.lines());
        assertEquals("RUN echo \"v=$V\"     && echo second", run.original());
        assertEquals("COPY", instructions.get(3).keyword());
        assertEquals("line 9", instructions.get(3).lines());
    }

    @Test
    public void stepsCountEveryInstructionFromTheTopAndThePrintedTextConfirmsThem() {
        Dockerfile dockerfile = parse("ARG X\nFROM scratch\nCOPY a /a\nRUN false\n");
        assertEquals(4, dockerfile.step(4, "RUN false").line());
        assertEquals(1, dockerfile.step(1, "ARG X").line());
        // a count that does not fit (e.g. a daemon counting differently) is corrected by the text
        assertEquals(3, dockerfile.step(2, "COPY a /a").line());
    }

    @Test
    public void theEscapeDirectiveChangesTheContinuationCharacter() {
        Dockerfile dockerfile = parse("# escape=`\nFROM scratch\nCOPY a `\n  C:\\b\n");
        assertEquals(2, dockerfile.instructions().size());
        assertEquals("COPY a   C:\\b", dockerfile.instructions().get(1).original());
    }

    @Test
    public void externalImagesSkipScratchAndStagesAndResolveMetaArguments() {
        Dockerfile dockerfile = parse("""
                ARG REGISTRY=127.0.0.1:5101
                ARG TAG="1.0"
                FROM ${REGISTRY}/base/jre:$TAG AS runtime
                FROM scratch AS build
                COPY --from=runtime /a /a
                COPY --from=127.0.0.1:5101/tools/busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef /bin /bin
                FROM runtime
                COPY --from=build /a /b
                COPY --from=0 /a /c
                """);
        assertEquals(List.of("127.0.0.1:5101/base/jre:2.0",
                "127.0.0.1:5101/tools/busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
                dockerfile.externalImages(Map.of("TAG", "2.0")));
        assertEquals("127.0.0.1:5101/base/jre:1.0", dockerfile.externalImages(Map.of()).get(0));
    }

    @Test
    public void variablesSubstituteWithDefaultsAndAlternatives() {
        Map<String, String> args = Map.of("A", "x", "E", "");
        assertEquals("x-d-alt-", Dockerfile.substitute("${A}-${B:-d}-${A:+alt}-${E:+alt}", args));
        assertEquals("x/", Dockerfile.substitute("$A/$MISSING", args));
    }
}
