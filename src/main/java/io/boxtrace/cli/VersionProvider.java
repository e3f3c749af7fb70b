package io.boxtrace.cli;

import picocli.CommandLine;

/** The version from the jar manifest (set by Maven), "dev" when run from classes. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"boxtrace " + (v == null ? "dev" : v), "Java " + Runtime.version()};
    }
}
