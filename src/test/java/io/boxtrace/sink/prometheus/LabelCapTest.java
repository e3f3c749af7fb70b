package io.boxtrace.sink.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabelCapTest {

    @Test
    void admitsUpToTheCapThenOtherAndReusesSlotsOfReleasedSetsAfterRetention() {
        List<List<String>> evicted = new ArrayList<>();
        LabelCap cap = new LabelCap(2, 100, evicted::add);
        assertThat(cap.admit(List.of("a", "img"), 0)).containsExactly("a", "img");
        assertThat(cap.admit(List.of("b", "img"), 0)).containsExactly("b", "img");
        assertThat(cap.admit(List.of("c", "img"), 0)).containsExactly("other", "other");
        assertThat(cap.admit(List.of("a", "img"), 0)).as("admitted stays").containsExactly("a", "img");
        cap.release(List.of("a", "img"), 10);
        assertThat(cap.admit(List.of("c", "img"), 50)).as("a released too recently").containsExactly("other", "other");
        assertThat(cap.admit(List.of("c", "img"), 110)).containsExactly("c", "img");
        assertThat(evicted).containsExactly(List.of("a", "img"));
        assertThat(cap.overflowed()).isEqualTo(2);
        assertThat(cap.size()).isEqualTo(2);
    }

    @Test
    void aReleasedSetSeenAgainIsInUseAgain() {
        LabelCap cap = new LabelCap(1, 100, l -> { });
        cap.admit(List.of("a"), 0);
        cap.release(List.of("a"), 1);
        cap.admit(List.of("a"), 2);
        assertThat(cap.admit(List.of("b"), 1000)).containsExactly("other");
    }
}
