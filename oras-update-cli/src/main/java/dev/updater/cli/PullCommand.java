package dev.updater.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "pull", mixinStandardHelpOptions = true, description = "(being built)")
final class PullCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return ExitCode.FAILURE;
    }
}
