package dev.dialtone.engine.server;

import dev.dialtone.engine.cxml.CxmlError;
import dev.dialtone.engine.cxml.CxmlParser;
import dev.dialtone.engine.cxml.DocumentPrinter;
import dev.dialtone.engine.cxml.ParseResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code dialtone.jar cxml FILE} (INTERFACES §2): prints the verbs the engine understood, as an indented tree with
 * every attribute, or each error as {@code FILE:LINE:COL: message}. Warnings print as
 * {@code FILE:LINE:COL: warning: message} and do not fail. Exit 0 when the document is valid, 1 otherwise
 * (an unreadable file included).
 */
@Command(name = "cxml", mixinStandardHelpOptions = true,
        description = "Parse a cXML document and print the verbs it holds, or its errors with line and column.")
final class CxmlCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "the cXML document")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            out.println(file + ": cannot read: " + e.getMessage());
            out.flush();
            return 1;
        }
        ParseResult result = CxmlParser.parse(bytes);
        for (CxmlError warning : result.warnings()) {
            out.println(file + ":" + warning.line() + ":" + warning.column() + ": warning: " + warning.message());
        }
        for (CxmlError error : result.errors()) {
            out.println(file + ":" + error.line() + ":" + error.column() + ": " + error.message());
        }
        result.document().ifPresent(d -> out.print(DocumentPrinter.print(d)));
        out.flush();
        return result.isValid() ? 0 : 1;
    }
}
