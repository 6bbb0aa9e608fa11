package io.jenkins.plugins.immutable.bake;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.immutable.EngineException;
import org.junit.Test;

public class DockerIgnoreTest {

    private static void assertMatch(String pattern, String path, boolean expected) {
        assertEquals("'" + pattern + "' against '" + path + "'", expected, DockerIgnore.parse(pattern).excludes(path));
    }

    @Test
    public void doubleStarMatchesAnyNumberOfDirectoriesIncludingNone() {
        assertMatch("**", "file", true);
        assertMatch("**", "dir/file", true);
        assertMatch("**/", "file", true);
        assertMatch("dir/**", "dir/dir2/file", true);
        assertMatch("**/dir2/*", "dir/dir2/file", true);
        assertMatch("**/dir2/**", "dir/dir2/dir3/file", true);
        assertMatch("**file", "dir/dir/file", true);
        assertMatch("**/file*.txt", "dir/dir/file.txt", true);
        assertMatch("**/**/*.txt2", "dir/dir/file.txt", false);
        assertMatch("**/*.txt", "file.txt", true);
        assertMatch("a**/*.txt", "a/dir/dir/file.txt", true);
        assertMatch("**/foo/bar", "foo/bar", true);
        assertMatch("**/.foo", "bar.foo", false);
        assertMatch("abc/**", "abc", false);
        assertMatch("abc/**", "abc/def/ghi", true);
    }

    @Test
    public void singleStarAndQuestionMarkStayWithinOnePathElement() {
        assertMatch("a/*.txt", "a/dir/file.txt", false);
        assertMatch("a/*.txt", "a/file.txt", true);
        assertMatch("abc?def", "abcZdef", true);
        assertMatch("abc?def", "abcdef", false);
        assertMatch("a*/b", "a/c/b", false);
        assertMatch("a?b", "a/b", false);
        assertMatch("*", "dir/file", true); // through its parent directory
    }

    @Test
    public void regexCharactersAreLiteralAndClassesAndEscapesWork() {
        assertMatch("abc.def", "abcZdef", false);
        assertMatch("abc.def", "abc.def", true);
        assertMatch("a(b)c/def", "a(b)c/def", true);
        assertMatch("a.|)$(}+{bc", "a.|)$(}+{bc", true);
        assertMatch("a[b-d]e", "ace", true);
        assertMatch("a[b-d]e", "aae", false);
        assertMatch("a[^b-d]e", "aze", true);
        assertMatch("a\\*b", "a*b", true);
        assertMatch("a\\*b", "ab", false);
        assertMatch("a\\\\", "a\\", true);
        assertMatch("[\\-x]", "-", true);
        assertMatch("[a&&b]", "&", true);
        assertMatch("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true);
    }

    @Test
    public void aMatchingDirectoryExcludesEverythingUnderIt() {
        assertMatch("build", "build/classes/App.class", true);
        assertMatch("/build/", "build/x", true);
        assertMatch("./build/../target", "target/x", true);
        assertMatch("build", "src/build", false);
    }

    @Test
    public void theLastMatchingLineWinsAndExceptionsReinclude() {
        DockerIgnore ignore = DockerIgnore.parse("""
                # comment
                *.md
                   !README.md  \s
                docs
                !docs/keep.md
                """);
        assertTrue(ignore.excludes("CHANGES.md"));
        assertEquals(false, ignore.excludes("README.md"));
        assertTrue(ignore.excludes("docs/other.md"));
        assertEquals(false, ignore.excludes("docs/keep.md"));
        // Only a "#" in the first column starts a comment; indented, it is a pattern like any other.
        assertTrue(DockerIgnore.parse(" # not a comment\n").excludes("# not a comment"));
        assertTrue(DockerIgnore.parse("\uFEFFsecret").excludes("secret"));
    }

    @Test
    public void malformedPatternsAreRefusedNamingTheLine() {
        for (String bad : new String[] {"[]a]", "[-]", "[x-]", "[-x]", "abc[", "x\\"}) {
            EngineException e = assertThrows(bad, EngineException.class, () -> DockerIgnore.parse("ok\n" + bad));
            assertTrue(e.getMessage(), e.getMessage().startsWith(".dockerignore line 2: the pattern"));
        }
        EngineException e = assertThrows(EngineException.class, () -> DockerIgnore.parse("!"));
        assertTrue(e.getMessage(), e.getMessage().contains("line 1"));
    }

    @Test
    public void pathsAreCleanedAsDockerCleansThem() {
        assertEquals("a/c", DockerIgnore.cleanPath("a/b/../c/"));
        assertEquals("/", DockerIgnore.cleanPath("/.."));
        assertEquals("../a", DockerIgnore.cleanPath("../a"));
        assertEquals(".", DockerIgnore.cleanPath("./"));
        assertEquals("a/b", DockerIgnore.cleanPath("a//b"));
    }
}
