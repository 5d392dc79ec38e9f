package io.gregor.testkit.spring;

import io.gregor.testkit.ClusterSpec;
import io.gregor.testkit.GregorCluster;
import java.util.List;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Gives a Spring test class annotated with {@link GregorCluster} a cluster of its own
 * application context. Registered in {@code META-INF/spring.factories}, so Spring's test
 * framework finds it whenever this jar is on the class path; other test classes are untouched.
 */
public final class GregorClusterContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        // Also finds the annotation on enclosing classes of @Nested tests, as Spring does for its own.
        GregorCluster annotation = TestContextAnnotationUtils.findMergedAnnotation(testClass, GregorCluster.class);
        return annotation == null ? null : new GregorClusterContextCustomizer(ClusterSpec.of(annotation));
    }
}
