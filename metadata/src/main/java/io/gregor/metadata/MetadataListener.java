package io.gregor.metadata;

/** Told about every newly published {@link MetadataImage}, in order, on the metadata thread. */
@FunctionalInterface
public interface MetadataListener {
    void onMetadataUpdate(MetadataImage previous, MetadataImage current);
}
