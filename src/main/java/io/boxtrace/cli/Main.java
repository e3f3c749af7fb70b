package io.boxtrace.cli;

import io.boxtrace.render.Escape;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * boxtrace's entry point: picocli with one class per command, and the only place errors turn into
 * exit codes. Every error leaves as one line {@code boxtrace <command>: <message>}; a stack trace is
 * printed only with BOXTRACE_DEBUG=1.
 */
@Command(name = "boxtrace", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "What happens inside Linux containers, seen from the host, from the kernel's own events.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok (with -- COMMAND: the command's own exit status)", "1:runtime error", "2:usage error",
                "3:missing privilege or kernel feature", "4:internal error"})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (trace, tree, ...)");
    }

    /** When main began (System.nanoTime), for {@link StartTimes}. */
    static final long MAIN_NS = System.nanoTime();

    public static void main(String[] args) {
        // Start traced commands with fork+exec rather than posix_spawn of jspawnhelper: the helper's
        // extra exec would show up in traces as a step of the user's command.
        System.setProperty("jdk.lang.Process.launchMechanism", "FORK");
        // stdout straight on its file descriptor: System.out (a PrintStream) would hide write errors.
        System.exit(execute(args, new PrintWriter(new java.io.FileOutputStream(java.io.FileDescriptor.out), true),
                new PrintWriter(System.err, true)));
    }

    /** Runs boxtrace with the given streams and returns the exit code (used by tests too). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        int code = cl.execute(args);
        if (out.checkError() && code == ExitCode.OK.code()) {
            // tree, build, run and report print through out: a full disk or closed pipe is a failure.
            CommandLine.ParseResult parsed = cl.getParseResult();
            String name = parsed != null && parsed.subcommand() != null
                    ? parsed.subcommand().commandSpec().qualifiedName() : "boxtrace";
            err.println(name + ": could not write standard output (disk full, or it was closed); the output is incomplete");
            return ExitCode.RUNTIME_ERROR.code();
        }
        return code;
    }

    /** Every command, in the order the help lists them. */
    private static final Map<String, Supplier<Object>> COMMANDS = commands();

    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("trace", TraceCommand::new);
        m.put("tree", TreeCommand::new);
        m.put("build", BuildCommand::new);
        m.put("run", RunCommand::new);
        m.put("record", RecordCommand::new);
        m.put("report", ReportCommand::new);
        m.put("agent", AgentCommand::new);
        m.put("debug", DebugCommand::new);
        m.put("aot-training", AotTrainingCommand::new);
        m.put("help", CommandLine.HelpCommand::new);
        m.put("generate-completion", picocli.AutoComplete.GenerateCompletion::new);
        return m;
    }

    /** The whole command line, every command in it (help, tests). */
    static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line for these arguments: when they name a command, only that one is built. picocli
     * builds a command's whole model (every option, by reflection) when it is added, and building all
     * of them was a large part of a short command's start-up; help and completion need them all.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        String first = args.length > 0 ? args[0] : "";
        Supplier<Object> only = first.equals("help") || first.equals("generate-completion") ? null : COMMANDS.get(first);
        if (only != null) {
            cl.addSubcommand(first, only.get());
        } else {
            COMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
            cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        }
        cl.setExecutionExceptionHandler(Main::onException);
        cl.setParameterExceptionHandler(Main::onUsageError);
        return cl;
    }

    private static int onUsageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        cl.getErr().println(prefix(cl) + Escape.text(ex.getMessage()) + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        return ExitCode.USAGE.code();
    }

    private static int onException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        if (System.getenv("BOXTRACE_DEBUG") != null) {
            ex.printStackTrace(cl.getErr());
        }
        if (ex instanceof BoxtraceException be) {
            cl.getErr().println(prefix(cl) + Escape.text(be.getMessage()));
            return be.exitCode().code();
        }
        String what = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getClass().getSimpleName() + ": " + ex.getMessage();
        cl.getErr().println(prefix(cl) + "internal error: " + Escape.text(what)
                + " (please report it; BOXTRACE_DEBUG=1 shows the stack trace)");
        return ExitCode.INTERNAL_ERROR.code();
    }

    private static String prefix(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName() + ": ";
    }
}
