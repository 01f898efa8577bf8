/** commander collector for repeatable options (`--rules A --rules B`). */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];
