package dev.dialtone.engine.server;

import dev.dialtone.sip.codec.SipValidator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code dialtone.jar lint FILE...} (INTERFACES §2): checks that each file holds one SIP message a conforming
 * RFC 3261 stack would accept and process (RFC 4475's "valid"). Each file is read as one UDP datagram, as
 * RFC 4475 does: octets after Content-Length are discarded, and without Content-Length the body is the rest.
 * Prints {@code FILE: ok} or {@code FILE: invalid: REASON} per file; exits 0 if all are valid, 1 if any is
 * invalid, 2 if a file cannot be read.
 */
@Command(name = "lint", mixinStandardHelpOptions = true,
        description = "Check raw SIP messages: one line per file, 'FILE: ok' or 'FILE: invalid: REASON'.")
final class LintCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "files each holding one raw SIP message")
    List<Path> files;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int exit = 0;
        for (Path file : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                out.println(file + ": unreadable: no such file");
                exit = 2;
                continue;
            } catch (IOException e) {
                out.println(file + ": unreadable: " + e.getClass().getSimpleName());
                exit = 2;
                continue;
            }
            Optional<String> problem = SipValidator.checkDatagram(bytes);
            if (problem.isPresent()) {
                out.println(file + ": invalid: " + problem.get());
                exit = Math.max(exit, 1);
            } else {
                out.println(file + ": ok");
            }
        }
        out.flush();
        return exit;
    }
}
