package dev.updater.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "inspect", mixinStandardHelpOptions = true, description = "(being built)")
final class InspectCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return ExitCode.FAILURE;
    }
}
