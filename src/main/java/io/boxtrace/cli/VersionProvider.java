package io.boxtrace.cli;

import picocli.CommandLine;

/** The version from the jar manifest (set by Maven), "dev" when run from classes. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"boxtrace " + version(), "Java " + Runtime.version()};
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
