package io.gregor.faults;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A small filesystem of its own (tmpfs with {@code size=}, which needs no loop device) used as one
 * broker's {@code log.dirs}, so that the disk-full fault can fill it: {@link #fill()} writes a filler
 * file until the filesystem answers ENOSPC, {@link #free()} deletes it. Its mount point's name holds
 * {@value #MOUNT_MARKER}, so that a later run finds and unmounts what a killed run left mounted.
 * Not thread-safe: the fault thread owns it.
 */
final class LogDisk {
    static final String MOUNT_MARKER = "gft-disk-";
    private static final String FILLER = "gft-filler";
    private final Path mountPoint;

    private LogDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code sizeMb} MiB at {@code parent/gft-disk-<name>}. */
    static LogDisk mount(Path parent, String name, int sizeMb) throws IOException {
        Path mountPoint = Files.createDirectories(parent.resolve(MOUNT_MARKER + name));
        Shell.check("mount", "-t", "tmpfs", "-o", "size=" + sizeMb + "m", "tmpfs", mountPoint.toString());
        return new LogDisk(mountPoint);
    }

    /** The broker's log dir, a directory on the filesystem. */
    Path logDir() {
        return mountPoint.resolve("logs");
    }

    /** Fills the filesystem; returns the bytes the filler took. */
    long fill() throws IOException {
        long written = 0;
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(mountPoint.resolve(FILLER), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.APPEND)) {
            while (true) {
                chunk.clear();
                written += ch.write(chunk);
            }
        } catch (IOException e) {
            // ENOSPC ends the loop; a smaller chunk then takes what whole-MiB writes left.
            try (FileChannel ch = FileChannel.open(mountPoint.resolve(FILLER), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer small = ByteBuffer.allocate(4096);
                while (true) {
                    small.clear();
                    written += ch.write(small);
                }
            } catch (IOException full) {
                return written;
            }
        }
    }

    /** Free bytes left on the filesystem. */
    long usableBytes() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    /** Deletes the filler. */
    void free() throws IOException {
        Files.deleteIfExists(mountPoint.resolve(FILLER));
    }

    void unmount() {
        Shell.run("umount", "-l", mountPoint.toString());
    }

    /** Unmounts every mount point whose path holds {@value #MOUNT_MARKER}. */
    static void unmountLeftovers() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/mounts"), StandardCharsets.UTF_8)) {
                String[] parts = line.split(" ");
                if (parts.length > 1 && parts[1].contains("/" + MOUNT_MARKER)) {
                    Shell.run("umount", "-l", parts[1]);
                }
            }
        } catch (IOException e) {
            // No /proc/mounts: nothing was mounted by this suite on this machine.
        }
    }

    @Override
    public String toString() {
        return "tmpfs at " + mountPoint;
    }
}
