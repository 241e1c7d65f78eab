/**
 * Files the picture tests post: images recognised by their signatures (the
 * rest of the bytes vary with `seed`, so each picture has its own blob), and
 * a Windows program under an image's name.
 */

const SIGNATURES = {
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  jpeg: [0xff, 0xd8, 0xff, 0xe0],
  gif: [0x47, 0x49, 0x46, 0x38, 0x39, 0x61],
};

/** `size` bytes that start like a `kind` image. */
export function imageBytes(kind: keyof typeof SIGNATURES, size: number, seed = 1): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 17) & 0xff;
  Buffer.from(SIGNATURES[kind]).copy(bytes);
  return bytes;
}

/** A Windows program's first bytes: no image, whatever it is called. */
export const EXE_BYTES = Buffer.from("MZ\x90\x00\x03\x00\x00\x00 This program cannot be run in DOS mode.\r\n", "latin1");
