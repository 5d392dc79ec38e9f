package io.gregor.protocol.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.gregor.protocol.ApiRegistry;
import io.gregor.protocol.testing.Frames;
import io.gregor.protocol.testing.TestHandler;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pipeline on a real socket, where writes can be slower than the code that issues them. */
class NetworkServerTest {
    private static final int RESPONSE_RECORDS_BYTES = 8 * 1024 * 1024;
    private static final short FETCH_VERSION = 12;

    private final CountDownLatch handled = new CountDownLatch(1);
    private final NetworkServer server = new NetworkServer(1);

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldDeliverALargeResponseWholeBeforeClosingWhenItsHandlerAsksToClose() throws Exception {
        // Given a handler that answers with 8 MiB and then has the connection closed
        TestHandler<FetchRequestData> fetch = new TestHandler<>(ApiKeys.FETCH, FETCH_VERSION, FETCH_VERSION, (context, request) -> {
            context.closeConnection();
            handled.countDown();
            return CompletableFuture.completedFuture(bigResponse());
        });
        ApiRegistry registry = ApiRegistry.builder().register(fetch).build();
        InetSocketAddress address = server.bind(new NetworkServer.Listener("PLAINTEXT", "127.0.0.1", 0), registry,
            new NetworkServer.SocketSettings(16 * 1024, 0, 1024 * 1024));

        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(16 * 1024);
            socket.connect(address, 5000);
            socket.setSoTimeout(10_000);

            // When the client is slow to read (the socket takes only a little of the response at once)
            socket.getOutputStream().write(Frames.sized(Frames.request(new FetchRequestData().setReplicaId(-1), FETCH_VERSION, 1)));
            assertThat(handled.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(200);

            // Then it still receives the whole response before the end of the stream
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int size = in.readInt();
            long received = drain(in);
            assertThat(received).as("bytes of a %d-byte response before the connection closed", size).isEqualTo(size);
        }
    }

    private static long drain(InputStream in) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(chunk)) >= 0) {
            total += n;
        }
        return total;
    }

    private static ApiMessage bigResponse() {
        List<FetchResponseData.PartitionData> partitions = new ArrayList<>();
        // Raw bytes: the records are not looked at on the way out.
        partitions.add(new FetchResponseData.PartitionData().setPartitionIndex(0)
            .setRecords(MemoryRecords.readableRecords(ByteBuffer.allocate(RESPONSE_RECORDS_BYTES))));
        FetchResponseData response = new FetchResponseData();
        response.responses().add(new FetchResponseData.FetchableTopicResponse().setTopic("t").setPartitions(partitions));
        return response;
    }
}
