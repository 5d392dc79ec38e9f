package io.gregor.examples.springdemo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The seed's "kafka-project" on Gregor: {@code GET /profile/{name}} publishes a String to
 * {@value Topics#PROFILES}, {@code GET /post/{name}} a JSON {@link Post} to {@value Topics#POSTS};
 * two listeners in their own consumer groups print what arrives. See README.md.
 */
@SpringBootApplication
public class SpringDemoApplication {
    public static void main(String[] args) {
        SpringApplication.run(SpringDemoApplication.class, args);
    }
}
