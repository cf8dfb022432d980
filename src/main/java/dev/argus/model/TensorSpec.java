package dev.argus.model;

import dev.argus.tensor.DataType;
import dev.argus.tensor.Shape;

/** A model input or output as the model declares it; {@code -1} marks a dynamic dimension. */
public record TensorSpec(String name, DataType type, Shape shape) {}
