package io.boxtrace.analysis.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxtrace.analysis.startup.StartupReport;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.render.chrome.ChromeTraceWriter;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A container start as a timeline: phases, host and container tracks, namespace instants, flows across tracks. */
class StartupTimelineTest {

    static final long T0 = 7_000_000_000L;
    static final ContainerInfo WEB = new ContainerInfo("2eb343f5fe1c909e3db14f780efff0d931c8925d4e5f87effd757c740f5c86c4",
            "web", "busybox", "docker", Map.of(), null, "/system.slice/docker-2eb3.scope");

    static long ms(double m) {
        return T0 + (long) (m * 1_000_000);
    }

    /** docker (client) | shim → runc create → runc init → [a process seen only by its exit] → sh → sleep. */
    static StartupReport report() {
        StartupReport.Proc sleep = new StartupReport.Proc(105, 7, "sleep", List.of("sleep", "0.2"), ms(354), ms(555), 0, 0,
                true, List.of(), null);
        StartupReport.Proc sh = new StartupReport.Proc(104, 1, "sh", List.of("sh", "-c", "sleep 0.2"), ms(307), ms(556), 0, 0,
                true, List.of(sleep), null);
        StartupReport.Proc unseen = new StartupReport.Proc(103, 103, "runc:[0:PARENT]", List.of(), 0, ms(133), 0, 0, false,
                List.of(sh), null);
        StartupReport.Proc init = new StartupReport.Proc(102, 102, "runc", List.of("runc", "init"), ms(113), ms(134), 0, 0,
                false, List.of(unseen), null);
        StartupReport.Proc shim = new StartupReport.Proc(101, 101, "containerd-shim", List.of("containerd-shim-runc-v2"),
                ms(90), 0, -1, 0, false, List.of(init), null);
        StartupReport.Proc docker = new StartupReport.Proc(100, 100, "docker", List.of("docker", "run", "busybox"), ms(-0.6),
                ms(680), 0, 0, false, List.of(), null);
        return new StartupReport("docker", WEB, T0, ms(680), List.of(docker, shim),
                List.of(new StartupReport.NsOp(ms(132), 102, "runc:[1:CHILD]", "unshare", List.of("mnt", "pid"), null, 0, 0),
                        new StartupReport.NsOp(ms(133), 103, "runc:[0:PARENT]", "setns", List.of("net"), null, 0, 0)),
                List.of(new StartupReport.Phase("client to daemon", T0, ms(90)), new StartupReport.Phase("runtime create", ms(90),
                        ms(132)), new StartupReport.Phase("user process run", ms(354), ms(556))), null, null);
    }

    @Test
    void phasesContainerAndHostAreTracksAndProcessesHangFromTheirParents() {
        Timeline tl = StartupTimeline.of(report());
        assertThat(tl.tracks()).extracting(Timeline.Track::title)
                .containsExactly("start-up phases", "container web (2eb343f5fe1c) busybox", "host");
        assertThat(tl.startNs()).isEqualTo(T0);
        assertThat(tl.endNs()).isEqualTo(ms(680));
        List<Span> phases = tl.spans().stream().filter(s -> s.track == 0).toList();
        assertThat(phases).extracting(Span::label).containsExactly("client to daemon", "runtime create", "user process run");
        assertThat(phases).allMatch(s -> !s.isProcess() && s.category.equals("phase") && s.lane == 0);
        Span sh = span(tl, 104);
        Span init = span(tl, 102);
        assertThat(sh.track).isEqualTo(1);
        assertThat(init.track).isEqualTo(2);
        // the process seen only by its exit has no slice: sh hangs from runc init, across tracks (a flow, not nesting)
        assertThat(tl.spans()).noneMatch(s -> s.pid() == 103);
        assertThat(sh.parent).isSameAs(init);
        assertThat(sh.nestedUnderParent).isFalse();
        assertThat(span(tl, 105).parent).isSameAs(sh);
        assertThat(span(tl, 105).nestedUnderParent).isTrue();
        // the client started before the window: clamped to it, its real start kept
        assertThat(span(tl, 100).startNs).isEqualTo(T0);
        assertThat(span(tl, 100).realStartNs).isEqualTo(ms(-0.6));
        // the shim was still running at the end
        assertThat(span(tl, 101).exitNs).isZero();
        // the operation of the process without a slice is kept, as an instant of the whole start
        assertThat(tl.globals()).singleElement().satisfies(g -> assertThat(g.name()).isEqualTo("setns net"));
        assertThat(init.marks).singleElement().satisfies(m -> {
            assertThat(m.name()).isEqualTo("unshare mnt,pid");
            assertThat(m.kind()).isEqualTo("namespace");
        });
    }

    @Test
    void asAChromeTraceEachTrackIsAProcessWithSlicesInstantsAndAFlowIntoTheContainer() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChromeTraceWriter.write(StartupTimeline.of(report()), out);
        JsonNode root = new ObjectMapper().readTree(out.toByteArray());
        io.boxtrace.sink.chrome.ChromeTraceSinkTest.assertTraceEventFormat(root);
        List<String> processes = new ArrayList<>();
        List<String> slices = new ArrayList<>();
        List<JsonNode> flows = new ArrayList<>();
        for (JsonNode e : root.get("traceEvents")) {
            switch (e.get("ph").asText()) {
                case "M" -> {
                    if (e.get("name").asText().equals("process_name")) {
                        processes.add(e.get("args").get("name").asText());
                    }
                }
                case "X" -> {
                    slices.add(e.get("name").asText());
                    assertThat(e.get("cat").asText()).isEqualTo(e.get("pid").asInt() == 1 ? "phase" : "process");
                }
                case "s", "f" -> flows.add(e);
                case "i" -> assertThat(e.get("name").asText()).isIn("unshare mnt,pid", "setns net");
                default -> throw new AssertionError(e.toString());
            }
        }
        assertThat(processes).containsExactly("start-up phases", "container web (2eb343f5fe1c) busybox", "host");
        assertThat(slices).containsExactlyInAnyOrder("client to daemon", "runtime create", "user process run",
                "docker run busybox", "containerd-shim-runc-v2", "runc init", "sh -c sleep 0.2", "sleep 0.2");
        // runc init (host, trace pid 3) → sh (container, trace pid 2)
        assertThat(flows).extracting(f -> f.get("ph").asText() + f.get("pid").asInt()).contains("s3", "f2");
        assertThat(root.has("otherData")).isFalse();
    }

    static Span span(Timeline tl, int pid) {
        return tl.spans().stream().filter(s -> s.pid() == pid).findFirst().orElseThrow();
    }

    @Test
    void aContainerProcessesExecIsAnInstantWithItsSetUpAndAReplacementNestsUnderIt() {
        StartupReport.Proc sleep = new StartupReport.Proc(104, 1, "sleep", List.of("sleep", "0.2"), ms(400), ms(400), ms(600),
                0, 0, true, true, List.of(), null);
        StartupReport.Proc sh = new StartupReport.Proc(104, 1, "sh", List.of("sh", "-c", "exec sleep 0.2"), ms(150), ms(390),
                ms(400), -1, 0, true, false, List.of(sleep), null);
        StartupReport r = new StartupReport("docker", WEB, T0, ms(680), List.of(sh), List.of(), List.of(), null, null);
        Timeline tl = StartupTimeline.of(r);
        Span shSpan = tl.spans().stream().filter(s -> s.isProcess() && s.args.getFirst().equals("sh")).findFirst().orElseThrow();
        assertThat(shSpan.marks).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo("exec");
            assertThat(m.timeNs()).isEqualTo(ms(390));
            assertThat(m.detail().getFirst()).containsExactly("setup_ms", "240.000");
        });
        // the replaced program has no exit of its own: its slice carries the process's
        assertThat(shSpan.exitCode).isZero();
        Span sleepSpan = tl.spans().stream().filter(s -> s.isProcess() && s.args.getFirst().equals("sleep")).findFirst().orElseThrow();
        assertThat(sleepSpan.parent).isSameAs(shSpan);
        assertThat(sleepSpan.marks).isEmpty();
    }
}
