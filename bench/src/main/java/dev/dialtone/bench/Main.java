package dev.dialtone.bench;

import dev.dialtone.bench.relay.RelayLoad;
import dev.dialtone.bench.relay.RelayServe;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code dialtone-bench.jar}: the load-testing tools. */
@Command(name = "dialtone-bench.jar", mixinStandardHelpOptions = true, version = "Dialtone bench 0.1.0",
        description = "Load generator, UAS and SIP server probe.",
        subcommands = {dev.dialtone.bench.load.LoadCommand.class, dev.dialtone.bench.uas.UasCommand.class,
                dev.dialtone.bench.probe.ProbeCommand.class, RelayLoad.class, RelayServe.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        // Netty's leak detector records a stack trace for one buffer in 128: a debugging aid that costs a load
        // tool a few per cent of its CPU per call. -Dio.netty.leakDetection.level=... still turns it on.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
