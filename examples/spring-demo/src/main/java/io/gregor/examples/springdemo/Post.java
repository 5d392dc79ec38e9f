package io.gregor.examples.springdemo;

/** The JSON message of {@code GET /post/{name}}: written by Spring's JSON serializer, read back into this type. */
public record Post(String author, String title, String body) {
}
