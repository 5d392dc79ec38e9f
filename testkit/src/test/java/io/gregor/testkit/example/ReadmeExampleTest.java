package io.gregor.testkit.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's example is the code of {@link GreetingsExampleIT}, so it runs and cannot drift. */
class ReadmeExampleTest {

    @Test
    void shouldShowTheExampleTestVerbatim() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("<!-- example:start -->"), readme.indexOf("<!-- example:end -->"));
        String code = section.substring(section.indexOf("```java\n") + "```java\n".length(), section.lastIndexOf("```"));

        String source = Files.readString(Path.of("src/test/java/io/gregor/testkit/example/GreetingsExampleIT.java"));

        assertThat(code).contains("@GregorCluster");
        assertThat(source).contains(code);
    }
}
