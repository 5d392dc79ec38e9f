package io.gregor.metadata.store;

/**
 * A controller's epoch and the version of the epoch record after the controller wrote it.
 * Writes fenced by {@code version} fail once a later controller has written its own epoch.
 */
public record ControllerEpoch(int epoch, int version) {
}
