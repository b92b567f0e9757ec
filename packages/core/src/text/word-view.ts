// Four bytes at a time from a byte array: a DataView reads an unaligned 32-bit word in one load,
// where four indexed reads, shifts and ors were four loads. Hashing and comparing keys read the same
// few arrays over and over (the line reader's buffer above all), so the last array's view is kept,
// and a new one is made only when the array is another object.

let lastArray: Uint8Array | null = null;
let lastView: DataView = new DataView(new ArrayBuffer(0));

/** A DataView of exactly buf's bytes: view.getInt32(i, true) reads buf[i..i+3] as one word. */
export function wordView(buf: Uint8Array): DataView {
  if (buf !== lastArray) {
    lastView = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    lastArray = buf;
  }
  return lastView;
}
