package dev.dialtone.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code dialtone-bench.jar}: the load-testing tools. */
@Command(name = "dialtone-bench.jar", mixinStandardHelpOptions = true, version = "Dialtone bench 0.1.0",
        description = "Load generator, UAS and SIP server probe.",
        subcommands = {dev.dialtone.bench.load.LoadCommand.class, dev.dialtone.bench.uas.UasCommand.class,
                dev.dialtone.bench.probe.ProbeCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
