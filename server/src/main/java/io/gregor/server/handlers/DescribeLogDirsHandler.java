package io.gregor.server.handlers;

import io.gregor.protocol.ApiHandler;
import io.gregor.protocol.ApiVersionRange;
import io.gregor.protocol.RequestContext;
import io.gregor.storage.log.Log;
import io.gregor.storage.log.LogManager;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/** DescribeLogDirs: per log directory, its partitions' sizes and free/total space. */
public final class DescribeLogDirsHandler implements ApiHandler<DescribeLogDirsRequestData> {
    private final LogManager logManager;
    private final List<File> logDirs;

    public DescribeLogDirsHandler(LogManager logManager, List<File> logDirs) {
        this.logManager = logManager;
        this.logDirs = logDirs;
    }

    @Override
    public ApiVersionRange versions() {
        return ApiVersionRange.of(ApiKeys.DESCRIBE_LOG_DIRS, 1, 5);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, DescribeLogDirsRequestData request) {
        DescribeLogDirsResponseData response = new DescribeLogDirsResponseData();
        for (File dir : logDirs) {
            DescribeLogDirsResponseData.DescribeLogDirsResult result = new DescribeLogDirsResponseData.DescribeLogDirsResult()
                .setLogDir(dir.getAbsolutePath()).setErrorCode(Errors.NONE.code())
                .setTotalBytes(dir.getTotalSpace()).setUsableBytes(dir.getUsableSpace());
            Map<String, DescribeLogDirsResponseData.DescribeLogDirsTopic> topics = new LinkedHashMap<>();
            for (Log log : logManager.allLogs()) {
                if (!log.dir().getParentFile().getAbsoluteFile().equals(dir.getAbsoluteFile())) {
                    continue;
                }
                String topic = log.topicPartition().topic();
                int partition = log.topicPartition().partition();
                if (request.topics() != null) {
                    DescribeLogDirsRequestData.DescribableLogDirTopic wanted = request.topics().find(topic);
                    if (wanted == null || !wanted.partitions().contains(partition)) {
                        continue;
                    }
                }
                topics.computeIfAbsent(topic, n -> new DescribeLogDirsResponseData.DescribeLogDirsTopic().setName(n))
                    .partitions().add(new DescribeLogDirsResponseData.DescribeLogDirsPartition().setPartitionIndex(partition)
                        .setPartitionSize(log.size()).setOffsetLag(Math.max(0, log.logEndOffset() - log.highWatermark()))
                        .setIsFutureKey(false));
            }
            result.setTopics(new java.util.ArrayList<>(topics.values()));
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(response);
    }
}
