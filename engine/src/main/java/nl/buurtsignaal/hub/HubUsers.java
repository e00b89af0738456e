package nl.buurtsignaal.hub;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import nl.buurtsignaal.base.PrivateFiles;
import nl.buurtsignaal.base.UsageException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The hub's users file: one user a line, {@code name:role:argon2id-hash} (the hash in the PHC
 * string format). Only a memory-hard hash is stored, never a password; like the key file, the file
 * is refused when group or others may read it.
 */
public final class HubUsers {
    /** Argon2id, OWASP's minimum: 19 MiB of memory, 2 iterations, 1 lane. */
    private static final Argon2Function ARGON2 = Argon2Function.getInstance(19 * 1024, 2, 1, 32, Argon2.ID);
    private static final String NAME = "[A-Za-z0-9._-]{1,64}";
    /** Compared against when the name is unknown, so that a wrong name costs what a wrong password costs. */
    private static final String DUMMY = Password.hash("no such user").addRandomSalt(16).with(ARGON2).getResult();

    public record User(String name, Role role, String hash) {
    }

    private volatile Map<String, User> users;
    private final Path file;
    private volatile String stamp;
    private volatile long checkedAt;

    private HubUsers(Map<String, User> users, Path file) {
        this.users = users;
        this.file = file;
        this.stamp = stampOf(file);
        this.checkedAt = System.nanoTime();
    }

    public static HubUsers read(Path file) {
        return new HubUsers(parse(file), file);
    }

    /**
     * Reads the file again when it changed (checked at most once a second): a user removed or given
     * another role is no longer known as before, and their sessions end. A file that can no longer
     * be read, or has a bad line, knows no user until it is mended (closed, not open, on a mistake).
     */
    public void refresh() {
        long now = System.nanoTime();
        if (now - checkedAt < 1_000_000_000L) {
            return;
        }
        synchronized (this) {
            checkedAt = now;
            String current = stampOf(file);
            if (current.equals(stamp)) {
                return;
            }
            stamp = current;
            try {
                users = parse(file);
            } catch (UsageException e) {
                users = Map.of();
                System.err.println("users file changed and cannot be used, so no one can log in until it is mended: " + e.getMessage());
            }
        }
    }

    /** The file's modification time, size and inode, as one text: a change in any is a change. */
    private static String stampOf(Path file) {
        try {
            java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
            return a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + a.fileKey();
        } catch (IOException e) {
            return "missing";
        }
    }

    /** The role of a user as the file now says, after a {@link #refresh}; empty for a name that is no user's (any more). */
    public Optional<Role> roleOf(String name) {
        refresh();
        User user = name == null ? null : users.get(name);
        return user == null ? Optional.empty() : Optional.of(user.role());
    }

    private static Map<String, User> parse(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UsageException("users file not found: " + file + " (make one with: buurtsignaal hub-user add)");
        }
        PrivateFiles.refuseIfShared(file, "users file");
        Map<String, User> users = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("users file cannot be read: " + file);
        }
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.strip().split(":", 3);
            if (parts.length != 3 || !parts[0].matches(NAME) || !parts[2].startsWith("$argon2id$")) {
                throw new UsageException("users file " + file + " line " + n + " is not name:role:argon2id-hash");
            }
            try {
                users.put(parts[0], new User(parts[0], Role.of(parts[1]), parts[2]));
            } catch (IllegalArgumentException e) {
                throw new UsageException("users file " + file + " line " + n + ": " + e.getMessage());
            }
        }
        return users;
    }

    /** The user's role when the password is theirs; empty for a wrong name or password alike. */
    public Optional<User> verify(String name, String password) {
        refresh();
        User user = name == null ? null : users.get(name);
        String hash = user != null ? user.hash() : DUMMY;
        boolean ok = password != null && Password.check(password, hash).with(ARGON2);
        return user != null && ok ? Optional.of(user) : Optional.empty();
    }

    /** Whether a name is a user's. */
    public boolean knows(String name) {
        refresh();
        return name != null && users.containsKey(name);
    }

    public int size() {
        return users.size();
    }

    /**
     * Adds a user, or replaces that user's role and password, writing the file readable by its
     * owner only.
     */
    public static void add(Path file, String name, Role role, String password) {
        if (!name.matches(NAME)) {
            throw new UsageException("a user name is 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (password == null || password.length() < 12) {
            throw new UsageException("a password has at least 12 characters");
        }
        List<String> lines = new ArrayList<>();
        try {
            if (Files.exists(file)) {
                PrivateFiles.refuseIfShared(file, "users file");
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.startsWith(name + ":")) {
                        lines.add(line);
                    }
                }
            }
            lines.add(name + ":" + role.id() + ":" + Password.hash(password).addRandomSalt(16).with(ARGON2).getResult());
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".users", ".tmp");
            PrivateFiles.restrictToOwner(tmp);
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UsageException("users file cannot be written: " + file);
        }
    }
}
