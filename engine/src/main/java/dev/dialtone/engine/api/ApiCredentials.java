package dev.dialtone.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The REST credentials (HTTP Basic {@code project_id:token}, INTERFACES §1 and §3). Options win; what they leave
 * out comes from {@value #FILE} in the data directory, generated with {@link SecureRandom} on first start and
 * readable by its owner only.
 */
public final class ApiCredentials {
    public static final String FILE = "credentials.json";

    private final String projectId;
    private final String apiToken;
    private final Path file;
    private final boolean generated;
    private final byte[] expectedHash;

    private ApiCredentials(String projectId, String apiToken, Path file, boolean generated) {
        this.projectId = projectId;
        this.apiToken = apiToken;
        this.file = file;
        this.generated = generated;
        this.expectedHash = sha256((projectId + ":" + apiToken).getBytes(StandardCharsets.UTF_8));
    }

    /** Credentials given on the command line, nothing stored. */
    public static ApiCredentials of(String projectId, String apiToken) {
        return new ApiCredentials(projectId, apiToken, null, false);
    }

    /**
     * The given options, completed from {@code dataDir/credentials.json}; the file is created (mode 600) when
     * an option is missing and it does not exist yet.
     */
    public static ApiCredentials resolve(Path dataDir, String projectId, String apiToken) throws IOException {
        if (projectId != null && apiToken != null) {
            return of(projectId, apiToken);
        }
        Path file = dataDir.resolve(FILE);
        ObjectMapper json = new ObjectMapper();
        boolean generated = false;
        if (!Files.exists(file)) {
            Files.createDirectories(dataDir);
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            String content = json.writeValueAsString(Map.of(
                    "project_id", UUID.randomUUID().toString(),
                    "api_token", "PT" + HexFormat.of().formatHex(secret)));
            writeOwnerOnly(file, content);
            generated = true;
        }
        JsonNode stored = json.readTree(file.toFile());
        if (stored == null || !stored.path("project_id").isTextual() || !stored.path("api_token").isTextual()) {
            throw new IOException(file + " must hold {\"project_id\": ..., \"api_token\": ...}");
        }
        return new ApiCredentials(projectId != null ? projectId : stored.get("project_id").textValue(),
                apiToken != null ? apiToken : stored.get("api_token").textValue(), file, generated);
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    public String projectId() {
        return projectId;
    }

    /** The token, for the one startup message after generating it; never log it otherwise. */
    public String apiToken() {
        return apiToken;
    }

    /** Where the credentials are stored, empty when they came from options. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** True when this start generated them. */
    public boolean generated() {
        return generated;
    }

    /**
     * Checks an {@code Authorization} header (RFC 7617). Both sides are hashed and compared with
     * {@link MessageDigest#isEqual}, so the time taken does not depend on how much of a wrong token matched.
     */
    public boolean authorizes(String authorization) {
        if (authorization == null || authorization.length() < 6
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(authorization.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(sha256(decoded), expectedHash);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE provides SHA-256", e);
        }
    }
}
