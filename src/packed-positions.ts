import type { Position } from './diagnostics.js';
import type { Positions } from './schema.js';

/**
 * An episode's positions as the parse store keeps them: the paths joined into one string, and for
 * each path its length, line, column, end line and end column (NO_VALUE when absent) in one array
 * of small integers (an Int32Array went through a host-object callback of Node's deserializer:
 * 4,000 of them took about a third longer to deserialize than plain arrays, in a scratch script).
 * Kept as a Map, the 20 or so positions of an episode were about 40 objects to deserialize, and to
 * carry through the young generation, at every build for every unchanged episode: at 4,000
 * episodes about half of the parse store's deserialization, for positions that only a diagnostic reads.
 */
export interface PackedPositionsData {
  paths: string;
  numbers: number[];
}

const FIELDS = 5;
const NO_VALUE = -1;

/** The packed form of `positions`, or undefined when a position holds anything the packed form cannot say exactly. */
export function packPositions(positions: Positions): PackedPositionsData | undefined {
  const numbers: number[] = [];
  const paths: string[] = [];
  for (const [path, position] of positions) {
    if (!isPackable(position)) return undefined;
    numbers.push(path.length, position.line, position.column, position.endLine ?? NO_VALUE, position.endColumn ?? NO_VALUE);
    paths.push(path);
  }
  return { paths: paths.join(''), numbers };
}

function isPackable(position: Position): boolean {
  for (const key of Object.keys(position)) if (!PACKED_KEYS.has(key)) return false;
  const { line, column, endLine, endColumn } = position;
  return isCount(line) && isCount(column) && (endLine === undefined || isCount(endLine)) && (endColumn === undefined || isCount(endColumn));
}

const PACKED_KEYS: ReadonlySet<string> = new Set(['line', 'column', 'endLine', 'endColumn']);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0x7fffffff;

/** Whether `value` is a packed form whose lengths add up to its paths: anything else in a store is not trusted. */
export function isPackedPositions(value: unknown): value is PackedPositionsData {
  if (typeof value !== 'object' || value === null) return false;
  const { paths, numbers } = value as Partial<PackedPositionsData>;
  if (typeof paths !== 'string' || !Array.isArray(numbers) || numbers.length % FIELDS !== 0) return false;
  // One indexed loop: a build runs this once for each of thousands of entries, mostly before V8
  // optimizes it, where an iterator (for…of) and a second pass over the numbers cost three times as much.
  let length = 0;
  for (let index = 0; index < numbers.length; index++) {
    const number: unknown = numbers[index];
    // Path length, line and column are counts; end line and end column may be NO_VALUE.
    if (!Number.isSafeInteger(number) || (number as number) < (index % FIELDS < 3 ? 0 : NO_VALUE)) return false;
    if (index % FIELDS === 0) length += number as number;
  }
  return length === paths.length;
}

/**
 * Positions read from their packed form the first time anything asks for one: a build after an
 * edit reads the positions of the few episodes it reports on, not those of the whole archive.
 * A Map, so that every reader of positions takes it as any other. V8 serializes a Map from its
 * own table, which stays empty until then: whoever serializes positions packs them first
 * (`packPositions`, which reads them all).
 */
export class PackedPositions extends Map<string, Position> {
  #packed: PackedPositionsData | undefined;

  constructor(packed: PackedPositionsData) {
    super();
    this.#packed = packed;
  }

  #unpack(): void {
    const packed = this.#packed;
    if (packed === undefined) return;
    this.#packed = undefined;
    const { paths, numbers } = packed;
    let from = 0;
    for (let index = 0; index < numbers.length; index += FIELDS) {
      const path = paths.slice(from, from + numbers[index]!);
      from += numbers[index]!;
      const position: Position = { line: numbers[index + 1]!, column: numbers[index + 2]! };
      if (numbers[index + 3] !== NO_VALUE) position.endLine = numbers[index + 3]!;
      if (numbers[index + 4] !== NO_VALUE) position.endColumn = numbers[index + 4]!;
      super.set(path, position);
    }
  }

  override get size(): number {
    this.#unpack();
    return super.size;
  }

  override get(key: string): Position | undefined {
    this.#unpack();
    return super.get(key);
  }

  override has(key: string): boolean {
    this.#unpack();
    return super.has(key);
  }

  override set(key: string, value: Position): this {
    this.#unpack();
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    this.#unpack();
    return super.delete(key);
  }

  override clear(): void {
    this.#packed = undefined;
    super.clear();
  }

  override forEach(callback: (value: Position, key: string, map: Map<string, Position>) => void, thisArg?: unknown): void {
    this.#unpack();
    super.forEach(callback, thisArg);
  }

  override keys(): MapIterator<string> {
    this.#unpack();
    return super.keys();
  }

  override values(): MapIterator<Position> {
    this.#unpack();
    return super.values();
  }

  override entries(): MapIterator<[string, Position]> {
    this.#unpack();
    return super.entries();
  }

  override [Symbol.iterator](): MapIterator<[string, Position]> {
    this.#unpack();
    return super[Symbol.iterator]();
  }
}
