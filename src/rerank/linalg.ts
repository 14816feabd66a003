/* eslint-disable @typescript-eslint/no-non-null-assertion --
 * Numeric kernels over typed arrays: every index stays inside the bounds
 * the caller sized, and a `?? 0` per element costs about 15% in V8. The
 * assertions are kept to this file on purpose.
 */

/**
 * Adds a weighted sum of columns to `out`: out[j] += Σ weights[x] *
 * columns[x * n + j] for x < count and j < n. Columns are stored one after
 * another (column-major), so the inner loop streams memory. Unrolled by
 * sixteen columns, then four: it is the hot loop of both re-rankers, as the
 * kernel row (a matrix-vector product) and as the Cholesky inner products,
 * and each pass over `out` costs a load and a store per element.
 */
export function addWeightedColumns(
  out: Float64Array,
  columns: Float64Array,
  n: number,
  weights: Float64Array,
  count: number,
): void {
  let x = 0;
  for (; x + 15 < count; x += 16) {
    addSixteen(out, columns, n, weights, x, x + 8);
  }
  for (; x + 3 < count; x += 4) addFour(out, columns, n, weights, x);
  for (; x < count; x++) {
    const w = weights[x]!;
    const o = x * n;
    for (let j = 0; j < n; j++) out[j]! += w * columns[o + j]!;
  }
}

/** Adds columns x..x+7 and y..y+7 in one pass over `out`. */
function addSixteen(
  out: Float64Array,
  c: Float64Array,
  n: number,
  w: Float64Array,
  x: number,
  y: number,
) {
  // Plain locals, not destructuring: no array is built per call.
  const w0 = w[x]!;
  const w1 = w[x + 1]!;
  const w2 = w[x + 2]!;
  const w3 = w[x + 3]!;
  const w4 = w[x + 4]!;
  const w5 = w[x + 5]!;
  const w6 = w[x + 6]!;
  const w7 = w[x + 7]!;
  const v0 = w[y]!;
  const v1 = w[y + 1]!;
  const v2 = w[y + 2]!;
  const v3 = w[y + 3]!;
  const v4 = w[y + 4]!;
  const v5 = w[y + 5]!;
  const v6 = w[y + 6]!;
  const v7 = w[y + 7]!;
  const o0 = x * n;
  const o1 = o0 + n;
  const o2 = o1 + n;
  const o3 = o2 + n;
  const o4 = o3 + n;
  const o5 = o4 + n;
  const o6 = o5 + n;
  const o7 = o6 + n;
  const p0 = y * n;
  const p1 = p0 + n;
  const p2 = p1 + n;
  const p3 = p2 + n;
  const p4 = p3 + n;
  const p5 = p4 + n;
  const p6 = p5 + n;
  const p7 = p6 + n;
  for (let j = 0; j < n; j++) {
    out[j]! +=
      w0 * c[o0 + j]! +
      w1 * c[o1 + j]! +
      w2 * c[o2 + j]! +
      w3 * c[o3 + j]! +
      w4 * c[o4 + j]! +
      w5 * c[o5 + j]! +
      w6 * c[o6 + j]! +
      w7 * c[o7 + j]! +
      v0 * c[p0 + j]! +
      v1 * c[p1 + j]! +
      v2 * c[p2 + j]! +
      v3 * c[p3 + j]! +
      v4 * c[p4 + j]! +
      v5 * c[p5 + j]! +
      v6 * c[p6 + j]! +
      v7 * c[p7 + j]!;
  }
}

function addFour(
  out: Float64Array,
  c: Float64Array,
  n: number,
  w: Float64Array,
  x: number,
) {
  const w0 = w[x]!;
  const w1 = w[x + 1]!;
  const w2 = w[x + 2]!;
  const w3 = w[x + 3]!;
  const o0 = x * n;
  const o1 = o0 + n;
  const o2 = o1 + n;
  const o3 = o2 + n;
  for (let j = 0; j < n; j++) {
    out[j]! +=
      w0 * c[o0 + j]! + w1 * c[o1 + j]! + w2 * c[o2 + j]! + w3 * c[o3 + j]!;
  }
}

/**
 * Applies a Givens rotation to two columns of length n: (a, b) becomes
 * (cos a + sin b, cos b - sin a). `a` is read from column `from` and written
 * to column `to`, so a sequence of rotations can also shift columns left.
 */
export function rotateColumns(
  columns: Float64Array,
  n: number,
  from: number,
  to: number,
  extra: Float64Array,
  cos: number,
  sin: number,
): void {
  const src = from * n;
  const dst = to * n;
  for (let i = 0; i < n; i++) {
    const a = columns[src + i]!;
    const b = extra[i]!;
    columns[dst + i] = cos * a + sin * b;
    extra[i] = cos * b - sin * a;
  }
}

/**
 * Index of the largest value among open candidates (status 0), the lowest
 * index on ties; -1 when none is open.
 */
export function argmaxOpen(values: Float64Array, status: Uint8Array): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (status[i] !== 0) continue;
    const value = values[i]!;
    if (value > bestValue) {
      best = i;
      bestValue = value;
    }
  }
  return best;
}

/**
 * Dot product of the vectors at offsets a and b of one array, unrolled by
 * four; the hot loop of lazy re-ranking, one similarity at a time.
 */
export function dotAt(
  v: Float64Array,
  a: number,
  b: number,
  dims: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < dims; d += 4) {
    s0 += v[a + d]! * v[b + d]!;
    s1 += v[a + d + 1]! * v[b + d + 1]!;
    s2 += v[a + d + 2]! * v[b + d + 2]!;
    s3 += v[a + d + 3]! * v[b + d + 3]!;
  }
  for (; d < dims; d++) s0 += v[a + d]! * v[b + d]!;
  return s0 + s1 + (s2 + s3);
}

/** Dot product of a[aAt .. aAt + dims) and b[bAt .. bAt + dims). */
export function dotBetween(
  a: Float64Array,
  aAt: number,
  b: Float64Array,
  bAt: number,
  dims: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let d = 0;
  for (; d + 1 < dims; d += 2) {
    s0 += a[aAt + d]! * b[bAt + d]!;
    s1 += a[aAt + d + 1]! * b[bAt + d + 1]!;
  }
  if (d < dims) s0 += a[aAt + d]! * b[bAt + d]!;
  return s0 + s1;
}

/**
 * out[t] = <rows[t * dims ...], v[at ...]> for t in [from, to): several
 * dot products against one vector, four rows per pass so that each value
 * of v is read once per four rows and four sums run side by side.
 */
export function dotsAgainst(
  rows: Float64Array,
  from: number,
  to: number,
  v: Float64Array,
  at: number,
  dims: number,
  out: Float64Array,
): void {
  let t = from;
  for (; t + 3 < to; t += 4) {
    const r0 = t * dims;
    const r1 = r0 + dims;
    const r2 = r1 + dims;
    const r3 = r2 + dims;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let d = 0; d < dims; d++) {
      const x = v[at + d]!;
      s0 += rows[r0 + d]! * x;
      s1 += rows[r1 + d]! * x;
      s2 += rows[r2 + d]! * x;
      s3 += rows[r3 + d]! * x;
    }
    out[t] = s0;
    out[t + 1] = s1;
    out[t + 2] = s2;
    out[t + 3] = s3;
  }
  for (; t < to; t++) out[t] = dotBetween(rows, t * dims, v, at, dims);
}
