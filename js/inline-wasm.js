// Decoding for the inline entries (entry/inline.js, entry/tiered/inline.js): the
// .wasm travels as base64 inside a JS module, so any bundler or host that runs
// JS can load it without a file read, a fetch or a loader plugin. atob exists in
// browsers, Node 16+, Deno, Bun and workerd.

/** The bytes of a base64 string. */
export function bytesOfBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
