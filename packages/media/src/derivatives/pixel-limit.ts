/**
 * Refuses an image whose header asks for more pixels than `maxPixels`, before any pixel is
 * decoded: a small file can declare a huge canvas (a pixel flood) and exhaust memory.
 */
export function assertWithinPixelLimit(width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) {
    throw new Error(`${width}×${height} pixels exceeds the pixel limit of ${maxPixels}`);
  }
}
