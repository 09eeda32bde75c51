package dev.dialtone.engine.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code dialtone.jar}: {@code serve} (the default), and the {@code lint} and {@code cxml} tools. */
@Command(name = "dialtone.jar", mixinStandardHelpOptions = true, version = "Dialtone 0.1.0",
        description = "SIP B2BUA call-control engine that executes cXML.",
        subcommands = {ServeCommand.class, LintCommand.class, CxmlCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        // No subcommand means "serve": a newcomer runs the jar and gets a server.
        if (args.length == 0 || args[0].startsWith("-") && !isHelpOrVersion(args[0])) {
            String[] withServe = new String[args.length + 1];
            withServe[0] = "serve";
            System.arraycopy(args, 0, withServe, 1, args.length);
            args = withServe;
        }
        int code = cli.execute(args);
        if (code != 0 || !ServeCommand.isServing()) {
            System.exit(code);
        }
    }

    private static boolean isHelpOrVersion(String arg) {
        return arg.equals("-h") || arg.equals("--help") || arg.equals("-V") || arg.equals("--version");
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
