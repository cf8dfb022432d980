package dev.argus.model;

import dev.argus.config.ModelSettings;
import java.util.List;

/** A model that is loaded and warmed up, with what the service needs to use it. */
public record LoadedModel(
    String name, String version, ModelSettings settings, Model model, List<String> labels) {
  public LoadedModel {
    labels = List.copyOf(labels);
  }
}
