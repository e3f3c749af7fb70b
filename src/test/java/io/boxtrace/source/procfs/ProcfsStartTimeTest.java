package io.boxtrace.source.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.Clock;
import io.boxtrace.event.Event;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.source.SourceSink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The /proc polling source on a fixture /proc: a parent and its child that both appear between two
 * polls get their own start times from /proc (field 22), not the poll's one shared time.
 */
class ProcfsStartTimeTest {

    @TempDir
    Path proc;

    private void process(int pid, int ppid, String comm, long startTicks) throws Exception {
        Path d = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(d.resolve("stat"), pid + " (" + comm + ") S " + ppid + " " + pid + " " + pid
                + " 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 " + startTicks + " 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n");
        Files.write(d.resolve("cmdline"), (comm + "\0").getBytes());
    }

    @Test
    void aParentAndChildFoundInOnePollKeepTheirOwnStartTimes() throws Exception {
        process(1, 0, "init", 100);
        List<Event> events = new CopyOnWriteArrayList<>();
        // boot and monotonic clocks equal: a tick is 10 ms after boot on both
        ProcfsPollingSource source = new ProcfsPollingSource(new ProcReader(proc), new Clock(0, 0), 50);
        source.start(new SourceSink() {
            @Override
            public void accept(Event e) {
                events.add(e);
            }

            @Override
            public void failed(Throwable t) {
            }
        });
        process(500, 1, "sh", 1000);
        process(501, 500, "sleep", 1003);
        long deadline = System.currentTimeMillis() + 5_000;
        while (events.stream().filter(e -> e instanceof ForkEvent).count() < 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        source.close();
        List<ForkEvent> forks = events.stream().filter(e -> e instanceof ForkEvent).map(e -> (ForkEvent) e).toList();
        assertThat(forks).extracting(ForkEvent::childPid).containsExactlyInAnyOrder(500, 501);
        assertThat(forks.stream().filter(f -> f.childPid() == 500).findFirst().orElseThrow().timeNs()).isEqualTo(10_000_000_000L);
        assertThat(forks.stream().filter(f -> f.childPid() == 501).findFirst().orElseThrow().timeNs()).isEqualTo(10_030_000_000L);
    }
}
