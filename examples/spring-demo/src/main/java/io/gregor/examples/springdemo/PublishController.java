package io.gregor.examples.springdemo;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The two endpoints. Each waits for the broker's acknowledgement, so that it can answer with
 * the partition and offset the record got.
 */
@RestController
public class PublishController {
    private final KafkaTemplate<String, String> profiles;
    private final KafkaTemplate<String, Post> posts;

    public PublishController(KafkaTemplate<String, String> profileTemplate, KafkaTemplate<String, Post> postTemplate) {
        this.profiles = profileTemplate;
        this.posts = postTemplate;
    }

    /** Publishes a String about the profile to {@value Topics#PROFILES}, keyed by the name. */
    @GetMapping("/profile/{name}")
    public Published<String> profile(@PathVariable String name) throws InterruptedException, ExecutionException, TimeoutException {
        String message = "Profile of " + name + " was viewed";
        var result = profiles.send(Topics.PROFILES, name, message).get(10, TimeUnit.SECONDS);
        return Published.of(name, message, result.getRecordMetadata());
    }

    /** Publishes a {@link Post} by that author to {@value Topics#POSTS} as JSON, keyed by the name. */
    @GetMapping("/post/{name}")
    public Published<Post> post(@PathVariable String name) throws InterruptedException, ExecutionException, TimeoutException {
        Post post = new Post(name, "Hello from " + name, "Published through Spring for Apache Kafka, stored by Gregor.");
        var result = posts.send(Topics.POSTS, name, post).get(10, TimeUnit.SECONDS);
        return Published.of(name, post, result.getRecordMetadata());
    }
}
