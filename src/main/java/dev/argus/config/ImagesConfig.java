package dev.argus.config;

import java.util.Set;

/**
 * The {@code images} section: which decoder JPEGs go to. {@code auto} uses the system's
 * libturbojpeg when it can be loaded and ImageIO otherwise; {@code turbojpeg} refuses to start
 * without the library; {@code imageio} never uses it.
 */
public record ImagesConfig(String jpegDecoder) {
  public static final Set<String> JPEG_DECODERS = Set.of("auto", "turbojpeg", "imageio");

  public ImagesConfig {
    jpegDecoder = jpegDecoder == null ? "auto" : jpegDecoder.trim();
    Check.that(
        JPEG_DECODERS.contains(jpegDecoder),
        "jpeg_decoder",
        jpegDecoder,
        "auto, turbojpeg or imageio");
  }
}
