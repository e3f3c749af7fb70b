package io.boxtrace.sink.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.Clock;
import io.boxtrace.event.CommEvent;
import io.boxtrace.event.ContainerEvent;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ForkEvent;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.render.console.Style;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A traced process names itself: comm, argv, filename, container name and image must not reach the
 * terminal raw. Each event stays one line, with no ESC, BEL, CR, bidi override or zero-width byte.
 */
class ConsoleTraceSinkEscapeTest {

    private static final String EVIL = "a\nFAKE\u001b]0;x\u0007\r\u202e\u200b\u2028";

    @Test
    void everyStringFromTheTracedWorldIsEscapedAndEachEventIsOneLine() throws Exception {
        StringWriter buf = new StringWriter();
        ConsoleTraceSink sink = new ConsoleTraceSink(new PrintWriter(buf), new Clock(0, 0), Style.plain(), ZoneOffset.UTC, false);
        Task task = new Task(10, 10, 1, 0, EVIL, 0, 0, 10);
        ContainerInfo c = new ContainerInfo("0123456789abcdef", EVIL, EVIL, "docker", Map.of("l", EVIL), null, null);
        List<TracedEvent> events = List.of(
                new TracedEvent(new ExecEvent(1, task, EVIL, List.of(EVIL, "x"), false, EVIL, 0, ExecEvent.ArgvSource.KERNEL),
                        null, null, c),
                new TracedEvent(new ExecEvent(2, task, EVIL, List.of(), false, null, 2, ExecEvent.ArgvSource.KERNEL), null, null, c),
                new TracedEvent(new ExecEvent(3, task, EVIL, List.of(), false, null, 0, ExecEvent.ArgvSource.GONE), null, null, null),
                new TracedEvent(new CommEvent(4, task, EVIL), null, null, null),
                new TracedEvent(new ForkEvent(5, task, 11, 11, 0), null, null, c),
                TracedEvent.bare(new ContainerEvent(6, ContainerEvent.Kind.START, c)));
        events.forEach(sink::accept);
        sink.flush();
        String out = buf.toString();
        assertThat(out.split("\n", -1)).hasSize(events.size() + 1); // one line each, then the final newline
        assertThat(out).doesNotContain("\u001b", "\u0007", "\r", "\u202e", "\u200b", "\u2028").contains("\\x0aFAKE");
        assertThat(out.lines()).noneMatch(l -> l.startsWith("FAKE"));
    }

    @Test
    void aBusyboxAppletIsNamedByArgvZeroNotByExe() throws Exception {
        StringWriter buf = new StringWriter();
        ConsoleTraceSink sink = new ConsoleTraceSink(new PrintWriter(buf), new Clock(0, 0), Style.plain(), ZoneOffset.UTC, false);
        Task task = new Task(20, 20, 1, 0, "exe", 0, 0, 20);
        io.boxtrace.event.ProcessInfo p = new io.boxtrace.event.ProcessInfo(new io.boxtrace.event.ProcessKey(20, 1), 1, 0,
                "exe", "/bin/busybox", List.of("sleep", "5"), "/", null, 0, List.of(20), Map.of(), 0,
                Task.UNKNOWN, 0, false);
        sink.accept(new TracedEvent(new ExecEvent(1, task, "/proc/self/exe", List.of("sleep", "5"), false, "/", 0,
                ExecEvent.ArgvSource.KERNEL), p, null, null));
        sink.flush();
        assertThat(buf.toString()).containsPattern(" sleep +sleep 5").doesNotContain(" exe ");
    }
}
