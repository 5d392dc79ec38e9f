package io.gregor.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gregor.protocol.testing.RecordingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseEncoderTest {
    private static final short FETCH_VERSION = 12;

    private final RecordingAllocator allocator = new RecordingAllocator();

    @Test
    void shouldPassMemoryRecordsThroughWithoutCopyingThem() throws IOException {
        // Given
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "v".getBytes()));

        // When
        List<Object> parts = encode(fetchResponse(records), FETCH_VERSION);

        // Then: fixed fields, the records buffer itself, fixed fields
        assertThat(parts).hasSize(3);
        ByteBuf recordsPart = (ByteBuf) parts.get(1);
        assertThat(recordsPart.array()).as("the records' own array").isSameAs(records.buffer().array());
        assertThat(recordsPart.readableBytes()).isEqualTo(records.sizeInBytes());
        FetchResponseData decoded = decodeFetch(wireBytes(parts));
        assertThat(partition(decoded).records()).isEqualTo(records);
    }

    @Test
    void shouldSendFileRegionRecordsAsAFileRegionWhoseReleaseLeavesTheSegmentOpen(@TempDir Path dir) throws IOException {
        // Given a "segment" and a slice of it
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("key".getBytes(), "from a file".getBytes()));
        Path file = dir.resolve("00000000000000000000.log");
        byte[] prefix = "junk".getBytes(StandardCharsets.UTF_8);
        Files.write(file, concat(prefix, bytes(batch.buffer())));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            FileRegionRecords slice = new FileRegionRecords(channel, prefix.length, batch.sizeInBytes());

            // When
            List<Object> parts = encode(fetchResponse(slice), FETCH_VERSION);

            // Then
            assertThat(parts).hasSize(3);
            assertThat(parts.get(1)).isInstanceOf(FileRegion.class);
            FileRegion region = (FileRegion) parts.get(1);
            assertThat(region.position()).isEqualTo(prefix.length);
            assertThat(region.count()).isEqualTo(batch.sizeInBytes());
            FetchResponseData decoded = decodeFetch(wireBytes(parts));
            assertThat(partition(decoded).records()).isEqualTo(batch);
            assertThat(region.refCnt()).as("released once written").isZero();
            assertThat(channel.isOpen()).as("the log segment's channel").isTrue();
        }
    }

    @Test
    void shouldWriteASizePrefixEqualToTheBytesThatFollow() throws IOException {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "value".getBytes()));
        for (short version = ApiKeys.FETCH.oldestVersion(); version <= 18; version++) {
            FetchResponseData response = fetchResponse(records);
            if (version >= 13) {
                response.responses().get(0).setTopic("").setTopicId(org.apache.kafka.common.Uuid.randomUuid());
            }

            ByteBuffer wire = ByteBuffer.wrap(wireBytes(encode(response, version)));

            assertThat(wire.getInt()).as("size prefix at v%d", version).isEqualTo(wire.remaining());
        }
    }

    @Test
    void shouldWriteHeaderTaggedFieldsOnlyForHeaderVersionOne() {
        ApiVersionsResponseData body = new ApiVersionsResponseData();

        ByteBuffer v0 = ByteBuffer.wrap(wireBytes(ResponseEncoder.encode(allocator, 42, (short) 0, body, (short) 3)));
        ByteBuffer v1 = ByteBuffer.wrap(wireBytes(ResponseEncoder.encode(allocator, 42, (short) 1, body, (short) 3)));

        assertThat(v1.remaining()).as("one byte for the empty tagged fields").isEqualTo(v0.remaining() + 1);
        v0.getInt();
        v1.getInt();
        assertThat(ResponseHeader.parse(v0, (short) 0).correlationId()).isEqualTo(42);
        assertThat(ResponseHeader.parse(v1, (short) 1).correlationId()).isEqualTo(42);
        assertThat(v0).as("same body after the header").isEqualTo(v1);
    }

    @Test
    void shouldReleaseWhatItAllocatedWhenTheResponseCannotBeEncoded() {
        // Given a first partition with records, then one with a field v10 does not have
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("k".getBytes(), "v".getBytes()));
        FetchResponseData response = fetchResponse(records);
        response.responses().get(0).partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(1)
            .setPreferredReadReplica(3).setRecords(MemoryRecords.EMPTY));

        // When
        assertThatThrownBy(() -> ResponseEncoder.encode(allocator, 1, (short) 0, response, (short) 10))
            .isInstanceOf(UnsupportedVersionException.class);

        // Then
        assertThat(allocator.allocated()).isNotEmpty().allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    private List<Object> encode(FetchResponseData response, short version) {
        return ResponseEncoder.encode(allocator, 7, ApiKeys.FETCH.responseHeaderVersion(version), response, version);
    }

    private static FetchResponseData fetchResponse(BaseRecords records) {
        FetchResponseData response = new FetchResponseData().setSessionId(0);
        response.responses().add(new FetchResponseData.FetchableTopicResponse().setTopic("t").setPartitions(new java.util.ArrayList<>(List.of(
            new FetchResponseData.PartitionData().setPartitionIndex(0).setHighWatermark(1).setRecords(records)))));
        return response;
    }

    private static FetchResponseData.PartitionData partition(FetchResponseData response) {
        return response.responses().get(0).partitions().get(0);
    }

    private static FetchResponseData decodeFetch(byte[] wire) {
        ByteBuffer buffer = ByteBuffer.wrap(wire);
        assertThat(buffer.getInt()).isEqualTo(buffer.remaining());
        assertThat(ResponseHeader.parse(buffer, ApiKeys.FETCH.responseHeaderVersion(FETCH_VERSION)).correlationId()).isEqualTo(7);
        FetchResponseData data = new FetchResponseData(new ByteBufferAccessor(buffer), FETCH_VERSION);
        assertThat(buffer.remaining()).isZero();
        return data;
    }

    /** What the channel would send, releasing each part as the channel does once it is written. */
    private static byte[] wireBytes(List<Object> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (WritableByteChannel sink = Channels.newChannel(out)) {
            for (Object part : parts) {
                if (part instanceof ByteBuf buf) {
                    buf.getBytes(buf.readerIndex(), out, buf.readableBytes());
                } else {
                    FileRegion region = (FileRegion) part;
                    while (region.transferred() < region.count()) {
                        region.transferTo(sink, region.transferred());
                    }
                }
                ReferenceCountUtil.release(part);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }
}
