package dev.updater.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "push", mixinStandardHelpOptions = true, description = "(being built)")
final class PushCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return ExitCode.FAILURE;
    }
}
