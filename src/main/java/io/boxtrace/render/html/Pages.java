package io.boxtrace.render.html;

import io.boxtrace.analysis.build.BuildProfile;
import io.boxtrace.analysis.build.CommandNode;
import io.boxtrace.analysis.build.StepProfile;
import io.boxtrace.analysis.timeline.Timeline;
import io.boxtrace.recording.RecordingHeader;
import io.boxtrace.render.console.Durations;
import io.boxtrace.render.json.BuildProfileJson;
import io.boxtrace.render.json.TimeFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What {@link HtmlWriter} puts around the timeline of a recording and of a build profile: plain text, no markup. Stateless. */
public final class Pages {

    private Pages() {
    }

    /** Host, start, duration, source, counts and the recorded command, from the recording's header. */
    public static HtmlWriter.Page recording(Timeline tl) {
        RecordingHeader h = tl.header();
        String start = new TimeFormat().rfc3339(h.clock().toEpochNs(tl.startNs()));
        String title = "boxtrace report: " + h.hostname() + ", " + start.substring(0, 19).replace('T', ' ') + " UTC";
        List<String[]> facts = new ArrayList<>();
        facts.add(fact("host", h.hostname() + " (Linux " + h.kernel() + ")"));
        facts.add(fact("start", start));
        facts.add(fact("duration", String.format("%.3f s", (tl.endNs() - tl.startNs()) / 1e9)));
        facts.add(fact("source", h.source()));
        facts.add(fact("containers", String.valueOf(tl.tracks().size() - 1)));
        facts.add(fact("processes", String.valueOf(tl.spans().size())));
        facts.add(fact("lost events", String.valueOf(tl.lost())));
        if (!h.command().isEmpty()) {
            facts.add(fact("command", String.join(" ", h.command())));
        }
        if (tl.dropped() > 0) {
            facts.add(fact("not shown (over the limit)", tl.dropped() + " processes"));
        }
        return new HtmlWriter.Page(title, facts, List.of(), null, null);
    }

    /**
     * Builder, command, start, total and exit; the failed step and command and the profile's
     * notices as notes; the JSON profile (docs/build.md) embedded as {@code <script id="profile">} for tools.
     */
    public static HtmlWriter.Page build(BuildProfile p) {
        List<String[]> facts = new ArrayList<>();
        facts.add(fact("builder", p.builder().jsonName()));
        facts.add(fact("command", String.join(" ", p.command())));
        facts.add(fact("started", p.startedAt().toString()));
        facts.add(fact("total", Durations.human(p.durationNs())));
        facts.add(fact("exit", String.valueOf(p.exitCode())));
        facts.add(fact("steps", p.steps().size() + " (" + p.steps().stream().filter(s -> s.step().cached()).count()
                + " cached)"));
        List<String> notes = new ArrayList<>();
        Optional<StepProfile> failed = p.failedStep();
        failed.ifPresent(s -> {
            Optional<CommandNode> cmd = BuildProfile.failedCommand(s);
            notes.add("Failed step: " + (s.step().instruction() != null ? s.step().instruction() : "container " + s.containerId())
                    + cmd.map(c -> " — command " + argv(c) + " exited " + (c.signal() != 0 ? "on signal " + c.signal()
                    : String.valueOf(c.exitCode()))).orElse(""));
        });
        p.notices().forEach(n -> notes.add("note: " + n));
        StringWriter json = new StringWriter();
        try {
            BuildProfileJson.write(p, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return new HtmlWriter.Page("boxtrace build profile: " + String.join(" ", p.command()), facts, notes, "profile",
                json.toString());
    }

    private static String argv(CommandNode c) {
        return c.args().isEmpty() ? (c.comm() == null ? "?" : c.comm()) : String.join(" ", c.args());
    }

    private static String[] fact(String k, String v) {
        return new String[] {k, v};
    }
}
