package io.gregor.examples.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The parts of Kafka Connect's REST API the tests use, as a user would call them with curl. */
final class ConnectRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ConnectRest() {
    }

    /** {@code PUT /connectors/<name>/config}: creates or updates a connector. */
    static void putConnector(String baseUrl, String name, Map<String, String> config) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + "/connectors/" + name + "/config"))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(config))));
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new IllegalStateException("PUT " + name + " config: " + response.statusCode() + " " + response.body());
        }
    }

    /** {@code GET path}, or null if the worker does not answer (yet) with 200. */
    static JsonNode get(String baseUrl, String path) {
        try {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A connector's status: connector and tasks, each with its state and worker. */
    record Status(String connectorState, String connectorWorker, List<String> taskStates, List<String> taskWorkers) {
        boolean allRunning(int tasks) {
            return "RUNNING".equals(connectorState) && taskStates.size() == tasks && taskStates.stream().allMatch("RUNNING"::equals);
        }
    }

    /** {@code GET /connectors/<name>/status}, or null if not available. */
    static Status status(String baseUrl, String name) {
        JsonNode node = get(baseUrl, "/connectors/" + name + "/status");
        if (node == null) {
            return null;
        }
        List<String> states = new ArrayList<>();
        List<String> workers = new ArrayList<>();
        for (JsonNode task : node.path("tasks")) {
            states.add(task.path("state").asText());
            workers.add(task.path("worker_id").asText());
        }
        return new Status(node.path("connector").path("state").asText(), node.path("connector").path("worker_id").asText(), states, workers);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
