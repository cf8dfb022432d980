package dev.argus.bench;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;

/** java -cp BENCH_CLASSPATH dev.argus.bench.ResizeJpeg IN OUT SIZE: a SIZExSIZE JPEG of IN, as a client that resizes sends. */
public class ResizeJpeg {
  public static void main(String[] args) throws Exception {
    int size = Integer.parseInt(args[2]);
    BufferedImage in = ImageIO.read(new File(args[0]));
    BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(in, 0, 0, size, size, null);
    g.dispose();
    ImageIO.write(out, "jpg", new File(args[1]));
  }
}
