package dev.updater.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "versions", mixinStandardHelpOptions = true, description = "(being built)")
final class VersionsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return ExitCode.FAILURE;
    }
}
