/** Every page of an SDK paginator, in order. */
export async function allPages<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/** The items of every page of an SDK paginator, flattened. */
export async function allItems<P, I>(pages: AsyncIterable<P>, items: (page: P) => readonly I[] | undefined): Promise<I[]> {
  const out: I[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}
