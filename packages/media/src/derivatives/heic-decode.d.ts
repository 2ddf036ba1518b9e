// The parts of heic-decode (no bundled types) that Keepsake uses; see its README.
declare module 'heic-decode' {
  interface DecodedImage {
    readonly width: number;
    readonly height: number;
    /** RGBA, 4 bytes a pixel. */
    readonly data: Uint8ClampedArray;
  }

  /** An image whose header has been read but whose pixels have not been decoded yet. */
  interface UndecodedImage {
    readonly width: number;
    readonly height: number;
    decode(): Promise<DecodedImage>;
  }

  interface HeicDecode {
    (input: { buffer: Uint8Array }): Promise<DecodedImage>;
    /** The images in the file, undecoded; call `dispose()` when done to free libheif's memory. */
    all(input: { buffer: Uint8Array }): Promise<UndecodedImage[] & { dispose(): void }>;
  }

  const decode: HeicDecode;
  export default decode;
}
