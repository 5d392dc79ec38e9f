package io.gregor.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a real broker advertises in ApiVersions, compared with the checked-in table
 * {@code server/src/test/resources/api-versions.txt}.
 *
 * <p>A whole broker, not a list of handlers built here: the registry is assembled in
 * {@link Broker}'s startup, and a list kept in a test would miss a handler added there. So the
 * question goes over the wire, as a client asks it, to a broker with an embedded ZooKeeper.
 */
class ApiVersionsTableIT {
    private static final String TABLE = "api-versions.txt";
    private static final short API_VERSIONS_VERSION = 3;

    @TempDir
    static Path dir;
    private static Broker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = Broker.start(BrokerConfig.from(Map.of(
            "listeners", "PLAINTEXT://127.0.0.1:0",
            "zookeeper.embedded.port", "0",
            "log.dir", dir.resolve("logs").toString(),
            "zookeeper.embedded.data.dir", dir.resolve("zookeeper").toString())));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldAdvertiseExactlyTheVersionsOfTheCheckedInTable() throws IOException {
        ApiVersionsResponseData response = askApiVersions();

        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        List<String> advertised = response.apiKeys().stream()
            .sorted(Comparator.comparingInt(ApiVersionsResponseData.ApiVersion::apiKey))
            .map(v -> ApiKeys.forId(v.apiKey()).name() + " " + v.minVersion() + " " + v.maxVersion())
            .toList();
        assertThat(advertised)
            .as("The broker's ApiVersions answer differs from server/src/test/resources/%s.%n"
                + "Each handler states its range in versions(). If you changed a range on purpose "
                + "(or added or removed a handler), update the table to the answer below, one 'API_NAME min max' "
                + "per line in api key order, and say in the commit why the broker now handles those versions.%n"
                + "If you did not (for example after a kafka-clients upgrade), a handler's range must not move.%n"
                + "Advertised now:%n%s%n", TABLE, String.join(System.lineSeparator(), advertised))
            .containsExactlyElementsOf(table());
    }

    private static List<String> table() {
        try (InputStream in = ApiVersionsTableIT.class.getResourceAsStream("/" + TABLE)) {
            assertThat(in).as("%s on the test classpath", TABLE).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(line -> line.replaceAll("\\s+", " "))
                .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiVersionsResponseData askApiVersions() throws IOException {
        String[] hostPort = broker.bootstrapServers().split(",")[0].split(":");
        try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            socket.setSoTimeout(10_000);
            RequestHeaderData header = new RequestHeaderData().setRequestApiKey(ApiKeys.API_VERSIONS.id)
                .setRequestApiVersion(API_VERSIONS_VERSION).setCorrelationId(1).setClientId("api-versions-table");
            ByteBuffer request = RequestUtils.serialize(header, ApiKeys.API_VERSIONS.requestHeaderVersion(API_VERSIONS_VERSION),
                new ApiVersionsRequestData().setClientSoftwareName("gregor-test").setClientSoftwareVersion("1"), API_VERSIONS_VERSION);
            ByteBuffer frame = ByteBuffer.allocate(4 + request.remaining()).putInt(request.remaining()).put(request);
            socket.getOutputStream().write(frame.array());

            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            ByteBuffer response = ByteBuffer.wrap(payload);
            // ApiVersions responses always use header v0, whatever version was asked.
            assertThat(ResponseHeader.parse(response, (short) 0).correlationId()).isEqualTo(1);
            return new ApiVersionsResponseData(new ByteBufferAccessor(response), API_VERSIONS_VERSION);
        }
    }
}
