package io.boxtrace.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetaCacheTest {

    @Test
    void entriesPastTheCountGoLeastRecentlyUsedFirst() {
        MetaCache c = new MetaCache(3, 1_000_000);
        for (String id : new String[] {"a", "b", "c"}) {
            c.put(id, new ContainerMeta(id, "n-" + id, null, Map.of()));
        }
        c.get("a"); // used: b is now the eldest
        c.put("d", new ContainerMeta("d", "n-d", null, Map.of()));
        assertThat(c.size()).isEqualTo(3);
        assertThat(c.get("b")).isNull();
        assertThat(c.get("a").name()).isEqualTo("n-a");
    }

    @Test
    void hugeLabelsAreBoundedByCharactersNotOnlyByCount() {
        MetaCache c = new MetaCache(1_000, 10_000);
        for (int i = 0; i < 50; i++) {
            c.put("id" + i, new ContainerMeta("id" + i, "n", "img", Map.of("big", "v".repeat(3_000))));
        }
        assertThat(c.chars()).isLessThanOrEqualTo(10_000);
        assertThat(c.size()).isBetween(1, 3);
        assertThat(c.get("id49")).isNotNull();
    }

    @Test
    void mergeReplacesTheWeightOfTheOldEntry() {
        MetaCache c = new MetaCache(10, 1_000_000);
        c.put("a", new ContainerMeta("a", "x".repeat(500), null, Map.of()));
        long before = c.chars();
        c.merge("a", new ContainerMeta("a", "y", null, Map.of()), (old, now) -> now);
        assertThat(c.chars()).isLessThan(before);
        assertThat(c.size()).isOne();
    }
}
