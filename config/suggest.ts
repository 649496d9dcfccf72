/**
 * "Did you mean …": the closest valid name to a misspelt one. Case, `-` and `_` are ignored first,
 * because `interval_ms` and `intervalms` are the common slips in hand-written YAML.
 * @packageDocumentation
 */

/** A name with case, `-`, `_` and spaces removed, for comparing spellings. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, "");
}

/** Edit distance (insert, delete, substitute one character). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitute));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** How many edits still count as a typo: short names allow fewer, so `foo` never suggests `log`. */
function tolerance(length: number): number {
  if (length <= 4) return 1;
  return length <= 8 ? 2 : 3;
}

/** The candidate closest to `name`, if one is close enough to be a likely typo. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = normalizeName(name);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalizeName(candidate));
    if (distance < bestDistance && distance <= tolerance(candidate.length)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
