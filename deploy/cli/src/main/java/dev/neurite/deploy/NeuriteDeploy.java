package dev.neurite.deploy;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code neurite-deploy}: puts bundles on Neurite devices over MQTT (one device, several, or
 * a fleet group), shows what they run, rolls bundles back, and signs bundles for devices
 * that require signatures. Exit status: 0 all devices succeeded, 1 some did not, 2 bad usage.
 */
@Command(name = "neurite-deploy", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = NeuriteDeploy.Version.class,
        description = "Deploy bundles to Neurite devices over MQTT.",
        subcommands = {PushCommand.class, ListCommand.class, StatusCommand.class, RollbackCommand.class,
                SignCommand.class})
public final class NeuriteDeploy {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine line = new CommandLine(new NeuriteDeploy());
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("neurite-deploy " + cmd.getCommandName() + ": " + describe(e));
            return FAILED;
        });
        return line.execute(args);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause != e && cause.getMessage() != null) {
            message = message == null ? cause.getMessage() : message + " (" + cause.getMessage() + ")";
        }
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** Whether progress can be redrawn in place: an interactive terminal, not a pipe or a log. */
    static boolean terminal() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = NeuriteDeploy.class.getPackage().getImplementationVersion();
            return new String[]{"neurite-deploy " + (v == null ? "(development build)" : v)};
        }
    }
}
