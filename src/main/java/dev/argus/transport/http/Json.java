package dev.argus.transport.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argus.service.ArgusException;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The JSON mapper of the HTTP layer, with limits that keep hostile bodies cheap to refuse. */
public final class Json {
  public static final ObjectMapper MAPPER = newMapper();

  private Json() {}

  private static ObjectMapper newMapper() {
    ObjectMapper mapper = new ObjectMapper();
    // Nesting far deeper than any request needs is refused, not walked into a stack overflow.
    mapper
        .getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    return mapper;
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a request body, mapping malformed JSON to a 400 that says where it broke. */
  public static JsonNode parse(byte[] body) {
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new ArgusException.InvalidInput("request body is empty (expected: a JSON object)");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new ArgusException.InvalidInput(
          "request body is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ArgusException.InvalidInput("request body could not be read: " + e.getMessage(), e);
    }
  }
}
