package io.gregor.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultFileRegion;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * A {@link Writable} that serialises a Kafka message into Netty objects without copying
 * record payloads.
 *
 * <p>Fixed fields go into one pre-sized buffer ({@code head}); record sets become separate
 * parts: {@link MemoryRecords} are wrapped (no copy) and {@link FileRegionRecords} become
 * {@link DefaultFileRegion}s whose {@code deallocate} does not close the segment's channel.
 * {@link #parts()} returns the parts in wire order; the caller owns them and passes them to
 * the channel, which releases them once written. If writing fails, {@link #releaseAll()}
 * releases everything instead.
 *
 * <p>Not thread-safe; one instance per response.
 */
final class NettyWritable implements Writable {
    private final ByteBuf head;
    private final List<Object> parts = new ArrayList<>(4);
    private int sliceStart;

    NettyWritable(ByteBuf head) {
        this.head = head;
    }

    @Override public void writeByte(byte val) { head.writeByte(val); }
    @Override public void writeShort(short val) { head.writeShort(val); }
    @Override public void writeInt(int val) { head.writeInt(val); }
    @Override public void writeLong(long val) { head.writeLong(val); }
    @Override public void writeDouble(double val) { head.writeDouble(val); }
    @Override public void writeByteArray(byte[] arr) { head.writeBytes(arr); }
    @Override public void writeByteBuffer(ByteBuffer buf) { head.writeBytes(buf.duplicate()); }

    @Override
    public void writeUnsignedVarint(int i) {
        while ((i & 0xFFFFFF80) != 0) {
            head.writeByte((i & 0x7F) | 0x80);
            i >>>= 7;
        }
        head.writeByte(i);
    }

    @Override
    public void writeVarint(int i) {
        writeUnsignedVarint((i << 1) ^ (i >> 31));
    }

    @Override
    public void writeVarlong(long v) {
        long value = (v << 1) ^ (v >> 63);
        while ((value & 0xFFFFFFFFFFFFFF80L) != 0L) {
            head.writeByte(((int) value & 0x7F) | 0x80);
            value >>>= 7;
        }
        head.writeByte((byte) value);
    }

    @Override
    public void writeRecords(BaseRecords records) {
        if (records instanceof FileRegionRecords file) {
            if (file.sizeInBytes() == 0) {
                return;
            }
            cutHead();
            parts.add(new UnownedFileRegion(file));
        } else if (records instanceof MemoryRecords memory) {
            ByteBuffer buffer = memory.buffer();
            if (!buffer.hasRemaining()) {
                return;
            }
            cutHead();
            parts.add(Unpooled.wrappedBuffer(buffer.duplicate()));
        } else {
            throw new IllegalArgumentException("Unsupported records type " + records.getClass().getName());
        }
    }

    private void cutHead() {
        int end = head.writerIndex();
        if (end > sliceStart) {
            parts.add(head.retainedSlice(sliceStart, end - sliceStart));
        }
        sliceStart = end;
    }

    /** Finishes writing and returns the parts; releases this writer's reference to the head buffer. */
    List<Object> parts() {
        cutHead();
        head.release();
        return parts;
    }

    /** Gives up: releases the parts cut so far and the head buffer (when writing the message failed). */
    void releaseAll() {
        for (Object part : parts) {
            ReferenceCountUtil.release(part);
        }
        parts.clear();
        head.release();
    }

    /** A file region over a segment channel that Netty must not close when released. */
    private static final class UnownedFileRegion extends DefaultFileRegion {
        UnownedFileRegion(FileRegionRecords slice) {
            super(slice.channel(), slice.position(), slice.sizeInBytes());
        }

        @Override
        protected void deallocate() {
            // The log segment owns the channel.
        }
    }
}
