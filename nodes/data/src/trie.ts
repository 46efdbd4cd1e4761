/**
 * A read-only trie over UTF-16 code units, laid out in typed arrays so a few hundred thousand
 * dictionary keys cost tens of megabytes, not the hundreds a tree of Maps would. Built once from
 * the sorted keys in linear time; each node's edges are contiguous and sorted, so a step is a binary search.
 */
export class CompactTrie {
  private readonly firstEdge: Int32Array;
  private readonly edgeCount: Int32Array;
  private readonly value: Int32Array;
  private readonly edgeChar: Uint16Array;
  private readonly edgeTarget: Int32Array;
  readonly size: number;

  /** @param entries key → value (≥ 0); duplicate keys are the caller's to merge first. */
  constructor(entries: Map<string, number>) {
    const keys = [...entries.keys()].filter((k) => k.length > 0).sort();
    let total = 1;
    for (const k of keys) total += k.length;
    // Pass 1: insert the sorted keys, each sharing its prefix with the one before (siblings arrive in order).
    const char = new Uint16Array(total);
    const firstChild = new Int32Array(total).fill(-1);
    const lastChild = new Int32Array(total).fill(-1);
    const nextSibling = new Int32Array(total).fill(-1);
    const value = new Int32Array(total).fill(-1);
    const stack: number[] = [0];
    let count = 1;
    let prev = '';
    for (const key of keys) {
      let lcp = 0;
      while (lcp < prev.length && lcp < key.length && prev.charCodeAt(lcp) === key.charCodeAt(lcp)) lcp++;
      for (let d = lcp; d < key.length; d++) {
        const parent = stack[d]!;
        const node = count++;
        char[node] = key.charCodeAt(d);
        if (lastChild[parent]! < 0) firstChild[parent] = node; else nextSibling[lastChild[parent]!] = node;
        lastChild[parent] = node;
        stack[d + 1] = node;
      }
      value[stack[key.length]!] = entries.get(key)!;
      prev = key;
    }
    // Pass 2: lay each node's children out as one sorted run of edges.
    this.firstEdge = new Int32Array(count);
    this.edgeCount = new Int32Array(count);
    this.edgeChar = new Uint16Array(Math.max(0, count - 1));
    this.edgeTarget = new Int32Array(Math.max(0, count - 1));
    let edge = 0;
    for (let n = 0; n < count; n++) {
      this.firstEdge[n] = edge;
      for (let c = firstChild[n]!; c >= 0; c = nextSibling[c]!) { this.edgeChar[edge] = char[c]!; this.edgeTarget[edge] = c; edge++; }
      this.edgeCount[n] = edge - this.firstEdge[n]!;
    }
    this.value = value.slice(0, count);
    this.size = keys.length;
  }

  private child(node: number, c: number): number {
    let lo = this.firstEdge[node]!;
    let hi = lo + this.edgeCount[node]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = this.edgeChar[mid]!;
      if (m === c) return this.edgeTarget[mid]!;
      if (m < c) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  }

  /**
   * Every key that starts at `from` in `text`, as [end (exclusive), value], shortest first. The walk
   * stops where no key continues, so scanning a text costs its length times the depth actually met.
   */
  prefixesAt(text: string, from: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    let node = 0;
    for (let i = from; i < text.length; i++) {
      node = this.child(node, text.charCodeAt(i));
      if (node < 0) break;
      const v = this.value[node]!;
      if (v >= 0) out.push([i + 1, v]);
    }
    return out;
  }

  /** The value stored for exactly this key, or -1. */
  get(key: string): number {
    let node = 0;
    for (let i = 0; i < key.length && node >= 0; i++) node = this.child(node, key.charCodeAt(i));
    return node < 0 ? -1 : this.value[node]!;
  }

  /** Approximate bytes held by the arrays. */
  bytes(): number {
    return this.firstEdge.byteLength * 3 + this.edgeChar.byteLength + this.edgeTarget.byteLength;
  }
}
