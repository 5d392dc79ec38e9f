package io.gregor.storage.util;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Positional file reads that fill their buffer ({@link FileChannel#read} may return fewer bytes). */
public final class FileChannels {
    private FileChannels() {
    }

    /**
     * Reads from {@code position} until {@code buffer} is full or the file ends; the buffer's
     * position advances by the bytes read.
     *
     * @return the number of bytes read (less than asked only at the end of the file)
     */
    public static int readUpTo(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                break;
            }
            at += n;
        }
        return (int) (at - position);
    }

    /**
     * Reads exactly {@code buffer.remaining()} bytes from {@code position}.
     *
     * @throws EOFException when the file ends first (a segment shorter than its committed size)
     */
    public static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        int wanted = buffer.remaining();
        int read = readUpTo(channel, buffer, position);
        if (read < wanted) {
            throw new EOFException("File ended at " + (position + read) + ", " + (wanted - read) + " bytes short of "
                + (position + wanted));
        }
    }
}
