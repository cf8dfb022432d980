package dev.argus.transport.http;

import java.util.List;

/** A group of endpoints served by one handler class, which declares them itself. */
public interface Routes {
  List<Endpoint> endpoints();
}
