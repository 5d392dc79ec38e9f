package io.gregor.cli.configs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigListTest {

    @Test
    void shouldSplitOnCommasOutsideBrackets() {
        assertThat(ConfigList.split("a=1,b=[x,y],c=3")).containsExactly("a=1", "b=[x,y]", "c=3");
        assertThat(ConfigList.split(" a=1 ,, ")).containsExactly("a=1");
    }
}
