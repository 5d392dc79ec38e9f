package io.gregor.testkit;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The JUnit 5 extension behind {@link GregorCluster}: one cluster per test class, started in
 * {@code beforeAll} (or when a {@code PER_CLASS} instance is created, whichever comes first) and
 * closed in {@code afterAll}; injected into {@link GregorTestCluster} fields and parameters.
 *
 * <p>Registered with {@code @ExtendWith(GregorClusterExtension.class)} and no annotation, it
 * starts a cluster with the annotation's defaults (one broker, one partition per topic).
 *
 * <p>In a Spring test (one that uses Spring's {@code SpringExtension}) it steps aside: the
 * cluster is the Spring context's (see {@code io.gregor.testkit.spring}), reached with
 * {@code @Autowired}. Spring is detected by name, so this class needs no Spring on the class path.
 */
public final class GregorClusterExtension implements BeforeAllCallback, AfterAllCallback, TestInstancePostProcessor, ParameterResolver {
    private static final Namespace NAMESPACE = Namespace.create(GregorClusterExtension.class);
    private static final String SPRING_EXTENSION = "org.springframework.test.context.junit.jupiter.SpringExtension";
    private static final ClusterSpec DEFAULT_SPEC = new ClusterSpec(1, 1, List.of(), Map.of(), null);

    @Override
    public void beforeAll(ExtensionContext context) {
        if (isSpringTest(context)) {
            return;
        }
        GregorTestCluster cluster = clusterFor(context);
        for (Field field : clusterFields(context.getRequiredTestClass(), true)) {
            set(field, null, cluster);
        }
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) {
        if (isSpringTest(context)) {
            return;
        }
        GregorTestCluster cluster = clusterFor(context);
        for (Field field : clusterFields(testInstance.getClass(), false)) {
            set(field, testInstance, cluster);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Owned owned = context.getStore(NAMESPACE).remove(context.getRequiredTestClass(), Owned.class);
        if (owned != null) {
            owned.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == GregorTestCluster.class && !isSpringTest(extensionContext);
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return clusterFor(extensionContext);
    }

    /**
     * A cluster started for, and closed with, one test class. {@code afterAll} closes it; if that
     * never runs (a {@code PER_CLASS} test instance failed after the cluster started), JUnit
     * closes it with the class's store, as it does every {@link AutoCloseable} value there.
     */
    private record Owned(GregorTestCluster cluster) implements AutoCloseable {
        @Override
        public void close() {
            cluster.close();
        }
    }

    /**
     * The cluster of the test class of {@code context}: its own if the class carries
     * {@link GregorCluster} (started now if need be), else that of the enclosing class of a
     * {@code @Nested} class, else a new one with the default spec.
     */
    private static GregorTestCluster clusterFor(ExtensionContext context) {
        ExtensionContext classContext = classContext(context);
        Class<?> testClass = classContext.getRequiredTestClass();
        ExtensionContext.Store store = classContext.getStore(NAMESPACE);
        Owned owned = store.get(testClass, Owned.class);
        if (owned != null) {
            return owned.cluster();
        }
        Optional<GregorCluster> annotation = AnnotationSupport.findAnnotation(testClass, GregorCluster.class);
        if (annotation.isEmpty()) {
            Optional<ExtensionContext> enclosing = classContext.getParent().filter(p -> p.getTestClass().isPresent());
            if (enclosing.isPresent()) {
                return clusterFor(enclosing.get());
            }
        }
        GregorTestCluster cluster = GregorTestCluster.start(annotation.map(ClusterSpec::of).orElse(DEFAULT_SPEC));
        store.put(testClass, new Owned(cluster));
        return cluster;
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    /** Whether Spring's extension runs this test class (directly, meta-annotated or on an enclosing class). */
    private static boolean isSpringTest(ExtensionContext context) {
        for (Class<?> c = classContext(context).getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
            for (ExtendWith extendWith : AnnotationSupport.findRepeatableAnnotations(c, ExtendWith.class)) {
                for (Class<?> extension : extendWith.value()) {
                    if (extension.getName().equals(SPRING_EXTENSION)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static List<Field> clusterFields(Class<?> type, boolean isStatic) {
        return ReflectionSupport.findFields(type,
            // Final fields were assigned by the test itself (from a constructor parameter, say).
            f -> f.getType() == GregorTestCluster.class && Modifier.isStatic(f.getModifiers()) == isStatic
                && !Modifier.isFinal(f.getModifiers()),
            HierarchyTraversalMode.TOP_DOWN);
    }

    private static void set(Field field, Object target, GregorTestCluster cluster) {
        try {
            field.setAccessible(true);
            field.set(target, cluster);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExtensionConfigurationException("Cannot inject the Gregor test cluster into " + field, e);
        }
    }
}
