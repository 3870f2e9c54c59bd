/** Follows NextToken until AWS says there is no more. */
export async function paginate<T>(fetch: (nextToken: string | undefined) => Promise<{ items?: readonly T[]; nextToken?: string }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    all.push(...(page.items ?? []));
    token = page.nextToken;
  } while (token);
  return all;
}
