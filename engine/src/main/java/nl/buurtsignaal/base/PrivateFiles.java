package nl.buurtsignaal.base;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** Files only their owner may read: the key file, the hub's users file. */
public final class PrivateFiles {
    private PrivateFiles() {
    }

    /** Refuses a file that group or others may access, naming the fix; {@code what} names the file's kind. */
    public static void refuseIfShared(Path file, String what) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // no POSIX permissions on this file system: nothing to check
        } catch (IOException e) {
            throw new UsageException(what + " cannot be read: " + file);
        }
        for (PosixFilePermission p : permissions) {
            if (p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_")) {
                throw new UsageException(what + " " + file + " is accessible to group or others; make it private first: chmod 600 " + file);
            }
        }
    }

    /** Makes a file readable and writable by its owner only (where the file system has POSIX permissions). */
    public static void restrictToOwner(Path file) {
        try {
            Files.setPosixFilePermissions(file, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: nothing to restrict
        }
    }
}
