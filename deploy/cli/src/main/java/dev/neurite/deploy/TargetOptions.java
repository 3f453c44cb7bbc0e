package dev.neurite.deploy;

import picocli.CommandLine.Option;

import java.util.List;

/** The devices a command is for: named ones, or every online member of a fleet group. */
final class TargetOptions {

    @Option(names = "--device", paramLabel = "ID", required = true, description = "a device id (repeatable)")
    List<String> devices;

    @Option(names = "--group", paramLabel = "GROUP", required = true,
            description = "every online device whose state document lists this fleet group")
    String group;
}
