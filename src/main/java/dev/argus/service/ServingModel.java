package dev.argus.service;

import dev.argus.batching.DynamicBatcher;
import dev.argus.model.LoadedModel;

/** A loaded model and the batcher its requests go through, published together when ready. */
public record ServingModel(LoadedModel model, DynamicBatcher batcher) {
  public String name() {
    return model.name();
  }

  public String version() {
    return model.version();
  }
}
