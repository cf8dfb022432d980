package dev.argus.transport.http;

import dev.argus.service.ArgusException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.RequestContext;

/** Reads the parts of a {@code multipart/form-data} body that is already in memory. */
final class Multipart {
  private Multipart() {}

  /** Part name to content, for every part; a repeated name keeps the first part. */
  static Map<String, byte[]> parts(String contentType, byte[] body) {
    Map<String, byte[]> parts = new HashMap<>();
    try {
      FileItemInputIterator items = new Upload().getItemIterator(new InMemory(contentType, body));
      while (items.hasNext()) {
        FileItemInput item = items.next();
        try (InputStream in = item.getInputStream()) {
          byte[] content = in.readAllBytes();
          if (item.getFieldName() != null) {
            parts.putIfAbsent(item.getFieldName(), content);
          }
        }
      }
      return parts;
    } catch (FileUploadException e) {
      throw new ArgusException.InvalidInput("multipart body is malformed: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new ArgusException.InvalidInput("multipart body is malformed: " + e.getMessage(), e);
    }
  }

  /** The upload parser, used only for its streaming iterator over an in-memory body. */
  private static final class Upload
      extends AbstractFileUpload<RequestContext, DiskFileItem, DiskFileItemFactory> {
    @Override
    public FileItemInputIterator getItemIterator(RequestContext request)
        throws FileUploadException, IOException {
      return super.getItemIterator(request);
    }

    @Override
    public Map<String, java.util.List<DiskFileItem>> parseParameterMap(RequestContext request) {
      throw new UnsupportedOperationException("only streaming is used");
    }

    @Override
    public java.util.List<DiskFileItem> parseRequest(RequestContext request) {
      throw new UnsupportedOperationException("only streaming is used");
    }
  }

  private record InMemory(String contentType, byte[] body) implements RequestContext {
    @Override
    public String getCharacterEncoding() {
      return "UTF-8";
    }

    @Override
    public long getContentLength() {
      return body.length;
    }

    @Override
    public String getContentType() {
      return contentType;
    }

    @Override
    public InputStream getInputStream() {
      return new ByteArrayInputStream(body);
    }

    @Override
    public boolean isMultipartRelated() {
      return false;
    }
  }
}
