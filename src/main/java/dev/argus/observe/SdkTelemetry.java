package dev.argus.observe;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;

/**
 * Reads the SDK's own metrics on demand: {@code processedSpans{dropped=true}} from the batch span
 * processor and {@code *.exporter.exported{success=false}} from the OTLP exporter.
 */
final class SdkTelemetry implements MetricReader {
  private volatile CollectionRegistration registration = CollectionRegistration.noop();

  @Override
  public void register(CollectionRegistration registration) {
    this.registration = registration;
  }

  long dropped(String reason) {
    long total = 0;
    for (MetricData m : registration.collectAllMetrics()) {
      if (m.getType() != MetricDataType.LONG_SUM) {
        continue;
      }
      boolean queue = reason.equals(Tracing.QUEUE_FULL) && m.getName().equals("processedSpans");
      boolean export =
          reason.equals(Tracing.EXPORT_FAILED) && m.getName().endsWith(".exporter.exported");
      if (!queue && !export) {
        continue;
      }
      for (LongPointData p : m.getLongSumData().getPoints()) {
        Attributes a = p.getAttributes();
        if (queue && Boolean.TRUE.equals(a.get(AttributeKey.booleanKey("dropped")))
            || export
                && Boolean.FALSE.equals(a.get(AttributeKey.booleanKey("success")))
                && "span".equals(a.get(AttributeKey.stringKey("type")))) {
          total += p.getValue();
        }
      }
    }
    return total;
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType type) {
    return AggregationTemporality.CUMULATIVE;
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
