package io.boxtrace.cli;

import picocli.CommandLine;

/**
 * boxtrace's command line with record and report registered, for tests that need them before
 * {@link Main} lists them, in a child JVM (SIGKILL tests) or in-process.
 */
public final class RecordingCli {

    private RecordingCli() {
    }

    static CommandLine commandLine() {
        CommandLine cl = Main.commandLine();
        if (!cl.getSubcommands().containsKey("record")) {
            cl.addSubcommand(new RecordCommand());
        }
        if (!cl.getSubcommands().containsKey("report")) {
            cl.addSubcommand(new ReportCommand());
        }
        return cl;
    }

    public static void main(String[] args) {
        System.setProperty("jdk.lang.Process.launchMechanism", "FORK");
        System.exit(commandLine().execute(args));
    }
}
